"""Event-log readers: JSON Lines and CSV, by file suffix (``-`` is JSON Lines on stdin).

Each yields ``(source, line, record)`` where record is a plain mapping, or a
:class:`~slarules.events.Rejection` for a line that cannot even be parsed.
A gzipped log (``.jsonl.gz``, ``.csv.gz``, or any file that starts as gzip
does) is read as it is; lines are bounded in length (see :mod:`.lines`).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..events import Rejection
from ..messages import Msg
from .csvlog import read_csv, scan_csv_cases
from .jsonl import last_jsonl_positions, read_jsonl, read_jsonl_bytes, scan_jsonl_cases
from .lines import (
    LogError,
    bounded_lines,
    check_log_path,
    compression_of,
    open_bytes,
    open_log_error,
)

__all__ = [
    "LogError",
    "check_log_path",
    "last_positions",
    "open_log_error",
    "read_log",
    "read_logs",
    "undecodable",
    "unreadable",
]

Record = tuple[str, int, Mapping[str, Any] | Rejection]

_UTF8 = ("utf-8", "utf8", "utf-8-sig")


def log_kind(path: str) -> str:
    """``csv`` or ``jsonl``, by the suffix under any ``.gz``."""
    name = Path(path)
    if name.suffix.lower() == ".gz":
        name = name.with_suffix("")
    return "csv" if name.suffix.lower() in (".csv", ".tsv") else "jsonl"


def _is_utf8(encoding: str | None) -> bool:
    return (encoding or "utf-8").lower().replace("_", "-") in _UTF8


def _open_text(path: str, encoding: str | None, newline: str) -> IO[str]:
    # JSON Lines end at "\n" only (as the first-pass scan counts them); CSV keeps
    # "\r\n" for the csv module to handle.
    name = encoding or "utf-8-sig"
    try:
        codecs.lookup(name)
    except LookupError:
        raise LogError("file.unknown_encoding", encoding=encoding) from None
    return io.TextIOWrapper(open_bytes(path), encoding=name, errors="strict", newline=newline)


def read_log(path: str, encoding: str | None = None, fmt: str | None = None) -> Iterator[Record]:
    """Records of one log file. ``fmt`` is ``jsonl`` or ``csv`` (default: by suffix)."""
    kind = fmt or log_kind(path)
    source = "<stdin>" if path == "-" else path
    raw_utf8 = kind == "jsonl" and _is_utf8(encoding)
    stream: IO[Any] = (
        open_bytes(path) if raw_utf8 else _open_text(path, encoding, "" if kind == "csv" else "\n")
    )
    try:
        if kind == "csv":
            yield from read_csv(stream, source)
        elif raw_utf8:
            yield from read_jsonl_bytes(bounded_lines(stream), source)
        else:
            yield from read_jsonl(bounded_lines(stream), source)
    except UnicodeDecodeError as exc:
        raise undecodable(source, encoding, exc, path) from None
    except (OSError, EOFError) as exc:  # a corrupt or truncated .gz, a read error
        raise unreadable(source, exc) from None
    finally:
        if path != "-":
            stream.close()


def undecodable(
    source: str, encoding: str | None, exc: UnicodeDecodeError, path: str = "-"
) -> LogError:
    """The error for a log that is not in the encoding it is read in, with a hint."""
    packed = compression_of(path)
    if packed:
        hint: Msg | None = Msg("file.hint_packed", (("packed", packed),))
    elif not encoding:
        hint = Msg("file.hint_gbk")
    else:
        hint = None
    return LogError(
        "file.undecodable",
        source=source,
        encoding=encoding or "UTF-8",
        byte=undecodable_byte(exc),
        hint=hint,
    )


def undecodable_byte(exc: UnicodeDecodeError) -> str:
    """The first byte that does not decode, as ``0xb2``."""
    data = exc.object
    return f"0x{data[exc.start]:02x}" if exc.start < len(data) else "EOF"


def unreadable(source: str, exc: BaseException) -> LogError:
    """The error for a file that stops being readable (a corrupt or truncated .gz, an I/O
    error): the system's own words of why are a value."""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return LogError("file.unreadable", source=source, why=why)


def read_logs(paths: list[str], encoding: str | None = None) -> Iterator[Record]:
    for path in paths:
        yield from read_log(path, encoding)


def last_positions(paths: list[str], encoding: str | None = None) -> dict[str, int] | None:
    """Each case's last record, counted as :func:`read_logs` counts (from 1), or None.

    A quick first pass over files (not standard input or a pipe, which cannot be read
    twice) that lets the audit finish each case as soon as its last record is read, so a
    log grouped by case is audited in memory bounded by the cases in flight.
    """
    if "-" in paths:
        return None
    try:
        if not all(check_log_path(path) for path in paths):
            return None  # a pipe: its records come once, for the real read
    except LogError:
        return None  # the real read reports the problem
    last: dict[str, int] = {}
    position = 0
    for path in paths:
        kind = log_kind(path)
        try:
            if kind == "jsonl" and _is_utf8(encoding):
                position = last_jsonl_positions(path, last, position)
                continue
            cases = scan_csv_cases(path, encoding) if kind == "csv" else scan_jsonl_cases(path)
            for case in cases:
                position += 1
                if case is not None:
                    last[case] = position
        except (OSError, EOFError, UnicodeDecodeError, LookupError, LogError):
            return None  # the real read reports the problem
    return last
