"""CSV that loads into a spreadsheet (UTF-8 with BOM, so Excel reads 中文)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from ..model import Contract
from ..results import Result
from . import Counts, reporter
from .rows import result_dict

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
)


@reporter("csv")
def render(
    counts: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[str]
) -> None:
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for result in results:
        row = result_dict(result)
        row["title"] = row["title"][lang]
        row["reason"] = row["reason"][lang]
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in COLUMNS])
