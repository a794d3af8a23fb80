"""`slarules test`: contract test cases written in YAML."""

from __future__ import annotations

import sys

import click

from ..calendar import CalendarNotCovered
from ..errors import RulesInvalid
from .common import (
    EXIT_BREACHED,
    EXIT_OK,
    EXIT_USAGE,
    echo_rules_errors,
    fail,
    lang_option,
    load_rules,
    main,
    rules_option,
)
from .helpformat import command_help
from .language import help_text, say, words


@main.command("test", **command_help("test"))
@rules_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-v", "--verbose", is_flag=True, help=help_text("test.verbose"))
@lang_option
def test_cmd(rules: str | None, files: tuple[str, ...], verbose: bool, lang: str) -> None:
    """`slarules test` (its help: the catalogues' ``help.test.help``)."""
    from pathlib import Path

    from ..testcases import run_file

    contract = load_rules(rules) if rules else None
    passed = failed = 0
    for file in files:
        try:
            outcomes = run_file(Path(file), contract)
        except RulesInvalid as exc:
            echo_rules_errors(exc.errors)
            sys.exit(EXIT_USAGE)
        except CalendarNotCovered as exc:
            fail(f"{file}: {words().problem(exc)}")
        for outcome in outcomes:
            if outcome.passed:
                passed += 1
                if verbose:
                    place = f"{outcome.file}:{outcome.line}"
                    click.echo(say("test_pass", place=place, name=outcome.name))
                continue
            failed += 1
            click.echo(say("test_fail", place=f"{outcome.file}:{outcome.line}", name=outcome.name))
            for failure in outcome.messages(lang):
                click.echo(f"     {failure}")
    click.echo(say("test_counts", passed=passed, failed=failed))
    sys.exit(EXIT_BREACHED if failed else EXIT_OK)
