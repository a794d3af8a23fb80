"""What ``slarules due`` writes: the deadlines a clock started at a time runs under.

A registry of its own (``DUE_FORMATS``), as the audit's: the command's
``--format`` choices come from it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import IO

from ..engine import Deadline
from ..model import Contract
from ..results import Ref
from ..wording import Wording
from .grid import write_grid
from .rows import iso
from .table import clause_lines

DueWriter = Callable[[datetime, Sequence[Deadline], Contract, str, IO[str]], None]
DUE_FORMATS: dict[str, DueWriter] = {}


def due_format(name: str) -> Callable[[DueWriter], DueWriter]:
    def register(func: DueWriter) -> DueWriter:
        DUE_FORMATS[name] = func
        return func

    return register


@due_format("table")
def table(
    at: datetime, deadlines: Sequence[Deadline], contract: Contract, lang: str, out: IO[str]
) -> None:
    words = Wording(contract, lang)
    rows = []
    for d in deadlines:
        basis = d.not_applicable or d.source
        budget = ""
        if d.budget is not None:
            budget = f"{words.budget(d.budget)}, {words.name(Ref('clock', d.clock))}"
        rows.append(
            [
                f"{d.obligation}\n{d.title.pick(lang)}",
                clause_lines(d.clause),
                words.name_of_event(d.start_event),
                words.time(d.due) if d.due else words.label("not_applicable"),
                budget,
                words.text(basis.code, basis.values),
            ]
        )
    heads = [
        words.label(k) for k in ("obligation", "clause", "starts_at", "due", "budget", "basis")
    ]
    out.write(words.label("due_head", start=at, zone=getattr(contract.tz, "key", str(contract.tz))))
    out.write("\n\n")
    write_grid(out, heads, rows, (30, None, 16, None, 24, 36))


@due_format("json")
def as_json(
    at: datetime, deadlines: Sequence[Deadline], contract: Contract, lang: str, out: IO[str]
) -> None:
    words = Wording(contract, lang)
    doc = {
        "start": iso(at),
        "deadlines": [
            {
                "obligation": d.obligation,
                "clause": d.clause,
                "title": d.title.pick(lang),
                "starts_at": d.start_event,
                "due": iso(None if d.due is None else words.local(d.due)),
                "clock": d.clock,
                "budget": None if d.budget is None else d.budget.label,
                "budget_source": words.text(d.source.code, d.source.values) or None,
                "not_applicable": words.text(d.not_applicable.code, d.not_applicable.values)
                if d.not_applicable
                else None,
            }
            for d in deadlines
        ],
    }
    out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
