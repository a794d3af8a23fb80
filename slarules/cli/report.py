"""`slarules report`: the monthly service summary."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from ..calendar import CalendarNotCovered
from ..reporters.summary import SUMMARY_FORMATS
from .auditing import AuditOptions, echo_rejections, read_records
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    as_of_option,
    fail,
    fail_with,
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


@main.command(**command_help("report"))
@rules_option
@click.option("--month", required=True, help=help_text("report.month"))
@click.argument("logs", nargs=-1, required=True)
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(SUMMARY_FORMATS)),
    default="markdown",
    show_default=True,
    help=help_text("report.format"),
)
@lang_option
@click.option(
    "--trend",
    type=click.IntRange(1, 36),
    default=6,
    show_default=True,
    help=help_text("report.trend"),
)
@output_option
@click.option("--encoding", help=help_text("report.encoding"))
@judge_all_option
def report(
    rules: str | None,
    month: str,
    logs: tuple[str, ...],
    as_of: str | None,
    fmt: str,
    lang: str,
    trend: int,
    output: str | None,
    encoding: str | None,
    judge_all: bool,
) -> None:
    """`slarules report` (its help: the catalogues' ``help.report.help``)."""
    import re

    from ..clocks import DAY, period_start
    from ..engine import Audit, checked_records
    from ..events import MAX_YEAR, MIN_YEAR, Event
    from ..monthly import build, month_bounds
    from ..readers import LogError
    from ..reporters.rows import record_counts

    contract = load_rules(rules)
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        fail(say("bad_month", text=month))
    if not MIN_YEAR <= int(month[:4]) <= MAX_YEAR:
        fail(say("time_out_of_range", option="--month", text=month, first=MIN_YEAR, last=MAX_YEAR))
    when = user_time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    start, end = month_bounds(month, contract.tz)
    first = start
    for _ in range(trend - 1):
        first = period_start(first - DAY, "month", contract.tz)  # at most 3 years back
    with document(output) as out:  # checked before the work: -o into a missing folder, say
        try:
            # Read and checked once: the summary reads the events, the audit the same records.
            records = list(
                checked_records(contract, read_records(AuditOptions(logs, when, encoding)))
            )
            events = [checked for _, _, checked in records if type(checked) is Event]
            if events:
                # Months before the log begins are not audited: no record is no evidence.
                covered = period_start(min(e.at for e in events), "month", contract.tz)
                first = min(max(first, covered), start)
            audit = Audit(
                contract, records, when, window=(first, end), judge_all=judge_all, checked=True
            )
            results = list(audit)
        except (LogError, CalendarNotCovered) as exc:
            fail_with(exc)
        summary = build(
            contract, month, events, results, when, trend, record_counts(audit), audit.unjudged
        )
        SUMMARY_FORMATS[fmt](summary, lang, out)
    echo_rejections(contract, audit.rejected)
    sys.exit(EXIT_REJECTED if audit.rejected else EXIT_OK)
