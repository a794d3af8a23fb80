"""`slarules due`: the deadlines a clock started at a time runs under."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import click

from ..calendar import CalendarNotCovered
from .common import (
    fail,
    lang_option,
    load_rules,
    main,
    rules_option,
    user_time,
)
from .output import document

if TYPE_CHECKING:
    from .. import model as m
    from ..engine import Deadline


@main.command()
@rules_option
@click.option(
    "--start", required=True, help="When the clock starts (naive times are in the contract's zone)."
)
@click.option("--severity", help="Severity: critical/major/serious/minor or 特大/重大/严重/一般.")
@click.option("--site", help="Site: 沈阳, dalian, ...")
@click.option(
    "--distance-km", type=float, help="Distance from the service point (overrides --site)."
)
@click.option("--event", help="Only obligations whose clock this event starts (default: reported).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@lang_option
@click.argument("obligations", nargs=-1)
def due(
    rules: str | None,
    start: str,
    severity: str | None,
    site: str | None,
    distance_km: float | None,
    event: str | None,
    fmt: str,
    lang: str,
    obligations: tuple[str, ...],
) -> None:
    """Every deadline that a case started at START runs under."""
    from ..engine import due_for

    contract = load_rules(rules)
    at = user_time(start, contract, "--start")
    assert at is not None
    if severity is not None and contract.level(severity) is None:
        fail(
            f"unknown severity {severity!r}; one of "
            + ", ".join(f"{lv.id}/{lv.zh}" for lv in contract.levels)
        )
    if site is not None and contract.site(site) is None:
        fail(
            f"unknown site {site!r}; one of " + ", ".join(f"{s.zh}/{s.id}" for s in contract.sites)
        )
    if event is not None and event not in contract.events:
        fail(f"unknown event {event!r}")
    known = {ob.id for ob in contract.obligations}
    for name in obligations:
        if name not in known:
            fail(f"unknown obligation {name!r}")
    # Without OBLIGATIONs: every clock with a budget, or those that --event starts.
    chosen = [
        ob
        for ob in contract.obligations
        if hasattr(ob, "budget")
        and (ob.id in obligations if obligations else event in (None, getattr(ob, "start", None)))
    ]
    for name in obligations:
        if name not in {ob.id for ob in chosen}:
            fail(f"{name} has no single deadline (it is a {contract.obligation(name).type} duty)")
    try:
        deadlines = [
            due_for(contract, ob.id, at, severity=severity, site=site, distance_km=distance_km)
            for ob in chosen
        ]
    except CalendarNotCovered as exc:
        fail(str(exc))
    with document() as out:
        if fmt == "json":
            out.write(_as_json(at, deadlines, lang) + "\n")
        else:
            out.write(_as_table(at, deadlines, contract, lang) + "\n")


def _as_json(at: datetime, deadlines: list[Deadline], lang: str) -> str:
    from ..reporters.rows import iso

    return json.dumps(
        {
            "start": iso(at),
            "deadlines": [
                {
                    "obligation": d.obligation,
                    "clause": d.clause,
                    "due": iso(d.due),
                    "clock": d.clock,
                    "budget": d.budget or None,
                    "budget_source": d.source.pick(lang) or None,
                    "not_applicable": d.not_applicable.pick(lang) if d.not_applicable else None,
                }
                for d in deadlines
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def _as_table(at: datetime, deadlines: list[Deadline], contract: m.Contract, lang: str) -> str:
    from tabulate import tabulate

    from ..reporters.rows import local
    from ..timing import CLOCK_TEXT

    rows = []
    for d in deadlines:
        basis = d.not_applicable.pick(lang) if d.not_applicable else d.source.pick(lang)
        rows.append(
            [
                f"{d.obligation} {d.title.pick(lang)}",
                d.clause,
                d.start_event,
                local(d.due, contract) if d.due else "不适用 n/a",
                f"{d.budget}, {CLOCK_TEXT[d.clock].pick(lang)}" if d.budget else "",
                basis,
            ]
        )
    headers = [
        "义务 Obligation",
        "条款 Clause",
        "起点 Starts at",
        "到期 Due",
        "时限 Budget",
        "依据 Basis",
    ]
    table = tabulate(
        rows, headers=headers, tablefmt="simple", maxcolwidths=[34, 12, 18, 22, 30, 36]
    )
    return f"start 起点: {local(at, contract)} ({contract.tz.key})\n\n{table}"
