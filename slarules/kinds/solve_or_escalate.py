"""``solve_or_escalate``: solve within the budget, or escalate to level N by the due time.

The clock ends at whichever comes first: the solving event (solved before the
clock started counts too) or an escalation to level N or higher. ``done`` is
that event: met when it is at or before the due time, breached when later (the
lateness is measured to it, not to the audit's as-of time); with neither, the
clock runs on (pending, or breached once due). A solving event that a later one
undoes (a reopening) never ends the clock: the case never shows it.
``repeat: each`` starts a clock at every start event (every arrival on site).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import partial

from .. import model as m
from ..case import Case
from ..events import Event
from ..results import Finding, Step
from .common import (
    Context,
    budget_step,
    default_reason,
    due_step,
    finding_for,
    fmt,
    human,
    pause_steps,
    pick_budget,
    start_step,
    text,
    verdict,
)

TYPE = "solve_or_escalate"


def evaluate(ctx: Context, ob: m.SolveOrEscalate, case: Case) -> list[Finding]:
    return compile(ctx, ob)(case)


def compile(ctx: Context, ob: m.SolveOrEscalate) -> Callable[[Case], list[Finding]]:
    """The obligation's evaluator; an explanation takes :func:`_one`, which records steps."""
    if ctx.explain:
        return partial(_each, ctx, ob)
    contract, clocks, as_of, tz = ctx.contract, ctx.clocks, ctx.as_of, ctx.contract.tz
    start_name, solved_name, clock, level = ob.start, ob.solved, ob.clock, ob.escalate_to
    budget, applies, pause_ids, each = (
        ob.budget,
        ob.applies_severity,
        ob.pauses,
        ob.repeat == "each",
    )
    not_applicable = text("不适用", "not applicable")
    what = _escalation_to(level)

    def run(case: Case) -> list[Finding]:
        starts = case.all(start_name)
        if not each:
            starts = starts[:1]
        ended: Event | None = None
        looked = False
        findings = []
        for start_event in starts:
            start = start_event.at
            pick = pick_budget(ctx, case, budget, start, applies)
            duration = pick.duration
            if duration is None:
                na = pick.not_applicable or not_applicable
                findings.append(Finding("not_applicable", na, start))
                continue
            pauses = case.pauses(contract, pause_ids) if pause_ids else ()
            due = clocks.due(clock, start, duration, pauses, as_of)
            if not looked:
                ended, looked = _ended(case, solved_name, level), True
            done = None if ended is None else ended.at
            status = verdict(due, done, as_of)
            if ended is not None and ended.name == solved_name:
                reason: m.Words = m.LazyText(_solved_reason, status, ended.at, due, tz)
            else:
                reason = m.LazyText(default_reason, status, what, due, done, as_of, tz)
            findings.append(Finding(status, reason, start, due, done, clock, duration.label))
        return findings

    return run


def _escalation_to(level: int) -> m.Text:
    return text(f"升级到第{level}级", f"escalation to level {level}")


def _ended(case: Case, solved: str, level: int) -> Event | None:
    """What ended the clock: the solving event or the escalation, whichever came first."""
    solution = case.first(solved)
    escalation = _escalation(case, level)
    if solution is None or (escalation is not None and escalation.at < solution.at):
        return escalation
    return solution


def _escalation(case: Case, level: int) -> Event | None:
    """The first escalation to ``level`` or higher."""
    for event in case.all("escalated"):
        if int(event.get("level", 0)) >= level:
            return event
    return None


def _solved_reason(status: str, at: datetime, due: datetime, tz: tzinfo) -> m.Text:
    if status == "met":
        return text(
            f"{fmt(at, tz)} 已解决, 无需升级 (提前 {human(due - at)})",
            f"solved at {fmt(at, tz)}, {human(due - at)} before escalation was due",
        )
    return text(
        f"{fmt(at, tz)} 才解决, 未按时升级 (超时 {human(at - due)})",
        f"solved at {fmt(at, tz)} without the escalation due {human(at - due)} before",
    )


def _each(ctx: Context, ob: m.SolveOrEscalate, case: Case) -> list[Finding]:
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
    escalation = _escalation(case, ob.escalate_to)
    if explain and solved is not None:
        steps.append(_solved_step(ctx, solved))
    if explain and escalation is not None:
        steps.append(_escalated_step(ctx, escalation))
    ended = _ended(case, ob.solved, ob.escalate_to)
    done = None if ended is None else ended.at
    status = verdict(due, done, ctx.as_of)
    reason: m.Words | None = None
    what = _escalation_to(ob.escalate_to)
    if ended is not None and ended.name == ob.solved:
        reason = m.LazyText(_solved_reason, status, ended.at, due, tz)
        what = text("解决", "solved")
    return finding_for(
        ctx,
        start=start,
        due=due,
        done=done,
        what=what,
        clock=ob.clock,
        budget=pick.duration,
        steps=tuple(steps),
        status=status,
        reason=reason,
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
