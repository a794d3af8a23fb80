"""Tables for a person: headers, local times and lateness in the chosen language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

from ..model import Contract
from ..results import STATUSES, Result
from ..wording import Wording
from . import Counts, Format, register_format
from .grid import pages, write_grid, write_markdown
from .rows import records_line, summary_rows, unjudged_lines, warning_lines
from .scoring import Scored, score_lines

COLUMNS = ("case", "obligation", "clause", "status", "due", "done", "late_by", "reason")
LIMITS = (None, 24, None, None, None, None, None, 48)  # columns a wide cell wraps at


def clause_lines(clause: str) -> str:
    """A clause cell, one reference a line: a label such as '3/2.1 step 17' is never cut."""
    return clause.replace(", ", "\n")


def headers(words: Wording) -> list[str]:
    return [words.label(column) for column in COLUMNS]


def _rows(results: Iterable[Result], words: Wording, md: bool) -> Iterator[list[str]]:
    lang, time, duration = words.lang, words.time, words.duration
    for r in results:
        f = r.finding
        late = r.late_by
        yield [
            r.case,
            r.obligation if md else f"{r.obligation}\n{r.title.pick(lang)}",
            r.clause if md else clause_lines(r.clause),
            words.status(r.status),
            "" if f.due is None else time(f.due),
            "" if f.done is None else time(f.done),
            "" if late is None else duration(late),
            words.reason(r),
        ]


def _body(md: bool) -> Callable[[Iterable[Result], Contract, str, IO[str], bool], bool]:
    def body(
        results: Iterable[Result], contract: Contract, lang: str, out: IO[str], first: bool
    ) -> bool:
        # Written a page at a time (see grid.py): a year's audit is a long table.
        words = Wording(contract, lang)
        heads = headers(words)
        wrote = False
        for page in pages(_rows(results, words, md)):
            if md:
                write_markdown(out, heads, page)
            else:
                write_grid(out, heads, page, LIMITS)
            out.write("\n")
            wrote = True
        return wrote

    return body


def _tail(md: bool) -> Callable[[Counts, Contract, str, IO[str]], None]:
    def tail(report: Counts, contract: Contract, lang: str, out: IO[str]) -> None:
        words = Wording(contract, lang)
        heads = [words.label("obligation"), *(words.status(s) for s in STATUSES)]
        rows = [[str(cell) for cell in row] for row in summary_rows(report, contract)]
        if md:
            write_markdown(out, heads, rows)
        else:
            write_grid(out, heads, rows, [None] * len(heads))
        out.write("\n" + records_line(report, words) + "\n")
        notes = unjudged_lines(report, words) + warning_lines(report, words)
        if notes:
            out.write("\n" + "\n".join(notes) + "\n")
        if isinstance(report, Scored):  # the customer's assessment (2.3.4.4)
            out.write("\n" + "\n".join(score_lines(report, words)) + "\n")
        if report.rejected:
            out.write("\n")
            for rejection in report.rejected:
                out.write(words.label("rejected", rejection=words.rejected(rejection)) + "\n")

    return tail


def _no_head(as_of: datetime, contract: Contract, lang: str, out: IO[str]) -> None:
    pass


def _markdown_head(as_of: datetime, contract: Contract, lang: str, out: IO[str]) -> None:
    words = Wording(contract, lang)
    out.write(f"# {contract.title.pick(lang)}\n\n{words.label('as_of')} {words.time(as_of)}\n\n")


register_format("table", Format(_no_head, _body(md=False), _tail(md=False)))
register_format("markdown", Format(_markdown_head, _body(md=True), _tail(md=True)))
