"""The monthly service summary as Markdown, self-contained HTML (inline SVG charts) or JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from ..monthly import MonthlySummary
from ..results import STATUS_TEXT, STATUSES
from ..zones import LocalTimes
from .rows import hours_minutes, local

LABELS = {
    "title": ("阶段性服务总结", "Monthly service summary"),
    "as_of": ("截至", "as of"),
    "faults": ("故障统计 (按申告级别)", "Faults by declared severity"),
    "level": ("级别", "Level"),
    "count": ("数量", "Count"),
    "total": ("合计", "Total"),
    "obligations": ("服务承诺达成情况", "Service levels by obligation"),
    "obligation": ("义务", "Obligation"),
    "clause": ("条款", "Clause"),
    "rate": ("达成率", "Met rate"),
    "breaches": ("违约明细", "Breaches"),
    "case": ("案件", "Case"),
    "due": ("到期", "Due"),
    "late": ("超时", "Late by"),
    "reason": ("说明", "Reason"),
    "escalations": ("问题升级", "Escalations"),
    "time": ("时间", "Time"),
    "spares": ("备件更换", "Spare parts"),
    "needed": ("确认需要", "Needed"),
    "arrived": ("到达现场", "On site"),
    "inspections": ("巡检完成情况", "Inspections done against due"),
    "status": ("状态", "Status"),
    "hotline": ("热线服务水平", "Hotline service level"),
    "trend": ("趋势 (近几个月)", "Trend over the previous months"),
    "month": ("月份", "Month"),
    "breach_rate": ("违约率", "Breach rate"),
    "per_device": ("每台设备故障数 (故障概率)", "Faults per device (fault probability)"),
    "none": ("无", "none"),
    "records": ("记录", "Records"),
    "unjudged": (
        "未评判的义务 (日志中无相关记录)",
        "Duties not judged (no event of theirs in the logs)",
    ),
    "events": ("应有记录", "Evidence"),
}


def label(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def both(key: str) -> str:
    zh, en = LABELS[key]
    return f"{zh} {en}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def tables(s: MonthlySummary, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """The summary's sections as (heading, headers, rows): shared by Markdown and HTML."""
    c = s.contract
    status_names = [f"{STATUS_TEXT[k].zh} {STATUS_TEXT[k].en}" for k in STATUSES]
    sections: list[tuple[str, list[str], list[list[str]]]] = []
    sections.append(
        (
            both("faults"),
            [both("level"), both("count")],
            [[lv.label(), str(n)] for lv, n in s.faults_by_severity]
            + [[both("total"), str(s.faults)]],
        )
    )
    sections.append(
        (
            both("obligations"),
            [both("obligation"), both("clause"), *status_names, both("rate")],
            [
                [
                    f"{row.id} {row.title.pick(lang)}",
                    row.clause,
                    *(str(row.counts[k]) for k in STATUSES),
                    _pct(row.rate),
                ]
                for row in s.obligations
            ],
        )
    )
    sections.append(
        (
            both("breaches"),
            [
                both("case"),
                both("obligation"),
                both("clause"),
                both("due"),
                both("late"),
                both("reason"),
            ],
            [
                [
                    r.case,
                    r.obligation,
                    r.clause,
                    local(r.finding.due, c),
                    hours_minutes(r.late_by),
                    r.finding.reason.pick(lang),
                ]
                for r in s.breaches
            ],
        )
    )
    sections.append(
        (
            both("escalations"),
            [both("case"), both("level"), both("time")],
            [[e.case, str(e.get("level")), local(e.at, c)] for e in s.escalations],
        )
    )
    sections.append(
        (
            both("spares"),
            [both("case"), both("needed"), both("arrived")],
            [[e.case, local(e.at, c), local(a.at, c) if a else "-"] for e, a in s.spares],
        )
    )
    sections.append(
        (
            both("inspections"),
            [both("case"), both("status"), both("reason")],
            [
                [r.case, STATUS_TEXT[r.status].pick(lang), r.finding.reason.pick(lang)]
                for r in s.inspections
            ],
        )
    )
    sections.append(
        (
            both("hotline"),
            [both("month"), both("status"), both("reason")],
            [
                [r.case, STATUS_TEXT[r.status].pick(lang), r.finding.reason.pick(lang)]
                for r in s.hotline
            ],
        )
    )
    sections.append(
        (
            both("unjudged"),
            [both("obligation"), both("clause"), both("events")],
            [
                [
                    f"{u.obligation} {u.title.pick(lang)}",
                    u.clause,
                    ", ".join(
                        c.events[e].title.pick(lang) if e in c.events else e for e in u.events
                    ),
                ]
                for u in s.unjudged
            ],
        )
    )
    devices = s.devices or 0
    sections.append(
        (
            both("trend"),
            [both("month"), both("faults"), both("breach_rate"), both("per_device")],
            [
                [
                    t.label,
                    str(t.faults),
                    _pct(t.breach_rate),
                    f"{t.faults / devices:.2f}" if devices else "-",
                ]
                for t in s.trend
            ],
        )
    )
    return sections


def _title(s: MonthlySummary, lang: str) -> str:
    return f"{s.contract.title.pick(lang)} — {label('title', lang)} {s.month}"


def markdown(s: MonthlySummary, lang: str, out: IO[str]) -> None:
    out.write(f"# {_title(s, lang)}\n\n")
    out.write(f"{both('as_of')}: {local(s.as_of, s.contract)}\n\n")
    for heading, headers, rows in tables(s, lang):
        out.write(f"## {heading}\n\n")
        if not rows:
            out.write(f"{both('none')}\n\n")
            continue
        out.write("| " + " | ".join(headers) + " |\n")
        out.write("|" + "|".join("---" for _ in headers) + "|\n")
        for row in rows:
            out.write("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |\n")
        out.write("\n")


# ---------------------------------------------------------------- HTML with inline SVG

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em;border-bottom:2px solid #234;padding-bottom:.3em}
h2{font-size:1.15em;margin-top:1.6em;color:#234}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef2f6}
.charts{display:flex;flex-wrap:wrap;gap:2em}
figure{margin:0}
figcaption{font-size:.85em;color:#555}
@media print{body{margin:1cm}.charts{break-inside:avoid}}
"""


def _bars(
    values: list[tuple[str, float | None]], color: str, fmt: Callable[[float], str], caption: str
) -> str:
    """A bar chart as inline SVG: no script, no network."""
    width, height, pad = 420, 200, 30
    top = max((v for _, v in values if v is not None), default=0) or 1
    step = (width - 2 * pad) / max(len(values), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" '
        f'role="img" aria-label="{html.escape(caption)}">',
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#888"/>',
    ]
    for i, (name, value) in enumerate(values):
        x = pad + i * step + step * 0.15
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height + 16}" font-size="10" '
            f'text-anchor="middle">{html.escape(name)}</text>'
        )
        if value is None:
            continue
        bar = (height - pad) * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bar:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar:.1f}" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{height - bar - 4:.1f}" font-size="11" '
            f'text-anchor="middle">{html.escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _hbars(values: list[tuple[str, float]], color: str, caption: str) -> str:
    """Horizontal bars (0-100 %) with full labels, for many named rows."""
    row, label_w, bar_w = 18, 190, 220
    height = row * len(values) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 50}" '
        f'height="{height}" role="img" aria-label="{html.escape(caption)}">'
    ]
    for i, (name, value) in enumerate(values):
        y = 5 + i * row
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" '
            f'text-anchor="end">{html.escape(name)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w:.1f}" height="{row - 6}" fill="#eee"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * value / 100:.1f}" '
            f'height="{row - 6}" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 4}" y="{y + 12}" font-size="11">{value:.0f}%</text>'
        )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{html.escape(caption)}</figcaption></figure>"


def html_page(s: MonthlySummary, lang: str, out: IO[str]) -> None:
    esc = html.escape
    out.write(
        '<!DOCTYPE html>\n<html lang="' + ("zh-CN" if lang == "zh" else "en") + '">\n<head>\n'
    )
    out.write(
        f'<meta charset="utf-8">\n<title>{esc(_title(s, lang))}</title>\n<style>{CSS}</style>\n'
    )
    out.write("</head>\n<body>\n")
    out.write(
        f"<h1>{esc(_title(s, lang))}</h1>\n<p>{esc(both('as_of'))}: {esc(local(s.as_of, s.contract))}</p>\n"
    )
    # Months with nothing judged show no bar (None), not a 0 % that would mislead.
    charts = [
        _bars(
            [(t.label[2:], float(t.faults)) for t in s.trend],
            "#3b6ea5",
            lambda v: f"{v:g}",
            both("faults"),
        ),
        _bars(
            [
                (t.label[2:], None if t.breach_rate is None else 100 * t.breach_rate)
                for t in s.trend
            ],
            "#c0504d",
            lambda v: f"{v:.0f}%",
            both("breach_rate"),
        ),
        _hbars(
            [(row.id, 100 * row.rate) for row in s.obligations if row.rate is not None],
            "#4f8f4f",
            both("rate"),
        ),
    ]
    out.write('<div class="charts">' + "".join(charts) + "</div>\n")
    for heading, headers, rows in tables(s, lang):
        out.write(f"<h2>{esc(heading)}</h2>\n")
        if not rows:
            out.write(f"<p>{esc(both('none'))}</p>\n")
            continue
        out.write("<table>\n<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>\n")
        for row in rows:
            out.write("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>\n")
        out.write("</table>\n")
    out.write("</body>\n</html>\n")


def as_dict(s: MonthlySummary, lang: str) -> dict[str, Any]:
    zoned = LocalTimes(s.contract.tz)

    def iso(at: datetime | None) -> str | None:
        return None if at is None else zoned(at).isoformat()

    return {
        "month": s.month,
        "as_of": s.as_of.isoformat(timespec="seconds"),
        "contract": s.contract.id,
        "faults_by_severity": {lv.id: n for lv, n in s.faults_by_severity},
        "obligations": [
            {"obligation": r.id, "clause": r.clause, **r.counts, "met_rate": r.rate}
            for r in s.obligations
        ],
        "breaches": [
            {
                "case": r.case,
                "obligation": r.obligation,
                "clause": r.clause,
                "due": iso(r.finding.due),
                "late_by_seconds": int(r.late_by.total_seconds()) if r.late_by else None,
                "reason": r.finding.reason.pick(lang),
            }
            for r in s.breaches
        ],
        "escalations": [
            {"case": e.case, "level": e.get("level"), "at": iso(e.at)} for e in s.escalations
        ],
        "spares": [
            {"case": e.case, "needed": iso(e.at), "arrived": iso(a.at) if a else None}
            for e, a in s.spares
        ],
        "inspections": {k: sum(1 for r in s.inspections if r.status == k) for k in STATUSES},
        "hotline": [
            {"period": r.case, "status": r.status, "details": dict(r.finding.details)}
            for r in s.hotline
        ],
        "trend": [
            {
                "month": t.label,
                "faults": t.faults,
                "breach_rate": t.breach_rate,
                "faults_per_device": t.faults / s.devices if s.devices else None,
            }
            for t in s.trend
        ],
        "records": s.records,
        "unjudged": [
            {"obligation": u.obligation, "clause": u.clause, "events": list(u.events)}
            for u in s.unjudged
        ],
    }


def json_doc(s: MonthlySummary, lang: str, out: IO[str]) -> None:
    json.dump(as_dict(s, lang), out, ensure_ascii=False, indent=2)
    out.write("\n")


SUMMARY_FORMATS: dict[str, Callable[[MonthlySummary, str, IO[str]], None]] = {
    "markdown": markdown,
    "html": html_page,
    "json": json_doc,
}
