"""`slarules validate` and `slarules schema`."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..errors import RuleError, RulesInvalid
from ..wording import Wording, Words
from .common import (
    EXIT_BREACHED,
    EXIT_OK,
    EXIT_USAGE,
    echo_rules_errors,
    fail,
    lang_option,
    main,
    rules_option,
)
from .helpformat import command_help
from .language import help_text, say
from .output import document


@main.command(**command_help("validate"))
@rules_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=help_text("validate.format"),
)
@click.option("--strict", is_flag=True, help=help_text("validate.strict"))
@lang_option
def validate(rules: str | None, fmt: str, strict: bool, lang: str) -> None:
    """`slarules validate` (its help: the catalogues' ``help.validate.help``)."""
    from ..lint import lint
    from ..loader import load_contract

    try:
        contract = load_contract(rules)
    except RulesInvalid as exc:
        if fmt == "json":
            words = Words(lang)
            errors = [_error_dict(e, words) for e in exc.errors]
            _write_json({"valid": False, "errors": errors}, [], words)
        else:
            echo_rules_errors(exc.errors)
            click.echo(say("errors", count=len(exc.errors)), err=True)
        sys.exit(EXIT_USAGE)
    warnings = lint(contract)
    named = Wording(contract, lang)  # the warnings name levels and sites in the language
    if fmt == "json":
        _write_json(
            {
                "valid": True,
                "rules": contract.source,
                "obligations": [ob.id for ob in contract.obligations],
                "errors": [],
            },
            warnings,
            named,
        )
    else:
        for warning in warnings:
            click.echo(named.rules_error(warning))
        click.echo(
            say(
                "valid",
                source=contract.source,
                obligations=len(contract.obligations),
                levels=len(contract.levels),
                sites=len(contract.sites),
                warnings=len(warnings),
            )
        )
    sys.exit(EXIT_BREACHED if strict and warnings else EXIT_OK)


def _write_json(head: dict[str, Any], warnings: list[RuleError], words: Words) -> None:
    with document() as out:
        whole = {**head, "warnings": [_error_dict(w, words) for w in warnings]}
        out.write(json.dumps(whole, ensure_ascii=False, indent=2) + "\n")


def _error_dict(error: RuleError, words: Words) -> dict[str, Any]:
    """An error or warning: where, its code and its message in the --lang language."""
    loc = error.location
    return {
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "code": error.code,
        "message": words.rules_message(error),
        "severity": error.severity,
        "clause": error.clause or None,
        "path": [str(p) for p in error.path],
    }


@main.command(**command_help("schema"))
@click.argument("kind", required=False)
@lang_option
def schema(kind: str | None, lang: str) -> None:
    """`slarules schema` (its help: the catalogues' ``help.schema.help``)."""
    from ..schemas import KINDS, load_schema, schema_names

    if kind is None:
        for name in schema_names():
            click.echo(name)
        return
    names = {k.lower(): v for k, v in KINDS.items()} | {v: v for v in KINDS.values()}
    stem = names.get(kind.lower())
    if stem is None:
        fail(say("unknown_kind", kind=kind, kinds=", ".join(schema_names())))
    with document() as out:
        out.write(json.dumps(load_schema(stem), ensure_ascii=False, indent=2) + "\n")
