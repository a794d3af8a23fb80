"""`slarules open` and `slarules watch`: the clocks running now, and messages as they cross
a warning threshold, breach or are met after a warning."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from .. import model as m
from ..calendar import CalendarNotCovered
from ..reporters.open_clocks import OPEN_FORMATS
from .auditing import AuditOptions, read_records
from .common import (
    EXIT_BREACHED,
    EXIT_OK,
    EXIT_REJECTED,
    as_of_option,
    fail,
    judge_all_option,
    lang_option,
    load_rules,
    main,
    output_option,
    rules_option,
    user_time,
)
from .helpformat import command_help
from .language import help_text, say
from .output import document


def open_report(contract: m.Contract, options: AuditOptions) -> Any:
    """The open clocks of the options' logs as of their time (errors: one line, exit 2)."""
    from ..live import OpenAudit
    from ..readers import LogError, last_positions

    last_of = last_positions(list(options.logs), options.encoding)
    total = max(last_of.values(), default=0) if last_of else None
    audit = OpenAudit(
        contract,
        read_records(options, total),
        options.as_of,
        last_of=last_of,
        judge_all=options.judge_all,
    )
    try:
        return audit.report()
    except (LogError, CalendarNotCovered) as exc:
        fail(str(exc))


@main.command("open", **command_help("open"))
@rules_option
@click.argument("logs", nargs=-1, required=True)
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(OPEN_FORMATS)),  # as the reporters registered them
    default="table",
    show_default=True,
    help=help_text("open.format"),
)
@lang_option
@click.option("--encoding", help=help_text("audit.encoding"))
@judge_all_option
@output_option
def open_clocks(
    rules: str | None,
    logs: tuple[str, ...],
    as_of: str | None,
    fmt: str,
    lang: str,
    encoding: str | None,
    judge_all: bool,
    output: str | None,
) -> None:
    """`slarules open` (its help: the catalogues' ``help.open.help``)."""
    contract = load_rules(rules)
    when = user_time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    options = AuditOptions(logs, when, encoding, judge_all=judge_all)
    with document(output) as out:
        report = open_report(contract, options)
        OPEN_FORMATS[fmt](report, contract, lang, out)
    if fmt in ("json", "csv"):
        for rejection in report.rejected:
            click.echo(say("rejected", rejection=rejection), err=True)
    if report.rejected:
        sys.exit(EXIT_REJECTED)
    sys.exit(EXIT_BREACHED if report.at_risk else EXIT_OK)
