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


WATCH_UNITS = ("s", "min", "h")


def _every(text: str) -> float:
    """``--every``: a duration in s, min or h (a bare number is seconds), above 0."""
    from ..durations import DurationError, parse_duration

    raw = text.strip()
    try:
        value = parse_duration(f"{raw} s" if raw.replace(".", "", 1).isdigit() else raw)
    except DurationError:
        value = None
    if value is None or value.unit not in WATCH_UNITS or value.amount <= 0:
        fail(say("bad_every", text=text))
    return value.as_timedelta().total_seconds()


@main.command("watch", **command_help("watch"))
@rules_option
@click.argument("logs", nargs=-1, required=True)
@click.option("--every", default="60s", show_default=True, help=help_text("watch.every"))
@click.option("--notify", "notify", multiple=True, help=help_text("watch.notify"))
@click.option("--state", "state", help=help_text("watch.state"))
@lang_option
@click.option("--encoding", help=help_text("audit.encoding"))
@judge_all_option
def watch(
    rules: str | None,
    logs: tuple[str, ...],
    every: str,
    notify: tuple[str, ...],
    state: str | None,
    lang: str,
    encoding: str | None,
    judge_all: bool,
) -> None:
    """`slarules watch` (its help: the catalogues' ``help.watch.help``)."""
    import os

    from ..watching import Watcher, default_state_path
    from ..watching.notify import STDOUT, target
    from ..watching.state import StateError
    from ..watching.watcher import shown

    seconds = _every(every)
    for log in logs:
        if log == "-":
            fail(say("watch_stdin"))
        if not os.path.exists(log):
            fail(say("watch_no_log", log=log))
    targets = []
    for text in notify or (STDOUT,):
        try:
            targets.append(target(text))
        except ValueError:
            forms = "URL, wecom:URL, dingtalk:URL, json:URL, -"
            fail(say("bad_notify", text=text, forms=forms))
    state_path = state or default_state_path(logs)
    contract = load_rules(rules)

    def report(code: str, values: dict[str, Any]) -> None:
        click.echo(say(f"watch_{code}", **values), err=True)

    def out(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    try:
        watcher = Watcher(
            contract,
            logs,
            targets,
            state_path=state_path,
            lang=lang,
            encoding=encoding,
            judge_all=judge_all,
            report=report,
            out=out,
        )
    except StateError as exc:
        fail(str(exc))
    click.echo(
        say(
            "watch_started",
            logs=", ".join(logs),
            every=f"{seconds:g}",
            state=state_path,
            targets=", ".join(shown(t) for t in targets),
        ),
        err=True,
    )
    try:
        watcher.run(seconds)
    finally:
        watcher.close()
