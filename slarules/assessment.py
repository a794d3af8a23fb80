"""The customer's assessment of 2.3.4.4 (服务考核): what each breach costs, month by month.

Pure. The amounts are the customer's, not the contract's (the bundled contract states
none): an optional rules file of kind ``Assessment`` holds them, with dates of effect
like every term. A month's score is ``full`` less what its breaches cost, the cost at
most ``cap`` and the score at least ``floor``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from .clocks import period_label, period_start
from .model import Assessment, Dated
from .results import Result

ZERO = Decimal(0)
HOUR_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Deduction:
    """What one breached result costs, and how."""

    result: Result
    per_breach: Decimal
    hours: Decimal  # the hours late that count
    per_hour: Decimal
    amount: Decimal  # per_breach + hours * per_hour, at most the charge's at_most
    limited: bool  # the charge's at_most cut it


@dataclass(frozen=True, slots=True)
class MonthScore:
    month: str
    deductions: tuple[Deduction, ...]
    total: Decimal  # every deduction added up
    counted: Decimal  # what counts after the monthly cap
    full: Decimal | None
    cap: Decimal | None
    floor: Decimal | None

    @property
    def capped(self) -> bool:
        return self.counted < self.total

    @property
    def score(self) -> Decimal | None:
        """The month's score (None without ``full``: an amount of money, not a score)."""
        if self.full is None:
            return None
        score = self.full - self.counted
        return score if self.floor is None else max(score, self.floor)

    @property
    def floored(self) -> bool:
        return (
            self.full is not None
            and self.floor is not None
            and self.full - self.counted < self.floor
        )


def in_force(value: Dated[Decimal] | None, at: datetime) -> Decimal | None:
    """The amount in force at ``at``; None before its first date of effect, or without one."""
    if value is None:
        return None
    try:
        return value.at(at)
    except LookupError:
        return None


def _instant(result: Result) -> datetime | None:
    f = result.finding
    return f.start or f.due


def _month(result: Result, tz: ZoneInfo) -> str | None:
    period = result.finding.period
    if period is not None and len(period) >= 7 and period[4] == "-" and period[5] != "Q":
        return period[:7]
    at = _instant(result)
    return None if at is None else period_label(at, "month", tz)


def _late_hours(result: Result, rounding: str) -> Decimal:
    late = result.late_by
    if late is None:
        return ZERO
    seconds = Decimal(int(late.total_seconds()))
    if rounding == "exact":
        return seconds / HOUR_SECONDS
    return Decimal(math.ceil(seconds / HOUR_SECONDS))


def deduction(assessment: Assessment, result: Result, at: datetime) -> Deduction | None:
    """What a breached result costs under the terms in force at ``at`` (None: nothing)."""
    charge = assessment.charge_for(result.obligation)
    if charge is None or result.status != "breached":
        return None
    per_breach = in_force(charge.per_breach, at) or ZERO
    per_hour = in_force(charge.per_hour_late, at) or ZERO
    hours = _late_hours(result, assessment.late_hours) if per_hour else ZERO
    amount = per_breach + hours * per_hour
    if not amount:
        return None  # no term in force then: the breach costs nothing
    limit = in_force(charge.at_most, at)
    limited = limit is not None and amount > limit
    if limit is not None and limited:
        amount = limit
    return Deduction(result, per_breach, hours, per_hour, amount, limited)


def cost(assessment: Assessment, result: Result) -> Deduction | None:
    """What one breached result costs, before any monthly cap (None: nothing)."""
    at = _instant(result)
    return None if at is None else deduction(assessment, result, at)


def score(
    assessment: Assessment, results: Iterable[Result], tz: ZoneInfo, months: Iterable[str] = ()
) -> list[MonthScore]:
    """Each month's score: the months the breached results fall in, and ``months``.

    A result belongs to the month its clock started in (or its period's month), and its
    cost to the terms in force then; a month's full score, cap and floor are those in
    force when it begins.
    """
    by_month: dict[str, list[Deduction]] = {month: [] for month in months}
    for result in results:
        if result.status != "breached":
            continue
        month = _month(result, tz)
        at = _instant(result)
        if month is None or at is None:
            continue
        found = deduction(assessment, result, at)
        if found is not None:
            by_month.setdefault(month, []).append(found)
    out = []
    for month in sorted(by_month):
        year, number = (int(p) for p in month.split("-"))
        begins = period_start(datetime(year, number, 1, tzinfo=tz), "month", tz)
        items = tuple(by_month[month])
        total = sum((d.amount for d in items), ZERO)
        cap = in_force(assessment.cap, begins)
        out.append(
            MonthScore(
                month,
                items,
                total,
                total if cap is None else min(total, cap),
                in_force(assessment.full, begins),
                cap,
                in_force(assessment.floor, begins),
            )
        )
    return out
