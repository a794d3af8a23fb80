"""The period service summary (2.3.4.3) as Markdown, self-contained HTML, JSON or Excel.

:func:`document` lays the figures of :mod:`slarules.monthly` out as parts, in the
clause's order with its headings; each part is paragraphs, tables and key/value cards
whose cells are typed (times, durations, shares), so that the text formats write them
in words and the workbook as real Excel values. A part with no data says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import IO, Any

from ..monthly import CHECKS, PLAN_STATUSES, Fault, PeriodSummary, to_minute
from ..results import STATUSES, Result
from ..wording import Wording, catalogue
from .grid import write_markdown


class Share(float):
    """A share (0..1), shown as a percentage."""


class Rate(float):
    """A ratio shown with two decimals (faults per device)."""


Cell = str | int | Decimal | datetime | timedelta | Share | Rate | None


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Card:
    """One record shown as item / content rows (a major fault's analysis)."""

    heading: str
    items: list[tuple[str, Cell]]


Block = Para | Table | Card


@dataclass(frozen=True)
class Chart:
    """A bar chart of named values: ``bars`` by month (None: no data, no bar), or
    ``hbars`` of shares (0-100) with long names. ``shown`` is how a value is written:
    ``count``, ``rate`` (two decimals) or ``percent``."""

    kind: str
    caption: str
    values: list[tuple[str, float | None]]
    shown: str
    color: str
    no_data: str = ""


@dataclass(frozen=True)
class Part:
    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)  # drawn by the HTML page


def label(key: str, lang: str) -> str:
    value: Any = catalogue(lang)["report"]
    for part in key.split("."):
        value = value[part]
    return str(value)


class Words:
    """The report's words in one language, and its cells as text."""

    def __init__(self, s: PeriodSummary, lang: str) -> None:
        self.s, self.lang = s, lang
        self.w = Wording(s.contract, lang)
        self.period = label("this_quarter" if s.period.unit == "quarter" else "this_month", lang)

    def __call__(self, key: str, **values: object) -> str:
        template = label(key, self.lang)
        if not values:
            return template
        return self.w.text_of(template, {k: self.text(v) for k, v in values.items()})

    def text(self, cell: object) -> str:
        w = self.w
        if cell is None:
            return str(w.data["format"]["none"])
        if isinstance(cell, Share):
            return f"{100 * cell:.1f}%"
        if isinstance(cell, Rate):
            return f"{cell:.2f}"
        if isinstance(cell, Decimal):
            return amount_text(cell)
        if isinstance(cell, datetime):
            return w.time(cell)
        if isinstance(cell, timedelta):
            return w.duration(cell)
        return str(cell)

    def level(self, level_id: str | None) -> str:
        if level_id is None:
            return self("not_recorded")
        level = self.s.contract.level(level_id)
        return level_id if level is None else (level.zh if self.lang == "zh" else level.en)

    def site(self, site_id: object, distance_km: float | None = None) -> str:
        from ..results import Ref

        if site_id is None:
            return (
                self("not_recorded")
                if distance_km is None
                else self("distance", km=f"{distance_km:g}")
            )
        return self.w.name(Ref("site", str(site_id)))

    def or_not_recorded(self, text: str | None) -> str:
        return text if text else self("not_recorded")

    def outage(self, length: timedelta | None, share: float | None) -> str:
        if length is None:
            return self("no_outage")
        if share is None:
            return self("outage_length", length=length)
        return self("outage_words", length=length, share=f"{share:g}%")


def amount_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


# ---------------------------------------------------------------- the parts


def document(s: PeriodSummary, lang: str) -> list[Part]:
    """The summary's parts in the order of 2.3.4.3 (and the assessment, when there is one)."""
    t = Words(s, lang)
    parts = [
        _summary(s, t),
        _major(s, t),
        _faults(s, t),
        _inspections(s, t),
        _spares(s, t),
        _maintenance(s, t),
        _plan(s, t),
        _problems(s, t),
        _trend(s, t),
    ]
    if s.contract.assessment is not None:
        parts.append(_assessment(s, t))
    return parts


def _summary(s: PeriodSummary, t: Words) -> Part:
    lang = t.lang
    blocks: list[Block] = []
    if not s.covered:
        blocks.append(Para(t("not_covered", period=t.period)))
    faults = s.faults
    restored = [f.time_to_restore for f in faults if f.time_to_restore is not None]
    if faults:
        levels = t.w.value(
            [t("level_count", level=t.level(lv.id), count=n) for lv, n in s.faults_by_severity if n]
        )
        mean = to_minute(sum(restored, timedelta(0)) / len(restored)) if restored else None
        blocks.append(
            Para(
                t(
                    "summary_faults",
                    period=t.period,
                    faults=len(faults),
                    levels=levels,
                    restored=len(restored),
                    mean=mean,
                )
            )
        )
    else:
        blocks.append(Para(t("summary_no_faults", period=t.period)))
    if s.judged:
        blocks.append(
            Para(
                t(
                    "summary_levels",
                    judged=s.judged,
                    met=s.judged - s.breached,
                    breached=s.breached,
                    rate=Share(s.rate or 0),
                )
            )
        )
    else:
        blocks.append(Para(t("summary_no_levels", period=t.period)))
    inspected = sum(1 for row in s.devices_table if row.inspected is not None)
    blocks.append(
        Para(
            t(
                "summary_actions",
                inspected=inspected,
                due=len(s.contract.devices) * len(s.period.months),
                maintenance=len(s.maintenance),
                planned=len(s.plan),
                on_time=sum(1 for p in s.plan if p.status == "on_time"),
            )
        )
    )
    found = [p for p in s.problems if p.found >= s.start]
    blocks.append(
        Para(
            t(
                "summary_problems",
                open_start=len(s.problems) - len(found),
                found=len(found),
                closed=sum(1 for p in s.problems if p.closed is not None),
                open_end=sum(1 for p in s.problems if p.closed is None),
            )
        )
    )
    by_level: list[list[Cell]] = [[t.level(lv.id), n] for lv, n in s.faults_by_severity]
    blocks.append(
        Table(t("faults"), [t("level"), t("count")], [*by_level, [t("total"), s.fault_count]])
    )
    if s.obligations:
        blocks.append(
            Table(
                t("obligations"),
                [t("obligation"), t("clause"), *(t.w.status(k) for k in STATUSES), t("rate")],
                [
                    [
                        row.title.pick(lang),
                        row.clause,
                        *(row.counts[k] for k in STATUSES),
                        None if row.rate is None else Share(row.rate),
                    ]
                    for row in s.obligations
                ],
            )
        )
    if s.hotline:
        blocks.append(
            Table(
                t("hotline"),
                [t("month"), t("status"), t("reason")],
                [[r.case, t.w.status(r.status), t.w.reason(r)] for r in s.hotline],
            )
        )
    if s.unjudged:
        blocks.append(
            Table(
                t("unjudged"),
                [t("obligation"), t("clause"), t("events")],
                [
                    [
                        u.title.pick(lang),
                        u.clause,
                        t.w.value(tuple(t.w.name_of_event(e) for e in u.events)),
                    ]
                    for u in s.unjudged
                ],
            )
        )
    rates: list[tuple[str, float | None]] = [
        (row.title.pick(lang), 100 * row.rate) for row in s.obligations if row.rate is not None
    ]
    charts = [Chart("hbars", t("rate"), rates, "percent", "#4f8f4f")] if rates else []
    return Part("summary", t("part.summary"), blocks, charts)


def _escalation_text(fault: Fault, t: Words) -> str:
    return "" if fault.escalated is None else t("escalations_words", levels=fault.escalated)


def _major(s: PeriodSummary, t: Words) -> Part:
    least = s.major_from
    level = t.level(least.id) if least else t("not_recorded")
    majors = s.major_faults
    if not majors:
        return Part("major", t("part.major"), [Para(t("major_none", period=t.period, level=level))])
    blocks: list[Block] = [Para(t("major_intro", level=level))]
    for f in majors:
        handling = f.texts.get("handling")
        escalated = _escalation_text(f, t)
        process = "; ".join(x for x in (handling, escalated) if x) or t("not_recorded")
        result_text = f.texts.get("solution")
        blocks.append(
            Card(
                t(
                    "major_heading",
                    case=f.case,
                    level=t.level(f.level),
                    site=t.site(f.site, f.distance_km),
                ),
                [
                    (t("case"), f.case),
                    (t("declared"), t.level(f.declared)),
                    (t("derived"), t.level(f.derived) if f.derived else t("none")),
                    (t("site"), t.site(f.site, f.distance_km)),
                    (t("reported"), f.reported),
                    (t("restored"), f.restored or t("not_recorded")),
                    (t("resolved"), f.resolved or t("not_recorded")),
                    (t("outage"), t.outage(f.outage, f.affected_pct)),
                    (t("description"), t.or_not_recorded(f.texts.get("description"))),
                    (t("cause"), t.or_not_recorded(f.texts.get("cause"))),
                    (t("handling"), process),
                    (t("result"), t.or_not_recorded(result_text)),
                    (t("prevention"), t.or_not_recorded(f.texts.get("prevention"))),
                    (t("fault_report"), f.report_at or t("not_recorded")),
                ],
            )
        )
    return Part("major", t("part.major"), blocks)


def _faults(s: PeriodSummary, t: Words) -> Part:
    if not s.faults:
        return Part("faults", t("part.faults"), [Para(t("faults_none", period=t.period))])
    headers = [
        t("case"),
        t("declared"),
        t("site"),
        t("reported"),
        t("restored"),
        t("time_to_restore"),
        t("outage"),
        t("escalated"),
        t("description"),
        t("emergency"),
        t("root_cause"),
    ]
    rows: list[list[Cell]] = [
        [
            f.case,
            t.level(f.declared),
            t.site(f.site, f.distance_km),
            f.reported,
            f.restored or t("not_recorded"),
            f.time_to_restore,
            t.outage(f.outage, f.affected_pct),
            f.escalated,
            t.or_not_recorded(f.texts.get("description")),
            t.or_not_recorded(f.texts.get("handling")),
            t.or_not_recorded(f.texts.get("cause")),
        ]
        for f in s.faults
    ]
    return Part("faults", t("part.faults"), [Table(t("part.faults"), headers, rows)])


def _inspections(s: PeriodSummary, t: Words) -> Part:
    if not s.devices_table:
        return Part("inspections", t("part.inspections"), [Para(t("devices_none"))])
    quarter = s.period.unit == "quarter"
    headers = [
        t("device"),
        t("device_name"),
        t("site"),
        *([t("month")] if quarter else []),
        t("inspected"),
        t("inspection_result"),
        *(t(f"check.{name}") for name in CHECKS),
    ]
    rows: list[list[Cell]] = []
    for row in s.devices_table:
        d = row.device
        rows.append(
            [
                d.id,
                d.title.pick(t.lang),
                t.site(d.site) if d.site else "",
                *([row.month] if quarter else []),
                row.inspected or t("not_inspected"),
                t.w.status(row.status) if row.status else t("not_judged"),
                *(
                    row.checks.get(name, t("not_recorded") if row.inspected else None)
                    for name in CHECKS
                ),
            ]
        )
    return Part("inspections", t("part.inspections"), [Table(t("part.inspections"), headers, rows)])


def _spares(s: PeriodSummary, t: Words) -> Part:
    if not s.spares:
        return Part("spares", t("part.spares"), [Para(t("spares_none", period=t.period))])
    headers = [
        t("case"),
        t("part_name"),
        t("spare_reason"),
        t("needed"),
        t("arrived"),
        t("replaced"),
        t("took"),
        t("impact"),
    ]
    rows: list[list[Cell]] = [
        [
            p.case,
            t.or_not_recorded(p.part),
            t.or_not_recorded(p.reason),
            p.needed,
            p.arrived or t("not_recorded"),
            p.replaced or t("not_recorded"),
            p.took,
            t.outage(p.outage, p.affected_pct),
        ]
        for p in s.spares
    ]
    return Part("spares", t("part.spares"), [Table(t("part.spares"), headers, rows)])


def _maintenance(s: PeriodSummary, t: Words) -> Part:
    if not s.maintenance:
        return Part(
            "maintenance", t("part.maintenance"), [Para(t("maintenance_none", period=t.period))]
        )
    headers = [
        t("time"),
        t("case"),
        t("device"),
        t("change"),
        t("steps"),
        t("solves"),
        t("signed_by"),
    ]
    rows: list[list[Cell]] = [
        [
            job.at,
            job.case,
            job.device,
            job.change,
            t.or_not_recorded(job.steps),
            t.or_not_recorded(job.solves),
            job.signed_by or t("not_signed"),
        ]
        for job in s.maintenance
    ]
    return Part("maintenance", t("part.maintenance"), [Table(t("part.maintenance"), headers, rows)])


def _plan(s: PeriodSummary, t: Words) -> Part:
    blocks: list[Block] = []
    if s.plan:
        counts = {k: sum(1 for p in s.plan if p.status == k) for k in PLAN_STATUSES}
        blocks.append(Para(t("plan_counts", planned=len(s.plan), **counts)))
        blocks.append(
            Table(
                t("part.plan"),
                [
                    t("case"),
                    t("work"),
                    t("device"),
                    t("planned"),
                    t("moved_to"),
                    t("done"),
                    t("execution"),
                    t("reason"),
                ],
                [
                    [
                        p.case,
                        t(f"plan_work.{p.work}"),
                        p.device or t("not_recorded"),
                        p.planned,
                        p.moved_to,
                        p.done,
                        t(f"plan_status.{p.status}"),
                        p.reason
                        if p.reason
                        else (t("no_reason") if p.status not in ("on_time", "not_due") else None),
                    ]
                    for p in s.plan
                ],
            )
        )
    else:
        blocks.append(Para(t("plan_none", period=t.period)))
    if s.breaches:
        blocks.append(
            Table(
                t("breaches"),
                [t("case"), t("obligation"), t("clause"), t("due"), t("late"), t("reason")],
                [_breach_row(r, t) for r in s.breaches],
            )
        )
    else:
        blocks.append(Para(t("breaches_none", period=t.period)))
    return Part("plan", t("part.plan"), blocks)


def _breach_row(r: Result, t: Words) -> list[Cell]:
    return [r.case, r.title.pick(t.lang), r.clause, r.finding.due, r.late_by, t.w.reason(r)]


def _problems(s: PeriodSummary, t: Words) -> Part:
    if not s.problems:
        return Part("problems", t("part.problems"), [Para(t("problems_none", period=t.period))])
    headers = [
        t("case"),
        t("found"),
        t("device"),
        t("problem"),
        t("problem_impact"),
        t("advice"),
        t("closed"),
        t("resolution"),
    ]
    rows: list[list[Cell]] = [
        [
            p.case,
            p.found,
            p.device or t("not_recorded"),
            p.description,
            t.or_not_recorded(p.impact),
            t.or_not_recorded(p.advice),
            p.closed or t("still_open"),
            p.resolution,
        ]
        for p in s.problems
    ]
    return Part("problems", t("part.problems"), [Table(t("part.problems"), headers, rows)])


def _trend(s: PeriodSummary, t: Words) -> Part:
    blocks: list[Block] = []
    if s.devices:
        blocks.append(Para(t("trend_definition", devices=s.devices)))
    else:
        blocks.append(Para(t("trend_no_devices")))
    months = {m.label: m for m in s.trend}
    last = s.trend[-1]
    before = s.trend[-2] if len(s.trend) > 1 else None
    if last.audited and before is not None:

        def rate(value: float | None) -> Cell:
            return t("no_data") if value is None else Rate(value)

        if before.audited:
            blocks.append(
                Para(
                    t(
                        "trend_compare",
                        month=last.label,
                        faults=last.faults,
                        rate=rate(last.per_device),
                        previous=before.label,
                        before=before.faults,
                        rate_before=rate(before.per_device),
                    )
                )
            )
        else:
            blocks.append(
                Para(
                    t(
                        "trend_compare_none",
                        month=last.label,
                        faults=last.faults,
                        previous=before.label,
                    )
                )
            )
    no_data = t("no_data")
    rows: list[list[Cell]] = []
    for m in months.values():
        if not m.audited:
            rows.append([m.label, no_data, no_data, no_data, no_data])
            continue
        rows.append(
            [
                m.label,
                m.faults,
                no_data if m.per_device is None else Rate(m.per_device),
                no_data if m.breach_rate is None else Share(m.breach_rate),
                m.mean_restore,
            ]
        )
    blocks.append(
        Table(
            t("trend"),
            [t("month"), t("fault_count"), t("per_device"), t("breach_rate"), t("mean_restore")],
            rows,
        )
    )
    charts = [
        Chart(
            "bars",
            t("fault_count"),
            [(m.label[2:], float(m.faults) if m.audited else None) for m in s.trend],
            "count",
            "#3b6ea5",
            no_data,
        ),
        Chart(
            "bars",
            t("per_device"),
            [(m.label[2:], m.per_device) for m in s.trend],
            "rate",
            "#8064a2",
            no_data,
        ),
        Chart(
            "bars",
            t("breach_rate"),
            [
                (m.label[2:], None if m.breach_rate is None else 100 * m.breach_rate)
                for m in s.trend
            ],
            "percent",
            "#c0504d",
            no_data,
        ),
    ]
    return Part("trend", t("part.trend"), blocks, charts)


def _assessment(s: PeriodSummary, t: Words) -> Part:
    from .scoring import obligation_lines, score_line

    a = s.contract.assessment
    assert a is not None
    blocks: list[Block] = [Para(t("assessment_rule", title=a.title.pick(t.lang), source=a.source))]
    unit = t(f"unit.{a.unit}")
    for month in s.scores:
        blocks.append(Para(score_line(month, a, t.w)))
        blocks.extend(Para(line) for line in obligation_lines(month, a, t.w))
        if month.deductions:
            blocks.append(
                Table(
                    f"{t('part.assessment')} {month.month}",
                    [
                        t("case"),
                        t("obligation"),
                        t("clause"),
                        t("late"),
                        f"{t('per_breach')} ({unit})",
                        t("hours_late"),
                        f"{t('per_hour')} ({unit})",
                        f"{t('amount')} ({unit})",
                    ],
                    [
                        [
                            d.result.case,
                            d.result.title.pick(t.lang),
                            d.result.clause,
                            d.result.late_by,
                            d.per_breach,
                            d.hours,
                            d.per_hour,
                            f"{t.text(d.amount)} ({t('at_most')})" if d.limited else d.amount,
                        ]
                        for d in month.deductions
                    ],
                )
            )
    return Part("assessment", t("part.assessment"), blocks)


# ---------------------------------------------------------------- text formats


def title(s: PeriodSummary, lang: str) -> str:
    key = "title_quarter" if s.period.unit == "quarter" else "title"
    return f"{s.contract.title.pick(lang)} — {label(key, lang)} {s.period.label}"


def span(s: PeriodSummary, t: Words) -> str:
    from ..clocks import DAY

    last = t.w.local(s.end - DAY)
    first = t.w.local(s.start)
    return t("period_span", start=first.date().isoformat(), end=last.date().isoformat())


def markdown(s: PeriodSummary, lang: str, out: IO[str]) -> None:
    t = Words(s, lang)
    out.write(f"# {title(s, lang)}\n\n")
    out.write(f"{t('period')}: {span(s, t)}; {t('as_of')}: {t.w.time(s.as_of)}\n\n")
    for part in document(s, lang):
        out.write(f"## {part.heading}\n\n")
        for block in part.blocks:
            if isinstance(block, Para):
                out.write(f"{block.text}\n\n")
            elif isinstance(block, Card):
                out.write(f"### {block.heading}\n\n")
                write_markdown(
                    out, [t("item"), t("content")], [[k, t.text(v)] for k, v in block.items]
                )
                out.write("\n")
            else:
                if len(part.blocks) > 1 and block.title != part.heading:
                    out.write(f"### {block.title}\n\n")
                write_markdown(out, block.headers, [[t.text(c) for c in row] for row in block.rows])
                out.write("\n")
