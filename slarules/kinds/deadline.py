"""``deadline``: a clock from a start event to a stop event within a budget.

The budget is one value or a table cell (by severity, by distance band). Paused
time does not count. ``repeat: each`` pairs every start with its own stop; a
``requires`` block says which content the stop event must carry. A stop logged
before its start still counts (the log says it happened); with ``repeat: each``
a stop before an earlier start belongs to that earlier start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any

from .. import model as m
from ..case import Case
from ..columnar.base import lit
from ..columnar.sql import Plan
from ..durations import Duration
from ..events import Event
from ..results import Finding, Ref, Step, Values
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
    what,
)

TYPE = "deadline"


@dataclass(frozen=True, slots=True)
class Requirement:
    """What the stop event must carry: every key of ``keys`` in its ``field``."""

    field: str
    keys: tuple[str, ...]
    labels: Mapping[str, m.Text]


@dataclass(frozen=True, slots=True)
class Deadline(m.Obligation):
    start: str
    stop: str
    clock: str
    budget: m.Budget
    repeat: str = "first"
    pauses: tuple[str, ...] = ()
    applies_severity: tuple[str, ...] = ()
    requires: Requirement | None = None
    conflicts_with: str | None = None
    conflict_reading: str | None = None


def _missing(ob: Deadline, event: Event) -> tuple[str, ...]:
    if ob.requires is None:
        return ()
    present = set(event.get(ob.requires.field) or ())
    return tuple(key for key in ob.requires.keys if key not in present)


def _sections(missing: tuple[str, ...]) -> tuple[Ref, ...]:
    return tuple(Ref("section", key) for key in missing)


def _yields(ctx: Context, ob: Deadline) -> bool:
    """True when a conflicting, more specific obligation prevails (per the reading)."""
    if not ob.conflicts_with or not ob.conflict_reading:
        return False
    return ctx.contract.reading(ob.conflict_reading) == "specific_prevails"


def evaluate(ctx: Context, ob: Deadline, case: Case) -> list[Finding]:
    return compile(ctx, ob)(case)


def compile(ctx: Context, ob: Deadline) -> Callable[[Case], list[Finding]]:
    """The obligation's evaluator, with what does not depend on the case worked out once.

    The common clock (one start, no explanation) takes a short path; repeated
    starts and explanations take :func:`_one`, which also records the steps. A law
    (tests/test_fast_paths.py) says both give the same findings.
    """
    if ob.repeat == "each" or ctx.explain or _yields(ctx, ob):
        return partial(_each, ctx, ob)
    contract, clocks, as_of = ctx.contract, ctx.clocks, ctx.as_of
    start_name, stop_name, clock = ob.start, ob.stop, ob.clock
    budget, applies, pause_ids, requires = ob.budget, ob.applies_severity, ob.pauses, ob.requires
    waits_for = what(ob.stop)
    incomplete = _incomplete_values(ob)

    def run(case: Case) -> list[Finding]:
        starts = case.all(start_name)
        if not starts:
            return []
        start = starts[0].at
        pick = pick_budget(ctx, case, budget, start, applies)
        duration = pick.duration
        if duration is None:
            na = pick.not_applicable or NOT_APPLICABLE
            return [Finding("not_applicable", na.code, start, values=na.values)]
        pauses = case.pauses(contract, pause_ids) if pause_ids else ()
        due = clocks.due(clock, start, duration, pauses, as_of)
        done = None
        lacking: tuple[str, ...] = ()
        for stop in case.all(stop_name):
            if requires is not None:
                missing = _missing(ob, stop)
                if missing:
                    lacking = lacking or missing
                    continue
            done = stop.at
            break
        status = verdict(due, done, as_of)
        if done is None and lacking and status == "breached":
            values = (*incomplete, ("missing", _sections(lacking)))
            return [
                Finding(
                    status, "deadline.incomplete", start, due, None, clock, duration, values=values
                )
            ]
        return [
            Finding(
                status,
                clock_code(status, done),
                start,
                due,
                done,
                clock,
                duration,
                values=waits_for,
            )
        ]

    return run


def _incomplete_values(ob: Deadline) -> Values:
    return (("event", Ref("event", ob.stop)),)


def _each(ctx: Context, ob: Deadline, case: Case) -> list[Finding]:
    starts = case.all(ob.start)
    if not starts:
        return []
    if ob.repeat != "each":
        starts = starts[:1]
    stops = case.all(ob.stop)
    used: set[int] = set()
    findings = []
    previous = None
    for start_event in starts:
        findings.append(_one(ctx, ob, case, start_event, stops, used, previous))
        previous = start_event.at
    return findings


def _one(
    ctx: Context,
    ob: Deadline,
    case: Case,
    start_event: Event,
    stops: Sequence[Event],
    used: set[int],
    previous: datetime | None,
) -> Finding:
    """One clock; ``used`` collects the stops already paired with earlier starts."""
    start = start_event.at
    explain = ctx.explain  # steps are built only for an explanation
    steps: list[Step] = []
    if explain:
        steps.append(start_step(start_event.name, start))
    if _yields(ctx, ob):
        values: Values = (
            ("other", Ref("obligation", ob.conflicts_with or "")),
            ("reading", ob.conflict_reading or ""),
        )
        return Finding(
            "not_applicable", "deadline.yields", start, steps=tuple(steps), values=values
        )
    pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
    duration = pick.duration
    if duration is None:
        na = pick.not_applicable or NOT_APPLICABLE
        return Finding("not_applicable", na.code, start, steps=tuple(steps), values=na.values)
    if explain:
        steps.append(budget_step(pick))
    pauses = case.pauses(ctx.contract, ob.pauses) if ob.pauses else []
    if explain:
        steps.extend(pause_steps(pauses, start))
    due = ctx.clocks.due(ob.clock, start, duration, pauses, ctx.as_of)
    if explain:
        steps.append(due_step(ob.clock, due))
    done_event = None
    incomplete: list[tuple[Event, tuple[str, ...]]] = []
    for i, stop in enumerate(stops):
        if i in used or (previous is not None and stop.at < previous):
            continue
        missing = _missing(ob, stop)
        if missing:
            incomplete.append((stop, missing))
            continue
        used.add(i)
        done_event = stop
        break
    for stop, missing in incomplete:
        if explain:
            steps.append(_incomplete_step(stop, missing))
    done = done_event.at if done_event else None
    if done is None and incomplete and ctx.as_of > due:
        values = (*_incomplete_values(ob), ("missing", _sections(incomplete[0][1])))
        return finding_for(
            ctx,
            start=start,
            due=due,
            done=None,
            values=values,
            clock=ob.clock,
            budget=duration,
            steps=tuple(steps),
            status="breached",
            code="deadline.incomplete",
        )
    return finding_for(
        ctx,
        start=start,
        due=due,
        done=done,
        values=what(ob.stop),
        clock=ob.clock,
        budget=duration,
        steps=tuple(steps),
    )


def _incomplete_step(stop: Event, missing: tuple[str, ...]) -> Step:
    return Step(
        "step.incomplete",
        (("event", Ref("event", stop.name)), ("at", stop.at), ("missing", _sections(missing))),
        stop.at,
    )


class DeadlineKind(Kind):
    type = TYPE
    schema = TYPE
    model = Deadline

    def build(self, place: Place, base: dict[str, Any]) -> Deadline:
        raw = place.raw
        requires = None
        if "requires" in raw:
            req = raw["requires"]
            requires = Requirement(
                req["field"],
                tuple(c["key"] for c in req["contains"]),
                MappingProxyType({c["key"]: m.Text(c["zh"], c["en"]) for c in req["contains"]}),
            )
        conflict = raw.get("conflicts_with") or {}
        return Deadline(
            **base,
            start=place.event("start"),
            stop=place.event("stop"),
            clock=raw["clock"],
            budget=place.budget("budget", CLOCK_UNITS[raw["clock"]]),
            repeat=raw.get("repeat", "first"),
            pauses=tuple(raw.get("pauses", [])),
            applies_severity=place.severities("applies", "severity"),
            requires=requires,
            conflicts_with=place.obligation("conflicts_with", "obligation") if conflict else None,
            conflict_reading=place.reading("conflicts_with", "reading") if conflict else None,
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, Deadline)
        return budget_terms(ob.budget, instant)

    def counts_days(self, ob: m.Obligation) -> bool:
        assert isinstance(ob, Deadline)
        return ob.clock != "elapsed"

    def sections(self, ob: m.Obligation) -> Mapping[str, m.Text]:
        assert isinstance(ob, Deadline)
        return {} if ob.requires is None else ob.requires.labels

    def conflict(self, ob: m.Obligation) -> tuple[str, str] | None:
        assert isinstance(ob, Deadline)
        if ob.conflicts_with is None or ob.conflict_reading is None:
            return None
        return ob.conflicts_with, ob.conflict_reading

    def starts(self, ob: m.Obligation) -> str:
        assert isinstance(ob, Deadline)
        return ob.start

    def clocked(self, ob: m.Obligation) -> Clocked | None:
        assert isinstance(ob, Deadline)
        return Clocked(ob.start, ob.clock, ob.budget, ob.applies_severity)

    def compile(self, ctx: Context, ob: m.Obligation) -> Callable[[Case], list[Finding]]:
        assert isinstance(ob, Deadline)
        return compile(ctx, ob)

    def running(
        self, ctx: Context, ob: m.Obligation, finding: Finding, case: Case | None
    ) -> Running | None:
        """Until the stop event (a complete one); the pauses the due time allowed for."""
        assert isinstance(ob, Deadline)
        if finding.start is None:
            return None
        pauses = case.pauses(ctx.contract, ob.pauses) if case is not None and ob.pauses else ()
        return Running(finding.start, Ref("event", ob.stop), (ob.stop,), pauses)

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        assert isinstance(ob, Deadline)
        _query(plan, ob, _yields_reading(plan.contract, ob))

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, Deadline)
        if code.startswith("clock."):
            return what(ob.stop)
        if code == "deadline.incomplete":
            missing = tuple(k for k in (row["v_missing"] or "").split(";") if k)
            return (*_incomplete_values(ob), ("missing", _sections(missing)))
        if code == "deadline.yields":
            return (
                ("other", Ref("obligation", ob.conflicts_with or "")),
                ("reading", ob.conflict_reading or ""),
            )
        return na_values(code, row)


KIND = DeadlineKind()


def _yields_reading(contract: m.Contract, ob: Deadline) -> bool:
    if not ob.conflicts_with or not ob.conflict_reading:
        return False
    return contract.reading(ob.conflict_reading) == "specific_prevails"


def _query(plan: Plan, ob: Deadline, yields: bool) -> None:
    """The clocks of :func:`_each` as queries: each start (or the first), its budget and
    due, and the stop it pairs with. Start k takes the first complete stop not taken by
    an earlier start and logged at or after start k-1 (any time, for the first); as
    stops are in time order, that is stop number r + max(a_q - q) over the starts
    q <= r that look for one (a_q: the first complete stop at or after start q-1)."""
    starts = plan.starts(ob.start, each=ob.repeat == "each")
    if yields:
        plan.result(
            "results",
            f"SELECT {plan.columns(ob, case_id='case_id', occurrence='k', status=lit('not_applicable'), code=lit('deadline.yields'), start_us='start')}"
            f" FROM {starts}",
        )
        return
    pick = plan.pick(starts, ob.budget, ob.applies_severity, ob.id)
    due = plan.due(pick, ob.clock, ob.pauses)
    req = ob.requires
    if req is None:
        complete, missing = "TRUE", "''"
    else:
        field = f"(';' || COALESCE({req.field}, '') || ';')"
        flags = [
            f"CASE WHEN INSTR({field}, {lit(';' + k + ';')}) = 0 THEN {lit(k)} END"
            for k in req.keys
        ]
        missing = f"CONCAT_WS(';', {', '.join(flags)})"
        complete = f"({missing} = '')"
    stops = plan.table(
        "stops",
        f"SELECT case_id, ts, tr, {complete} AS complete, {missing} AS missing FROM ev_live"
        f" WHERE name = {lit(ob.stop)}",
    )
    ranked = plan.table(
        "complete",
        f"SELECT case_id, ts, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts, tr) AS ci"
        f" FROM {stops} WHERE complete",
    )
    first_after = plan.table(
        "first_after",
        f"SELECT p.case_id, p.k, COALESCE(MIN(c.ci), MAX(n.total) + 1, 1) AS a FROM {pick} p"
        f" LEFT JOIN {ranked} c ON c.case_id = p.case_id AND (p.prev IS NULL OR c.ts >= p.prev)"
        f" LEFT JOIN (SELECT case_id, COUNT(*) AS total FROM {ranked} GROUP BY case_id) n"
        f" ON n.case_id = p.case_id WHERE p.amount IS NOT NULL GROUP BY p.case_id, p.k",
    )
    taken = plan.table(
        "taken",
        f"SELECT case_id, k, r + MAX(a - r) OVER (PARTITION BY case_id ORDER BY k ROWS UNBOUNDED"
        f" PRECEDING) AS ci FROM (SELECT case_id, k, a, ROW_NUMBER() OVER (PARTITION BY case_id"
        f" ORDER BY k) AS r FROM {first_after}) f",
    )
    lacking = plan.table(
        "lacking",
        f"SELECT case_id, k, missing FROM (SELECT p.case_id, p.k, s.missing, ROW_NUMBER() OVER"
        f" (PARTITION BY p.case_id, p.k ORDER BY s.ts, s.tr) AS n FROM {pick} p JOIN {stops} s ON"
        f" s.case_id = p.case_id AND NOT s.complete AND (p.prev IS NULL OR s.ts >= p.prev)) x"
        f" WHERE n = 1",
    )
    done = plan.table(
        "done",
        f"SELECT d.*, c.ts AS done, l.missing AS lacking FROM {due} d LEFT JOIN {taken} t ON"
        f" t.case_id = d.case_id AND t.k = d.k LEFT JOIN {ranked} c ON c.case_id = d.case_id"
        f" AND c.ci = t.ci LEFT JOIN {lacking} l ON l.case_id = d.case_id AND l.k = d.k",
    )
    status = (
        f"CASE WHEN done IS NOT NULL THEN CASE WHEN done <= due THEN 'met' ELSE 'breached' END"
        f" WHEN {plan.as_of} <= due THEN 'pending' ELSE 'breached' END"
    )
    incomplete = f"(done IS NULL AND lacking IS NOT NULL AND {plan.as_of} > due)"
    code = (
        f"CASE WHEN {incomplete} THEN 'deadline.incomplete' WHEN done IS NOT NULL THEN CASE WHEN"
        f" done <= due THEN 'clock.met' ELSE 'clock.late' END WHEN {plan.as_of} <= due THEN"
        f" 'clock.pending' ELSE 'clock.overdue' END"
    )
    plan.result(
        "results",
        f"SELECT {plan.columns(ob, case_id='case_id', occurrence='k', status=status, code=code, start_us='start', due_us='due', done_us='done', clock=lit(ob.clock), budget='label', uncovered='due IS NULL', v_missing=f'CASE WHEN {incomplete} THEN lacking END')}"
        f" FROM {done}",
    )
    plan.result(
        "results_na",
        f"SELECT {plan.columns(ob, case_id='case_id', occurrence='k', status=lit('not_applicable'), code='na', start_us='start', v_level='v_level', v_band='v_band', v_site='v_site', v_km='v_km')}"
        f" FROM {pick} WHERE amount IS NULL",
    )
