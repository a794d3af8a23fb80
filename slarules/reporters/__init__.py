"""Reporters, looked up by name. ``--format`` choices come from :data:`REPORTERS`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import IO, Protocol

from ..events import Rejection
from ..model import Contract
from ..results import Result


class Counts(Protocol):
    """What a reporter reads besides the results; complete once the results are consumed.

    Both :class:`~slarules.engine.AuditReport` and the streaming
    :class:`~slarules.engine.Audit` have it.
    """

    as_of: datetime
    read: int

    @property
    def used(self) -> int: ...

    @property
    def rejected(self) -> list[Rejection] | tuple[Rejection, ...]: ...

    def summary(self) -> dict[str, dict[str, int]]: ...


# A reporter writes the results as they come, then the counts (streaming formats
# keep no result in memory).
Reporter = Callable[[Counts, Iterable[Result], Contract, str, IO[str]], None]
REPORTERS: dict[str, Reporter] = {}


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(func: Reporter) -> Reporter:
        REPORTERS[name] = func
        return func

    return register


def get(name: str) -> Reporter:
    return REPORTERS[name]


from . import csv_report, json_report, table  # noqa: E402,F401  (they register themselves)
