"""The ``slarules`` command: a thin click layer over the library.

Options become plain values; the library does the work; reporters print.
Exit status (SPEC.md): 0 nothing breached, 1 something breached, 2 usage error
or rules that cannot be loaded, 3 some records were rejected.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn

import click

from . import model as m
from .calendar import CalendarNotCovered
from .errors import RulesInvalid
from .events import Rejection

EXIT_OK, EXIT_BREACHED, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3


def _fail(message: str) -> NoReturn:
    click.echo(f"slarules: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _load(rules: str | None) -> m.Contract:
    from .loader import load_contract

    try:
        return load_contract(rules)
    except RulesInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"slarules: {len(exc.errors)} error(s) in the rules; nothing checked", err=True)
        sys.exit(EXIT_USAGE)


def _time(text: str | None, contract: m.Contract, what: str) -> datetime | None:
    from .edges import parse_user_time

    if text is None:
        return None
    try:
        return parse_user_time(text, contract.tz)
    except ValueError as exc:
        _fail(f"{what}: {exc}")


rules_option = click.option(
    "--rules",
    "rules",
    type=click.Path(file_okay=False),
    envvar="SLARULES_RULES",
    help="Rules directory (default: the bundled contract; env SLARULES_RULES).",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of reasons and titles.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="slarules")
def main() -> None:
    """slarules: a service-level contract as data; deadlines and audits, clause by clause."""


# ---------------------------------------------------------------- validate / schema


@main.command()
@rules_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--strict", is_flag=True, help="Warnings fail (exit 1).")
def validate(rules: str | None, fmt: str, strict: bool) -> None:
    """Load and check the rules; list the contract's own gaps and conflicts as warnings."""
    from .lint import lint
    from .loader import load_contract

    try:
        contract = load_contract(rules)
    except RulesInvalid as exc:
        if fmt == "json":
            click.echo(
                json.dumps(
                    {
                        "valid": False,
                        "errors": [_error_dict(e) for e in exc.errors],
                        "warnings": [],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for error in exc.errors:
                click.echo(str(error), err=True)
            click.echo(f"{len(exc.errors)} error(s)", err=True)
        sys.exit(EXIT_USAGE)
    warnings = lint(contract)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "valid": True,
                    "rules": contract.source,
                    "obligations": [ob.id for ob in contract.obligations],
                    "errors": [],
                    "warnings": [_error_dict(w) for w in warnings],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for warning in warnings:
            click.echo(str(warning))
        click.echo(
            f"{contract.source}: valid: {len(contract.obligations)} obligations, "
            f"{len(contract.levels)} severity levels, {len(contract.sites)} sites; "
            f"{len(warnings)} warning(s)"
        )
    sys.exit(EXIT_BREACHED if strict and warnings else EXIT_OK)


def _error_dict(error: Any) -> dict[str, Any]:
    loc = error.location
    return {
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "message": error.message,
        "severity": error.severity,
        "clause": error.clause or None,
        "path": [str(p) for p in error.path],
    }


@main.command()
@click.argument("kind", required=False)
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a rules-file kind (list the kinds without KIND)."""
    from .schemas import KINDS, load_schema, schema_names

    if kind is None:
        for name in schema_names():
            click.echo(name)
        return
    names = {k.lower(): v for k, v in KINDS.items()} | {v: v for v in KINDS.values()}
    stem = names.get(kind.lower())
    if stem is None:
        _fail(f"unknown kind {kind!r}; one of {', '.join(schema_names())}")
    click.echo(json.dumps(load_schema(stem), ensure_ascii=False, indent=2))


# ---------------------------------------------------------------- due


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
    from tabulate import tabulate

    from .engine import due_for
    from .reporters.rows import iso, local

    contract = _load(rules)
    at = _time(start, contract, "--start")
    assert at is not None
    if severity is not None and contract.level(severity) is None:
        _fail(
            f"unknown severity {severity!r}; one of "
            + ", ".join(f"{lv.id}/{lv.zh}" for lv in contract.levels)
        )
    if site is not None and contract.site(site) is None:
        _fail(
            f"unknown site {site!r}; one of " + ", ".join(f"{s.zh}/{s.id}" for s in contract.sites)
        )
    if event is not None and event not in contract.events:
        _fail(f"unknown event {event!r}")
    known = {ob.id for ob in contract.obligations}
    for name in obligations:
        if name not in known:
            _fail(f"unknown obligation {name!r}")
    # Without OBLIGATIONs: every clock with a budget, or those that --event starts.
    chosen = [
        ob
        for ob in contract.obligations
        if hasattr(ob, "budget")
        and (ob.id in obligations if obligations else event in (None, getattr(ob, "start", None)))
    ]
    for name in obligations:
        if name not in {ob.id for ob in chosen}:
            _fail(f"{name} has no single deadline (it is a {contract.obligation(name).type} duty)")
    try:
        deadlines = [
            due_for(contract, ob.id, at, severity=severity, site=site, distance_km=distance_km)
            for ob in chosen
        ]
    except CalendarNotCovered as exc:
        _fail(str(exc))
    from .timing import CLOCK_TEXT

    if fmt == "json":
        click.echo(
            json.dumps(
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
                            "not_applicable": d.not_applicable.pick(lang)
                            if d.not_applicable
                            else None,
                        }
                        for d in deadlines
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
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
    click.echo(f"start 起点: {local(at, contract)} ({contract.tz.key})\n")
    headers = [
        "义务 Obligation",
        "条款 Clause",
        "起点 Starts at",
        "到期 Due",
        "时限 Budget",
        "依据 Basis",
    ]
    click.echo(
        tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=[34, 12, 18, 22, 30, 36])
    )


# ---------------------------------------------------------------- audit / explain


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


def _records(options: AuditOptions, total: int | None = None) -> Iterator[tuple[str, int, Any]]:
    """The logs' records, with a progress line on standard error when it is a terminal."""
    import time

    from .readers import read_logs

    show = sys.stderr.isatty()
    started = time.monotonic()
    source: Any = read_logs(list(options.logs), options.encoding)
    if options.mapping is not None:
        from .importer import import_export

        source = import_export(
            options.mapping, list(options.logs), options.mapping_contract, options.encoding
        )
        options.import_runs.append(source)
    for n, record in enumerate(source, start=1):
        if show and n % 20_000 == 0:
            rate = n / max(time.monotonic() - started, 1e-9)
            done = f" / {total:,} ({100 * n / total:.0f}%)" if total else ""
            click.echo(f"\r审计 auditing… {n:,}{done} records, {rate:,.0f}/s ", err=True, nl=False)
        raw = record[2]
        wanted = options.only_case
        if wanted is not None and not isinstance(raw, Rejection) and str(raw.get("case")) != wanted:
            continue
        yield record
    if show:
        click.echo("\r" + " " * 72 + "\r", err=True, nl=False)


def start_audit(contract: m.Contract, options: AuditOptions) -> Any:
    """A streaming :class:`~slarules.engine.Audit` over the options' logs."""
    from .engine import Audit
    from .readers import last_positions

    # The first pass knows plain logs only; imported exports are held until the end.
    last_of = (
        None
        if options.only_case or options.mapping is not None
        else last_positions(list(options.logs), options.encoding)
    )
    total = max(last_of.values(), default=0) if last_of else None
    return Audit(
        contract,
        _records(options, total),
        options.as_of,
        last_of=last_of,
        explain=options.explain,
        window=options.window,
        only=options.obligations or None,
    )


def _guarded(results: Iterator[Any]) -> Iterator[Any]:
    """Turn the errors that can surface while reading into one-line usage errors."""
    from .readers import LogError

    try:
        yield from results
    except (LogError, CalendarNotCovered) as exc:
        sys.stdout.flush()
        _fail(str(exc))


def run_audit(contract: m.Contract, options: AuditOptions) -> Any:
    """The whole audit, every result kept (for tables and explanations)."""
    from .engine import AuditReport

    audit = start_audit(contract, options)
    results = tuple(_guarded(iter(audit)))
    return AuditReport(options.as_of, results, audit.read, tuple(audit.rejected))


@main.command()
@rules_option
@click.argument("logs", nargs=-1, required=True)
@click.option(
    "--as-of", "as_of", help="Judge what has not happened yet as of this time (default: now)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "markdown"]),
    default="table",
    show_default=True,
)
@lang_option
@click.option(
    "--only-breaches", is_flag=True, help="List only breached results (the summary counts all)."
)
@click.option(
    "--encoding", help="Encoding of the logs (default UTF-8, with or without BOM), e.g. gbk."
)
@click.option("--from", "window_from", help="Audit window start: a month (2026-10) or a date/time.")
@click.option(
    "--to", "window_to", help="Audit window end: a month (its end) or a date (its 24:00)."
)
@click.option(
    "--mapping",
    "mapping_path",
    help="The LOGs are ticket-system exports: import them with this mapping (a file, or a "
    "bundled one by name: servicenow, bpic2013).",
)
@click.option(
    "-O",
    "--obligation",
    "obligations",
    multiple=True,
    help="Audit only this obligation (repeatable; default: all).",
)
def audit(
    rules: str | None,
    logs: tuple[str, ...],
    as_of: str | None,
    fmt: str,
    lang: str,
    only_breaches: bool,
    encoding: str | None,
    window_from: str | None,
    window_to: str | None,
    obligations: tuple[str, ...],
    mapping_path: str | None,
) -> None:
    """Check every case in the LOGs (JSON Lines or CSV; - for stdin) against the contract.

    Periodic duties (monthly summary, inspections, hotline service level, ...) are
    judged for every period of the window: --from/--to, or the months the logs cover.
    """
    from .reporters import get

    contract = _load(rules)
    _known_obligations(contract, obligations)
    when = _time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    window = (
        _bound(window_from, contract, "--from", end=False),
        _bound(window_to, contract, "--to", end=True),
    )
    mapping = _mapping(mapping_path, contract) if mapping_path else None
    options = AuditOptions(
        logs,
        when,
        encoding,
        window=window,
        obligations=obligations,
        mapping=mapping,
        mapping_contract=contract,
    )
    audit = start_audit(contract, options)
    results = _guarded(iter(audit))
    if only_breaches:
        results = (r for r in results if r.status == "breached")
    get(fmt)(audit, results, contract, lang, sys.stdout)
    if fmt in ("json", "csv") and audit.rejected:
        for rejection in audit.rejected:
            click.echo(f"rejected: {rejection}", err=True)
    for run in options.import_runs:
        click.echo(f"import: {run.counts.summary()}", err=True)
    sys.exit(_exit_status(audit))


def _mapping(name: str, contract: m.Contract) -> Any:
    """A mapping file, or a bundled mapping by name; errors exit 2 at file:line:column."""
    from pathlib import Path

    from .importer import load_mapping
    from .loader import bundled_mappings_dir

    path = Path(name)
    if not path.exists() and not path.suffix:
        path = bundled_mappings_dir() / f"{name}.yaml"
    try:
        return load_mapping(path, contract)
    except RulesInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(EXIT_USAGE)


@main.command("import")
@rules_option
@click.option(
    "--mapping",
    "mapping_path",
    required=True,
    help="The mapping (a YAML file, or a bundled one by name: servicenow, bpic2013).",
)
@click.argument("exports", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the events (JSON Lines) here instead of standard output.",
)
@click.option("--encoding", help="Encoding of CSV exports (overrides the mapping's).")
def import_cmd(
    rules: str | None,
    mapping_path: str,
    exports: tuple[str, ...],
    output: str | None,
    encoding: str | None,
) -> None:
    """Turn ticket-system EXPORTs (CSV or XES, gzipped too) into slarules events."""
    from .importer import import_export, write_jsonl
    from .readers import LogError

    contract = _load(rules)
    mapping = _mapping(mapping_path, contract)
    run = import_export(mapping, list(exports), contract, encoding)
    try:
        if output:
            with open(output, "w", encoding="utf-8") as out:
                write_jsonl(run, out)
        else:
            write_jsonl(run, sys.stdout)
    except LogError as exc:
        _fail(str(exc))
    for rejection in run.counts.rejections:
        click.echo(f"rejected: {rejection}", err=True)
    click.echo(run.counts.summary(), err=True)
    sys.exit(EXIT_REJECTED if run.counts.rejected else EXIT_OK)


def _known_obligations(contract: m.Contract, names: tuple[str, ...]) -> None:
    known = [ob.id for ob in contract.obligations]
    for name in names:
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, known, n=1)
            _fail(
                f"unknown obligation {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
            )


def _bound(text: str | None, contract: m.Contract, what: str, *, end: bool) -> datetime | None:
    """A window bound: a month means its first day (or, for an end, the next month's)."""
    import re

    from .clocks import period_end

    if text is None:
        return None
    month = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if month:
        start = (
            datetime(int(month[1]), int(month[2]), 1, tzinfo=contract.tz)
            if 1 <= int(month[2]) <= 12
            else None
        )
        if start is None:
            _fail(f"{what}: no month {text!r}")
        return period_end(start, "month", contract.tz) if end else start
    at = _time(text, contract, what)
    assert at is not None
    if end and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return period_end(at, "day", contract.tz)  # a date as an end means its 24:00
    return at


def _exit_status(report: Any) -> int:
    if report.rejected:
        return EXIT_REJECTED
    return EXIT_BREACHED if report.breached else EXIT_OK


@main.command()
@rules_option
@click.argument("log")
@click.argument("case")
@click.option(
    "--as-of", "as_of", help="Judge what has not happened yet as of this time (default: now)."
)
@lang_option
@click.option("--encoding", help="Encoding of the log.")
def explain(
    rules: str | None, log: str, case: str, as_of: str | None, lang: str, encoding: str | None
) -> None:
    """One case, step by step per obligation: clause, start, budget, pauses, due, verdict."""
    from .reporters.explain import render

    contract = _load(rules)
    when = _time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    from dataclasses import replace

    report = run_audit(contract, AuditOptions((log,), when, encoding, only_case=case, explain=True))
    # Only this case's records were read; the window duties' results are not about it.
    report = replace(report, results=tuple(r for r in report.results if r.case == case))
    if not report.results:
        _fail(f"no case {case!r} in {log} (or no obligation's clock started in it)")
    render(report, contract, lang, sys.stdout)
    sys.exit(EXIT_BREACHED if report.breached else EXIT_OK)


@main.command()
@rules_option
@click.option("--month", required=True, help="The month to summarise, YYYY-MM.")
@click.argument("logs", nargs=-1, required=True)
@click.option(
    "--as-of", "as_of", help="Judge what has not happened yet as of this time (default: now)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
)
@lang_option
@click.option(
    "--trend",
    type=click.IntRange(1, 36),
    default=6,
    show_default=True,
    help="How many months the trend shows, this one included.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@click.option("--encoding", help="Encoding of the logs (default UTF-8).")
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
) -> None:
    """The monthly service summary (2.3.4.3) for MONTH, built from the audit of the LOGs."""
    import re

    from .clocks import period_start
    from .engine import Audit, check_records
    from .monthly import build, month_bounds
    from .readers import LogError
    from .reporters.summary import SUMMARY_FORMATS

    contract = _load(rules)
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        _fail(f"--month must look like 2026-10, got {month!r}")
    when = _time(as_of, contract, "--as-of") or datetime.now(contract.tz)
    start, end = month_bounds(month, contract.tz)
    first = start
    for _ in range(trend - 1):
        first = period_start(first - timedelta(days=1), "month", contract.tz)
    try:
        records = list(_records(AuditOptions(logs, when, encoding)))
        events, _, _ = check_records(contract, records)
        if events:
            # Months before the log begins are not audited: no record is no evidence.
            covered = period_start(min(e.at for e in events), "month", contract.tz)
            first = min(max(first, covered), start)
        audit = Audit(contract, iter(records), when, window=(first, end))
        results = list(audit)
    except (LogError, CalendarNotCovered) as exc:
        _fail(str(exc))
    counts = {"read": audit.read, "used": audit.used, "rejected": len(audit.rejected)}
    summary = build(contract, month, events, results, when, trend, counts)
    render = SUMMARY_FORMATS[fmt]
    if output:
        with open(output, "w", encoding="utf-8") as out:
            render(summary, lang, out)
    else:
        render(summary, lang, sys.stdout)
    for rejection in audit.rejected:
        click.echo(f"rejected: {rejection}", err=True)
    sys.exit(EXIT_REJECTED if audit.rejected else EXIT_OK)


@main.command("test")
@rules_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
def test_cmd(rules: str | None, files: tuple[str, ...], verbose: bool) -> None:
    """Run contract test cases written in YAML (kind: TestCases)."""
    from pathlib import Path

    from .testcases import run_file

    contract = _load(rules) if rules else None
    passed = failed = 0
    for file in files:
        try:
            outcomes = run_file(Path(file), contract)
        except RulesInvalid as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            sys.exit(EXIT_USAGE)
        except CalendarNotCovered as exc:
            _fail(f"{file}: {exc}")
        for outcome in outcomes:
            if outcome.passed:
                passed += 1
                if verbose:
                    click.echo(f"PASS {outcome.file}:{outcome.line}: {outcome.name}")
                continue
            failed += 1
            click.echo(f"FAIL {outcome.file}:{outcome.line}: {outcome.name}")
            for failure in outcome.failures:
                click.echo(f"     {failure}")
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_BREACHED if failed else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
