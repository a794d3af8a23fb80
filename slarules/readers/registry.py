"""Input formats by file suffix: one table for the audit's logs and the importer's exports.

A format has a name (``jsonl``, ``csv``, ``xes``), the suffixes of its files
(a ``.gz`` under any of them is the same format: gzip is read as it is) and what
reads it in each role: ``log``, the records of an event log (the readers of this
package register theirs), and ``export``, the rows of a ticket-system export (the
importer's sources register theirs, :mod:`slarules.importer`). A path whose suffix
no format claims for a role (``-`` for standard input, a name without a suffix) is
read by the role's default: JSON Lines for logs, CSV for exports.

A new format is one :func:`register` call in its reading module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from ..events import Rejection

Record = tuple[str, int, Mapping[str, Any] | Rejection]


@dataclass(frozen=True)
class LogReader:
    """How a log format is read: its records, and a quick first pass over a file."""

    # (path, source as shown, encoding) -> (source, line, record-or-Rejection), the
    # file opened and closed by it ("-": standard input, left open).
    read: Callable[[str, str, str | None], Iterator[Record]]
    # (path, encoding, last, position) -> position: set ``last[case]`` to each case's
    # last record, counting records from ``position`` as ``read`` does.
    scan: Callable[[str, str | None, dict[str, int], int], int]


# (path, the mapping's input spec, the columns the mapping reads, encoding) -> the rows
# (slarules.importer.rows.Row) and rejections of an export, in the file's order.
ExportSource = Callable[[str, Any, tuple[str, ...], str | None], Iterator[Any]]

ROLES = ("log", "export")
DEFAULTS = {"log": "jsonl", "export": "csv"}


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]  # lower case, with the dot: ".csv"
    log: LogReader | None = None
    export: ExportSource | None = None

    def reads(self, role: str) -> bool:
        return (self.log if role == "log" else self.export) is not None


FORMATS: dict[str, Format] = {}


def register(
    name: str,
    suffixes: tuple[str, ...] = (),
    *,
    log: LogReader | None = None,
    export: ExportSource | None = None,
) -> Format:
    """Add a format, or a role (and suffixes) to one registered already; returns it.

    A role is set once: registering another reader for it is an error.
    """
    known = FORMATS.get(name) or Format(name, ())
    if log is not None and known.log not in (None, log):
        raise ValueError(f"format {name!r} has a log reader already")
    if export is not None and known.export not in (None, export):
        raise ValueError(f"format {name!r} has an export source already")
    found = replace(
        known,
        suffixes=tuple(dict.fromkeys((*known.suffixes, *(s.lower() for s in suffixes)))),
        log=log or known.log,
        export=export or known.export,
    )
    FORMATS[name] = found
    return found


def unregister(name: str) -> None:
    FORMATS.pop(name, None)


def suffix_of(path: str) -> str:
    """The suffix that names a file's format, lower case, under any ``.gz``."""
    name = PurePath(path)
    if name.suffix.lower() == ".gz":
        name = name.with_suffix("")
    return name.suffix.lower()


def format_for(path: str, role: str) -> Format:
    """The format that reads ``path`` as a ``log`` or an ``export``, by its suffix."""
    suffix = suffix_of(path)
    if suffix:
        for found in FORMATS.values():
            if suffix in found.suffixes and found.reads(role):
                return found
    return FORMATS[DEFAULTS[role]]


def named(name: str, role: str) -> Format:
    """A format by name, that reads files in ``role``: KeyError when none does."""
    found = FORMATS.get(name)
    if found is None or not found.reads(role):
        raise KeyError(name)
    return found


def count_cases(cases: Iterator[str | None], last: dict[str, int], position: int) -> int:
    """A first pass over case ids, one per record (None: none): see :attr:`LogReader.scan`."""
    for case in cases:
        position += 1
        if case is not None:
            last[case] = position
    return position


def names(role: str) -> list[str]:
    """The formats that read files in ``role``, in the order they were registered."""
    return [name for name, found in FORMATS.items() if found.reads(role)]
