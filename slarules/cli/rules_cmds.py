"""`slarules validate` and `slarules schema`."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..errors import RulesInvalid
from .common import (
    EXIT_BREACHED,
    EXIT_OK,
    EXIT_USAGE,
    fail,
    main,
    rules_option,
)
from .output import document


@main.command()
@rules_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--strict", is_flag=True, help="Warnings fail (exit 1).")
def validate(rules: str | None, fmt: str, strict: bool) -> None:
    """Load and check the rules; list the contract's own gaps and conflicts as warnings."""
    from ..lint import lint
    from ..loader import load_contract

    try:
        contract = load_contract(rules)
    except RulesInvalid as exc:
        if fmt == "json":
            _write_json({"valid": False, "errors": [_error_dict(e) for e in exc.errors]}, [])
        else:
            for error in exc.errors:
                click.echo(str(error), err=True)
            click.echo(f"{len(exc.errors)} error(s)", err=True)
        sys.exit(EXIT_USAGE)
    warnings = lint(contract)
    if fmt == "json":
        _write_json(
            {
                "valid": True,
                "rules": contract.source,
                "obligations": [ob.id for ob in contract.obligations],
                "errors": [],
            },
            warnings,
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


def _write_json(head: dict[str, Any], warnings: list[Any]) -> None:
    with document() as out:
        whole = {**head, "warnings": [_error_dict(w) for w in warnings]}
        out.write(json.dumps(whole, ensure_ascii=False, indent=2) + "\n")


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
    from ..schemas import KINDS, load_schema, schema_names

    if kind is None:
        for name in schema_names():
            click.echo(name)
        return
    names = {k.lower(): v for k, v in KINDS.items()} | {v: v for v in KINDS.values()}
    stem = names.get(kind.lower())
    if stem is None:
        fail(f"unknown kind {kind!r}; one of {', '.join(schema_names())}")
    with document() as out:
        out.write(json.dumps(load_schema(stem), ensure_ascii=False, indent=2) + "\n")
