"""``solve_or_escalate``: solve within the budget, or escalate to level N by the due time.

Met by solving in time (``done`` is the solving event) or by an escalation to
level N or higher at or before the due time; breached otherwise once due.
``repeat: each`` starts a clock at every start event (every arrival on site).
"""

from __future__ import annotations

from .. import model as m
from ..case import Case
from ..events import Event
from ..results import Finding, Step
from .common import Context, finding_for, fmt, human, pause_steps, pick_budget, verdict

TYPE = "solve_or_escalate"


def evaluate(ctx: Context, ob: m.SolveOrEscalate, case: Case) -> list[Finding]:
    starts = case.all(ob.start)
    if ob.repeat != "each":
        starts = starts[:1]
    return [_one(ctx, ob, case, start_event) for start_event in starts]


def _one(ctx: Context, ob: m.SolveOrEscalate, case: Case, start_event: Event) -> Finding:
    tz = ctx.contract.tz
    start = start_event.at
    steps: list[Step] = [
        Step(
            m.Text(
                f"起点: {start_event.name} {fmt(start, tz)}",
                f"start: {start_event.name} at {fmt(start, tz)}",
            ),
            start,
        )
    ]
    pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
    if pick.not_applicable is not None or pick.duration is None:
        reason = pick.not_applicable or m.Text("不适用", "not applicable")
        return Finding("not_applicable", reason, start=start, steps=tuple(steps))
    pauses = case.pauses(ctx.contract, ob.pauses)
    steps.append(
        Step(
            m.Text(
                f"时限: {pick.duration} ({pick.source.zh})",
                f"budget: {pick.duration} ({pick.source.en})",
            )
        )
    )
    steps.extend(pause_steps(ctx, pauses, start))
    due = ctx.clocks.due(ob.clock, start, pick.duration, pauses, ctx.as_of)
    clock_text = ctx.clocks.describe(ob.clock)
    steps.append(
        Step(
            m.Text(
                f"到期: {fmt(due, tz)} ({clock_text.zh})", f"due: {fmt(due, tz)} on {clock_text.en}"
            ),
            due,
        )
    )
    solved = case.first(ob.solved)  # solved before the clock started is solved too
    escalation = next(
        (e for e in case.all("escalated") if int(e.get("level", 0)) >= ob.escalate_to), None
    )
    reading = ctx.contract.reading("solved_means")
    if solved is not None:
        steps.append(
            Step(
                m.Text(
                    f"解决 ({solved.name}, readings.solved_means = {reading}): {fmt(solved.at, tz)}",
                    f"solved ({solved.name}, readings.solved_means = {reading}) at {fmt(solved.at, tz)}",
                ),
                solved.at,
            )
        )
    if escalation is not None:
        level = escalation.get("level")
        steps.append(
            Step(
                m.Text(
                    f"升级到第{level}级: {fmt(escalation.at, tz)}",
                    f"escalated to level {level} at {fmt(escalation.at, tz)}",
                ),
                escalation.at,
            )
        )
    common = dict(
        start=start,
        due=due,
        clock=ob.clock,
        budget=pick.duration,
        source=pick.source,
        steps=tuple(steps),
    )
    if solved is not None and solved.at <= due:
        spare = human(due - solved.at)
        return finding_for(
            ctx,
            done=solved.at,
            what=m.Text("解决", "solved"),
            **common,  # type: ignore[arg-type]
            reason=m.Text(
                f"{fmt(solved.at, tz)} 已解决, 无需升级 (提前 {spare})",
                f"solved at {fmt(solved.at, tz)}, {spare} before escalation was due",
            ),
        )
    done = escalation.at if escalation is not None else None
    what = m.Text(f"升级到第{ob.escalate_to}级", f"escalation to level {ob.escalate_to}")
    return finding_for(ctx, done=done, what=what, status=verdict(due, done, ctx.as_of), **common)  # type: ignore[arg-type]
