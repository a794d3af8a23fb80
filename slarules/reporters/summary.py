"""The monthly service summary as Markdown, self-contained HTML (inline SVG charts) or JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from ..monthly import MonthlySummary
from ..results import STATUSES
from ..wording import Wording, catalogue
from ..zones import LocalTimes
from .grid import write_markdown


def label(key: str, lang: str) -> str:
    return str(catalogue(lang)["report"][key])


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def tables(s: MonthlySummary, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """The summary's sections as (heading, headers, rows): shared by Markdown and HTML."""
    c = s.contract
    words = Wording(c, lang)

    def L(key: str) -> str:
        return label(key, lang)

    def local(at: object, contract: object = None) -> str:
        return words.time(at) if isinstance(at, datetime) else ""

    status_names = [words.status(k) for k in STATUSES]
    sections: list[tuple[str, list[str], list[list[str]]]] = []
    sections.append(
        (
            L("faults"),
            [L("level"), L("count")],
            [[lv.zh if lang == "zh" else lv.en, str(n)] for lv, n in s.faults_by_severity]
            + [[L("total"), str(s.faults)]],
        )
    )
    sections.append(
        (
            L("obligations"),
            [L("obligation"), L("clause"), *status_names, L("rate")],
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
            L("breaches"),
            [
                L("case"),
                L("obligation"),
                L("clause"),
                L("due"),
                L("late"),
                L("reason"),
            ],
            [
                [
                    r.case,
                    r.obligation,
                    r.clause,
                    local(r.finding.due, c),
                    words.duration(r.late_by) if r.late_by is not None else "",
                    words.reason(r),
                ]
                for r in s.breaches
            ],
        )
    )
    sections.append(
        (
            L("escalations"),
            [L("case"), L("level"), L("time")],
            [[e.case, str(e.get("level")), local(e.at, c)] for e in s.escalations],
        )
    )
    sections.append(
        (
            L("spares"),
            [L("case"), L("needed"), L("arrived")],
            [[e.case, local(e.at, c), local(a.at, c) if a else "-"] for e, a in s.spares],
        )
    )
    sections.append(
        (
            L("inspections"),
            [L("case"), L("status"), L("reason")],
            [[r.case, words.status(r.status), words.reason(r)] for r in s.inspections],
        )
    )
    sections.append(
        (
            L("hotline"),
            [L("month"), L("status"), L("reason")],
            [[r.case, words.status(r.status), words.reason(r)] for r in s.hotline],
        )
    )
    sections.append(
        (
            L("unjudged"),
            [L("obligation"), L("clause"), L("events")],
            [
                [
                    f"{u.obligation} {u.title.pick(lang)}",
                    u.clause,
                    words.value(tuple(words.name_of_event(e) for e in u.events)),
                ]
                for u in s.unjudged
            ],
        )
    )
    devices = s.devices or 0
    sections.append(
        (
            L("trend"),
            [L("month"), L("faults"), L("breach_rate"), L("per_device")],
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
    words = Wording(s.contract, lang)
    out.write(f"# {_title(s, lang)}\n\n")
    out.write(f"{label('as_of', lang)}: {words.time(s.as_of)}\n\n")
    for heading, headers, rows in tables(s, lang):
        out.write(f"## {heading}\n\n")
        if not rows:
            out.write(f"{label('none', lang)}\n\n")
            continue
        write_markdown(out, headers, rows)  # padded, so that the text lines up too
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
        f"<h1>{esc(_title(s, lang))}</h1>\n<p>{esc(label('as_of', lang))}: "
        f"{esc(Wording(s.contract, lang).time(s.as_of))}</p>\n"
    )
    # Months with nothing judged show no bar (None), not a 0 % that would mislead.
    charts = [
        _bars(
            [(t.label[2:], float(t.faults)) for t in s.trend],
            "#3b6ea5",
            lambda v: f"{v:g}",
            label("faults", lang),
        ),
        _bars(
            [
                (t.label[2:], None if t.breach_rate is None else 100 * t.breach_rate)
                for t in s.trend
            ],
            "#c0504d",
            lambda v: f"{v:.0f}%",
            label("breach_rate", lang),
        ),
        _hbars(
            [(row.id, 100 * row.rate) for row in s.obligations if row.rate is not None],
            "#4f8f4f",
            label("rate", lang),
        ),
    ]
    out.write('<div class="charts">' + "".join(charts) + "</div>\n")
    for heading, headers, rows in tables(s, lang):
        out.write(f"<h2>{esc(heading)}</h2>\n")
        if not rows:
            out.write(f"<p>{esc(label('none', lang))}</p>\n")
            continue
        out.write("<table>\n<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>\n")
        for row in rows:
            out.write("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>\n")
        out.write("</table>\n")
    out.write("</body>\n</html>\n")


def as_dict(s: MonthlySummary, lang: str) -> dict[str, Any]:
    zoned = LocalTimes(s.contract.tz)
    words = Wording(s.contract, lang)

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
                "reason": words.reason(r),
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
