"""SPEC.md's JSON shape."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import IO

import orjson

from ..model import Contract
from ..results import Result
from ..wording import Wording
from ..zones import LocalTimes
from . import Counts, Format, register_format
from .rows import iso, record_counts, result_dict, unjudged_reason
from .scoring import Scored


def head(as_of: datetime, contract: Contract, lang: str, out: IO[str]) -> None:
    out.write("{\n")
    out.write(f'  "as_of": {json.dumps(iso(as_of))},\n')
    out.write(f'  "contract": {json.dumps(contract.id, ensure_ascii=False)},\n')
    out.write('  "results": [')


def body(
    results: Iterable[Result], contract: Contract, lang: str, out: IO[str], first: bool
) -> bool:
    """One result a line; orjson writes the times itself (ISO 8601 with offset, to the
    second), several times faster than json."""
    dumps, option, wrote = orjson.dumps, orjson.OPT_OMIT_MICROSECONDS, False
    local, words = LocalTimes(contract.tz), Wording(contract, lang)
    for result in results:
        out.write("\n    " if first and not wrote else ",\n    ")
        row = result_dict(result, local, words, times_as_text=False)
        out.write(dumps(row, option=option).decode())
        wrote = True
    return wrote


def tail(counts: Counts, contract: Contract, lang: str, out: IO[str]) -> None:
    """The counts follow the results."""
    out.write("\n  ],\n")
    words = Wording(contract, lang)
    rest = {
        "records": record_counts(counts),
        "rejected": [
            {"line": r.line, "source": r.source, "code": r.code, "reason": words.rejection(r)}
            for r in counts.rejected
        ],
        "unjudged": [
            {
                "obligation": u.obligation,
                "clause": u.clause,
                "events": list(u.events),
                "reason": unjudged_reason(u.events, words),
            }
            for u in counts.unjudged
        ],
        "warnings": [
            {"code": w.code, "event": w.event, "count": w.count, "cases": list(w.cases)}
            for w in counts.warnings
        ],
        "summary": counts.summary(),
    }
    if isinstance(counts, Scored):  # the customer's assessment (2.3.4.4)
        from .summary_json import scores_dict

        a = counts.assessment
        rest["assessment"] = scores_dict(a.id, a.unit, counts.scores())
    text = json.dumps(rest, ensure_ascii=False, indent=2)
    out.write(text[text.index("\n") + 1 :])
    out.write("\n")


# SPEC.md's object, written as the results come.
register_format("json", Format(head, body, tail, lead=","))
