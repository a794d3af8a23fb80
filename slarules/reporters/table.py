"""Tables for a person: bilingual headers, local times, late-by in hours and minutes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

from tabulate import tabulate

from ..model import Contract
from ..results import STATUS_TEXT, STATUSES, Result
from . import Counts, Format, register_format
from .grid import pages, write_grid, write_markdown
from .rows import (
    hours_minutes,
    local,
    records_line,
    status_label,
    summary_rows,
    unjudged_lines,
    warning_lines,
)

HEADERS = (
    "案件 Case",
    "义务 Obligation",
    "条款 Clause",
    "状态 Status",
    "到期 Due",
    "完成 Done",
    "超时 Late by",
    "说明 Reason",
)


LIMITS = (None, 24, 12, None, None, None, None, 48)  # columns a wide cell wraps at


def _rows(
    results: Iterable[Result], contract: Contract, lang: str, md: bool
) -> Iterator[list[str]]:
    for r in results:
        f = r.finding
        yield [
            r.case,
            r.obligation if md else f"{r.obligation}\n{r.title.pick(lang)}",
            r.clause,
            status_label(r.status, lang),
            local(f.due, contract),
            local(f.done, contract),
            hours_minutes(r.late_by),
            f.reason.pick(lang),
        ]


def _body(md: bool) -> Callable[[Iterable[Result], Contract, str, IO[str], bool], bool]:
    def body(
        results: Iterable[Result], contract: Contract, lang: str, out: IO[str], first: bool
    ) -> bool:
        # Written a page at a time (see grid.py): a year's audit is a long table.
        wrote = False
        for page in pages(_rows(results, contract, lang, md)):
            if md:
                write_markdown(out, HEADERS, page)
            else:
                write_grid(out, HEADERS, page, LIMITS)
            out.write("\n")
            wrote = True
        return wrote

    return body


def _tail(fmt: str) -> Callable[[Counts, Contract, str, IO[str]], None]:
    def tail(report: Counts, contract: Contract, lang: str, out: IO[str]) -> None:
        status_headers = [f"{STATUS_TEXT[s].zh} {STATUS_TEXT[s].en}" for s in STATUSES]
        out.write(
            tabulate(
                summary_rows(report, contract),
                headers=["义务 Obligation", *status_headers],
                tablefmt=fmt,
            )
        )
        out.write("\n\n" + records_line(report, lang) + "\n")
        notes = unjudged_lines(report, contract, lang) + warning_lines(report, contract, lang)
        if notes:
            out.write("\n" + "\n".join(notes) + "\n")
        if report.rejected:
            out.write("\n")
            for rejection in report.rejected:
                out.write(f"rejected 拒绝: {rejection}\n")

    return tail


def _no_head(as_of: datetime, contract: Contract, lang: str, out: IO[str]) -> None:
    pass


def _markdown_head(as_of: datetime, contract: Contract, lang: str, out: IO[str]) -> None:
    out.write(f"# {contract.title.pick(lang)}\n\nas of 截至 {local(as_of, contract)}\n\n")


register_format("table", Format(_no_head, _body(md=False), _tail("simple_grid")))
register_format("markdown", Format(_markdown_head, _body(md=True), _tail("github")))
