"""CSV logs with a header row. Empty cells are absent facts; line numbers are the file's.

Records are read by :func:`.csvrecords.read_records` (its quote rule, its
limits); a record over several lines carries the line it starts on.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..events import Rejection
from ..messages import Msg
from .csvrecords import read_records
from .lines import LogError, bounded_lines, open_bytes, open_text
from .registry import LogReader, count_cases, register


def read_csv(
    stream: IO[str], source: str
) -> Iterator[tuple[str, int, Mapping[str, Any] | Rejection]]:
    header: list[str] | None = None
    for number, row in read_records(bounded_lines(stream)):
        if header is None:
            if isinstance(row, Msg):
                raise LogError("file.bad_header", source=source, line=number, why=row)
            if any(cell.strip() for cell in row):
                header = [h.strip() for h in row]
            continue
        record = record_of(header, row, source, number)
        if record is not None:
            yield source, number, record


def record_of(
    header: list[str], row: list[str] | Msg, source: str, number: int
) -> Mapping[str, Any] | Rejection | None:
    """The record of a row read after the header (cells, or why the line cannot be read);
    None for a blank one, which is not a record (and is not counted)."""
    if isinstance(row, Msg):
        return Rejection(source, number, *row)
    if not any(cell.strip() for cell in row):
        return None  # blank lines are not records
    if len(row) > len(header):
        cells = (("cells", len(row)), ("width", len(header)))
        return Rejection(source, number, "csv.too_many_cells", cells)
    return {k: v for k, v in zip(header, row, strict=False) if v.strip()}


def scan_csv_cases(path: str, encoding: str | None) -> Iterator[str | None]:
    """The ``case`` cell of every row, counted as :func:`read_csv` counts them."""
    with io.TextIOWrapper(open_bytes(path), encoding=encoding or "utf-8-sig", newline="") as text:
        for record in read_csv(text, path):
            raw = record[2]
            yield None if isinstance(raw, Rejection) else raw.get("case")


def read_csv_log(
    path: str, source: str, encoding: str | None
) -> Iterator[tuple[str, int, Mapping[str, Any] | Rejection]]:
    stream = open_text(path, encoding, "")  # "\r\n" is kept for the records reader
    try:
        yield from read_csv(stream, source)
    finally:
        if path != "-":
            stream.close()


def scan_csv(path: str, encoding: str | None, last: dict[str, int], position: int) -> int:
    return count_cases(scan_csv_cases(path, encoding), last, position)


register("csv", (".csv", ".tsv"), log=LogReader(read_csv_log, scan_csv))
