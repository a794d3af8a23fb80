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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from .. import model as m
from ..case import Case
from ..columnar.base import lit
from ..columnar.sql import Plan
from ..durations import Duration
from ..events import Event
from ..results import Finding, Msg, Ref, Step, Values
from .base import CLOCK_UNITS, Clocked, Kind, Place, Running, budget_terms, na_values
from .common import (
    NOT_APPLICABLE,
    Context,
    budget_step,
    clock_code,
    due_step,
    finding_for,
    pause_steps,
    pick_budget,
    start_step,
    verdict,
)

TYPE = "solve_or_escalate"


@dataclass(frozen=True, slots=True)
class SolveOrEscalate(m.Obligation):
    start: str
    solved: str
    escalate_to: int
    clock: str
    budget: m.Budget
    repeat: str = "first"
    pauses: tuple[str, ...] = ()
    applies_severity: tuple[str, ...] = ()


def evaluate(ctx: Context, ob: SolveOrEscalate, case: Case) -> list[Finding]:
    return compile(ctx, ob)(case)


def _escalation_to(level: int) -> Values:
    return (("what", Msg("what.escalation", (("level", level),))),)


def _reason(status: str, ended: Event | None, solved: str, level: int) -> tuple[str, Values]:
    """The reason: the solving event's own words when it ended the clock."""
    if ended is not None and ended.name == solved:
        return ("solved.met" if status == "met" else "solved.late"), ()
    return clock_code(status, None if ended is None else ended.at), _escalation_to(level)


def compile(ctx: Context, ob: SolveOrEscalate) -> Callable[[Case], list[Finding]]:
    """The obligation's evaluator; an explanation takes :func:`_one`, which records steps."""
    if ctx.explain:
        return partial(_each, ctx, ob)
    contract, clocks, as_of = ctx.contract, ctx.clocks, ctx.as_of
    start_name, solved_name, clock, level = ob.start, ob.solved, ob.clock, ob.escalate_to
    budget, applies, pause_ids, each = (
        ob.budget,
        ob.applies_severity,
        ob.pauses,
        ob.repeat == "each",
    )

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
                na = pick.not_applicable or NOT_APPLICABLE
                findings.append(Finding("not_applicable", na.code, start, values=na.values))
                continue
            pauses = case.pauses(contract, pause_ids) if pause_ids else ()
            due = clocks.due(clock, start, duration, pauses, as_of)
            if not looked:
                ended, looked = _ended(case, solved_name, level), True
            done = None if ended is None else ended.at
            status = verdict(due, done, as_of)
            code, values = _reason(status, ended, solved_name, level)
            findings.append(Finding(status, code, start, due, done, clock, duration, values=values))
        return findings

    return run


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


def _each(ctx: Context, ob: SolveOrEscalate, case: Case) -> list[Finding]:
    starts = case.all(ob.start)
    if ob.repeat != "each":
        starts = starts[:1]
    return [_one(ctx, ob, case, start_event) for start_event in starts]


def _one(ctx: Context, ob: SolveOrEscalate, case: Case, start_event: Event) -> Finding:
    start = start_event.at
    explain = ctx.explain  # steps are built only for an explanation
    steps: list[Step] = []
    if explain:
        steps.append(start_step(start_event.name, start))
    pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
    if pick.duration is None:
        na = pick.not_applicable or NOT_APPLICABLE
        return Finding("not_applicable", na.code, start, steps=tuple(steps), values=na.values)
    pauses = case.pauses(ctx.contract, ob.pauses) if ob.pauses else []
    if explain:
        steps.append(budget_step(pick))
        steps.extend(pause_steps(pauses, start))
    due = ctx.clocks.due(ob.clock, start, pick.duration, pauses, ctx.as_of)
    if explain:
        steps.append(due_step(ob.clock, due))
    solved = case.first(ob.solved)
    escalation = _escalation(case, ob.escalate_to)
    if explain and solved is not None:
        steps.append(_solved_step(ctx, solved))
    if explain and escalation is not None:
        steps.append(_escalated_step(escalation))
    ended = _ended(case, ob.solved, ob.escalate_to)
    done = None if ended is None else ended.at
    status = verdict(due, done, ctx.as_of)
    code, values = _reason(status, ended, ob.solved, ob.escalate_to)
    return finding_for(
        ctx,
        start=start,
        due=due,
        done=done,
        values=values,
        clock=ob.clock,
        budget=pick.duration,
        steps=tuple(steps),
        status=status,
        code=code,
    )


def _solved_step(ctx: Context, solved: Event) -> Step:
    reading = ctx.contract.reading("solved_means")
    values: Values = (("event", Ref("event", solved.name)), ("reading", reading), ("at", solved.at))
    return Step("step.solved", values, solved.at)


def _escalated_step(escalation: Event) -> Step:
    values: Values = (("level", escalation.get("level")), ("at", escalation.at))
    return Step("step.escalated", values, escalation.at)


class SolveOrEscalateKind(Kind):
    type = TYPE
    schema = TYPE
    model = SolveOrEscalate

    def build(self, place: Place, base: dict[str, Any]) -> SolveOrEscalate:
        raw = place.raw
        return SolveOrEscalate(
            **base,
            start=place.event("start"),
            solved=place.event("solved"),
            escalate_to=raw["escalate_to"],
            clock=raw["clock"],
            budget=place.budget("budget", CLOCK_UNITS[raw["clock"]]),
            repeat=raw.get("repeat", "first"),
            pauses=tuple(raw.get("pauses", [])),
            applies_severity=place.severities("applies", "severity"),
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, SolveOrEscalate)
        return budget_terms(ob.budget, instant)

    def counts_days(self, ob: m.Obligation) -> bool:
        assert isinstance(ob, SolveOrEscalate)
        return ob.clock != "elapsed"

    def starts(self, ob: m.Obligation) -> str:
        assert isinstance(ob, SolveOrEscalate)
        return ob.start

    def clocked(self, ob: m.Obligation) -> Clocked | None:
        assert isinstance(ob, SolveOrEscalate)
        return Clocked(ob.start, ob.clock, ob.budget, ob.applies_severity)

    def compile(self, ctx: Context, ob: m.Obligation) -> Callable[[Case], list[Finding]]:
        assert isinstance(ob, SolveOrEscalate)
        return compile(ctx, ob)

    def running(
        self, ctx: Context, ob: m.Obligation, finding: Finding, case: Case | None
    ) -> Running | None:
        """Until the solving event or an escalation to the level, whichever comes first."""
        assert isinstance(ob, SolveOrEscalate)
        if finding.start is None:
            return None
        pauses = case.pauses(ctx.contract, ob.pauses) if case is not None and ob.pauses else ()
        step = Msg(
            "what.solve_or_escalate",
            (("event", Ref("event", ob.solved)), ("level", ob.escalate_to)),
        )
        return Running(finding.start, step, (ob.solved, "escalated"), pauses)

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """Each start's due; the clock ends at the case's first solving event or first
        escalation to the level or higher, whichever comes first (as :func:`_ended`)."""
        assert isinstance(ob, SolveOrEscalate)
        starts = plan.starts(ob.start, each=ob.repeat == "each")
        pick = plan.pick(starts, ob.budget, ob.applies_severity, ob.id)
        due = plan.due(pick, ob.clock, ob.pauses)
        solution = plan.first_of(ob.solved)
        escalation = (
            f"(SELECT case_id, ts, seq FROM (SELECT case_id, ts, seq, ROW_NUMBER() OVER (PARTITION"
            f" BY case_id ORDER BY ts, tr) AS n FROM ev_live WHERE name = 'escalated' AND level >="
            f" {int(ob.escalate_to)}) x WHERE n = 1)"
        )
        ended = plan.table(
            "ended",
            f"SELECT d.*, CASE WHEN s.ts IS NULL OR (e.ts IS NOT NULL AND e.ts < s.ts) THEN e.ts"
            f" ELSE s.ts END AS done, CASE WHEN s.ts IS NULL OR (e.ts IS NOT NULL AND e.ts < s.ts)"
            f" THEN FALSE ELSE TRUE END AS solved FROM {due} d LEFT JOIN {solution} s ON"
            f" s.case_id = d.case_id LEFT JOIN {escalation} e ON e.case_id = d.case_id",
        )
        status = (
            f"CASE WHEN done IS NOT NULL THEN CASE WHEN done <= due THEN 'met' ELSE 'breached' END"
            f" WHEN {plan.as_of} <= due THEN 'pending' ELSE 'breached' END"
        )
        code = (
            f"CASE WHEN done IS NOT NULL AND solved THEN CASE WHEN done <= due THEN 'solved.met'"
            f" ELSE 'solved.late' END WHEN done IS NOT NULL THEN CASE WHEN done <= due THEN"
            f" 'clock.met' ELSE 'clock.late' END WHEN {plan.as_of} <= due THEN 'clock.pending'"
            f" ELSE 'clock.overdue' END"
        )
        plan.result(
            "results",
            f"SELECT {plan.columns(ob, case_id='case_id', occurrence='k', status=status, code=code, start_us='start', due_us='due', done_us='done', clock=lit(ob.clock), budget='label', uncovered='due IS NULL')}"
            f" FROM {ended}",
        )
        plan.result(
            "results_na",
            f"SELECT {plan.columns(ob, case_id='case_id', occurrence='k', status=lit('not_applicable'), code='na', start_us='start', v_level='v_level', v_band='v_band', v_site='v_site', v_km='v_km')}"
            f" FROM {pick} WHERE amount IS NULL",
        )

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, SolveOrEscalate)
        if code.startswith("clock."):
            return _escalation_to(ob.escalate_to)
        return na_values(code, row)


KIND = SolveOrEscalateKind()
