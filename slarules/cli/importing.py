"""`slarules import`: ticket-system exports to events, by a YAML mapping."""

from __future__ import annotations

import sys

import click

from .auditing import echo_rejections, export_mapping
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    fail,
    fail_with,
    lang_option,
    load_rules,
    main,
    rules_option,
)
from .helpformat import command_help
from .language import help_text, say
from .output import document


@main.command("import", **command_help("import"))
@rules_option
@click.option("--mapping", "mapping_path", required=True, help=help_text("import.mapping"))
@click.argument("exports", nargs=-1, required=True)
@click.option("-o", "--output", help=help_text("import.output"))
@click.option("--by-month", is_flag=True, help=help_text("import.by_month"))
@click.option("--encoding", help=help_text("import.encoding"))
@lang_option
def import_cmd(
    rules: str | None,
    mapping_path: str,
    exports: tuple[str, ...],
    output: str | None,
    by_month: bool,
    encoding: str | None,
    lang: str,
) -> None:
    """`slarules import` (its help: the catalogues' ``help.import.help``)."""
    from ..importer import import_export, write_jsonl, write_parquet
    from ..readers import LogError

    contract = load_rules(rules)
    mapping = export_mapping(mapping_path, contract)
    if by_month and (output is None or output == "-"):
        fail(say("by_month_needs_dir"))
    run = import_export(mapping, list(exports), contract, encoding)
    if by_month or (output is not None and output.lower().endswith(".parquet")):
        assert output is not None
        try:
            write_parquet(run, contract, output, by_month)
        except LogError as exc:
            fail_with(exc)
    else:
        with document(output) as out:
            try:
                write_jsonl(run, out)
            except LogError as exc:
                fail_with(exc)
    echo_rejections(contract, run.counts.rejections)
    for line in run.counts.report_lines():
        click.echo(line, err=True)
    sys.exit(EXIT_REJECTED if run.counts.rejected else EXIT_OK)
