"""`slarules report`: the period service summary of a month or a quarter (2.3.4.3)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from ..calendar import CalendarNotCovered
from ..reporters.summaries import SUMMARY_FORMATS
from .auditing import AuditOptions, echo_rejections, read_records
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    as_of_option,
    assessment_option,
    fail,
    fail_with,
    judge_all_option,
    lang_option,
    load_rules,
    main,
    output_option,
    rules_option,
    user_time,
    with_assessment,
)
from .helpformat import command_help
from .language import help_text, say
from .output import binary_document, document


@main.command(**command_help("report"))
@rules_option
@click.option("--month", help=help_text("report.month"))
@click.option("--quarter", help=help_text("report.quarter"))
@click.argument("logs", nargs=-1, required=True)
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*SUMMARY_FORMATS, "xlsx"]),
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
@assessment_option
def report(
    rules: str | None,
    month: str | None,
    quarter: str | None,
    logs: tuple[str, ...],
    as_of: str | None,
    fmt: str,
    lang: str,
    trend: int,
    output: str | None,
    encoding: str | None,
    judge_all: bool,
    assessment: str | None,
) -> None:
    """`slarules report` (its help: the catalogues' ``help.report.help``)."""
    import re

    from ..clocks import period_end, period_start
    from ..engine import Audit, checked_records
    from ..events import MAX_YEAR, MIN_YEAR, Event
    from ..monthly import build, parse_period, trend_months
    from ..readers import LogError
    from ..reporters.rows import record_counts

    contract = with_assessment(load_rules(rules), assessment)
    if (month is None) == (quarter is None):
        fail(say("period_choice"))
    text = month if month is not None else quarter
    assert text is not None
    option, unit = ("--month", "month") if month is not None else ("--quarter", "quarter")
    shape = r"\d{4}-(0[1-9]|1[0-2])" if month is not None else r"\d{4}-Q[1-4]"
    if not re.fullmatch(shape, text.strip()):
        fail(say("bad_month" if month is not None else "bad_quarter", text=text))
    if not MIN_YEAR <= int(text.strip()[:4]) <= MAX_YEAR:
        fail(say("time_out_of_range", option=option, text=text, first=MIN_YEAR, last=MAX_YEAR))
    period = parse_period(text.strip(), contract.tz)
    assert period is not None and period.unit == unit
    when = user_time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    first = trend_months(period, trend, contract.tz)[0][1]  # at most 3 years back
    workbook = fmt == "xlsx"
    if workbook and (output is None or output == "-") and sys.stdout.isatty():
        fail(say("workbook_terminal"))
    target: Any = binary_document(output) if workbook else document(output)
    with target as out:  # checked before the work: -o into a missing folder, say
        try:
            # Read and checked once: the summary reads the events, the audit the same records.
            records = list(
                checked_records(contract, read_records(AuditOptions(logs, when, encoding)))
            )
            events = [checked for _, _, checked in records if type(checked) is Event]
            last = period.end
            if events:
                # Only the months the logs cover are audited (from the first event's month
                # to the last one's): no record is no evidence, before the logs or after.
                covered = period_start(min(e.at for e in events), "month", contract.tz)
                ends = period_end(max(e.at for e in events), "month", contract.tz)
                first, last = max(first, covered), min(last, ends)
                last = max(first, last)  # a period the logs do not reach: nothing to judge
            audit = Audit(
                contract,
                records,
                when,
                window=(first, last),
                judge_all=judge_all,
                checked=True,
            )
            results = list(audit)
        except (LogError, CalendarNotCovered) as exc:
            fail_with(exc)
        summary = build(
            contract, period, events, results, when, trend, record_counts(audit), audit.unjudged
        )
        if workbook:
            from ..reporters.workbook import summary_workbook

            summary_workbook(summary, lang, out)
        else:
            SUMMARY_FORMATS[fmt](summary, lang, out)
    echo_rejections(contract, audit.rejected)
    sys.exit(EXIT_REJECTED if audit.rejected else EXIT_OK)
