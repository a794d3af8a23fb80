"""CSV with a header row. Empty cells are absent facts; line numbers are the file's."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..events import Rejection


def read_csv(
    stream: IO[str], source: str
) -> Iterator[tuple[str, int, Mapping[str, Any] | Rejection]]:
    sample = stream.read(4096)
    if not sample:
        return
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(_Chain(sample, stream), dialect)
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if header is None:
            header = [h.strip() for h in row]
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield (
                source,
                number,
                Rejection(source, number, f"{len(row)} cells but the header has {len(header)}"),
            )
            continue
        yield source, number, {k: v for k, v in zip(header, row, strict=False) if v.strip()}


class _Chain:
    """Iterate lines of an already-read prefix followed by the rest of a stream."""

    def __init__(self, prefix: str, rest: IO[str]) -> None:
        self.prefix = prefix
        self.rest = rest

    def __iter__(self) -> Iterator[str]:
        # Split on "\n" only: the csv module handles "\r" and quoted newlines.
        parts = self.prefix.split("\n")
        yield from (part + "\n" for part in parts[:-1])
        tail = parts[-1] + self.rest.readline()
        if tail:
            yield tail
        yield from self.rest


def scan_csv_cases(path: str, encoding: str | None) -> Iterator[str | None]:
    """The ``case`` cell of every row, counted as :func:`read_csv` counts them."""
    with open(path, encoding=encoding or "utf-8-sig", newline="") as stream:
        for record in read_csv(stream, path):
            raw = record[2]
            yield None if isinstance(raw, Rejection) else raw.get("case")
