"""``periodic``: a deliverable in every period of the window.

Without ``after_period_end`` the deliverable is due within the period itself
(an inspection each month, a check each day); with it, the deliverable names its
period (an event's ``period`` field, e.g. ``2026-10``) and is due that long after
the period ends, on the obligation's clock (5 working days after the month).
``per: device`` asks it of every device in the contract's devices file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import model as m
from ..calendar import CalendarNotCovered
from ..clocks import period_end
from ..durations import Duration
from ..events import Event
from ..results import Finding, Msg, Ref, Step
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
            after = place.dated(("after_period_end",), units, "the time after the period's end")
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
