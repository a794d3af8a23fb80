"""Event-log readers: JSON Lines and CSV, by file suffix (``-`` is JSON Lines on stdin).

Each yields ``(source, line, record)`` where record is a plain mapping, or a
:class:`~slarules.events.Rejection` for a line that cannot even be parsed.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..events import Rejection
from .csvlog import read_csv, scan_csv_cases
from .jsonl import last_jsonl_positions, read_jsonl, read_jsonl_bytes, scan_jsonl_cases

Record = tuple[str, int, Mapping[str, Any] | Rejection]


class LogError(Exception):
    """A log that cannot be read at all (missing, undecodable): a usage error."""


def check_log_path(path: str, what: str = "a log") -> bool:
    """Raise :class:`LogError` unless ``path`` can be read as a log; True for a regular file.

    A log is a regular file or a pipe (a FIFO, ``<(...)``: streaming input like ``-``, read
    once). A directory, a device or a socket is refused, as is a path that does not lead to
    a file (missing, a dangling symbolic link, a link loop). ``what`` names the file in the
    message ("a log", "an export").
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise LogError(f"{path}: {_unreachable(path, exc)}") from None
    if stat.S_ISREG(mode):
        return True
    if stat.S_ISFIFO(mode):
        return False
    if stat.S_ISDIR(mode):
        raise LogError(f"{path}: a directory, not {what} file")
    raise LogError(f"{path}: not a regular file or a pipe (a device or socket): not read")


def _unreachable(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return f"a symbolic link to {os.readlink(path)}, which does not exist"
        return "no such file"
    return exc.strerror or str(exc)


def open_log_error(path: str, exc: OSError) -> LogError:
    """The one-line error for a log that passed :func:`check_log_path` and still did not open."""
    return LogError(f"{path}: {_unreachable(path, exc)}")


def _open_text(path: str, encoding: str | None, newline: str) -> IO[str]:
    # JSON Lines end at "\n" only (as the first-pass scan counts them); CSV keeps
    # "\r\n" for the csv module to handle.
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding=encoding or "utf-8-sig", newline=newline)
    check_log_path(path)
    try:
        return open(path, encoding=encoding or "utf-8-sig", errors="strict", newline=newline)
    except OSError as exc:
        raise open_log_error(path, exc) from None
    except LookupError:
        raise LogError(f"unknown encoding {encoding!r}") from None


_UTF8 = ("utf-8", "utf8", "utf-8-sig")


def _open_bytes(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    check_log_path(path)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise open_log_error(path, exc) from None


def read_log(path: str, encoding: str | None = None, fmt: str | None = None) -> Iterator[Record]:
    """Records of one log file. ``fmt`` is ``jsonl`` or ``csv`` (default: by suffix)."""
    kind = fmt or ("csv" if Path(path).suffix.lower() in (".csv", ".tsv") else "jsonl")
    source = "<stdin>" if path == "-" else path
    raw_utf8 = kind == "jsonl" and (encoding or "utf-8").lower().replace("_", "-") in _UTF8
    stream: IO[Any] = (
        _open_bytes(path) if raw_utf8 else _open_text(path, encoding, "" if kind == "csv" else "\n")
    )
    try:
        if kind == "csv":
            yield from read_csv(stream, source)
        elif raw_utf8:
            yield from read_jsonl_bytes(stream, source)
        else:
            yield from read_jsonl(stream, source)
    except UnicodeDecodeError as exc:
        raise undecodable(source, encoding, exc) from None
    finally:
        if path != "-":
            stream.close()


def undecodable(source: str, encoding: str | None, exc: UnicodeDecodeError) -> LogError:
    """The error for a log that is not in the encoding it is read in, with a hint."""
    hint = (
        " (exported from Excel or a Chinese Windows system? try --encoding gbk)"
        if not encoding
        else ""
    )
    return LogError(f"{source}: cannot decode as {encoding or 'UTF-8'}: {exc.reason}{hint}")


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
        kind = "csv" if Path(path).suffix.lower() in (".csv", ".tsv") else "jsonl"
        try:
            if kind == "jsonl" and (encoding or "utf-8").lower().replace("_", "-") in _UTF8:
                position = last_jsonl_positions(path, last, position)
                continue
            cases = scan_csv_cases(path, encoding) if kind == "csv" else scan_jsonl_cases(path)
            for case in cases:
                position += 1
                if case is not None:
                    last[case] = position
        except (OSError, UnicodeDecodeError, LookupError):
            return None  # the real read reports the problem
    return last
