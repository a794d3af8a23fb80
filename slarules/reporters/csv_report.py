"""CSV that loads into a spreadsheet (UTF-8 with BOM, so Excel reads 中文)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from typing import IO

from ..model import Contract
from ..results import Result
from ..wording import Wording
from ..zones import LocalTimes
from . import Counts, Format, register_format
from .rows import result_dict, unjudged_lines

COLUMNS = (
    "case",
    "obligation",
    "clause",
    "status",
    "start",
    "due",
    "done",
    "late_by_seconds",
    "margin_seconds",
    "occurrence",
    "period",
    "title",
    "reason",
    "reason_code",
)


def head(as_of: datetime, contract: Contract, lang: str, out: IO[str]) -> None:
    out.write("\ufeff")
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)


def body(
    results: Iterable[Result], contract: Contract, lang: str, out: IO[str], first: bool
) -> bool:
    writer = csv.writer(out, lineterminator="\n")
    wrote = False
    local, words = LocalTimes(contract.tz), Wording(contract, lang)
    for result in results:
        row = result_dict(result, local, words)
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in COLUMNS])
        wrote = True
    return wrote


def tail(counts: Counts, contract: Contract, lang: str, out: IO[str]) -> None:
    """A row for each duty not judged (status ``not_judged``); the counts go to standard
    error and the exit status."""
    writer = csv.writer(out, lineterminator="\n")
    words = Wording(contract, lang)
    for line, u in zip(unjudged_lines(counts, words), counts.unjudged, strict=True):
        row = {"obligation": u.obligation, "clause": u.clause, "status": "not_judged"}
        row["title"] = u.title.pick(lang)
        row["reason"] = line
        writer.writerow([row.get(c, "") for c in COLUMNS])


register_format("csv", Format(head, body, tail))
