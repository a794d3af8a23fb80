"""JSON Lines: one object per line; blank lines are skipped (and not counted).

UTF-8 logs are read as bytes and parsed with orjson (several times faster than
the standard library, which is the fallback); other encodings are decoded first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

from ..events import Rejection

_loads: Callable[[bytes | str], Any]
try:
    import orjson

    _loads = orjson.loads
except ImportError:  # pragma: no cover - orjson is a dependency; this keeps a broken install usable
    _loads = json.loads

_BOM = b"\xef\xbb\xbf"
Record = tuple[str, int, Mapping[str, Any] | Rejection]


def _parse(line: bytes | str, source: str, number: int) -> Record:
    try:
        record = _loads(line)
    except json.JSONDecodeError as exc:  # orjson's error is a subclass
        if isinstance(line, bytes):
            line.decode("utf-8")  # an undecodable file is the reader's error, not this line's
        return (
            source,
            number,
            Rejection(source, number, f"broken JSON: {exc.msg} at column {exc.colno}"),
        )
    if not isinstance(record, dict):
        return source, number, Rejection(source, number, "the line is not a JSON object")
    return source, number, record


def read_jsonl(stream: IO[str], source: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield _parse(line, source, number)


def read_jsonl_bytes(stream: IO[bytes], source: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        if line.strip():
            yield _parse(line, source, number)


def scan_jsonl_cases(path: str) -> Iterator[str | None]:
    """The case id of every record (None where there is none), counted as the reader counts.

    Parsing with orjson is both faster than a regular expression here and exact
    (only the top-level ``case`` key counts).
    """
    with open(path, "rb") as stream:
        for number, line in enumerate(stream, start=1):
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM) :]
            if not line.strip():
                continue
            try:
                record = _loads(line)
            except json.JSONDecodeError:
                yield None
                continue
            case = record.get("case") if isinstance(record, dict) else None
            yield None if case is None else str(case)
