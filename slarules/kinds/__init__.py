"""The registry of obligation kinds: one module each, looked up by the rules' ``type``.

Each module holds one :class:`~slarules.kinds.base.Kind` (``KIND``): its id, its
schema fragment, its model class, how it is built from YAML, the events it
watches, its terms and its evaluation. The loader, the schema of Obligations
files, the engines, ``terms_at`` and ``due`` read this registry and nothing else;
:func:`register` adds a kind (a test kind, a kind of another contract).
"""

from __future__ import annotations

from . import (
    advance_notice,
    deadline,
    max_gap,
    min_duration,
    periodic,
    service_level,
    severity_check,
    solve_or_escalate,
)
from .base import Kind

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (its ``type`` must be new); returns it, so it can decorate an instance."""
    if kind.type in KINDS and KINDS[kind.type] is not kind:
        raise ValueError(f"a kind {kind.type!r} is registered already")
    KINDS[kind.type] = kind
    return kind


def unregister(name: str) -> None:
    KINDS.pop(name, None)


def kind_of(ob_type: str) -> Kind:
    return KINDS[ob_type]


def case_kinds() -> dict[str, Kind]:
    """Clocks on one case."""
    return {name: k for name, k in KINDS.items() if k.scope == "case"}


def window_kinds() -> dict[str, Kind]:
    """Duties over the audit window."""
    return {name: k for name, k in KINDS.items() if k.scope == "window"}


for _module in (
    deadline,
    solve_or_escalate,
    max_gap,
    severity_check,
    periodic,
    advance_notice,
    min_duration,
    service_level,
):
    register(_module.KIND)
