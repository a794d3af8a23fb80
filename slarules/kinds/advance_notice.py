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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import model as m
from ..clocks import DAY
from ..columnar.base import DAY as DAY_US
from ..columnar.base import RESULT_NAMES, from_us, lit, lits
from ..columnar.sql import Plan
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

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """Each notice planned within the window, judged against the last day it counts;
        each event of ``for_event`` without a notice for its day (as :func:`evaluate`)."""
        assert isinstance(ob, AdvanceNotice)
        amount = plan.tables.dated(ob.id, "at_least", ob.at_least)
        day = plan.local_day  # the local day of an instant, as an ordinal

        def latest(table: str, alias: str, day_column: str) -> str:
            """The end of the last day a notice counts (``latest_notice``), joined: the
            working day of rank rank(day - 1) + 1 - n, or n calendar days before."""
            if ob.clock == "working_days":
                return (
                    f"SELECT {alias}.*, {plan.midnight('w.ordinal + 1')} AS due FROM {table} {alias}"
                    f" LEFT JOIN days dd ON dd.ordinal = {alias}.{day_column} LEFT JOIN days w ON"
                    f" w.working AND w.rank = dd.rank_before + 1 - {alias}.n"
                )
            return (
                f"SELECT {alias}.*, {plan.midnight(f'{alias}.{day_column} - {alias}.n + 1')} AS due"
                f" FROM {table} {alias}"
            )

        notices = plan.table(
            "notices",
            f"SELECT e.case_id, e.ts, e.seq, e.planned_for, e.device, a.value AS n, a.label,"
            f" {day('e.planned_for')} AS pday FROM ev_dist e JOIN {amount} a ON a.valid_from <="
            f" e.planned_for AND e.planned_for < a.valid_to WHERE e.name = {lit(ob.notice)} AND"
            f" e.planned_for IS NOT NULL",
        )
        in_window = plan.table(
            "in_window", f"SELECT * FROM {notices} n WHERE {plan.in_window('n.planned_for')}"
        )
        judged = plan.table("judged", latest(in_window, "n", "pday"))
        if ob.except_after_severity:
            levels = lits(ob.except_after_severity)
            faults = plan.table(
                "faults",
                f"SELECT j.seq, r.case_id AS fault, r.ts AS reported, r.severity AS fault_level,"
                f" ROW_NUMBER() OVER (PARTITION BY j.seq ORDER BY r.ts, r.seq) AS f FROM {judged} j"
                f" JOIN ev_dist r ON r.name = 'reported' AND r.severity IN {levels} AND r.ts >="
                f" j.due - {DAY_US} AND r.ts <= j.ts WHERE j.ts > j.due",
            )
            with_exception = plan.table(
                "exception",
                f"SELECT j.*, x.fault, x.reported, x.fault_level FROM {judged} j LEFT JOIN"
                f" {faults} x ON x.seq = j.seq AND x.f = 1",
            )
        else:
            with_exception = plan.table(
                "exception",
                f"SELECT j.*, CAST(NULL AS VARCHAR) AS fault, CAST(NULL AS BIGINT) AS reported,"
                f" CAST(NULL AS VARCHAR) AS fault_level FROM {judged} j",
            )
        status = (
            "CASE WHEN fault IS NOT NULL THEN 'not_applicable' WHEN ts <= due THEN 'met'"
            " ELSE 'breached' END"
        )
        code = (
            "CASE WHEN fault IS NOT NULL THEN 'notice.excepted' WHEN ts <= due THEN 'notice.met'"
            " ELSE 'notice.late' END"
        )
        parts = [
            f"SELECT {plan.columns(ob, case_id='case_id', status=status, code=code, start_us='ts', due_us='CASE WHEN fault IS NULL THEN due END', done_us='CASE WHEN fault IS NULL THEN ts END', clock=f'CASE WHEN fault IS NULL THEN {lit(ob.clock)} END', budget='CASE WHEN fault IS NULL THEN label END', v_time='CASE WHEN fault IS NULL THEN planned_for ELSE reported END', v_text='fault', v_level='fault_level', uncovered='due IS NULL')},"
            f" 0 AS phase, ts AS t1, seq AS t2 FROM {with_exception}"
        ]
        if ob.for_event is not None:
            events = plan.table(
                "events",
                f"SELECT e.case_id, e.ts, e.seq, e.device, {day('e.ts')} AS eday, a.value AS n,"
                f" a.label FROM ev_dist e JOIN {amount} a ON a.valid_from <= e.ts AND e.ts <"
                f" a.valid_to WHERE e.name = {lit(ob.for_event)} AND {plan.in_window('e.ts')}",
            )
            # A notice covers the planned day; one that names a device, that device only.
            uncovered = plan.table(
                "uncovered",
                f"SELECT v.* FROM {events} v WHERE v.seq NOT IN (SELECT w.seq FROM {events} w JOIN"
                f" {notices} n ON n.pday = w.eday AND (n.device IS NULL OR n.device = w.device))",
            )
            missing = plan.table("missing", latest(uncovered, "v", "eday"))
            status = f"CASE WHEN {plan.as_of} <= due THEN 'pending' ELSE 'breached' END"
            parts.append(
                f"SELECT {plan.columns(ob, case_id='case_id', status=status, code=lit('notice.missing'), start_us='ts', due_us='due', clock=lit(ob.clock), budget='label', v_time='ts', uncovered='due IS NULL')},"
                f" 1 AS phase, ts AS t1, seq AS t2 FROM {missing}"
            )
        union = " UNION ALL ".join(parts)
        number = {
            "occurrence": "ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY phase, t1, t2) AS occurrence",
            "pos": "ROW_NUMBER() OVER (ORDER BY phase, t1, t2) AS pos",
        }
        names = ", ".join(number.get(c, c) for c in RESULT_NAMES)
        plan.result("results", f"SELECT {names} FROM ({union}) u")

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, AdvanceNotice)
        when = None if row["v_time"] is None else from_us(row["v_time"])
        if code == "notice.excepted":
            return (
                ("fault", row["v_text"]),
                ("level", Ref("level", str(row["v_level"]))),
                ("reported", when),
            )
        if code == "notice.missing":
            return (
                ("notice", Ref("event", ob.notice)),
                ("event", Ref("event", ob.for_event or "")),
                ("planned", when),
            )
        return (("notice", Ref("event", ob.notice)), ("planned", when))


KIND = AdvanceNoticeKind()
