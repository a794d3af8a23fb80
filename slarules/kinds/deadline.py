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
from ..durations import Duration
from ..events import Event
from ..results import Finding, Ref, Step, Values
from .base import CLOCK_UNITS, Clocked, Kind, Place, budget_terms
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


KIND = DeadlineKind()
