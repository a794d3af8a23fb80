"""``solve_or_escalate``: solve within the budget, or escalate to level N by the due time."""

from __future__ import annotations

from .. import model as m
from ..case import Case
from ..results import Finding, Step
from .common import Context, finding_for, fmt, human, pause_steps, pick_budget, verdict

TYPE = "solve_or_escalate"


def evaluate(ctx: Context, ob: m.SolveOrEscalate, case: Case) -> list[Finding]:
    start_event = case.first(ob.start)
    if start_event is None:
        return []
    tz = ctx.contract.tz
    start = start_event.at
    steps: list[Step] = [Step(m.Text(f"起点: {start_event.name} {fmt(start, tz)}",
                                     f"start: {start_event.name} at {fmt(start, tz)}"), start)]
    pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
    if pick.not_applicable is not None or pick.duration is None:
        return [Finding("not_applicable", pick.not_applicable or m.Text("不适用", "n/a"), start=start,
                        steps=tuple(steps))]
    pauses = case.pauses(ctx.contract, ob.pauses)
    steps.append(Step(m.Text(f"时限: {pick.duration} ({pick.source.zh})", f"budget: {pick.duration} ({pick.source.en})")))
    steps.extend(pause_steps(ctx, pauses, start))
    due = ctx.clocks.due(ob.clock, start, pick.duration, pauses)
    clock_text = ctx.clocks.describe(ob.clock)
    steps.append(Step(m.Text(f"到期: {fmt(due, tz)} ({clock_text.zh})", f"due: {fmt(due, tz)} on {clock_text.en}"), due))
    solved = case.first(ob.solved, after=start)
    escalations = [e for e in case.all("escalated") if int(e.get("level", 0)) >= ob.escalate_to]
    escalation = escalations[0] if escalations else None
    solved_reading = ctx.contract.reading("solved_means")
    if solved is not None:
        steps.append(Step(m.Text(f"解决 ({solved.name}, readings.solved_means = {solved_reading}): {fmt(solved.at, tz)}",
                                 f"solved ({solved.name}, readings.solved_means = {solved_reading}) at {fmt(solved.at, tz)}"), solved.at))
    if escalation is not None:
        steps.append(Step(m.Text(f"升级到第{escalation.get('level')}级: {fmt(escalation.at, tz)}",
                                 f"escalated to level {escalation.get('level')} at {fmt(escalation.at, tz)}"), escalation.at))
    level = f"{ob.escalate_to}"
    if solved is not None and solved.at <= due:
        return [finding_for(ctx, start=start, due=due, done=solved.at, what=m.Text("解决", "solved"),
                            clock=ob.clock, budget=pick.duration, source=pick.source, steps=tuple(steps),
                            reason=m.Text(f"{fmt(solved.at, tz)} 已解决, 无需升级 (提前 {human(due - solved.at)})",
                                          f"solved at {fmt(solved.at, tz)}, {human(due - solved.at)} before escalation was due"))]
    done = escalation.at if escalation is not None else None
    return [finding_for(ctx, start=start, due=due, done=done,
                        what=m.Text(f"升级到第{level}级", f"escalation to level {level}"),
                        clock=ob.clock, budget=pick.duration, source=pick.source, steps=tuple(steps),
                        status=verdict(due, done, ctx.as_of))]
