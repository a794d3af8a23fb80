"""``periodic``: a deliverable in every period of the window.

Without ``after_period_end`` the deliverable is due within the period itself
(an inspection each month, a check each day); with it, the deliverable names its
period (an event's ``period`` field, e.g. ``2026-10``) and is due that long after
the period ends, on the obligation's clock (5 working days after the month).
``per: device`` asks it of every device in the contract's devices file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .. import model as m
from ..calendar import CalendarNotCovered
from ..events import Event
from ..results import Finding, Step
from .common import fmt, lazy, text, verdict
from .window import Period, WindowContext, named_periods, periods

TYPE = "periodic"


def evidence(ob: m.Periodic) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.deliverable,)


def evaluate(wc: WindowContext, ob: m.Periodic) -> list[Finding]:
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
                    _one(wc, ob, period, matching, f"{device.id} {period.label}", device.title)
                )
        else:
            findings.append(_one(wc, ob, period, deliveries, period.label, None))
    return findings


def _one(
    wc: WindowContext,
    ob: m.Periodic,
    period: Period,
    deliveries: Sequence[Event],
    case: str,
    device: m.Text | None,
) -> Finding:
    ctx = wc.ctx
    tz = ctx.contract.tz
    events = deliveries
    due: datetime | None
    if ob.after_period_end is not None and ob.clock is not None:
        budget = ob.after_period_end.at(period.start)
        try:
            due = ctx.clocks.due(ob.clock, period.end, budget)
        except CalendarNotCovered:
            if ctx.as_of >= period.end:
                raise
            due = None  # due after the period, which has not even ended: it cannot be late yet
        done_event = next((e for e in events if e.get("period") == period.label), None)
        rule = text(
            f"期末后 {budget} ({ctx.clocks.describe(ob.clock).zh})",
            f"{budget} after the period ends ({ctx.clocks.describe(ob.clock).en})",
        )
    else:
        due = period.end
        done_event = next((e for e in events if period.start <= e.at < period.end), None)
        rule = text("在本期内完成", "within the period")
    done = done_event.at if done_event is not None else None
    if due is None:
        status = "met" if done is not None else "pending"
    else:
        status = verdict(due, done, ctx.as_of)
    event_type = ctx.contract.events[ob.deliverable]
    what = device.zh if device else ""
    steps = (
        (
            Step(
                text(
                    f"期间 {period.label}: {fmt(period.start, tz)} 至 {fmt(period.end, tz)}",
                    f"period {period.label}: {fmt(period.start, tz)} to {fmt(period.end, tz)}",
                )
            ),
            Step(
                text(
                    f"要求: {event_type.zh}{(' ' + what) if what else ''}, {rule.zh}",
                    f"required: {event_type.en}{(' of ' + device.en) if device else ''}, {rule.en}",
                )
            ),
        )
        if ctx.explain
        else ()
    )

    def reason() -> m.Text:
        if status == "met" and done is not None:
            return text(f"{event_type.zh}于 {fmt(done, tz)}", f"{event_type.en} at {fmt(done, tz)}")
        if status == "pending":
            when = fmt(due, tz) if due else f"{period.label} 结束后"
            when_en = fmt(due, tz) if due else f"after {period.label} ends"
            return text(
                f"尚无{event_type.zh}, {when} 到期", f"no {event_type.en} yet; due {when_en}"
            )
        if done is not None:
            return text(
                f"{event_type.zh}于 {fmt(done, tz)}, 已逾期",
                f"{event_type.en} at {fmt(done, tz)}, late",
            )
        return text(f"本期没有{event_type.zh}", f"no {event_type.en} for {period.label}")

    return Finding(
        status,
        lazy(reason),
        period.start,
        due,
        done,
        ob.clock or "elapsed",
        str(ob.after_period_end.at(period.start)) if ob.after_period_end else "",
        steps,
        period=period.label,
        case=case,
    )
