"""What ``slarules open`` writes: the clocks still running, sorted by time left.

A registry of its own (``OPEN_FORMATS``), as the audit's and ``due``'s: the command's
``--format`` choices come from it. The same formats as the audit: ``table`` and
``markdown`` for people, ``json`` and ``csv`` for other tools.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..live import OpenClock, OpenReport
from ..model import Contract
from ..wording import Wording
from .grid import pages, write_grid, write_markdown
from .rows import iso, record_counts, records_line, unjudged_lines, unjudged_reason
from .table import clause_lines

OpenWriter = Callable[[OpenReport, Contract, str, IO[str]], None]
OPEN_FORMATS: dict[str, OpenWriter] = {}


def open_format(name: str) -> Callable[[OpenWriter], OpenWriter]:
    def register(func: OpenWriter) -> OpenWriter:
        OPEN_FORMATS[name] = func
        return func

    return register


def live(words: Wording, key: str, **values: object) -> str:
    """A word of the catalogue's ``live:`` section in the words' language."""
    return words.text_of(str(words.data["live"][key]), values)


def percent(value: float | None) -> float | int | None:
    """A percent for JSON and CSV: two decimals, a whole number as such (75, 62.5)."""
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def clock_dict(clock: OpenClock, words: Wording) -> dict[str, Any]:
    """One clock for JSON and CSV: times in the contract's zone, ISO 8601 with offset."""
    out: dict[str, Any] = {
        "case": clock.case,
        "obligation": clock.obligation,
        "clause": clock.clause,
        "title": clock.title.pick(words.lang),
        "occurrence": clock.occurrence,
        "status": clock.status,
        "start": iso(words.local(clock.start)),
        "due": iso(words.local(clock.due)),
        "left_seconds": int(clock.left.total_seconds()),
        "used_percent": percent(clock.used_percent),
        "threshold_percent": percent(clock.threshold),
        "at_risk": clock.at_risk,
        "step": words.value(clock.step),
        "awaits": list(clock.awaits),
        "clock": clock.clock,
        "budget": None if clock.budget is None else clock.budget.label,
    }
    if clock.period is not None:
        out["period"] = clock.period
    return out


def summary(report: OpenReport) -> dict[str, int]:
    overdue = sum(1 for c in report if c.status == "breached")
    warned = sum(1 for c in report if c.status != "breached" and c.threshold is not None)
    return {"open": len(report), "warned": warned, "overdue": overdue}


@open_format("json")
def as_json(report: OpenReport, contract: Contract, lang: str, out: IO[str]) -> None:
    words = Wording(contract, lang)
    doc = {
        "as_of": iso(words.local(report.as_of)),
        "contract": contract.id,
        "clocks": [clock_dict(c, words) for c in report],
        "summary": summary(report),
        "records": record_counts(report),  # type: ignore[arg-type]  # it has the counts
        "rejected": [
            {"line": r.line, "source": r.source, "code": r.code, "reason": words.rejection(r)}
            for r in report.rejected
        ],
        "unjudged": [
            {
                "obligation": u.obligation,
                "clause": u.clause,
                "events": list(u.events),
                "reason": unjudged_reason(u.events, words),
            }
            for u in report.unjudged
        ],
    }
    out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


CSV_COLUMNS = (
    "case",
    "obligation",
    "clause",
    "status",
    "start",
    "due",
    "left_seconds",
    "used_percent",
    "threshold_percent",
    "at_risk",
    "step",
    "title",
    "occurrence",
    "period",
)


@open_format("csv")
def as_csv(report: OpenReport, contract: Contract, lang: str, out: IO[str]) -> None:
    """UTF-8 with BOM, as the audit's CSV (Excel reads 中文); the counts go to the exit
    status and standard error."""
    words = Wording(contract, lang)
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for clock in report:
        row = clock_dict(clock, words)
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])


COLUMNS = ("case", "obligation", "clause", "step", "start", "due", "left", "used", "warning")
LIMITS = (None, 24, None, 24, None, None, None, None, None)  # columns a wide cell wraps at
_LIVE_COLUMNS = {"step", "left", "used", "warning"}


def _headers(words: Wording) -> list[str]:
    return [live(words, c) if c in _LIVE_COLUMNS else words.label(c) for c in COLUMNS]


def _rows(report: OpenReport, words: Wording, md: bool) -> Iterator[list[str]]:
    for c in report:
        if c.status == "breached":
            warning = live(words, "breached")
            left = live(words, "overdue_by", late=words.duration(-c.left))
        else:
            warning = "" if c.threshold is None else live(words, "passed", threshold=c.threshold)
            left = words.duration(c.left)
        yield [
            c.case,
            c.obligation if md else f"{c.obligation}\n{c.title.pick(words.lang)}",
            c.clause if md else clause_lines(c.clause),
            words.value(c.step),
            words.time(c.start),
            words.time(c.due),
            left,
            live(words, "share", share=c.used_percent),
            warning,
        ]


def _footer(report: OpenReport, words: Wording) -> list[str]:
    counts = summary(report)
    lines = [
        live(
            words,
            "summary",
            count=counts["open"],
            warned=counts["warned"],
            overdue=counts["overdue"],
        )
        if len(report)
        else live(words, "none", as_of=report.as_of),
        records_line(report, words),  # type: ignore[arg-type]  # it has the counts
    ]
    lines += unjudged_lines(report, words)  # type: ignore[arg-type]
    lines += [words.label("rejected", rejection=str(r)) for r in report.rejected]
    return lines


def _table(md: bool) -> OpenWriter:
    def write(report: OpenReport, contract: Contract, lang: str, out: IO[str]) -> None:
        words = Wording(contract, lang)
        if md:
            title = contract.title.pick(lang)
            out.write(f"# {title}\n\n{words.label('as_of')} {words.time(report.as_of)}\n\n")
        heads = _headers(words)
        for page in pages(_rows(report, words, md)):
            if md:
                write_markdown(out, heads, page)
            else:
                write_grid(out, heads, page, LIMITS)
            out.write("\n")
        out.write("\n".join(_footer(report, words)) + "\n")

    return write


open_format("table")(_table(md=False))
open_format("markdown")(_table(md=True))
