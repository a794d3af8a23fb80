"""Imported events written as SPEC.md's JSON Lines log (what ``slarules audit`` reads)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from ..events import Rejection
from .convert import Triple


def write_jsonl(triples: Iterable[Triple], out: IO[str]) -> int:
    """Write every record as one JSON line; rejections are not written. Returns the lines.

    Chinese text stays readable (no ``\\u`` escapes); keys keep the order
    ``case, event, at, facts...``.
    """
    written = 0
    for _source, _line, record in triples:
        if isinstance(record, Rejection):
            continue
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")
        written += 1
    return written
