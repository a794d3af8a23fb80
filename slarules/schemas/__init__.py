"""JSON Schemas (draft-07), one per rules-file kind, shipped with the package."""

from __future__ import annotations

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
    "TestCases": "testcases",
    "Mapping": "mapping",
}
# Kinds that make up a contract. TestCases files are run by ``slarules test``;
# Mapping files turn ticket-system exports into events (``slarules import``).
RULE_KINDS = tuple(k for k in KINDS if k not in ("TestCases", "Mapping"))


def schema_names() -> list[str]:
    return sorted(KINDS.values())


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema for a kind, by file stem (``severity``) or kind (``SeverityLevels``)."""
    stem = KINDS.get(name, name)
    text = resources.files(__name__).joinpath(f"{stem}.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
