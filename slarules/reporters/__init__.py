"""Reporters, looked up by name. ``--format`` choices come from :data:`REPORTERS`."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from ..engine import AuditReport
from ..model import Contract

Reporter = Callable[[AuditReport, Contract, str, IO[str]], None]
REPORTERS: dict[str, Reporter] = {}


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(func: Reporter) -> Reporter:
        REPORTERS[name] = func
        return func

    return register


def get(name: str) -> Reporter:
    return REPORTERS[name]


from . import csv_report, json_report, table  # noqa: E402,F401  (they register themselves)
