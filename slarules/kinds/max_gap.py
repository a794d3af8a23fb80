"""``max_gap``: while a case is open, an update at least every ``interval``.

Each gap (start -> update -> update ... -> end) must not exceed the interval;
the first gap that does is the breach (``start`` is the update that opened it).
The end is the ``until`` event, or the audit's as-of time for a case still open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from .. import model as m
from ..case import Case
from ..columnar.base import ident, lit, lits
from ..columnar.sql import Plan
from ..durations import Duration
from ..results import Finding, Msg, Ref, Step, Values
from .base import CLOCK_UNITS, Kind, Place, Running, dated_terms
from .common import Context, finding_for, start_step

TYPE = "max_gap"


@dataclass(frozen=True, slots=True)
class MaxGap(m.Obligation):
    start: str
    until: str
    updates: tuple[str, ...]
    interval: m.Dated[Duration]


_WHAT = (("what", Msg("what.update")),)


def evaluate(ctx: Context, ob: MaxGap, case: Case) -> list[Finding]:
    start_event = case.first(ob.start)
    if start_event is None:
        return []
    interval = ob.interval.at(case.start)
    step = interval.as_timedelta()
    start = start_event.at
    until_event = case.first(ob.until, after=start)
    end = until_event.at if until_event is not None else None
    names = ob.updates
    updates = [
        e.at
        for name in names
        for e in case.all(name)
        if e.at > start and (end is None or e.at <= end)
    ]
    if len(names) > 1:
        updates.sort()
    explain = ctx.explain
    steps: list[Step] = [start_step(start_event.name, start)] if explain else []
    values = _WHAT
    previous = start
    for at in updates:
        due = previous + step
        if at > due:
            return [
                finding_for(
                    ctx,
                    start=previous,
                    due=due,
                    done=at,
                    values=values,
                    clock="elapsed",
                    budget=interval,
                    steps=tuple(steps),
                )
            ]
        if explain:
            steps.append(Step("step.update", (("at", at),), at))
        previous = at
    due = previous + step
    if end is not None:
        if explain:
            steps.append(
                Step("step.closed_by", (("event", Ref("event", ob.until)), ("at", end)), end)
            )
        if end <= due:
            met = (("count", len(updates)), ("interval", interval))
            return [
                Finding(
                    "met",
                    "max_gap.met",
                    start,
                    due,
                    end,
                    "elapsed",
                    interval,
                    tuple(steps),
                    values=met,
                )
            ]
    return [
        finding_for(
            ctx,
            start=previous,
            due=due,
            done=end,
            values=values,
            clock="elapsed",
            budget=interval,
            steps=tuple(steps),
        )
    ]


class MaxGapKind(Kind):
    type = TYPE
    schema = TYPE
    model = MaxGap

    def build(self, place: Place, base: dict[str, Any]) -> MaxGap:
        return MaxGap(
            **base,
            start=place.event("start"),
            until=place.event("until"),
            updates=place.events("updates"),
            interval=place.dated(("interval",), CLOCK_UNITS["elapsed"], "term.interval"),
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, MaxGap)
        return dated_terms(instant, interval=ob.interval)

    def counts_days(self, ob: m.Obligation) -> bool:
        return False

    def starts(self, ob: m.Obligation) -> str:
        assert isinstance(ob, MaxGap)
        return ob.start

    def compile(self, ctx: Context, ob: m.Obligation) -> Callable[[Case], list[Finding]]:
        assert isinstance(ob, MaxGap)
        return partial(evaluate, ctx, ob)

    def running(
        self, ctx: Context, ob: m.Obligation, finding: Finding, case: Case | None
    ) -> Running | None:
        """The gap since the last update, until the next update (or the closing event)."""
        assert isinstance(ob, MaxGap)
        if finding.start is None:
            return None
        return Running(finding.start, Msg("what.update"), (*ob.updates, ob.until))

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """The gaps from the start through each update to the closing event (as
        :func:`evaluate`): the first gap over the interval is the breach."""
        assert isinstance(ob, MaxGap)
        step = plan.tables.dated(ob.id, "interval", ob.interval)
        start = plan.table(
            "start",
            f"SELECT f.case_id, f.ts AS start, i.value AS step FROM {plan.first_of(ob.start)} f"
            f" JOIN cases c ON c.case_id = f.case_id JOIN {step} i ON i.valid_from <= c.start0"
            f" AND c.start0 < i.valid_to",
        )
        until = plan.table(
            "until",
            f"SELECT s.case_id, s.start, s.step, MIN(u.ts) AS until FROM {start} s LEFT JOIN"
            f" ev_live u ON u.case_id = s.case_id AND u.name = {lit(ob.until)} AND u.ts >= s.start"
            f" GROUP BY s.case_id, s.start, s.step",
        )
        updates = plan.table(
            "updates",
            f"SELECT u.case_id, e.ts, LAG(e.ts) OVER (PARTITION BY u.case_id ORDER BY e.ts) AS prev,"
            f" u.start, u.step FROM {until} u JOIN ev_live e ON e.case_id = u.case_id AND e.name IN"
            f" {lits(ob.updates)} AND e.ts > u.start AND (u.until IS NULL OR e.ts <= u.until)",
        )
        gap = plan.table(
            "gap",
            f"SELECT case_id, prev, ts FROM (SELECT case_id, COALESCE(prev, start) AS prev, ts,"
            f" ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts) AS n FROM {updates}"
            f" WHERE ts > COALESCE(prev, start) + step) x WHERE n = 1",
        )
        last = plan.table(
            "last",
            f"SELECT u.case_id, u.start, u.step, u.until, COALESCE(MAX(p.ts), u.start) AS last,"
            f" COUNT(p.ts) AS updates FROM {until} u LEFT JOIN {updates} p ON p.case_id ="
            f" u.case_id GROUP BY u.case_id, u.start, u.step, u.until",
        )
        plan.result(
            "results_gap",
            f"SELECT {plan.columns(ob, case_id='g.case_id', occurrence='1', status=lit('breached'), code=lit('clock.late'), start_us='g.prev', due_us='g.prev + l.step', done_us='g.ts', clock=lit('elapsed'), budget=_label(ob, 'l'))}"
            f" FROM {gap} g JOIN {last} l ON l.case_id = g.case_id",
        )
        met = "(l.until IS NOT NULL AND l.until <= l.last + l.step)"
        status = (
            f"CASE WHEN {met} THEN 'met' WHEN l.until IS NOT NULL THEN 'breached'"
            f" WHEN {plan.as_of} <= l.last + l.step THEN 'pending' ELSE 'breached' END"
        )
        code = (
            f"CASE WHEN {met} THEN 'max_gap.met' WHEN l.until IS NOT NULL THEN 'clock.late'"
            f" WHEN {plan.as_of} <= l.last + l.step THEN 'clock.pending' ELSE 'clock.overdue' END"
        )
        plan.result(
            "results",
            f"SELECT {plan.columns(ob, case_id='l.case_id', occurrence='1', status=status, code=code, start_us=f'CASE WHEN {met} THEN l.start ELSE l.last END', due_us='l.last + l.step', done_us='l.until', clock=lit('elapsed'), budget=_label(ob, 'l'), v_count='l.updates')}"
            f" FROM {last} l WHERE l.case_id NOT IN (SELECT case_id FROM {gap})",
        )

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, MaxGap)
        if code == "max_gap.met":
            return (("count", row["v_count"]), ("interval", _interval(ob, row)))
        return _WHAT


KIND = MaxGapKind()


def _interval(ob: MaxGap, row: Mapping[str, Any]) -> Duration:
    """The interval a result row was judged under (its label names it)."""
    for value in ob.interval.values:
        if value.label == row["budget"]:
            return value
    return ob.interval.current


def _label(ob: MaxGap, alias: str) -> str:
    """The interval's label for a case (its value at the case's start)."""
    values = ob.interval.values
    if len(values) == 1:
        return lit(values[0].label)
    return f"(SELECT label FROM dated_{ident(ob.id)}_interval d JOIN cases c ON c.case_id = {alias}.case_id WHERE d.valid_from <= c.start0 AND c.start0 < d.valid_to)"
