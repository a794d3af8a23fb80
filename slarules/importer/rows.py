"""One row of an export, as every source hands it to the converter."""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from ..readers.lines import LogError, open_bytes


@dataclass(frozen=True, slots=True)
class Row:
    """A status-history row: where it came from and the cells the mapping reads.

    ``cells`` holds only the mapping's columns, trimmed, with missing-value
    placeholders removed; ``key`` is a digest of the whole raw row (see
    :func:`row_key`), so that "exact duplicate" means identical in every cell,
    read or not, while a held row costs only the cells the mapping reads.
    """

    source: str
    line: int
    cells: dict[str, str]
    key: bytes


def row_key(cells: Iterable[str]) -> bytes:
    """A 16-byte digest of a raw row's cells, in order.

    Each cell is encoded with its length in front, so no two different rows
    can be confused by where one cell ends and the next begins.
    """
    digest = hashlib.blake2b(digest_size=16)
    for cell in cells:
        data = cell.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


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
    """A file (gunzipped when it is gzip: by suffix or first bytes), or stdin for ``-``."""
    return open_bytes(path, "an export")


def open_text(path: str, encoding: str) -> IO[str]:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise LogError("file.unknown_encoding", encoding=encoding) from None
    return io.TextIOWrapper(open_binary(path), encoding=encoding, newline="")


def display(path: str) -> str:
    return "<stdin>" if path == "-" else path
