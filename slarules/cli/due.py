"""`slarules due`: the deadlines a clock started at a time runs under."""

from __future__ import annotations

import difflib

import click

from ..calendar import CalendarNotCovered
from ..reporters.deadlines import DUE_FORMATS
from .auditing import did_you_mean
from .common import (
    fail,
    fail_with,
    lang_option,
    load_rules,
    main,
    rules_option,
    user_time,
)
from .helpformat import command_help
from .language import help_text, say
from .output import document


@main.command(**command_help("due"))
@rules_option
@click.option("--start", required=True, help=help_text("due.start"))
@click.option("--severity", help=help_text("due.severity"))
@click.option("--site", help=help_text("due.site"))
@click.option("--distance-km", type=float, help=help_text("due.distance_km"))
@click.option("--event", help=help_text("due.event"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(DUE_FORMATS)),
    default="table",
    show_default=True,
    help=help_text("due.format"),
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
    """`slarules due` (its help: the catalogues' ``help.due.help``)."""
    from ..engine import due_for

    contract = load_rules(rules)
    at = user_time(start, contract, "--start")
    assert at is not None
    if severity is not None and contract.level(severity) is None:
        choices = ", ".join(f"{lv.id}/{lv.zh}" for lv in contract.levels)
        fail(say("unknown_severity", name=severity, choices=choices))
    if site is not None and contract.site(site) is None:
        choices = ", ".join(f"{s.zh}/{s.id}" for s in contract.sites)
        fail(say("unknown_site", name=site, choices=choices))
    if event is not None and event not in contract.events:
        close = difflib.get_close_matches(event, list(contract.events), n=1)
        fail(say("unknown_event", name=event, hint=did_you_mean(close)))
    known = [ob.id for ob in contract.obligations]
    for name in obligations:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            fail(say("unknown_obligation", name=name, hint=did_you_mean(close)))
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
            fail(say("no_single_deadline", name=name, kind=contract.obligation(name).type))
    try:
        deadlines = [
            due_for(contract, ob.id, at, severity=severity, site=site, distance_km=distance_km)
            for ob in chosen
        ]
    except CalendarNotCovered as exc:
        fail_with(exc)
    with document() as out:
        DUE_FORMATS[fmt](at, deadlines, contract, lang, out)
