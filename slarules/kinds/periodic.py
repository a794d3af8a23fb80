"""``periodic``: a deliverable in every period of the window.

Without ``after_period_end`` the deliverable is due within the period itself
(an inspection each month, a check each day); with it, the deliverable names its
period (an event's ``period`` field, e.g. ``2026-10``) and is due that long after
the period ends, on the obligation's clock (5 working days after the month).
``per: device`` asks it of every device in the contract's devices file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import model as m
from ..calendar import CalendarNotCovered
from ..clocks import period_end
from ..columnar.base import lit, rows_sql
from ..columnar.sql import Plan
from ..durations import Duration
from ..events import Event
from ..results import Finding, Msg, Ref, Step, Values
from .base import CLOCK_UNITS, Kind, Place, Running, dated_terms
from .common import verdict
from .window import Period, WindowContext, named_periods, periods

if TYPE_CHECKING:
    from ..case import Case
    from .common import Context

TYPE = "periodic"


@dataclass(frozen=True, slots=True)
class Periodic(m.Obligation):
    period: str
    deliverable: str
    per: str | None = None
    clock: str | None = None
    after_period_end: m.Dated[Duration] | None = None


def evidence(ob: Periodic) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.deliverable,)


def evaluate(wc: WindowContext, ob: Periodic) -> list[Finding]:
    ctx = wc.ctx
    deliveries = wc.of(ob.deliverable)
    findings = []
    if ob.after_period_end is not None:
        # A deliverable names its period: that period is judged even outside the window.
        labels = {str(e.get("period")) for e in deliveries if e.get("period")}
        chosen = named_periods(wc, ob.period, labels)
    else:
        chosen = list(periods(wc.window, ob.period, ctx))
    for period in chosen:
        if ob.per == "device":
            for device in ctx.contract.devices:
                matching = [e for e in deliveries if e.get("device") == device.id]
                findings.append(
                    _one(wc, ob, period, matching, f"{device.id} {period.label}", device)
                )
        else:
            findings.append(_one(wc, ob, period, deliveries, period.label, None))
    return findings


def _one(
    wc: WindowContext,
    ob: Periodic,
    period: Period,
    deliveries: Sequence[Event],
    case: str,
    device: m.Device | None,
) -> Finding:
    ctx = wc.ctx
    events = deliveries
    due: datetime | None
    budget = None
    if ob.after_period_end is not None and ob.clock is not None:
        budget = ob.after_period_end.at(period.start)
        try:
            due = ctx.clocks.due(ob.clock, period.end, budget)
        except CalendarNotCovered:
            if ctx.as_of >= period.end:
                raise
            due = None  # due after the period, which has not even ended: it cannot be late yet
        done_event = next((e for e in events if e.get("period") == period.label), None)
        rule = Msg("rule.after_period", (("budget", budget), ("clock", Ref("clock", ob.clock))))
    else:
        due = period.end
        done_event = next((e for e in events if period.start <= e.at < period.end), None)
        rule = Msg("rule.within_period")
    done = done_event.at if done_event is not None else None
    if due is None:
        status = "met" if done is not None else "pending"
    else:
        status = verdict(due, done, ctx.as_of)
    thing = Ref("event", ob.deliverable)
    steps: tuple[Step, ...] = ()
    if ctx.explain:
        steps = (
            Step(
                "step.period",
                (("period", period.label), ("begin", period.start), ("end", period.end)),
            ),
            Step(
                "step.required" if device is None else "step.required_device",
                (
                    ("event", thing),
                    ("device", Ref("device", device.id) if device else ""),
                    ("rule", rule),
                ),
            ),
        )
    if status == "met":
        code = "periodic.met"
    elif status == "pending":
        code = "periodic.pending" if due is not None else "periodic.pending_after"
    else:
        code = "periodic.late" if done is not None else "periodic.missing"
    return Finding(
        status,
        code,
        period.start,
        due,
        done,
        ob.clock or "elapsed",
        budget,
        steps,
        period=period.label,
        case=case,
        values=(("event", thing), ("period", period.label)),
    )


class PeriodicKind(Kind):
    type = TYPE
    scope = "window"
    schema = TYPE
    model = Periodic

    def build(self, place: Place, base: dict[str, Any]) -> Periodic:
        raw = place.raw
        after = None
        if "after_period_end" in raw:
            units = CLOCK_UNITS.get(raw.get("clock", ""))
            after = place.dated(("after_period_end",), units, "term.after_period_end")
        return Periodic(
            **base,
            period=raw["period"],
            deliverable=place.event("deliverable"),
            per=raw.get("per"),
            clock=raw.get("clock"),
            after_period_end=after,
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, Periodic)
        return dated_terms(instant, after_period_end=ob.after_period_end)

    def evidence(self, ob: m.Obligation) -> tuple[str, ...]:
        assert isinstance(ob, Periodic)
        return (ob.deliverable,)

    def per_device(self, ob: m.Obligation) -> bool:
        assert isinstance(ob, Periodic)
        return ob.per == "device"

    def evaluate(self, wc: WindowContext, ob: m.Obligation) -> list[Finding]:
        assert isinstance(ob, Periodic)
        return evaluate(wc, ob)

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """Each period (and device) with its first deliverable, as :func:`evaluate`."""
        assert isinstance(ob, Periodic)
        ctx = plan.context()
        if ob.after_period_end is not None:
            labels = [
                str(row[0])
                for row in plan.fetch(
                    f"SELECT DISTINCT period FROM ev_dist WHERE name = {lit(ob.deliverable)}"
                    f" AND period IS NOT NULL"
                )
            ]
            wc = WindowContext(ctx, plan.window, {}, named=plan.named)
            chosen = named_periods(wc, ob.period, labels)
        else:
            chosen = list(periods(plan.window, ob.period, ctx))
        table = plan.periods("periods", chosen)
        if ob.per == "device":
            devices = rows_sql(
                (("device", "VARCHAR"), ("d", "BIGINT")),
                [(d.id, n) for n, d in enumerate(plan.contract.devices, start=1)],
            )
            cases = plan.table(
                "cases",
                f"SELECT p.*, v.device, v.d, v.device || ' ' || p.label AS case_id FROM {table} p"
                f" CROSS JOIN ({devices}) v",
            )
            same_device = " AND e.device = c.device"
        else:
            cases = plan.table(
                "cases",
                f"SELECT p.*, CAST(NULL AS VARCHAR) AS device, 0 AS d, p.label AS case_id FROM"
                f" {table} p",
            )
            same_device = ""
        if ob.after_period_end is not None:
            match = "e.period = c.label"
        else:
            match = "e.ts >= c.p_start AND e.ts < c.p_end"
        done = plan.table(
            "done",
            f"SELECT c.label, c.p_start, c.p_end, c.n, c.device, c.d, c.case_id, MIN(e.ts) AS done"
            f" FROM {cases} c LEFT JOIN ev_dist e ON e.name = {lit(ob.deliverable)} AND {match}"
            f"{same_device} GROUP BY c.label, c.p_start, c.p_end, c.n, c.device, c.d, c.case_id",
        )
        if ob.after_period_end is not None and ob.clock is not None:
            step = plan.tables.dated(ob.id, "after_period_end", ob.after_period_end)
            pick = plan.table(
                "pick",
                f"SELECT d.case_id, 1 AS k, d.p_end AS start, CAST(s.value AS DOUBLE) AS amount,"
                f" s.unit, s.label FROM {done} d JOIN {step} s ON s.valid_from <= d.p_start"
                f" AND d.p_start < s.valid_to",
            )
            due = plan.due(pick, ob.clock, ())
            timed = plan.table(
                "timed",
                f"SELECT d.*, u.due, p.label AS budget FROM {done} d JOIN {pick} p ON p.case_id ="
                f" d.case_id LEFT JOIN {due} u ON u.case_id = d.case_id",
            )
            # A due past the calendar's years: not yet due while the period runs.
            after = f"(due IS NULL AND {plan.as_of} < p_end)"
        else:
            timed = plan.table("timed", f"SELECT d.*, d.p_end AS due, NULL AS budget FROM {done} d")
            after = "FALSE"
        status = (
            f"CASE WHEN {after} THEN CASE WHEN done IS NOT NULL THEN 'met' ELSE 'pending' END"
            f" WHEN done IS NOT NULL THEN CASE WHEN done <= due THEN 'met' ELSE 'breached' END"
            f" WHEN {plan.as_of} <= due THEN 'pending' ELSE 'breached' END"
        )
        code = (
            f"CASE WHEN {after} AND done IS NULL THEN 'periodic.pending_after'"
            f" WHEN {after} THEN 'periodic.met'"
            f" WHEN done IS NOT NULL THEN CASE WHEN done <= due THEN 'periodic.met' ELSE"
            f" 'periodic.late' END WHEN {plan.as_of} <= due THEN 'periodic.pending'"
            f" ELSE 'periodic.missing' END"
        )
        plan.result(
            "results",
            f"SELECT {plan.columns(ob, case_id='case_id', occurrence='1', pos='ROW_NUMBER() OVER (ORDER BY n, d)', status=status, code=code, start_us='p_start', due_us='due', done_us='done', clock=lit(ob.clock or 'elapsed'), budget='budget', period='label', uncovered=f'due IS NULL AND {plan.as_of} >= p_end')}"
            f" FROM {timed}",
        )

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, Periodic)
        return (("event", Ref("event", ob.deliverable)), ("period", row["period"]))

    def running(
        self, ctx: Context, ob: m.Obligation, finding: Finding, case: Case | None
    ) -> Running | None:
        """A deliverable due within its period runs over the period, and once the period
        is over nothing can be delivered for it; one due after the period runs from the
        period's end."""
        assert isinstance(ob, Periodic)
        if finding.start is None or finding.due is None:
            return None
        step, awaits = Ref("event", ob.deliverable), (ob.deliverable,)
        if ob.after_period_end is None:
            if ctx.as_of >= finding.due:
                return None
            return Running(finding.start, step, awaits)
        return Running(period_end(finding.start, ob.period, ctx.contract.tz), step, awaits)


KIND = PeriodicKind()
