"""`slarules import`: ticket-system exports to events, by a YAML mapping."""

from __future__ import annotations

import sys

import click

from .auditing import export_mapping
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    fail,
    load_rules,
    main,
    rules_option,
)
from .output import document


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
    help="Write the events (JSON Lines) here instead of standard output (only once "
    "complete: an import that fails leaves it as it was).",
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
    from ..importer import import_export, write_jsonl
    from ..readers import LogError

    contract = load_rules(rules)
    mapping = export_mapping(mapping_path, contract)
    run = import_export(mapping, list(exports), contract, encoding)
    with document(output) as out:
        try:
            write_jsonl(run, out)
        except LogError as exc:
            fail(str(exc))
    for rejection in run.counts.rejections:
        click.echo(f"rejected: {rejection}", err=True)
    for line in run.counts.report_lines():
        click.echo(line, err=True)
    sys.exit(EXIT_REJECTED if run.counts.rejected else EXIT_OK)
