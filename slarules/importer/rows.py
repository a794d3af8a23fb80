"""One row of an export, as every source hands it to the converter."""

from __future__ import annotations

import codecs
import gzip
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, cast

from ..readers import LogError, check_log_path, open_log_error


@dataclass(frozen=True, slots=True)
class Row:
    """A status-history row: where it came from and the cells the mapping reads.

    ``cells`` holds only the mapping's columns, trimmed, with missing-value
    placeholders removed; ``key`` is the whole raw row, so that "exact
    duplicate" means identical in every cell, read or not.
    """

    source: str
    line: int
    cells: dict[str, str]
    key: tuple[Any, ...]


def clean(value: str | None, missing: frozenset[str]) -> str | None:
    """A trimmed value, or None for an empty cell or a missing-value placeholder."""
    if value is None:
        return None
    text = value.strip()
    return None if text in missing else text


def pick(raw: dict[str, str], columns: Iterable[str], missing: frozenset[str]) -> dict[str, str]:
    out = {}
    for column in columns:
        value = clean(raw.get(column), missing)
        if value is not None:
            out[column] = value
    return out


def open_binary(path: str) -> IO[bytes]:
    """A file (gunzipped when it ends in .gz), or standard input for ``-``."""
    if path == "-":
        return sys.stdin.buffer
    check_log_path(path, "an export")  # a file or a pipe; not a directory, device, link loop
    try:
        if path.lower().endswith(".gz"):
            return cast(IO[bytes], gzip.open(path, "rb"))
        return open(path, "rb")
    except OSError as exc:
        raise open_log_error(path, exc) from None


def open_text(path: str, encoding: str) -> IO[str]:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise LogError(f"unknown encoding {encoding!r}") from None
    return io.TextIOWrapper(open_binary(path), encoding=encoding, newline="")


def display(path: str) -> str:
    return "<stdin>" if path == "-" else path
