"""Excel workbooks (``--format xlsx``) of an audit and of the service summary, by XlsxWriter.

Times are real Excel date-times, the local time of the contract's zone (Excel has no
zones: the summary sheet names it); durations are Excel durations (``[h]:mm``), shares
percentages. Every table has its header row frozen and an autofilter, columns as wide
as their text (a Chinese character counts two), and text is written as text, never as
a formula. A sheet holds at most :data:`MAX_ROWS` rows, Excel's limit: a longer
results table goes on in the next sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from wcwidth import wcswidth

from ..model import Contract
from ..results import STATUSES, Result
from ..wording import Wording, catalogue
from ..zones import LocalTimes
from . import Counts
from .rows import records_line, summary_rows, unjudged_lines, warning_lines
from .summary import Card, Cell, Para, Rate, Share, Table, document, title

MAX_ROWS = 1_048_576  # Excel's rows per sheet (a limit of the format)
MAX_WIDTH = 60  # the widest column, in characters; longer text wraps
SHEET_NAME = 31  # Excel's longest sheet name
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


class Book:
    """A workbook being written; :meth:`close` writes its bytes to ``out``."""

    def __init__(self, out: IO[bytes], contract: Contract) -> None:
        self.out = out
        self.local = LocalTimes(contract.tz)
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,  # a reason that starts with "=" stays text
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#EEF2F6", "border": 1, "valign": "top"})
        self.time = add({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
        self.duration = add({"num_format": "[h]:mm", "valign": "top"})
        self.share = add({"num_format": "0.0%", "valign": "top"})
        self.rate = add({"num_format": "0.00", "valign": "top"})
        self.number = add({"num_format": "0.##", "valign": "top"})
        self.text = add({"valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.bold = add({"bold": True})
        self.big = add({"bold": True, "font_size": 14})
        self.names: set[str] = set()

    def sheet(self, name: str) -> Any:
        base = name.translate(_FORBIDDEN).strip().strip("'")[:SHEET_NAME] or "sheet"
        unique, n = base, 2
        while unique.casefold() in self.names:
            suffix = f" ({n})"
            unique, n = base[: SHEET_NAME - len(suffix)] + suffix, n + 1
        self.names.add(unique.casefold())
        return self.book.add_worksheet(unique)

    def cell(self, sheet: Any, row: int, col: int, value: Cell | float) -> int:
        """Write one value; return its width in characters."""
        if value is None:
            sheet.write_blank(row, col, None)
            return 0
        if isinstance(value, datetime):
            sheet.write_datetime(row, col, self.local(value).replace(tzinfo=None), self.time)
            return 16
        if isinstance(value, timedelta):
            sheet.write_number(row, col, value.total_seconds() / 86_400, self.duration)
            return 8
        if isinstance(value, Share):
            sheet.write_number(row, col, float(value), self.share)
            return 7
        if isinstance(value, Rate):
            sheet.write_number(row, col, float(value), self.rate)
            return 6
        if isinstance(value, bool):
            sheet.write_string(row, col, str(value), self.text)
            return len(str(value))
        if isinstance(value, (int, float, Decimal)):
            sheet.write_number(row, col, float(value), self.number)
            return len(str(value))
        text = str(value)
        width = max((wcswidth(line) for line in text.splitlines()), default=0)
        sheet.write_string(row, col, text, self.wrap if width > MAX_WIDTH else self.text)
        return max(width, 0)

    def table(
        self,
        name: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Cell | float]],
        first: Any = None,
    ) -> int:
        """A sheet (or several) holding one table; the number of rows written. ``first`` is
        a sheet made before (so that it comes first in the book) to begin in."""
        sheet, r, written = None, 0, 0
        seen = [wcswidth(h) for h in headers]
        sheets = []
        for row in rows:
            if sheet is None or r >= MAX_ROWS:
                sheet = first if sheet is None and first is not None else self.sheet(name)
                sheets.append(sheet)
                for c, h in enumerate(headers):
                    sheet.write_string(0, c, h, self.header)
                r = 1
            for c, value in enumerate(row):
                width = self.cell(sheet, r, c, value)
                if width > seen[c]:
                    seen[c] = width
            r, written = r + 1, written + 1
        if sheet is None:  # no rows: the headers alone
            sheet = first if first is not None else self.sheet(name)
            sheets.append(sheet)
            for c, h in enumerate(headers):
                sheet.write_string(0, c, h, self.header)
        for i, each in enumerate(sheets):
            last = (r if i == len(sheets) - 1 else MAX_ROWS) - 1
            each.freeze_panes(1, 0)
            each.autofilter(0, 0, max(last, 0), len(headers) - 1)
            for c, width in enumerate(seen):
                each.set_column(c, c, min(width, MAX_WIDTH) + 2)  # +2: the filter's button
        return written

    def close(self) -> None:
        self.book.close()
        self.out.write(self.buffer.getvalue())


# ---------------------------------------------------------------- the service summary


def summary_workbook(s: Any, lang: str, out: IO[bytes]) -> None:
    """The summary: an overview sheet (every part's words, in order), then a sheet per
    table; a part's cards (the major faults) are one sheet, a card a row."""
    book = Book(out, s.contract)
    words = Wording(s.contract, lang)
    report = catalogue(lang)["report"]
    overview = book.sheet(str(report["overview"]))
    overview.set_column(0, 0, 100)
    overview.write_string(0, 0, title(s, lang), book.big)
    overview.write_string(1, 0, f"{report['as_of']}: {words.time(s.as_of)}", book.text)
    zone = getattr(s.contract.tz, "key", str(s.contract.tz))
    overview.write_string(2, 0, words.text_of(str(report["times_in_zone"]), {"zone": zone}))
    row = 4
    for part in document(s, lang):
        overview.write_string(row, 0, part.heading, book.bold)
        row += 1
        cards = [b for b in part.blocks if isinstance(b, Card)]
        for block in part.blocks:
            if isinstance(block, Para):
                overview.write_string(row, 0, block.text, book.wrap)
                row += 1
            elif isinstance(block, Table):
                book.table(block.title, block.headers, block.rows)
                see = words.text_of(str(report["see_sheet"]), {"sheet": block.title})
                overview.write_string(row, 0, see, book.text)
                row += 1
        if cards:
            headers = [key for key, _ in cards[0].items]
            book.table(part.heading, headers, [[v for _, v in card.items] for card in cards])
            see = words.text_of(str(report["see_sheet"]), {"sheet": part.heading})
            overview.write_string(row, 0, see, book.text)
            row += 1
        row += 1
    book.close()


# ---------------------------------------------------------------- the audit


def audit_workbook(
    counts: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[bytes]
) -> None:
    """The audit: a results sheet (with the clause beside each obligation, filters on
    every column), then the summary per obligation with the counts and notes, and the
    records rejected."""
    from .scoring import Scored

    book = Book(out, contract)
    words = Wording(contract, lang)
    report = catalogue(lang)["report"]
    scored = counts if isinstance(counts, Scored) else None
    name = str(report["summary_sheet"])
    summary_sheet = book.sheet(name)  # first in the book, written once the results are in
    headers = [
        words.label("case"),
        words.label("obligation"),
        words.label("title"),
        words.label("clause"),
        words.label("status"),
        words.label("start"),
        words.label("due"),
        words.label("done"),
        words.label("late_by"),
        words.label("reason"),
        str(report["month"]),
    ]
    if scored is not None:
        headers.append(str(report["amount"]))

    def rows() -> Iterable[list[Cell | float]]:
        for r in results:
            f = r.finding
            row: list[Cell | float] = [
                r.case,
                r.obligation,
                r.title.pick(lang),
                r.clause,
                words.status(r.status),
                f.start,
                f.due,
                f.done,
                r.late_by,  # a lateness, never negative: Excel shows no negative duration
                words.reason(r),
                f.period,
            ]
            if scored is not None:
                found = scored.deduction_of(r)
                row.append(None if found is None else found.amount)
            yield row

    book.table(str(report["results_sheet"]), headers, rows())
    summary = [
        [ob_id, contract.obligation(ob_id).title.pick(lang), contract.obligation(ob_id).clause, *n]
        for ob_id, *n in summary_rows(counts, contract)
    ]
    rate = [None if not (row[3] + row[4]) else Share(row[3] / (row[3] + row[4])) for row in summary]
    sheet_rows = [[*row, r] for row, r in zip(summary, rate, strict=True)]
    book.table(
        name,
        [
            words.label("obligation"),
            words.label("title"),
            words.label("clause"),
            *(words.status(s) for s in STATUSES),
            str(report["rate"]),
        ],
        sheet_rows,
        first=summary_sheet,
    )
    # The counts and notes under the table, on the same sheet.
    sheet = summary_sheet
    line = len(sheet_rows) + 2
    notes = [
        title_line(contract, lang, counts.as_of),
        str(words.text_of(str(report["times_in_zone"]), {"zone": getattr(contract.tz, "key", "")})),
        records_line(counts, words),
        *unjudged_lines(counts, words),
        *warning_lines(counts, words),
    ]
    if scored is not None:
        from .scoring import score_lines

        notes += score_lines(scored, words)
    for note in notes:
        sheet.write_string(line, 0, note)
        line += 1
    if counts.rejected:
        book.table(
            str(report["rejected_sheet"]),
            [str(report["source"]), str(report["line"]), words.label("reason")],
            [[r.source, r.line, words.rejection(r)] for r in counts.rejected],
        )
    book.close()


def title_line(contract: Contract, lang: str, as_of: datetime) -> str:
    words = Wording(contract, lang)
    return f"{contract.title.pick(lang)} — {words.label('as_of')} {words.time(as_of)}"
