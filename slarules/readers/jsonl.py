"""JSON Lines: one object per line; blank lines are skipped (and not counted)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..events import Rejection


def read_jsonl(
    stream: IO[str], source: str
) -> Iterator[tuple[str, int, Mapping[str, Any] | Rejection]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield (
                source,
                number,
                Rejection(source, number, f"broken JSON: {exc.msg} at column {exc.colno}"),
            )
            continue
        if not isinstance(record, dict):
            yield source, number, Rejection(source, number, "the line is not a JSON object")
            continue
        yield source, number, record
