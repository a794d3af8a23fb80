"""Reading an export through a mapping: the streaming pipeline and its counts.

Iterating an :class:`ImportRun` yields ``(source, line, record-or-Rejection)``
triples, the shape :func:`slarules.readers.read_logs` yields, so
:func:`slarules.engine.check_records` audits them unchanged. Afterwards
:attr:`ImportRun.counts` reconciles every row: read = imported (turned into
at least one event) + skipped (with a reason) + rejected (with file and line).

Memory, by the mapping's ``input`` settings:

- ``sort: false``: rows are converted as they arrive; only each case's state
  is kept (status, pauses, line and, with ``duplicates: drop``, the rows it
  has seen); with ``grouped_by_case: true`` only the current case's.
- ``sort: true, grouped_by_case: true``: one case's rows at a time are held,
  sorted and converted when the next case begins.
- ``sort: true, grouped_by_case: false`` (the default, right for any export):
  every row is held until the input ends, since any case may still get rows.

With ``grouped_by_case: true`` a case whose rows come back after another
case's is not merged into a half-converted case: those rows are rejected.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from .. import model as m
from ..events import Rejection
from ..readers.registry import ExportSource, format_for, named
from . import csvsource, xessource
from .convert import DUPLICATE, CaseConverter, Triple, in_column
from .model import ExportMapping
from .rows import Row

_BUILT_IN = (csvsource, xessource)  # imported for their registrations

Prepared = tuple[Row, str, datetime]


@dataclass
class ImportCounts:
    """How every row of an export was used."""

    read: int = 0
    imported: int = 0  # rows that became at least one event
    skipped: int = 0
    rejected: int = 0
    events: int = 0
    cases: int = 0  # cases whose report was produced
    earliest: datetime | None = None  # the times of the rows read, for an audit's window
    latest: datetime | None = None
    skip_reasons: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    # Rows in a status the mapping names nowhere (it gives them no event of their own).
    unnamed_statuses: Counter[str] = field(default_factory=Counter)

    @property
    def reconciles(self) -> bool:
        return self.read == self.imported + self.skipped + self.rejected

    def summary(self) -> str:
        return (
            f"rows: read {self.read} = imported {self.imported} + skipped {self.skipped}"
            f" + rejected {self.rejected}; {self.events} events in {self.cases} cases"
        )

    def skip_lines(self, top: int | None = None) -> list[str]:
        """``  12  no event for 'Queued'``: the skip tally, largest first."""
        return [f"{n:>8}  {reason}" for reason, n in self.skip_reasons.most_common(top)]

    def unnamed_lines(self) -> list[str]:
        """``  3  'Awaiting Problem'``: rows in statuses the mapping names nowhere."""
        return [f"{n:>8}  {status!r}" for status, n in self.unnamed_statuses.most_common()]

    def report_lines(self) -> list[str]:
        """What an import tells its user: the counts, why rows were skipped, and the
        statuses the mapping names nowhere (it treats them as "nothing happened")."""
        lines = [self.summary()]
        if self.skip_reasons:
            lines.append("skipped rows by reason:")
            lines += self.skip_lines()
        if self.unnamed_statuses:
            lines.append("rows in statuses the mapping names nowhere (no event of their own):")
            lines += self.unnamed_lines()
        return lines


def _tie(value: str | None) -> tuple[int, int, str]:
    """A tie-break cell: numbers in numeric order, then text, then empty cells."""
    if value is None:
        return (2, 0, "")
    if value.isdigit():
        return (0, int(value), "")
    return (1, 0, value)


def export_source(path: str, mapping: ExportMapping) -> ExportSource:
    """What reads an export: the format the mapping names, else the path's by suffix
    (:mod:`slarules.readers.registry`; default CSV)."""
    name = mapping.input.format
    found = format_for(path, "export") if name == "auto" else named(name, "export")
    assert found.export is not None  # both give a format that reads exports
    return found.export


class ImportRun:
    """An export read through a mapping; iterate it (once per pass) for the records."""

    def __init__(
        self,
        mapping: ExportMapping,
        paths: Sequence[str | os.PathLike[str]],
        contract: m.Contract,
        encoding: str | None = None,
    ) -> None:
        self.mapping = mapping
        self.paths = [os.fspath(p) for p in paths]
        self.contract = contract
        self.encoding = encoding
        self.counts = ImportCounts()
        self._named = mapping.named_statuses

    def __iter__(self) -> Iterator[Triple]:
        self.counts = ImportCounts()  # each pass reads the files again and counts afresh
        rows = chain.from_iterable(self._rows(path) for path in self.paths)
        spec = self.mapping.input
        if not spec.sort:
            return self._streamed(rows)
        if spec.grouped_by_case:
            return self._by_group(rows)
        return self._buffered(rows)

    # -- sources

    def _rows(self, path: str) -> Iterator[Row | Rejection]:
        read = export_source(path, self.mapping)
        return read(path, self.mapping.input, self.mapping.columns(), self.encoding)

    def _prepare(self, item: Row | Rejection) -> Prepared | Rejection:
        self.counts.read += 1
        if isinstance(item, Rejection):
            return item
        mapping = self.mapping
        case = item.cells.get(mapping.case_column)
        if case is None:
            named = (("column", mapping.case_column),)
            return Rejection(item.source, item.line, "row.no_case", named)
        column = mapping.time.column
        text = item.cells.get(column)
        if text is None:
            return Rejection(item.source, item.line, "row.no_time", (("column", column),))
        try:
            at = mapping.time.format.parse(text)
        except ValueError as exc:
            return Rejection(item.source, item.line, *in_column(column, exc))
        counts = self.counts
        if counts.latest is None or at > counts.latest:
            counts.latest = at
        if counts.earliest is None or at < counts.earliest:
            counts.earliest = at
        return item, case, at

    # -- accounting

    def _reject(self, rejection: Rejection) -> Triple:
        self.counts.rejected += 1
        self.counts.rejections.append(rejection)
        return rejection.source, rejection.line, rejection

    def _feed(self, converter: CaseConverter, row: Row, at: datetime) -> list[Triple]:
        triples, reason = converter.feed(row, at)
        counts = self.counts
        status = self.mapping.status.of(row.cells)
        if status is not None and status not in self._named:
            counts.unnamed_statuses[status] += 1
        if reason is not None:
            counts.skipped += 1
            counts.skip_reasons[reason] += 1
            return []
        first = triples[0][2]
        if isinstance(first, Rejection):
            self._reject(first)
            return triples
        counts.imported += 1
        counts.events += len(triples)
        if not converter.counted:
            converter.counted = True
            counts.cases += 1
        return triples

    def _converter(self, case: str) -> CaseConverter:
        return CaseConverter(self.mapping, self.contract, case)

    def _flush(self, case: str, rows: list[tuple[Row, datetime]]) -> Iterator[Triple]:
        # By time, then the mapping's tie-break, then the row's content: the file's
        # order never decides, so an export sorted newest-first gives the same events.
        columns = self.mapping.input.tie_break
        rows.sort(
            key=lambda item: (item[1], *(_tie(item[0].cells.get(c)) for c in columns), item[0].key)
        )
        converter = self._converter(case)
        converter.dedupe = False  # done as the rows were held (see _held)
        for row, at in rows:
            yield from self._feed(converter, row, at)

    def _held(self, seen: dict[str, set[bytes]], row: Row, case: str) -> bool:
        """Whether to hold a row: not when it exactly repeats one held for its case.

        Dropped here rather than when the case is converted, so that an export of
        one row repeated a million times (a small .gz can hold it) holds one row.
        Identical rows have identical times: the one kept is the file's first.
        """
        if not self.mapping.input.drop_duplicates:
            return True
        keys = seen.setdefault(case, set())
        if row.key in keys:
            self.counts.skipped += 1
            self.counts.skip_reasons[DUPLICATE] += 1
            return False
        keys.add(row.key)
        return True

    def _returned(self, row: Row, case: str, ended: dict[str, int]) -> Triple:
        return self._reject(
            Rejection(
                row.source, row.line, "row.comes_back", (("case", case), ("ended", ended[case]))
            )
        )

    # -- the three pipelines

    def _streamed(self, rows: Iterable[Row | Rejection]) -> Iterator[Triple]:
        grouped = self.mapping.input.grouped_by_case
        states: dict[str, CaseConverter] = {}
        ended: dict[str, int] = {}
        current: str | None = None
        last_line = 0
        for item in rows:
            prepared = self._prepare(item)
            if isinstance(prepared, Rejection):
                yield self._reject(prepared)
                continue
            row, case, at = prepared
            if grouped and case != current:
                if current is not None:
                    states.pop(current, None)
                    ended[current] = last_line
                    current = None
                if case in ended:
                    yield self._returned(row, case, ended)
                    continue
                current = case
            last_line = row.line
            converter = states.get(case)
            if converter is None:
                converter = states[case] = self._converter(case)
            yield from self._feed(converter, row, at)

    def _by_group(self, rows: Iterable[Row | Rejection]) -> Iterator[Triple]:
        ended: dict[str, int] = {}
        current: str | None = None
        last_line = 0
        buffer: list[tuple[Row, datetime]] = []
        seen: dict[str, set[bytes]] = {}
        for item in rows:
            prepared = self._prepare(item)
            if isinstance(prepared, Rejection):
                yield self._reject(prepared)
                continue
            row, case, at = prepared
            if case != current:
                if current is not None:
                    ended[current] = last_line
                    yield from self._flush(current, buffer)
                    buffer = []
                    seen.clear()
                    current = None
                if case in ended:
                    yield self._returned(row, case, ended)
                    continue
                current = case
            last_line = row.line
            if self._held(seen, row, case):
                buffer.append((row, at))
        if current is not None:
            yield from self._flush(current, buffer)

    def _buffered(self, rows: Iterable[Row | Rejection]) -> Iterator[Triple]:
        cases: dict[str, list[tuple[Row, datetime]]] = {}
        seen: dict[str, set[bytes]] = {}
        for item in rows:
            prepared = self._prepare(item)
            if isinstance(prepared, Rejection):
                yield self._reject(prepared)
                continue
            row, case, at = prepared
            if self._held(seen, row, case):
                cases.setdefault(case, []).append((row, at))
        seen.clear()
        for case, buffered in cases.items():
            yield from self._flush(case, buffered)
        cases.clear()


def import_export(
    mapping: ExportMapping,
    paths: Sequence[str | os.PathLike[str]],
    contract: m.Contract,
    encoding: str | None = None,
) -> ImportRun:
    """Read exports (CSV, .csv.gz, XES, .xes.gz; ``-`` is CSV on stdin) through a mapping.

    Lazy: nothing is read until the run is iterated. ``encoding`` overrides the
    mapping's ``input.encoding`` for CSV. A file that cannot be read at all
    (missing, undecodable, lacking a column the mapping needs) raises
    :class:`slarules.readers.LogError` during iteration.
    """
    return ImportRun(mapping, paths, contract, encoding)
