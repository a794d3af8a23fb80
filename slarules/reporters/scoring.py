"""The customer's assessment (2.3.4.4) beside an audit: the score of each month and what
each breach cost, for the reporters' summaries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..assessment import Deduction, MonthScore, cost, score
from ..model import Assessment
from ..results import Result
from ..wording import Wording, catalogue

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..engine import AuditWarning, Unjudged
    from ..events import Rejection
    from . import Counts


class Scored:
    """An audit's counts, and the breached results that passed through :meth:`watch`."""

    def __init__(self, counts: Counts, assessment: Assessment, tz: ZoneInfo) -> None:
        self.counts, self.assessment, self.tz = counts, assessment, tz
        self.breached: list[Result] = []

    def watch(self, results: Iterable[Result]) -> Iterator[Result]:
        for result in results:
            if result.status == "breached":
                self.breached.append(result)
            yield result

    def scores(self) -> list[MonthScore]:
        return score(self.assessment, self.breached, self.tz)

    def deduction_of(self, result: Result) -> Deduction | None:
        return cost(self.assessment, result)

    # -- Counts, as the audit has them
    @property
    def as_of(self) -> datetime:
        return self.counts.as_of

    @property
    def read(self) -> int:
        return self.counts.read

    @property
    def after_as_of(self) -> int:
        return self.counts.after_as_of

    @property
    def duplicates(self) -> int:
        return self.counts.duplicates

    @property
    def used(self) -> int:
        return self.counts.used

    @property
    def unjudged(self) -> Sequence[Unjudged]:
        return self.counts.unjudged

    @property
    def warnings(self) -> Sequence[AuditWarning]:
        return self.counts.warnings

    @property
    def rejected(self) -> list[Rejection] | tuple[Rejection, ...]:
        return self.counts.rejected

    def summary(self) -> dict[str, dict[str, int]]:
        return self.counts.summary()


def amount(value: Decimal | None, unit: str, lang: str) -> str:
    """An amount with its unit ('12.5 分'), exact as the rules wrote it."""
    if value is None:
        return ""
    return f"{value.normalize():f} {catalogue(lang)['report']['unit'][unit]}"


def score_line(month: MonthScore, assessment: Assessment, words: Wording) -> str:
    """One month's score in words: full, deducted (the cap), score (the floor)."""
    report = catalogue(words.lang)["report"]
    unit, lang = assessment.unit, words.lang

    def say(key: str, **values: object) -> str:
        return words.text_of(str(report[key]), values)

    def money(value: Decimal | None) -> str:
        return amount(value, unit, lang)

    cap = (
        say("assessment_cap", cap=money(month.cap), counted=money(month.counted))
        if month.capped
        else ""
    )
    if month.full is None:
        if not month.deductions:
            return say("assessment_money_none", month=month.month)
        return say("assessment_money", month=month.month, total=money(month.total), cap=cap)
    if not month.deductions:
        return say("assessment_none", month=month.month, score=money(month.score))
    floor = say("assessment_floor", floor=money(month.floor)) if month.floored else ""
    return say(
        "assessment_month",
        month=month.month,
        full=money(month.full),
        total=money(month.total),
        cap=cap,
        score=money(month.score),
        floor=floor,
    )


def obligation_lines(month: MonthScore, assessment: Assessment, words: Wording) -> list[str]:
    """What each obligation's breaches cost in the month, most costly first."""
    report = catalogue(words.lang)["report"]
    totals: dict[str, tuple[int, Decimal, Result]] = {}
    for d in month.deductions:
        count, total, first = totals.get(d.result.obligation, (0, Decimal(0), d.result))
        totals[d.result.obligation] = (count + 1, total + d.amount, first)
    ordered = sorted(totals.items(), key=lambda item: (-item[1][1], item[0]))
    return [
        words.text_of(
            str(report["assessment_obligation"]),
            {
                "obligation": ob,
                "title": first.title.pick(words.lang),
                "clause": first.clause,
                "count": count,
                "amount": amount(total, assessment.unit, words.lang),
            },
        )
        for ob, (count, total, first) in ordered
    ]


def score_lines(scored: Scored, words: Wording) -> list[str]:
    """The audit summary's lines: the assessment, then each month and its obligations."""
    report = catalogue(words.lang)["report"]
    a = scored.assessment
    lines = [
        words.text_of(
            str(report["assessment_rule"]), {"title": a.title.pick(words.lang), "source": a.source}
        )
    ]
    for month in scored.scores():
        lines.append(score_line(month, a, words))
        lines += ["  " + line for line in obligation_lines(month, a, words)]
    return lines
