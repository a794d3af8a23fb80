"""The period service summary of clause 2.3.4.3 (《阶段性服务总结》), built from an audit.

Pure: takes the period (a month or a quarter), the validated events and the audit's
results, and returns plain figures, part by part in the clause's order, that the summary
reporters (Markdown, HTML, JSON, Excel) lay out. No words: texts quoted from the logs
(a fault's description, a part's name) are facts, carried as written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import model as m
from .assessment import MonthScore, score
from .case import Case
from .clocks import DAY, period_end, period_label, period_start
from .engine import Unjudged
from .events import Event
from .kinds import KINDS
from .results import STATUSES, Result

# The facts the parts quote, by the event that carries them (rules/events.yaml).
FAULT_TEXTS = ("description", "handling", "cause", "solution", "prevention")
CHECKS = ("appearance", "hardware", "system_log", "cluster", "configuration", "backup", "resources")
_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


@dataclass(frozen=True)
class Period:
    """A month (``2026-10``) or a quarter (``2026-Q3``): ``[start, end)`` in the contract's zone."""

    label: str
    unit: str  # month | quarter
    start: datetime
    end: datetime
    months: tuple[str, ...]


def parse_period(label: str, tz: ZoneInfo) -> Period | None:
    """The period a label names, or None if it names none."""
    found = _PERIOD.match(label)
    if found is None:
        return None
    year = int(found[1])
    unit = "month" if found[2] else "quarter"
    first = int(found[2]) if found[2] else 3 * int(found[3]) - 2
    start = datetime(year, first, 1, tzinfo=tz)
    end = period_end(start, unit, tz)
    months = []
    at = start
    while at < end:
        months.append(period_label(at, "month", tz))
        at = period_end(at, "month", tz)
    return Period(label, unit, start, end, tuple(months))


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    period = parse_period(month, tz)
    assert period is not None and period.unit == "month", month
    return period.start, period.end


@dataclass(frozen=True)
class ObligationRow:
    id: str
    clause: str
    title: m.Text
    counts: dict[str, int]

    @property
    def judged(self) -> int:
        return self.counts["met"] + self.counts["breached"]

    @property
    def rate(self) -> float | None:
        """Share met among the results that are met or breached (None: nothing judged)."""
        return None if not self.judged else self.counts["met"] / self.judged


@dataclass(frozen=True)
class Fault:
    """One incident reported in the period, with what the log says of it."""

    case: str
    declared: str | None  # the level declared (or reclassified to, last)
    derived: str | None  # the level the outage facts give
    level: str | None  # the more severe of the two
    site: str | None
    distance_km: float | None  # from the report, when it names no site
    reported: datetime
    restored: datetime | None
    resolved: datetime | None
    outage: timedelta | None  # the interruptions' length; None: the log records none
    affected_pct: float | None
    escalated: int | None  # the highest support level reached
    report_at: datetime | None  # the fault report (2.2.6)
    texts: Mapping[str, str]  # FAULT_TEXTS, as the log last wrote each
    major: bool = False

    @property
    def time_to_restore(self) -> timedelta | None:
        return None if self.restored is None else self.restored - self.reported


@dataclass(frozen=True)
class Spare:
    case: str
    part: str | None
    reason: str | None
    needed: datetime
    arrived: datetime | None
    replaced: datetime | None
    outage: timedelta | None  # the case's interruption: the fault's impact
    affected_pct: float | None

    @property
    def took(self) -> timedelta | None:
        """From the need to the part in place (or on site, when no replacement is logged)."""
        end = self.replaced or self.arrived
        return None if end is None else end - self.needed


@dataclass(frozen=True)
class DeviceRow:
    device: m.Device
    inspected: datetime | None
    status: str | None  # the monthly inspection's result (None: not judged)
    checks: Mapping[str, str]
    month: str


@dataclass(frozen=True)
class Maintenance:
    case: str
    at: datetime
    device: str
    change: str
    steps: str | None
    solves: str | None
    signed_by: str | None


@dataclass(frozen=True)
class PlanItem:
    """A planned inspection or maintenance of the period, and what became of it."""

    case: str
    work: str  # inspection | maintenance
    device: str | None
    planned: datetime
    moved_to: datetime | None
    done: datetime | None
    reason: str | None
    status: str  # on_time | late | deferred | not_done | not_due


@dataclass(frozen=True)
class Problem:
    case: str
    found: datetime
    device: str | None
    description: str
    impact: str | None
    advice: str | None
    closed: datetime | None
    resolution: str | None


@dataclass(frozen=True)
class MonthTrend:
    label: str
    audited: bool  # the logs cover the month (a month before them, or after, has no data)
    faults: int
    judged: int
    breached: int
    devices: int
    restore_total: timedelta = timedelta(0)
    restored: int = 0

    @property
    def breach_rate(self) -> float | None:
        return None if not self.audited or not self.judged else self.breached / self.judged

    @property
    def per_device(self) -> float | None:
        """Faults per device in scope in the month (the fault rate of 2.3.4.3)."""
        return None if not self.audited or not self.devices else self.faults / self.devices

    @property
    def mean_restore(self) -> timedelta | None:
        """To the minute, as every time the summary shows."""
        return None if not self.restored else to_minute(self.restore_total / self.restored)


def to_minute(delta: timedelta) -> timedelta:
    return timedelta(minutes=round(delta.total_seconds() / 60))


@dataclass(frozen=True)
class PeriodSummary:
    contract: m.Contract
    period: Period
    as_of: datetime
    covered: bool  # the logs cover some of the period
    faults: list[Fault]
    faults_by_severity: list[tuple[m.Level, int]]
    obligations: list[ObligationRow]
    breaches: list[Result]
    escalations: list[Event]
    spares: list[Spare]
    inspections: list[Result]
    devices_table: list[DeviceRow]
    hotline: list[Result]
    maintenance: list[Maintenance]
    plan: list[PlanItem]
    problems: list[Problem]
    trend: list[MonthTrend]
    devices: int
    major_from: m.Level | None  # the least severe level whose faults are analysed
    scores: list[MonthScore] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    unjudged: tuple[Unjudged, ...] = ()  # duties the logs hold no evidence of

    @property
    def month(self) -> str:
        return self.period.label

    @property
    def start(self) -> datetime:
        return self.period.start

    @property
    def end(self) -> datetime:
        return self.period.end

    @property
    def fault_count(self) -> int:
        return sum(n for _, n in self.faults_by_severity)

    @property
    def major_faults(self) -> list[Fault]:
        return [f for f in self.faults if f.major]

    @property
    def judged(self) -> int:
        return sum(row.judged for row in self.obligations)

    @property
    def breached(self) -> int:
        return sum(row.counts["breached"] for row in self.obligations)

    @property
    def rate(self) -> float | None:
        judged = self.judged
        return None if not judged else (judged - self.breached) / judged

    @property
    def audited_months(self) -> list[MonthTrend]:
        return [t for t in self.trend if t.label in self.period.months and t.audited]


# MonthlySummary was the name while the summary covered a month only.
MonthlySummary = PeriodSummary


def _result_month(result: Result, tz: ZoneInfo) -> str | None:
    """The period a result belongs to: its own (a month, a quarter), or when its clock started."""
    period = result.finding.period
    if period is not None:
        return period if "Q" in period else period[:7]
    start = result.finding.start
    return None if start is None else period_label(start, "month", tz)


def _in_period(result: Result, period: Period, tz: ZoneInfo) -> bool:
    label = _result_month(result, tz)
    return label is not None and (label in period.months or label == period.label)


def _last_text(events: Iterable[Event], name: str) -> str | None:
    """The fact as the log last wrote it (a fault report revises the first words)."""
    found = None
    for event in events:
        value = event.get(name)
        if isinstance(value, str) and value.strip():
            found = value.strip()
    return found


def _outage(
    contract: m.Contract, case: Case, as_of: datetime
) -> tuple[timedelta | None, float | None, str | None]:
    """The case's interruptions: their length, the largest share of users, the level they give."""
    spec = contract.outage
    if spec is None or spec.duration_fact is None:
        return None, None, None
    measured = case.interval_facts(spec, as_of)
    if not measured:
        return None, None, None
    total = timedelta(0)
    share: float | None = None
    levels = []
    for facts, _open in measured:
        length = facts.get(spec.duration_fact)
        if isinstance(length, timedelta):
            total += length
        for name in spec.max_facts:
            value = facts.get(name)
            if isinstance(value, (int, float)) and (share is None or value > share):
                share = float(value)
        level = contract.classify(facts)
        if level is not None:
            levels.append(level)
    derived = min(levels, key=lambda lv: lv.rank).id if levels else None
    return total, share, derived


def _more_severe(contract: m.Contract, *ids: str | None) -> str | None:
    levels = [contract.level(i) for i in ids if i is not None]
    known = [lv for lv in levels if lv is not None]
    return min(known, key=lambda lv: lv.rank).id if known else None


def _major_from(contract: m.Contract) -> m.Level | None:
    """The least severe level analysed as a major fault (readings.major_fault_analysis;
    without the reading, the most severe level alone)."""
    reading = contract.readings.get("major_fault_analysis")
    if reading is not None:
        return contract.level(reading.value)
    return min(contract.levels, key=lambda lv: lv.rank) if contract.levels else None


def _faults(
    contract: m.Contract, cases: Mapping[str, Case], period: Period, as_of: datetime
) -> list[Fault]:
    major = _major_from(contract)
    policy = contract.reading("reclassification") if "reclassification" in contract.readings else ""
    out = []
    for case in cases.values():
        report = case.report
        if report is None or not period.start <= report.at < period.end:
            continue
        declared, _ = case.severity_at(as_of, policy)
        outage, share, derived = _outage(contract, case, as_of)
        level = _more_severe(contract, declared, derived)
        found = contract.level(level) if level else None
        levels = [int(e.get("level")) for e in case.all("escalated") if e.get("level") is not None]
        restored, resolved = case.all("restored"), case.all("resolved")
        reports = case.all("report_submitted")
        out.append(
            Fault(
                case=case.id,
                declared=declared,
                derived=derived,
                level=level,
                site=report.get("site"),
                distance_km=report.get("distance_km"),
                reported=report.at,
                restored=restored[-1].at if restored else None,
                resolved=resolved[-1].at if resolved else None,
                outage=outage,
                affected_pct=share,
                escalated=max(levels) if levels else None,
                report_at=reports[-1].at if reports else None,
                texts={
                    name: text
                    for name in FAULT_TEXTS
                    if (text := _last_text(case.events, name)) is not None
                },
                major=found is not None and major is not None and found.rank <= major.rank,
            )
        )
    return sorted(out, key=lambda f: (f.reported, f.case))


def _spares(
    contract: m.Contract, cases: Mapping[str, Case], period: Period, as_of: datetime
) -> list[Spare]:
    out = []
    for case in cases.values():
        needs = [e for e in case.all("spare_needed") if period.start <= e.at < period.end]
        if not needs:
            continue
        outage, share, _ = _outage(contract, case, as_of)
        for need in needs:
            arrived = case.first("spare_arrived", need.at)
            replaced = case.first("spare_replaced", need.at)
            out.append(
                Spare(
                    case.id,
                    _last_text([need] if replaced is None else [replaced, need], "part"),
                    _last_text([need], "reason"),
                    need.at,
                    arrived.at if arrived else None,
                    replaced.at if replaced else None,
                    outage,
                    share,
                )
            )
    return sorted(out, key=lambda s: (s.needed, s.case))


def _devices_table(
    contract: m.Contract, events: Sequence[Event], inspections: Sequence[Result], period: Period
) -> list[DeviceRow]:
    status = {(r.case): r.status for r in inspections}
    done = [e for e in events if e.name == "inspection" and period.start <= e.at < period.end]
    rows = []
    for month in period.months:
        for device in contract.devices:
            key = f"{device.id} {month}"
            mine = [
                e
                for e in done
                if e.get("device") == device.id
                and period_label(e.at, "month", contract.tz) == month
            ]
            found: list[Event | None] = [*mine] or [None]
            for event in found:
                rows.append(
                    DeviceRow(
                        device,
                        None if event is None else event.at,
                        status.get(key),
                        {}
                        if event is None
                        else {n: t for n in CHECKS if (t := _last_text([event], n)) is not None},
                        month,
                    )
                )
    return rows


def _maintenance(events: Sequence[Event], period: Period) -> list[Maintenance]:
    return [
        Maintenance(
            e.case,
            e.at,
            str(e.get("device")),
            str(e.get("change")),
            _last_text([e], "steps"),
            _last_text([e], "solves"),
            _last_text([e], "signed_by"),
        )
        for e in events
        if e.name == "maintenance_done" and period.start <= e.at < period.end
    ]


# What became of a planned item (see _plan).
PLAN_STATUSES = ("on_time", "late", "deferred", "not_done", "not_due")
# A plan's event, the event of the work that carries it out, and what work it is.
PLANS = {
    "inspection_notified": ("inspection", "inspection"),
    "maintenance_planned": ("maintenance_done", "maintenance"),
}


def _plan(
    contract: m.Contract, cases: Mapping[str, Case], period: Period, as_of: datetime
) -> list[PlanItem]:
    """Each planned inspection or maintenance whose first planned day falls in the period.

    On time: done by the end of the day first planned. A deferral (``plan_deferred``)
    gives the reason and the new date.
    """
    tz = contract.tz
    out = []
    for case in cases.values():
        for plan, (work, kind) in PLANS.items():
            plans = case.all(plan)
            if not plans:
                continue
            planned = plans[0].get("planned_for")
            if not isinstance(planned, datetime) or not period.start <= planned < period.end:
                continue
            deferrals = case.all("plan_deferred")
            moved = deferrals[-1].get("planned_for") if deferrals else None
            done = case.first(work)
            due = period_end(planned, "day", tz)
            if done is not None:
                status = "on_time" if done.at < due else "late"
            elif isinstance(moved, datetime) and moved >= as_of:
                status = "deferred"
            else:
                status = "not_done" if as_of >= due else "not_due"
            device = (done.get("device") if done else None) or plans[0].get("device")
            out.append(
                PlanItem(
                    case.id,
                    kind,
                    None if device is None else str(device),
                    planned,
                    moved if isinstance(moved, datetime) else None,
                    None if done is None else done.at,
                    _last_text(deferrals, "reason"),
                    status,
                )
            )
    return sorted(out, key=lambda p: (p.planned, p.case))


def _problems(cases: Mapping[str, Case], period: Period) -> list[Problem]:
    """The problems open at some time in the period: found before its end, not closed before
    its start."""
    out = []
    for case in cases.values():
        found = case.all("problem_found")
        if not found or found[0].at >= period.end:
            continue
        closed = case.first("problem_closed", found[0].at)
        if closed is not None and closed.at < period.start:
            continue
        first = found[0]
        out.append(
            Problem(
                case.id,
                first.at,
                _last_text(found, "device"),
                _last_text(found, "description") or "",
                _last_text(found, "impact"),
                _last_text(found, "advice"),
                None if closed is None or closed.at >= period.end else closed.at,
                None if closed is None else _last_text([closed], "resolution"),
            )
        )
    return sorted(out, key=lambda p: (p.found, p.case))


def trend_months(period: Period, months: int, tz: ZoneInfo) -> list[tuple[str, datetime, datetime]]:
    """The ``months`` months that end with the period's last (at least the period's own)."""
    count = max(months, len(period.months))
    out = []
    at = period_start(period.end - DAY, "month", tz)
    for _ in range(count):
        out.append((period_label(at, "month", tz), at, period_end(at, "month", tz)))
        at = period_start(at - DAY, "month", tz)
    out.reverse()
    return out


def build(
    contract: m.Contract,
    period: Period | str,
    events: Sequence[Event],
    results: Iterable[Result],
    as_of: datetime,
    trend_months_count: int,
    records: dict[str, int] | None = None,
    unjudged: Iterable[Unjudged] = (),
) -> PeriodSummary:
    tz = contract.tz
    if isinstance(period, str):
        parsed = parse_period(period, tz)
        assert parsed is not None, period
        period = parsed
    events = [e for e in events if e.at <= as_of]  # what had happened as of the report
    # The months the logs cover: from the first event's to the last one's. A month
    # outside them has no data (neither the logs' absence nor a zero is evidence).
    first_event = min((e.at for e in events), default=None)
    last_event = max((e.at for e in events), default=None)
    covered_from = None if first_event is None else period_start(first_event, "month", tz)
    covered_to = None if last_event is None else period_start(last_event, "month", tz)
    all_results = list(results)
    in_period = [r for r in all_results if _in_period(r, period, tz)]
    by_case: dict[str, list[Event]] = {}
    for event in events:
        by_case.setdefault(event.case, []).append(event)
    cases = {cid: Case.of(cid, evs, contract.undo) for cid, evs in by_case.items()}
    faults = _faults(contract, cases, period, as_of)
    by_level = Counter(f.declared for f in faults)
    rows = []
    for ob in contract.obligations:
        counts = dict.fromkeys(STATUSES, 0)
        for r in in_period:
            if r.obligation == ob.id:
                counts[r.status] += 1
        if any(counts.values()):
            rows.append(ObligationRow(ob.id, ob.clause, ob.title, counts))
    devices = len(contract.devices)
    trend = []
    for label, month_start, month_end in trend_months(period, trend_months_count, tz):
        audited = (
            covered_from is not None
            and covered_to is not None
            and covered_from <= month_start <= covered_to
        )
        judged = [
            r
            for r in all_results
            if _result_month(r, tz) == label and r.status in ("met", "breached")
        ]
        month_faults = [
            c for c in cases.values() if c.report and month_start <= c.report.at < month_end
        ]
        restore = [
            c.all("restored")[-1].at - c.report.at
            for c in month_faults
            if c.report is not None and c.all("restored")
        ]
        trend.append(
            MonthTrend(
                label,
                audited,
                len(month_faults),
                len(judged),
                sum(1 for r in judged if r.status == "breached"),
                devices,
                sum(restore, timedelta(0)),
                len(restore),
            )
        )
    # The inspections of every device, and the service levels (the hotline's), as their
    # kinds say.
    per_device = {ob.id for ob in contract.obligations if KINDS[ob.type].per_device(ob)}
    shares = {ob.id for ob in contract.obligations if KINDS[ob.type].share(ob)}
    inspections = [r for r in in_period if r.obligation in per_device]
    # A month the logs do not cover gets no score: full marks there would be no evidence.
    scored = [t.label for t in trend if t.audited and t.label in period.months]
    scores = score(contract.assessment, in_period, tz, scored) if contract.assessment else []
    return PeriodSummary(
        contract=contract,
        period=period,
        as_of=as_of,
        covered=any(t.audited for t in trend if t.label in period.months),
        faults=faults,
        faults_by_severity=[(level, by_level.get(level.id, 0)) for level in contract.levels],
        obligations=rows,
        breaches=sorted(
            (r for r in in_period if r.status == "breached"),
            key=lambda r: (r.finding.due or r.finding.start or period.start, r.case),
        ),
        escalations=sorted(
            (e for e in events if e.name == "escalated" and period.start <= e.at < period.end),
            key=lambda e: e.at,
        ),
        spares=_spares(contract, cases, period, as_of),
        inspections=inspections,
        devices_table=_devices_table(contract, events, inspections, period),
        hotline=[r for r in in_period if r.obligation in shares],
        maintenance=_maintenance(events, period),
        plan=_plan(contract, cases, period, as_of),
        problems=_problems(cases, period),
        trend=trend,
        devices=devices,
        major_from=_major_from(contract),
        scores=scores,
        records=records or {},
        unjudged=tuple(unjudged),
    )
