"""The period service summary of clause 2.3.4.3 (《阶段性服务总结》), built from an audit.

Pure: takes the month, the validated events and the audit's results, and returns
plain figures that the summary reporters (Markdown, HTML, JSON) lay out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from . import model as m
from .clocks import DAY, period_end, period_label, period_start
from .engine import Unjudged
from .events import Event
from .kinds import KINDS
from .results import STATUSES, Result


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
class MonthTrend:
    label: str
    faults: int
    judged: int
    breached: int

    @property
    def breach_rate(self) -> float | None:
        return None if not self.judged else self.breached / self.judged


@dataclass(frozen=True)
class MonthlySummary:
    contract: m.Contract
    month: str
    start: datetime
    end: datetime
    as_of: datetime
    faults_by_severity: list[tuple[m.Level, int]]
    obligations: list[ObligationRow]
    breaches: list[Result]
    escalations: list[Event]
    spares: list[tuple[Event, Event | None]]
    inspections: list[Result]
    hotline: list[Result]
    trend: list[MonthTrend]
    devices: int
    records: dict[str, int] = field(default_factory=dict)
    unjudged: tuple[Unjudged, ...] = ()  # duties the logs hold no evidence of

    @property
    def faults(self) -> int:
        return sum(n for _, n in self.faults_by_severity)


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    year, number = (int(p) for p in month.split("-"))
    start = datetime(year, number, 1, tzinfo=tz)
    return start, period_end(start, "month", tz)


def _month_of(at: datetime | None, tz: ZoneInfo) -> str | None:
    return None if at is None else period_label(at, "month", tz)


def build(
    contract: m.Contract,
    month: str,
    events: Sequence[Event],
    results: Iterable[Result],
    as_of: datetime,
    trend_months: int,
    records: dict[str, int] | None = None,
    unjudged: Iterable[Unjudged] = (),
) -> MonthlySummary:
    tz = contract.tz
    events = [e for e in events if e.at <= as_of]  # what had happened as of the report
    start, end = month_bounds(month, tz)
    all_results = list(results)
    in_month = [r for r in all_results if _result_month(r, tz) == month]
    reports = [e for e in events if e.name == "reported"]
    by_level = Counter(e.get("severity") for e in reports if start <= e.at < end)
    rows = []
    for ob in contract.obligations:
        counts = dict.fromkeys(STATUSES, 0)
        for r in in_month:
            if r.obligation == ob.id:
                counts[r.status] += 1
        if any(counts.values()):
            rows.append(ObligationRow(ob.id, ob.clause, ob.title, counts))
    spares_needed = [e for e in events if e.name == "spare_needed" and start <= e.at < end]
    arrived = {e.case: e for e in events if e.name == "spare_arrived"}
    trend = []
    at = start
    for _ in range(trend_months):
        label = period_label(at, "month", tz)
        month_start = period_start(at, "month", tz)
        month_end = period_end(at, "month", tz)
        judged = [
            r
            for r in all_results
            if _result_month(r, tz) == label and r.status in ("met", "breached")
        ]
        trend.append(
            MonthTrend(
                label,
                sum(1 for e in reports if month_start <= e.at < month_end),
                len(judged),
                sum(1 for r in judged if r.status == "breached"),
            )
        )
        at = month_start - DAY
    trend.reverse()
    # The inspections of every device, and the service levels (the hotline's), as their
    # kinds say.
    per_device = {ob.id for ob in contract.obligations if KINDS[ob.type].per_device(ob)}
    shares = {ob.id for ob in contract.obligations if KINDS[ob.type].share(ob)}
    return MonthlySummary(
        contract=contract,
        month=month,
        start=start,
        end=end,
        as_of=as_of,
        faults_by_severity=[(level, by_level.get(level.id, 0)) for level in contract.levels],
        obligations=rows,
        breaches=sorted(
            (r for r in in_month if r.status == "breached"),
            key=lambda r: (r.finding.due or r.finding.start or start, r.case),
        ),
        escalations=sorted(
            (e for e in events if e.name == "escalated" and start <= e.at < end), key=lambda e: e.at
        ),
        spares=[(e, arrived.get(e.case)) for e in spares_needed],
        inspections=[r for r in in_month if r.obligation in per_device],
        hotline=[r for r in in_month if r.obligation in shares],
        trend=trend,
        devices=len(contract.devices),
        records=records or {},
        unjudged=tuple(unjudged),
    )


def _result_month(result: Result, tz: ZoneInfo) -> str | None:
    """The month a result belongs to: its period, or when its clock started."""
    if result.finding.period is not None:
        return result.finding.period[:7]
    return _month_of(result.finding.start, tz)
