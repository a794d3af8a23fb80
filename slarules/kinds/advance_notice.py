"""``advance_notice``: a notice given at least N (working) days before a planned date.

Each notice event carries ``planned_for``. "At least N working days before" a
date means on or before the N-th working day before it (the notice day counts
whole: it ends at 24:00); "N days before" counts calendar days. With
``for_event`` every such event (an inspection) needs a notice planned for its
day (and for its device, when the notice names one); one without is a breach. ``except_after_severity``: no term when a fault of
those levels was reported within the notice period before the planned date
(training after a major fault, 2.3.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import model as m
from ..clocks import DAY
from ..durations import Duration
from ..events import Event
from ..results import Finding, Ref, Step, Values
from .base import CLOCK_UNITS, Kind, Place, Watch, dated_terms
from .common import verdict
from .window import WindowContext, local_day

TYPE = "advance_notice"


@dataclass(frozen=True, slots=True)
class AdvanceNotice(m.Obligation):
    notice: str
    clock: str
    at_least: m.Dated[Duration]
    party: str = "provider"
    except_after_severity: tuple[str, ...] = ()
    for_event: str | None = None


def evidence(ob: AdvanceNotice) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.notice,) if ob.for_event is None else (ob.notice, ob.for_event)


def latest_notice(wc: WindowContext, ob: AdvanceNotice, planned: datetime) -> datetime:
    """The end of the last day on which the notice still counts."""
    ctx = wc.ctx
    amount = ob.at_least.at(planned)
    day = local_day(planned, ctx).date()
    if ob.clock == "working_days":
        last = ctx.contract.calendar.working_days_before(day, amount.as_days())
    else:
        last = day - timedelta(days=amount.as_days())
    return datetime(last.year, last.month, last.day, tzinfo=ctx.contract.tz) + DAY


def evaluate(wc: WindowContext, ob: AdvanceNotice) -> list[Finding]:
    ctx = wc.ctx
    findings = []
    notices = [n for n in wc.of(ob.notice) if n.get("planned_for") is not None]
    for notice in notices:
        planned: datetime = notice.get("planned_for")
        if not (wc.window.start <= planned < wc.window.end):
            continue
        findings.append(_judge(wc, ob, notice, planned))
    if ob.for_event is not None:
        # A notice covers the planned day; one that names a device covers that device only.
        noticed = {(local_day(n.get("planned_for"), ctx), n.get("device")) for n in notices}
        for event in wc.of(ob.for_event):
            if not (wc.window.start <= event.at < wc.window.end):
                continue
            day = local_day(event.at, ctx)
            if (day, None) not in noticed and (day, event.get("device")) not in noticed:
                findings.append(_missing(wc, ob, event))
    return findings


def _excepted(wc: WindowContext, ob: AdvanceNotice, notice: Event, due: datetime) -> Event | None:
    """A qualifying fault that excuses a late notice: reported after the last day the
    notice could have been given in time began, and before the notice itself."""
    if not ob.except_after_severity:
        return None
    window_start = due - DAY
    for report in wc.of("reported"):
        if (
            report.get("severity") in ob.except_after_severity
            and window_start <= report.at <= notice.at
        ):
            return report
    return None


def _judge(wc: WindowContext, ob: AdvanceNotice, notice: Event, planned: datetime) -> Finding:
    ctx = wc.ctx
    due = latest_notice(wc, ob, planned)
    amount = ob.at_least.at(planned)
    steps: tuple[Step, ...] = ()
    if ctx.explain:
        steps = (
            Step("step.planned", (("planned", planned), ("amount", amount))),
            Step("step.notice_due", (("due", due), ("party", Ref("party", ob.party))), due),
        )
    status = verdict(due, notice.at, ctx.as_of)
    # The exception only matters for a notice that is late.
    excepted = _excepted(wc, ob, notice, due) if status == "breached" else None
    if excepted is not None:
        values: Values = (
            ("fault", excepted.case),
            ("level", Ref("level", str(excepted.get("severity")))),
            ("reported", excepted.at),
        )
        return Finding(
            "not_applicable",
            "notice.excepted",
            notice.at,
            steps=steps,
            case=notice.case,
            values=values,
        )
    at = notice.at
    code = "notice.met" if status == "met" else "notice.late"
    values = (("notice", Ref("event", ob.notice)), ("planned", planned))
    return Finding(
        status, code, at, due, at, ob.clock, amount, steps, case=notice.case, values=values
    )


def _missing(wc: WindowContext, ob: AdvanceNotice, event: Event) -> Finding:
    ctx = wc.ctx
    due = latest_notice(wc, ob, event.at)
    amount = ob.at_least.at(event.at)
    status = verdict(due, None, ctx.as_of)
    values: Values = (
        ("notice", Ref("event", ob.notice)),
        ("event", Ref("event", event.name)),
        ("planned", event.at),
    )
    return Finding(
        status,
        "notice.missing",
        event.at,
        due,
        None,
        ob.clock,
        amount,
        (),
        case=event.case,
        values=values,
    )


class AdvanceNoticeKind(Kind):
    type = TYPE
    scope = "window"
    schema = TYPE
    model = AdvanceNotice

    def build(self, place: Place, base: dict[str, Any]) -> AdvanceNotice:
        raw = place.raw
        return AdvanceNotice(
            **base,
            notice=place.event("notice"),
            clock=raw["clock"],
            at_least=place.dated(("at_least",), CLOCK_UNITS[raw["clock"]], "term.notice"),
            party=raw.get("party", "provider"),
            for_event=place.event("for_event") if "for_event" in raw else None,
            except_after_severity=place.severities("except_after_severity"),
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, AdvanceNotice)
        return dated_terms(instant, at_least=ob.at_least)

    def evidence(self, ob: m.Obligation) -> tuple[str, ...]:
        assert isinstance(ob, AdvanceNotice)
        return (ob.notice,) if ob.for_event is None else (ob.notice, ob.for_event)

    def watches(self, ob: m.Obligation) -> dict[str, Watch]:
        assert isinstance(ob, AdvanceNotice)
        found: dict[str, Watch] = dict.fromkeys(self.evidence(ob))
        if ob.except_after_severity:
            # The faults that excuse a late notice: reports of those levels only.
            levels = frozenset(ob.except_after_severity)
            found["reported"] = lambda e: e.get("severity") in levels
        return found

    def evaluate(self, wc: WindowContext, ob: m.Obligation) -> list[Finding]:
        assert isinstance(ob, AdvanceNotice)
        return evaluate(wc, ob)


KIND = AdvanceNoticeKind()
