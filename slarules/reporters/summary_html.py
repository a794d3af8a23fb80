"""The service summary as one self-contained HTML page: inline CSS and SVG charts, no
script, no network; a CJK font stack for every system, and a page per part when printed."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import IO

from ..monthly import PeriodSummary
from .summary import Card, Cell, Chart, Para, Words, document, span, title

# The CJK fonts of Windows, macOS and Linux in turn, so that Chinese renders everywhere.
FONTS = (
    '"Microsoft YaHei","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC",'
    '"Source Han Sans SC","WenQuanYi Micro Hei","SimSun",sans-serif'
)
CSS = (
    "body{font-family:" + FONTS + ";margin:2em;color:#222}"
    """
h1{font-size:1.5em;border-bottom:2px solid #234;padding-bottom:.3em}
h2{font-size:1.2em;margin-top:1.6em;color:#234}
h3{font-size:1em;margin:1em 0 .3em}
p{max-width:60em;line-height:1.5}
table{border-collapse:collapse;margin:.5em 0;font-size:.85em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef2f6}
td.n{text-align:right;white-space:nowrap}
td.s{white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:2em}
figure{margin:0}
figcaption{font-size:.85em;color:#555}
@media print{
  body{margin:0;font-size:10pt}
  @page{size:A4 landscape;margin:1.2cm}
  section.part{break-before:page}
  section.part:first-of-type{break-before:auto}
  table,figure,.card{break-inside:avoid}
  tr{break-inside:avoid}
  h2,h3{break-after:avoid}
}
"""
)


def _bars(
    values: list[tuple[str, float | None]],
    color: str,
    fmt: Callable[[float], str],
    caption: str,
    no_data: str,
) -> str:
    """A bar chart as inline SVG: no script, no network. A month without data has no bar
    and says so; it is never drawn as 0."""
    width, height, pad = 420, 200, 30
    top = max((v for _, v in values if v is not None), default=0) or 1
    step = (width - 2 * pad) / max(len(values), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" '
        f'role="img" aria-label="{html.escape(caption)}" font-family=\'{FONTS}\'>',
        f'<line x1="{pad}" y1="{height}" x2="{width - pad}" y2="{height}" stroke="#888"/>',
    ]
    for i, (name, value) in enumerate(values):
        x = pad + i * step + step * 0.15
        middle = x + step * 0.35
        parts.append(
            f'<text x="{middle:.1f}" y="{height + 16}" font-size="10" '
            f'text-anchor="middle">{html.escape(name)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{middle:.1f}" y="{height - 6}" font-size="9" fill="#999" '
                f'text-anchor="middle">{html.escape(no_data)}</text>'
            )
            continue
        bar = (height - pad) * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bar:.1f}" width="{step * 0.7:.1f}" '
            f'height="{bar:.1f}" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{middle:.1f}" y="{height - bar - 4:.1f}" font-size="11" '
            f'text-anchor="middle">{html.escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _hbars(values: list[tuple[str, float]], color: str, caption: str) -> str:
    """Horizontal bars (0-100 %) with full labels, for many named rows."""
    row, label_w, bar_w = 18, 230, 220
    height = row * len(values) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 50}" '
        f'height="{height}" role="img" aria-label="{html.escape(caption)}" '
        f"font-family='{FONTS}'>"
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


_SHOWN: dict[str, Callable[[float], str]] = {
    "count": lambda v: f"{v:g}",
    "rate": lambda v: f"{v:.2f}",
    "percent": lambda v: f"{v:.0f}%",
}


def _chart(chart: Chart) -> str:
    if chart.kind == "hbars":
        return _hbars(
            [(n, v) for n, v in chart.values if v is not None], chart.color, chart.caption
        )
    return _bars(chart.values, chart.color, _SHOWN[chart.shown], chart.caption, chart.no_data)


def _numeric(cell: Cell) -> bool:
    return isinstance(cell, (int, Decimal, float, timedelta)) and not isinstance(cell, bool)


def _cell_class(cell: Cell) -> str:
    """Numbers to the right; times and short words on one line."""
    if _numeric(cell):
        return ' class="n"'
    if isinstance(cell, datetime) or (isinstance(cell, str) and len(cell) <= SHORT):
        return ' class="s"'
    return ""


SHORT = 12  # characters: a cell this short is not wrapped


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], t: Words) -> str:
    esc = html.escape
    out = ["<table>\n<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>\n"]
    for row in rows:
        out.append(
            "<tr>" + "".join(f"<td{_cell_class(c)}>{esc(t.text(c))}</td>" for c in row) + "</tr>\n"
        )
    out.append("</table>\n")
    return "".join(out)


def html_page(s: PeriodSummary, lang: str, out: IO[str]) -> None:
    esc = html.escape
    t = Words(s, lang)
    out.write('<!DOCTYPE html>\n<html lang="' + ("zh-CN" if lang == "zh" else "en") + '">\n')
    out.write(f'<head>\n<meta charset="utf-8">\n<title>{esc(title(s, lang))}</title>\n')
    out.write(f"<style>{CSS}</style>\n</head>\n<body>\n")
    out.write(
        f"<h1>{esc(title(s, lang))}</h1>\n<p>{esc(t('period'))}: {esc(span(s, t))}; "
        f"{esc(t('as_of'))}: {esc(t.w.time(s.as_of))}</p>\n"
    )
    for part in document(s, lang):
        out.write(f'<section class="part" id="{part.key}">\n<h2>{esc(part.heading)}</h2>\n')
        for block in part.blocks:
            if isinstance(block, Para):
                out.write(f"<p>{esc(block.text)}</p>\n")
            elif isinstance(block, Card):
                out.write(f'<div class="card">\n<h3>{esc(block.heading)}</h3>\n')
                out.write(
                    _html_table([t("item"), t("content")], [[k, v] for k, v in block.items], t)
                )
                out.write("</div>\n")
            else:
                if len(part.blocks) > 1 and block.title != part.heading:
                    out.write(f"<h3>{esc(block.title)}</h3>\n")
                out.write(_html_table(block.headers, block.rows, t))
        if part.charts:
            out.write(f'<div class="charts">{"".join(map(_chart, part.charts))}</div>\n')
        out.write("</section>\n")
    out.write("</body>\n</html>\n")
