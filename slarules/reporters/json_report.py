"""SPEC.md's JSON shape."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

import orjson

from ..model import Contract
from ..results import Result
from . import Counts, reporter
from .rows import iso, result_dict


@reporter("json")
def render(
    counts: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[str]
) -> None:
    """SPEC.md's object, written as the results come (the counts follow them)."""
    out.write("{\n")
    out.write(f'  "as_of": {json.dumps(iso(counts.as_of))},\n')
    out.write(f'  "contract": {json.dumps(contract.id, ensure_ascii=False)},\n')
    out.write('  "results": [')
    # orjson writes the times itself (ISO 8601 with offset, to the second), and
    # several times faster than json: one line per result of a large audit.
    dumps, option = orjson.dumps, orjson.OPT_OMIT_MICROSECONDS
    for n, result in enumerate(results):
        out.write(",\n    " if n else "\n    ")
        out.write(dumps(result_dict(result, times_as_text=False), option=option).decode())
    out.write("\n  ],\n")
    tail = {
        "records": {"read": counts.read, "used": counts.used, "rejected": len(counts.rejected)},
        "rejected": [
            {"line": r.line, "source": r.source, "reason": r.reason} for r in counts.rejected
        ],
        "summary": counts.summary(),
    }
    body = json.dumps(tail, ensure_ascii=False, indent=2)
    out.write(body[body.index("\n") + 1 :])
    out.write("\n")
