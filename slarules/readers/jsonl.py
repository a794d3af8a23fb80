"""JSON Lines: one object per line; blank lines are skipped (and not counted).

UTF-8 logs are read as bytes and parsed with orjson (several times faster than
the standard library, which is the fallback); other encodings are decoded first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any

from ..events import Rejection
from .lines import Overlong, bounded_chunks, bounded_lines, is_utf8, length, open_bytes, open_text
from .registry import LogReader, count_cases, register

_loads: Callable[[bytes | str], Any]
try:
    import orjson

    _loads = orjson.loads
except ImportError:  # pragma: no cover - orjson is a dependency; this keeps a broken install usable
    _loads = json.loads

_BOM = b"\xef\xbb\xbf"
Record = tuple[str, int, Mapping[str, Any] | Rejection]


def _parse(line: bytes | str, source: str, number: int) -> Record:
    if isinstance(line, Overlong):
        return source, number, Rejection(source, number, *line.reason())
    try:
        record = _loads(line)
    except json.JSONDecodeError as exc:  # orjson's error is a subclass
        if isinstance(line, bytes):
            line.decode("utf-8")  # an undecodable file is the reader's error, not this line's
        return (
            source,
            number,
            Rejection(source, number, "json.broken", (("column", exc.colno), ("why", exc.msg))),
        )
    if not isinstance(record, dict):
        return source, number, Rejection(source, number, "json.not_object")
    return source, number, record


def parse_line(line: bytes, source: str, number: int) -> Record:
    """One line of a UTF-8 log as the reader takes it (its newline kept: an error's column
    counts it), a byte-order mark already dropped from the first; not blank."""
    return _parse(line, source, number)


def read_jsonl(lines: Iterable[str], source: str) -> Iterator[Record]:
    """Records of decoded lines (see :func:`~.lines.bounded_lines`)."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _parse(line, source, number)


def read_jsonl_bytes(stream: Iterable[bytes], source: str, first_line: int = 1) -> Iterator[Record]:
    """Records of UTF-8 lines; ``first_line`` numbers the first (a part of a file starts later).

    ``stream`` gives lines of bounded length (see :func:`~.lines.bounded_lines`):
    an :class:`~.lines.Overlong` one fails to parse and is rejected by :func:`_parse`.
    """
    lines = iter(stream)
    first = next(lines, b"")
    if first.startswith(_BOM):
        first = first[len(_BOM) :]
    if first.strip():
        yield _parse(first, source, first_line)
    loads, decode_error = _loads, json.JSONDecodeError
    # The common line is parsed here; a blank, broken or non-object one goes to _parse.
    for number, line in enumerate(lines, start=first_line + 1):
        try:
            record = loads(line)
        except decode_error:
            if line.strip():
                yield _parse(line, source, number)
            continue
        if type(record) is dict:
            yield source, number, record
        else:
            yield _parse(line, source, number)


def scan_jsonl_cases(path: str) -> Iterator[str | None]:
    """The case id of every record (None where there is none), counted as the reader counts.

    Parsing with orjson is both faster than a regular expression here and exact
    (only the top-level ``case`` key counts).
    """
    with open_bytes(path) as stream:
        for number, line in enumerate(bounded_lines(stream), start=1):
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM) :]
            yield from cases_of([line])


def cases_of(lines: list[bytes]) -> Iterator[str | None]:
    """The case id of each non-blank line, by a full parse (None where there is none)."""
    for line in lines:
        if not line.strip():
            continue
        try:
            record = _loads(line)
        except json.JSONDecodeError:
            yield None
            continue
        case = record.get("case") if isinstance(record, dict) else None
        yield None if case is None else str(case)


# A line that opens with its case id as plain text: the first key of an object
# is a top-level key, so when "case" occurs nowhere else on the line this is the
# record's case, as a full parse would find it.
_OPENINGS = (b'{"case": "', b'{"case":"')
_CASE_IDS = {opening: re.compile(re.escape(opening) + rb'([^"\\\n]*)"') for opening in _OPENINGS}
_CHUNK = 1 << 20


def _plain_case_ids(lines: list[bytes]) -> list[bytes] | None:
    """The case ids of lines that all open with their case id, or None (parse them)."""
    opening = next((o for o in _OPENINGS if lines[0].startswith(o)), None)
    if opening is None:
        return None
    chunk = b"".join(lines)
    count = len(lines)
    # Every line opens with the id and names "case" once; then one match per line.
    if chunk.count(b"\n" + opening) != count - 1 or chunk.count(b'"case"') != count:
        return None
    ids: list[bytes] = _CASE_IDS[opening].findall(chunk)
    return ids if len(ids) == count else None


def line_chunks(path: str, start: int = 0, end: int | None = None) -> Iterator[list[bytes]]:
    """The lines from byte ``start`` (a line's start) to ``end`` (exclusive), about
    :data:`_CHUNK` bytes at a time; a byte-order mark at the file's start is dropped.

    Lines are bounded (an overlong one is an :class:`~.lines.Overlong` marker);
    a gzipped file is read whole (``start`` and ``end`` are for a plain file).
    """
    with open_bytes(path) as stream:
        if start:
            stream.seek(start)
        left = None if end is None else end - start
        chunks = bounded_chunks(stream, _CHUNK)
        lines, size = next(chunks, ([], 0))
        if start == 0 and lines and lines[0].startswith(_BOM):
            lines[0] = lines[0][len(_BOM) :]
            if left is not None:
                left -= len(_BOM)
            size -= len(_BOM)
        while lines:
            if left is not None:
                if size >= left:
                    kept: list[bytes] = []
                    for line in lines:
                        if left <= 0:
                            break
                        kept.append(line)
                        left -= length(line)
                    if kept:
                        yield kept
                    return
                left -= size
            yield lines
            lines, size = next(chunks, ([], 0))


def last_jsonl_positions(
    path: str, last: dict[str, int], position: int, start: int = 0, end: int | None = None
) -> int:
    """Set ``last[case]`` to the position of each case's last record; return the new position.

    Positions count records as the reader does, continuing from ``position``;
    ``start`` and ``end`` bound the bytes read (see :func:`line_chunks`).
    Chunks of lines that all open with their case id are read without a
    per-line parse or loop; any other chunk is parsed line by line.
    """
    found: dict[bytes, int] = {}
    for lines in line_chunks(path, start, end):
        ids = _plain_case_ids(lines)
        if ids is not None:
            found.update(zip(ids, range(position + 1, position + 1 + len(ids)), strict=True))
            position += len(ids)
        else:
            for case in cases_of(lines):
                position += 1
                if case is not None:
                    last[case] = position
    for raw, at in found.items():
        case = raw.decode("utf-8")
        if last.get(case, 0) < at:
            last[case] = at
    return position


def read_jsonl_log(path: str, source: str, encoding: str | None) -> Iterator[Record]:
    """A JSON Lines log: UTF-8 is parsed as bytes; another encoding is decoded first, its
    lines ending at "\\n" only (as the first pass counts them)."""
    stream: IO[Any]
    if is_utf8(encoding):
        stream = open_bytes(path)
        records = read_jsonl_bytes(bounded_lines(stream), source)
    else:
        stream = open_text(path, encoding, "\n")
        records = read_jsonl(bounded_lines(stream), source)
    try:
        yield from records
    finally:
        if path != "-":
            stream.close()


def scan_jsonl(path: str, encoding: str | None, last: dict[str, int], position: int) -> int:
    if is_utf8(encoding):
        return last_jsonl_positions(path, last, position)
    return count_cases(scan_jsonl_cases(path), last, position)


# The default log format: "-" and a file whose suffix no format claims are JSON Lines.
register("jsonl", (".jsonl", ".ndjson"), log=LogReader(read_jsonl_log, scan_jsonl))
