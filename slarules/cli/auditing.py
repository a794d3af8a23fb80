"""`slarules audit` and `slarules explain`: reading logs (or exports) and judging them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click

from .. import model as m
from ..calendar import CalendarNotCovered
from ..errors import RulesInvalid
from ..events import Rejection
from ..reporters import BINARY_REPORTERS, FORMATS
from . import language
from .common import (
    EXIT_BREACHED,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    as_of_option,
    assessment_option,
    echo_rules_errors,
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


@dataclass(frozen=True)
class AuditOptions:
    logs: tuple[str, ...]
    as_of: datetime
    encoding: str | None
    only_case: str | None = None
    explain: bool = False
    window: tuple[datetime | None, datetime | None] = (None, None)
    obligations: tuple[str, ...] = ()
    mapping: Any = None  # an ExportMapping: the logs are ticket-system exports
    mapping_contract: Any = None
    import_runs: list[Any] = field(default_factory=list)
    judge_all: bool = False
    window_only: bool = False  # only the duties over the window (explain of a period)


def read_records(options: AuditOptions, total: int | None = None) -> Iterator[tuple[str, int, Any]]:
    """The logs' records, with a progress line on standard error when it is a terminal."""
    import time

    from ..readers import read_logs

    show = sys.stderr.isatty()
    started = time.monotonic()
    source: Any = read_logs(list(options.logs), options.encoding)
    if options.mapping is not None:
        from ..importer import import_export

        source = import_export(
            options.mapping, list(options.logs), options.mapping_contract, options.encoding
        )
        options.import_runs.append(source)
    for n, record in enumerate(source, start=1):
        if show and n % 20_000 == 0:
            rate = n / max(time.monotonic() - started, 1e-9)
            done = (
                say("progress_total", total=f"{total:,}", share=f"{100 * n / total:.0f}")
                if total
                else ""
            )
            line = say("progress", n=f"{n:,}", total=done, rate=f"{rate:,.0f}")
            click.echo(f"\r{line} ", err=True, nl=False)
        raw = record[2]
        wanted = options.only_case
        if wanted is not None and not isinstance(raw, Rejection) and str(raw.get("case")) != wanted:
            continue
        yield record
    if show:
        click.echo("\r" + " " * 72 + "\r", err=True, nl=False)


def start_audit(contract: m.Contract, options: AuditOptions) -> Any:
    """A streaming :class:`~slarules.engine.Audit` over the options' logs."""
    from ..engine import Audit
    from ..readers import last_positions

    # The first pass knows plain logs only; imported exports are held until the end.
    last_of = (
        None
        if options.only_case or options.mapping is not None
        else last_positions(list(options.logs), options.encoding)
    )
    total = max(last_of.values(), default=0) if last_of else None
    return Audit(
        contract,
        read_records(options, total),
        options.as_of,
        last_of=last_of,
        explain=options.explain,
        window=options.window,
        only=_window_duties(contract) if options.window_only else options.obligations or None,
        judge_all=options.judge_all,
    )


def _window_duties(contract: m.Contract) -> tuple[str, ...]:
    from ..kinds import window_kinds

    kinds = window_kinds()
    return tuple(ob.id for ob in contract.obligations if ob.type in kinds)


def _guarded(results: Iterator[Any]) -> Iterator[Any]:
    """Turn the errors that can surface while reading into one-line usage errors."""
    from ..readers import LogError

    try:
        yield from results
    except (LogError, CalendarNotCovered) as exc:
        fail_with(exc)


def run_audit(contract: m.Contract, options: AuditOptions) -> Any:
    """The whole audit, every result kept (for tables and explanations)."""
    from ..engine import AuditReport

    audit = start_audit(contract, options)
    results = tuple(_guarded(iter(audit)))
    return AuditReport(
        options.as_of,
        results,
        audit.read,
        tuple(audit.rejected),
        after_as_of=audit.after_as_of,
        duplicates=audit.duplicates,
        unjudged=tuple(audit.unjudged),
        warnings=audit.warnings,
        cases=frozenset(audit.cases),
        notes=audit.notes,
    )


ENGINES = ("columnar", "python")


@main.command(**command_help("audit"))
@rules_option
@click.argument("logs", nargs=-1, required=True)
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*sorted(FORMATS), *sorted(BINARY_REPORTERS), "parquet"]),
    default="table",
    show_default=True,
    help=help_text("audit.format"),
)
@lang_option
@click.option("--only-breaches", is_flag=True, help=help_text("audit.only_breaches"))
@click.option("--reasons/--no-reasons", default=None, help=help_text("audit.reasons"))
@click.option("--encoding", help=help_text("audit.encoding"))
@click.option("--from", "window_from", help=help_text("audit.from"))
@click.option("--to", "window_to", help=help_text("audit.to"))
@click.option("--mapping", "mapping_path", help=help_text("audit.mapping"))
@click.option(
    "-O", "--obligation", "obligations", multiple=True, help=help_text("audit.obligation")
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="columnar",
    show_default=True,
    help=help_text("audit.engine"),
)
@click.option("--threads", type=click.IntRange(min=1), help=help_text("audit.threads"))
@click.option("-j", "--jobs", help=help_text("audit.jobs"))
@judge_all_option
@output_option
@assessment_option
def audit(
    rules: str | None,
    logs: tuple[str, ...],
    as_of: str | None,
    fmt: str,
    lang: str,
    only_breaches: bool,
    reasons: bool | None,
    encoding: str | None,
    window_from: str | None,
    window_to: str | None,
    obligations: tuple[str, ...],
    mapping_path: str | None,
    engine: str,
    threads: int | None,
    jobs: str | None,
    judge_all: bool,
    output: str | None,
    assessment: str | None,
) -> None:
    """`slarules audit` (its help: the catalogues' ``help.audit.help``)."""

    contract = with_assessment(load_rules(rules), assessment)
    _known_obligations(contract, obligations)
    binary = fmt in BINARY_REPORTERS or fmt == "parquet"
    if binary and (output is None or output == "-") and sys.stdout.isatty():
        fail(say("workbook_terminal"))
    if reasons is not None and fmt not in ("csv", "parquet"):
        fail(say("reasons_format", format=fmt))
    threads = _threads(threads, jobs)
    when = user_time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    window = (
        _bound(window_from, contract, "--from", end=False),
        _bound(window_to, contract, "--to", end=True),
    )
    if window[0] is not None and window[1] is not None and window[0] >= window[1]:
        fail(say("window_empty", start=window_from, end=window_to))
    mapping = export_mapping(mapping_path, contract) if mapping_path else None
    options = AuditOptions(
        logs,
        when,
        encoding,
        window=window,
        obligations=obligations,
        mapping=mapping,
        mapping_contract=contract,
        judge_all=judge_all,
    )
    if engine == "columnar" and not _columnar_takes(contract, fmt):
        engine = "python"
    target: Any = binary_document(output) if binary else document(output)
    with target as out:
        if engine == "columnar":
            report = _audit_columnar(contract, options, threads)
            audit: Any = report
            if fmt in ("json", "csv", "parquet") and contract.assessment is None:
                from .columnar import write

                with_reasons = reasons if reasons is not None else fmt != "parquet"
                write(report, fmt, lang, only_breaches, with_reasons, out)
            else:
                _report(
                    report, report.results(only_breaches), contract, fmt, lang, out, bool(reasons)
                )
        else:
            audit = start_audit(contract, options)
            results: Any = _guarded(iter(audit))
            if only_breaches:
                results = (r for r in results if r.status == "breached")
            _report(audit, results, contract, fmt, lang, out, bool(reasons))
    if (fmt in ("json", "csv") or binary) and audit.rejected:
        echo_rejections(contract, audit.rejected)
    for run in options.import_runs:
        for line in run.counts.report_lines():
            click.echo(say("import", line=line), err=True)
    sys.exit(_exit_status(audit))


def _report(
    counts: Any,
    results: Any,
    contract: m.Contract,
    fmt: str,
    lang: str,
    out: Any,
    reasons: bool = False,
) -> None:
    """Write results (objects) in a format, scored first when there is an assessment."""
    from ..reporters import get

    if contract.assessment is not None:
        from ..reporters.scoring import Scored

        counts = Scored(counts, contract.assessment, contract.tz)
        results = counts.watch(results)
    if fmt in BINARY_REPORTERS:
        BINARY_REPORTERS[fmt](counts, results, contract, lang, out)
    elif fmt == "parquet":
        from ..columnar.report import write_verdicts

        write_verdicts(results, contract, lang, out, reasons)
    else:
        get(fmt)(counts, results, contract, lang, out)


def _columnar_takes(contract: m.Contract, fmt: str) -> bool:
    """Whether the columnar engine audits this contract (one steady UTC offset)."""
    from ..columnar.run import NotColumnar, steady_offset

    try:
        steady_offset(contract)
    except NotColumnar:
        return False
    return True


def _audit_columnar(contract: m.Contract, options: AuditOptions, threads: int | None) -> Any:
    from ..readers import LogError
    from .columnar import run_columnar

    try:
        records = None if options.mapping is None else read_records(options)
        return run_columnar(contract, options, records, threads)
    except (LogError, CalendarNotCovered) as exc:
        fail_with(exc)


def _threads(threads: int | None, jobs: str | None) -> int | None:
    """DuckDB's threads: --threads, else the retired --jobs's number (with a note)."""
    if jobs is None:
        return threads
    click.echo(say("jobs_retired"), err=True)
    text = jobs.strip().lower()
    if text == "auto" or threads is not None:
        return threads
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        fail(say("bad_jobs", text=jobs))
    return number


def export_mapping(name: str, contract: m.Contract) -> Any:
    """A mapping file, or a bundled mapping by name; errors exit 2 at file:line:column."""
    from pathlib import Path

    from ..importer import load_mapping
    from ..loader import bundled_mappings_dir

    path = Path(name)
    if not path.exists() and not path.suffix:
        path = bundled_mappings_dir() / f"{name}.yaml"
    try:
        return load_mapping(path, contract)
    except RulesInvalid as exc:
        echo_rules_errors(exc.errors)
        sys.exit(EXIT_USAGE)


def _known_obligations(contract: m.Contract, names: tuple[str, ...]) -> None:
    known = [ob.id for ob in contract.obligations]
    for name in names:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, known, n=1)
            fail(say("unknown_obligation", name=name, hint=did_you_mean(close)))


def _bound(text: str | None, contract: m.Contract, what: str, *, end: bool) -> datetime | None:
    """A window bound: a month means its first day (or, for an end, the next month's)."""
    import re

    from ..clocks import period_end
    from ..events import MAX_YEAR, MIN_YEAR

    if text is None:
        return None
    month = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if month:
        if not MIN_YEAR <= int(month[1]) <= MAX_YEAR:
            fail(say("time_out_of_range", option=what, text=text, first=MIN_YEAR, last=MAX_YEAR))
        start = (
            datetime(int(month[1]), int(month[2]), 1, tzinfo=contract.tz)
            if 1 <= int(month[2]) <= 12
            else None
        )
        if start is None:
            fail(say("no_month", option=what, text=text))
        return period_end(start, "month", contract.tz) if end else start
    at = user_time(text, contract, what)
    assert at is not None
    if end and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return period_end(at, "day", contract.tz)  # a date as an end means its 24:00
    return at


def _exit_status(report: Any) -> int:
    if report.rejected:
        return EXIT_REJECTED
    return EXIT_BREACHED if report.breached else EXIT_OK


@main.command(**command_help("explain"))
@rules_option
@click.argument("log")
@click.argument("case")
@as_of_option
@lang_option
@click.option("--encoding", help=help_text("explain.encoding"))
@judge_all_option
def explain(
    rules: str | None,
    log: str,
    case: str,
    as_of: str | None,
    lang: str,
    encoding: str | None,
    judge_all: bool,
) -> None:
    """`slarules explain` (its help: the catalogues' ``help.explain.help``)."""
    from dataclasses import replace

    from ..reporters.explain import render

    contract = load_rules(rules)
    when = user_time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    options = AuditOptions((log,), when, encoding, only_case=case, explain=True)
    with document() as out:
        report = run_audit(contract, options)
        # Only this case's records were read; the window duties' results are not about it.
        report = replace(report, results=tuple(r for r in report.results if r.case == case))
        if not report.results:
            # A period, a device's period, the hotline's month: the duties over the window,
            # which read the whole log.
            whole = run_audit(
                contract, replace(options, only_case=None, judge_all=judge_all, window_only=True)
            )
            found = tuple(r for r in whole.results if r.case == case)
            if not found:
                _no_case(case, log, whole)
            report = replace(whole, results=found)
        render(report, contract, lang, out)
    sys.exit(EXIT_BREACHED if report.breached else EXIT_OK)


def _no_case(case: str, log: str, whole: Any) -> None:
    import difflib

    known = sorted({r.case for r in whole.results} | set(whole.cases))
    close = difflib.get_close_matches(case, known, n=1, cutoff=0.6)
    fail(say("no_case", case=case, log=log, hint=did_you_mean(close)))


def echo_rejections(contract: m.Contract, rejections: Any) -> None:
    """``rejected: file:line: reason`` on standard error, in the CLI's language."""
    from ..wording import Wording

    words = Wording(contract, language.current())
    for rejection in rejections:
        click.echo(say("rejected", rejection=words.rejected(rejection)), err=True)


def did_you_mean(close: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest name, or nothing."""
    return say("did_you_mean", name=close[0]) if close else ""
