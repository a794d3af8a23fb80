"""``min_duration``: each occurrence lasts at least a minimum ("每次不少于1小时").

The event gives its start (``at``) and its end in a field (``until``); the
occurrence is met when it lasted at least the minimum (不少于 includes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import model as m
from ..durations import Duration
from ..results import Finding, Values
from .base import CLOCK_UNITS, Kind, Place, dated_terms
from .window import WindowContext

TYPE = "min_duration"


@dataclass(frozen=True, slots=True)
class MinDuration(m.Obligation):
    event: str
    until_field: str
    at_least: m.Dated[Duration]


def evidence(ob: MinDuration) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.event,)


def evaluate(wc: WindowContext, ob: MinDuration) -> list[Finding]:
    ctx = wc.ctx
    findings = []
    for event in wc.of(ob.event):
        if not (wc.window.start <= event.at < wc.window.end):
            continue
        until = event.get(ob.until_field)
        minimum = ob.at_least.at(event.at)
        due = event.at + minimum.as_timedelta()
        lasted = until - event.at
        if until > ctx.as_of and until < due:
            # Still going on as of the audit: it may yet last long enough.
            status, code = "pending", "min_duration.going_on"
        elif until >= due:
            status, code = "met", "min_duration.met"
        else:
            status, code = "breached", "min_duration.short"
        values: Values = (("lasted", lasted), ("minimum", minimum), ("until", until))
        # A minimum is not a deadline: no lateness or margin; the reason says how long.
        findings.append(
            Finding(
                status,
                code,
                event.at,
                due,
                until,
                "elapsed",
                minimum,
                (),
                case=event.case,
                timed=False,
                details=(("lasted_seconds", int(lasted.total_seconds())),),
                values=values,
            )
        )
    return findings


class MinDurationKind(Kind):
    type = TYPE
    scope = "window"
    schema = TYPE
    model = MinDuration

    def build(self, place: Place, base: dict[str, Any]) -> MinDuration:
        return MinDuration(
            **base,
            event=place.event("event"),
            until_field=place.raw["until_field"],
            at_least=place.dated(("at_least",), CLOCK_UNITS["elapsed"], "term.minimum"),
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, MinDuration)
        return dated_terms(instant, at_least=ob.at_least)

    def counts_days(self, ob: m.Obligation) -> bool:
        return False

    def evidence(self, ob: m.Obligation) -> tuple[str, ...]:
        assert isinstance(ob, MinDuration)
        return (ob.event,)

    def evaluate(self, wc: WindowContext, ob: m.Obligation) -> list[Finding]:
        assert isinstance(ob, MinDuration)
        return evaluate(wc, ob)


KIND = MinDurationKind()
