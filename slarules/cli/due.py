"""`slarules due`: the deadlines a clock started at a time runs under."""

from __future__ import annotations

import click

from ..calendar import CalendarNotCovered
from ..reporters.deadlines import DUE_FORMATS
from .common import (
    fail,
    lang_option,
    load_rules,
    main,
    rules_option,
    user_time,
)
from .output import document


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
    "--format", "fmt", type=click.Choice(sorted(DUE_FORMATS)), default="table", show_default=True
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
    from ..kinds import KINDS

    clocks = {ob.id: KINDS[ob.type].clocked(ob) for ob in contract.obligations}
    chosen = [
        ob
        for ob in contract.obligations
        if (clocked := clocks[ob.id]) is not None
        and (ob.id in obligations if obligations else event in (None, clocked.start))
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
        DUE_FORMATS[fmt](at, deadlines, contract, lang, out)
