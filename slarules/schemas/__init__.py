"""JSON Schemas (draft-07), one per rules-file kind, shipped with the package.

The Obligations schema is assembled from the registry of obligation kinds: its
definitions (durations, budgets, titles) and, for each registered kind, that
kind's fragment (``kinds/<type>.schema.json``, or the kind's own dict). The file
``obligations.schema.json`` is that assembly for the bundled kinds, kept for
editors (a test checks it is current: ``slarules schema obligations`` writes it).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

KINDS: dict[str, str] = {
    "Contract": "contract",
    "SeverityLevels": "severity",
    "Sites": "sites",
    "Events": "events",
    "Obligations": "obligations",
    "Calendar": "calendar",
    "Devices": "devices",
    "Assessment": "assessment",
    "TestCases": "testcases",
    "Mapping": "mapping",
}
# Kinds that make up a contract. TestCases files are run by ``slarules test``;
# Mapping files turn ticket-system exports into events (``slarules import``).
RULE_KINDS = tuple(k for k in KINDS if k not in ("TestCases", "Mapping"))


def schema_names() -> list[str]:
    return sorted(KINDS.values())


@cache
def _file(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_schema(name: str) -> dict[str, Any]:
    """The schema for a kind, by file stem (``severity``) or kind (``SeverityLevels``)."""
    stem = KINDS.get(name, name)
    if stem == "obligations":
        return obligations_schema()
    return _file(f"{stem}.schema.json")


def kind_fragment(schema: str | dict[str, Any]) -> dict[str, Any]:
    """An obligation kind's schema fragment: a file stem under ``kinds/``, or the dict."""
    if isinstance(schema, dict):
        return schema
    return _file(f"kinds/{schema}.schema.json")


_assembled: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}


def obligations_schema() -> dict[str, Any]:
    """The Obligations schema for the kinds registered now."""
    from ..kinds import KINDS as REGISTRY

    key = tuple((name, id(kind)) for name, kind in REGISTRY.items())
    found = _assembled.get(key)
    if found is None:
        found = copy.deepcopy(_file("obligations.schema.json"))
        obligation = found["definitions"]["obligation"]
        obligation["properties"]["type"]["enum"] = list(REGISTRY)
        obligation["allOf"] = [
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": kind_fragment(kind.schema),
            }
            for name, kind in REGISTRY.items()
        ]
        _assembled.clear()
        _assembled[key] = found
    return found
