"""Reporters, looked up by name. ``--format`` choices come from :data:`REPORTERS`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Protocol

from ..engine import AuditWarning, Unjudged
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
    after_as_of: int
    duplicates: int

    @property
    def used(self) -> int: ...

    @property
    def unjudged(self) -> Sequence[Unjudged]: ...

    @property
    def warnings(self) -> Sequence[AuditWarning]: ...

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


@dataclass(frozen=True)
class Format:
    """A report in three parts, so that results written by several processes can be joined.

    ``body(results, contract, lang, out, first)`` writes results and says whether it
    wrote any; joined bodies read as one when every body after the first is written
    with ``first=False`` and, if nothing came before it, loses its leading ``lead``.
    """

    head: Callable[[datetime, Contract, str, IO[str]], None]
    body: Callable[[Iterable[Result], Contract, str, IO[str], bool], bool]
    tail: Callable[[Counts, Contract, str, IO[str]], None]
    lead: str = ""


FORMATS: dict[str, Format] = {}


def register_format(name: str, parts: Format) -> None:
    """Register a three-part format, and the reporter that writes it whole."""

    def render(
        counts: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[str]
    ) -> None:
        parts.head(counts.as_of, contract, lang, out)
        parts.body(results, contract, lang, out, True)
        parts.tail(counts, contract, lang, out)

    FORMATS[name] = parts
    REPORTERS[name] = render


# Formats written as bytes, whole, once the audit is complete (an Excel workbook): they
# need a file (-o FILE, or standard output redirected to one), and one process.
BinaryReporter = Callable[[Counts, Iterable[Result], Contract, str, IO[bytes]], None]
BINARY_REPORTERS: dict[str, BinaryReporter] = {}


def _xlsx(
    counts: Counts, results: Iterable[Result], contract: Contract, lang: str, out: IO[bytes]
) -> None:
    from .workbook import audit_workbook  # XlsxWriter is imported only when it is asked for

    audit_workbook(counts, results, contract, lang, out)


BINARY_REPORTERS["xlsx"] = _xlsx

from . import csv_report, json_report, table  # noqa: E402,F401  (they register themselves)
