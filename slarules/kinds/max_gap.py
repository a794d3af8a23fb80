"""``max_gap``: while a case is open, an update at least every ``interval``.

Each gap (start -> update -> update ... -> end) must not exceed the interval;
the first gap that does is the breach (``start`` is the update that opened it).
The end is the ``until`` event, or the audit's as-of time for a case still open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from .. import model as m
from ..case import Case
from ..durations import Duration
from ..results import Finding, Msg, Ref, Step
from .base import CLOCK_UNITS, Kind, Place, dated_terms
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


KIND = MaxGapKind()
