"""Event-log readers: JSON Lines and CSV, by file suffix (``-`` is JSON Lines on stdin).

Each yields ``(source, line, record)`` where record is a plain mapping, or a
:class:`~slarules.events.Rejection` for a line that cannot even be parsed.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..events import Rejection
from .csvlog import read_csv
from .jsonl import read_jsonl

Record = tuple[str, int, Mapping[str, Any] | Rejection]


class LogError(Exception):
    """A log that cannot be read at all (missing, undecodable): a usage error."""


def _open_text(path: str, encoding: str | None) -> IO[str]:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding=encoding or "utf-8-sig", newline="")
    try:
        return open(path, encoding=encoding or "utf-8-sig", errors="strict", newline="")
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except LookupError:
        raise LogError(f"unknown encoding {encoding!r}") from None


def read_log(path: str, encoding: str | None = None, fmt: str | None = None) -> Iterator[Record]:
    """Records of one log file. ``fmt`` is ``jsonl`` or ``csv`` (default: by suffix)."""
    kind = fmt or ("csv" if Path(path).suffix.lower() in (".csv", ".tsv") else "jsonl")
    stream = _open_text(path, encoding)
    source = "<stdin>" if path == "-" else path
    try:
        if kind == "csv":
            yield from read_csv(stream, source)
        else:
            yield from read_jsonl(stream, source)
    except UnicodeDecodeError as exc:
        hint = (
            " (exported from Excel or a Chinese Windows system? try --encoding gbk)"
            if not encoding
            else ""
        )
        raise LogError(
            f"{source}: cannot decode as {encoding or 'UTF-8'}: {exc.reason}{hint}"
        ) from None
    finally:
        if path != "-":
            stream.close()


def read_logs(paths: list[str], encoding: str | None = None) -> Iterator[Record]:
    for path in paths:
        yield from read_log(path, encoding)
