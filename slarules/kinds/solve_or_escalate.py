"""``solve_or_escalate``: solve within the budget, or escalate to level N by the due time.

Met by solving in time (``done`` is the solving event; solved before the clock
started counts too) or by an escalation to level N or higher at or before the
due time; breached otherwise once due. ``repeat: each`` starts a clock at every
start event (every arrival on site).
"""

from __future__ import annotations

from .. import model as m
from ..case import Case
from ..events import Event
from ..results import Finding, Step
from .common import (
    Context,
    budget_step,
    due_step,
    finding_for,
    fmt,
    human,
    lazy,
    pause_steps,
    pick_budget,
    start_step,
    text,
    verdict,
)

TYPE = "solve_or_escalate"


def evaluate(ctx: Context, ob: m.SolveOrEscalate, case: Case) -> list[Finding]:
    starts = case.all(ob.start)
    if ob.repeat != "each":
        starts = starts[:1]
    return [_one(ctx, ob, case, start_event) for start_event in starts]


def _one(ctx: Context, ob: m.SolveOrEscalate, case: Case, start_event: Event) -> Finding:
    tz = ctx.contract.tz
    start = start_event.at
    explain = ctx.explain  # steps are built only for an explanation
    steps: list[Step] = []
    if explain:
        steps.append(start_step(ctx, start_event.name, start))
    pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
    if pick.duration is None:
        na = pick.not_applicable or text("不适用", "not applicable")
        return Finding("not_applicable", na, start=start, steps=tuple(steps))
    pauses = case.pauses(ctx.contract, ob.pauses) if ob.pauses else []
    if explain:
        steps.append(budget_step(pick))
    if explain:
        steps.extend(pause_steps(ctx, pauses, start))
    due = ctx.clocks.due(ob.clock, start, pick.duration, pauses, ctx.as_of)
    if explain:
        steps.append(due_step(ctx, ob.clock, due))
    solved = case.first(ob.solved)
    escalation = next(
        (e for e in case.all("escalated") if int(e.get("level", 0)) >= ob.escalate_to), None
    )
    if explain and solved is not None:
        steps.append(_solved_step(ctx, solved))
    if explain and escalation is not None:
        steps.append(_escalated_step(ctx, escalation))
    if solved is not None and solved.at <= due:
        at = solved.at
        reason = lazy(
            lambda: text(
                f"{fmt(at, tz)} 已解决, 无需升级 (提前 {human(due - at)})",
                f"solved at {fmt(at, tz)}, {human(due - at)} before escalation was due",
            )
        )
        return finding_for(
            ctx,
            start=start,
            due=due,
            done=at,
            what=text("解决", "solved"),
            clock=ob.clock,
            budget=pick.duration,
            steps=tuple(steps),
            reason=reason,
        )
    done = escalation.at if escalation is not None else None
    what = text(f"升级到第{ob.escalate_to}级", f"escalation to level {ob.escalate_to}")
    return finding_for(
        ctx,
        start=start,
        due=due,
        done=done,
        what=what,
        clock=ob.clock,
        budget=pick.duration,
        steps=tuple(steps),
        status=verdict(due, done, ctx.as_of),
    )


def _solved_step(ctx: Context, solved: Event) -> Step:
    reading = ctx.contract.reading("solved_means")
    at = fmt(solved.at, ctx.contract.tz)
    return Step(
        text(
            f"解决 ({solved.name}, readings.solved_means = {reading}): {at}",
            f"solved ({solved.name}, readings.solved_means = {reading}) at {at}",
        ),
        solved.at,
    )


def _escalated_step(ctx: Context, escalation: Event) -> Step:
    level = escalation.get("level")
    at = fmt(escalation.at, ctx.contract.tz)
    return Step(
        text(f"升级到第{level}级: {at}", f"escalated to level {level} at {at}"), escalation.at
    )
