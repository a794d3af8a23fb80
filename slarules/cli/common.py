"""What every command shares: the group, exit statuses, loading, friendly times."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import NoReturn

import click

from .. import model as m
from ..errors import RulesInvalid

EXIT_OK, EXIT_BREACHED, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3


def fail(message: str) -> NoReturn:
    click.echo(f"slarules: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def load_rules(rules: str | None) -> m.Contract:
    from ..loader import load_contract

    try:
        return load_contract(rules)
    except RulesInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"slarules: {len(exc.errors)} error(s) in the rules; nothing checked", err=True)
        sys.exit(EXIT_USAGE)


def user_time(text: str | None, contract: m.Contract, what: str) -> datetime | None:
    from ..edges import parse_user_time

    if text is None:
        return None
    try:
        return parse_user_time(text, contract.tz)
    except ValueError as exc:
        fail(f"{what}: {exc}")


rules_option = click.option(
    "--rules",
    "rules",
    # Not checked here: the loader says what is wrong with the path, one line, located.
    type=click.Path(),
    envvar="SLARULES_RULES",
    help="Rules directory (default: the bundled contract; env SLARULES_RULES).",
)
as_of_option = click.option(
    "--as-of", "as_of", help="Judge what has not happened yet as of this time (default: now)."
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
