"""``min_duration``: each occurrence lasts at least a minimum ("每次不少于1小时").

The event gives its start (``at``) and its end in a field (``until``); the
occurrence is met when it lasted at least the minimum (不少于 includes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import model as m
from ..columnar.base import from_us, lit
from ..columnar.sql import Plan
from ..durations import Duration, parse_duration
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

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """Each occurrence within the window against its minimum (as :func:`evaluate`)."""
        assert isinstance(ob, MinDuration)
        minimum = plan.tables.dated(ob.id, "at_least", ob.at_least)
        field = ob.until_field
        lasted = f"(e.{field} - e.ts)"
        due = "(e.ts + a.value)"
        status = (
            f"CASE WHEN e.{field} > {plan.as_of} AND e.{field} < {due} THEN 'pending'"
            f" WHEN e.{field} >= {due} THEN 'met' ELSE 'breached' END"
        )
        code = (
            f"CASE WHEN e.{field} > {plan.as_of} AND e.{field} < {due} THEN 'min_duration.going_on'"
            f" WHEN e.{field} >= {due} THEN 'min_duration.met' ELSE 'min_duration.short' END"
        )
        plan.result(
            "results",
            f"SELECT {plan.columns(ob, case_id='e.case_id', occurrence='ROW_NUMBER() OVER (PARTITION BY e.case_id ORDER BY e.ts, e.seq)', pos='ROW_NUMBER() OVER (ORDER BY e.ts, e.seq)', status=status, code=code, start_us='e.ts', due_us=due, done_us=f'e.{field}', clock=lit('elapsed'), budget='a.label', timed='FALSE', v_time=f'e.{field}', v_count=lasted)}"
            f" FROM ev_dist e JOIN {minimum} a ON a.valid_from <= e.ts AND e.ts < a.valid_to"
            f" WHERE e.name = {lit(ob.event)} AND {plan.in_window('e.ts')}",
        )

    def row_details(
        self, ob: m.Obligation, row: Mapping[str, Any]
    ) -> tuple[tuple[str, object], ...]:
        # The lasted seconds toward zero, as int(timedelta.total_seconds()) gives them.
        return (("lasted_seconds", int(timedelta(microseconds=row["v_count"]).total_seconds())),)

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, MinDuration)
        minimum = parse_duration(row["budget"])
        return (
            ("lasted", timedelta(microseconds=row["v_count"])),
            ("minimum", minimum),
            ("until", from_us(row["v_time"])),
        )


KIND = MinDurationKind()
