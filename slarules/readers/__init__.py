"""Event-log readers: JSON Lines, CSV and Parquet, by file suffix (``-`` is JSON Lines on
stdin; a directory is Parquet files).

Each yields ``(source, line, record)`` where record is a plain mapping, or a
:class:`~slarules.events.Rejection` for a line that cannot even be parsed.
A gzipped log (``.jsonl.gz``, ``.csv.gz``, or any file that starts as gzip
does) is read as it is; lines are bounded in length (see :mod:`.lines`). The
formats are looked up by suffix in :mod:`.registry`, which the importer's
export sources share.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from ..events import Rejection
from ..messages import Msg
from . import csvlog, jsonl, parquetlog
from .lines import LogError, check_log_path, compression_of, open_log_error
from .registry import LogReader, format_for, named

__all__ = [
    "LogError",
    "check_log_path",
    "last_positions",
    "log_reader",
    "open_log_error",
    "read_log",
    "read_logs",
    "undecodable",
    "unreadable",
]

Record = tuple[str, int, Mapping[str, Any] | Rejection]
_BUILT_IN = (jsonl, csvlog, parquetlog)  # imported for their registrations


def log_reader(path: str, fmt: str | None = None) -> LogReader:
    """How a log is read: the format ``fmt`` names, else its suffix's under any ``.gz``
    (default JSON Lines; a directory: Parquet files). KeyError for a name no log format
    has."""
    if not fmt and path != "-" and os.path.isdir(path):
        fmt = "parquet"
    reader = (named(fmt, "log") if fmt else format_for(path, "log")).log
    assert reader is not None  # named() and format_for() give a format that reads logs
    return reader


def read_log(path: str, encoding: str | None = None, fmt: str | None = None) -> Iterator[Record]:
    """Records of one log file. ``fmt`` names its format (default: by suffix)."""
    reader = log_reader(path, fmt)
    source = "<stdin>" if path == "-" else path
    try:
        yield from reader.read(path, source, encoding)
    except UnicodeDecodeError as exc:
        raise undecodable(source, encoding, exc, path) from None
    except (OSError, EOFError) as exc:  # a corrupt or truncated .gz, a read error
        raise unreadable(source, exc) from None


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
        try:
            position = log_reader(path).scan(path, encoding, last, position)
        except (OSError, EOFError, UnicodeDecodeError, LookupError, LogError):
            return None  # the real read reports the problem
    return last
