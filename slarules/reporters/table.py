"""Tables for a person: bilingual headers, local times, late-by in hours and minutes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from tabulate import tabulate

from ..model import Contract
from ..results import STATUS_TEXT, STATUSES, Result
from . import Counts, reporter
from .grid import pages, write_grid, write_markdown
from .rows import hours_minutes, local, records_line, status_label, summary_rows

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


def _render(
    report: Counts,
    results: Iterable[Result],
    contract: Contract,
    lang: str,
    out: IO[str],
    fmt: str,
) -> None:
    md = fmt == "github"
    # Written a page at a time (see grid.py): a year's audit is a long table.
    for page in pages(_rows(results, contract, lang, md)):
        if md:
            write_markdown(out, HEADERS, page)
        else:
            write_grid(out, HEADERS, page, LIMITS)
        out.write("\n")
    status_headers = [f"{STATUS_TEXT[s].zh} {STATUS_TEXT[s].en}" for s in STATUSES]
    out.write(
        tabulate(
            summary_rows(report, contract),
            headers=["义务 Obligation", *status_headers],
            tablefmt=fmt,
        )
    )
    out.write("\n\n" + records_line(report, lang) + "\n")
    if report.rejected:
        out.write("\n")
        for rejection in report.rejected:
            out.write(f"rejected 拒绝: {rejection}\n")


@reporter("table")
def table(
    report: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[str]
) -> None:
    _render(report, results, contract, lang, out, "simple_grid")


@reporter("markdown")
def markdown(
    report: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[str]
) -> None:
    out.write(f"# {contract.title.pick(lang)}\n\nas of 截至 {local(report.as_of, contract)}\n\n")
    _render(report, results, contract, lang, out, "github")
