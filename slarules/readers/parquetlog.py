"""Parquet logs: the events' Parquet form (:mod:`slarules.columnar.parquet`), or any table
of records.

A row is a record: its columns that are not null (a ``case``, ``event`` and ``at``
column, and a column per fact, typed or as text), and the facts of its ``facts``
column, a JSON object, that no column names. A directory is every ``*.parquet`` file
under it (as ``slarules import -o DIR --by-month`` writes them, a folder per month), in
the order of their paths; the folders' names are not columns. A record's line is its
row in its file, counted from 1, and its source that file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..events import Rejection
from ..messages import Msg
from .jsonl import parse_line
from .lines import LogError, check_log_path
from .registry import LogReader, count_cases, register

OTHER = "facts"  # the column of the other facts (slarules.columnar.parquet.OTHER)
Record = tuple[str, int, Mapping[str, Any] | Rejection]
_BATCH = 65_536


def parquet_files(path: str) -> list[str]:
    """The Parquet files of a log: the file itself, or every ``*.parquet`` file under a
    directory, in path order. LogError for a path that leads to neither."""
    if os.path.isdir(path):
        found = sorted(str(p) for p in Path(path).rglob("*.parquet") if p.is_file())
        if not found:
            raise LogError("file.directory", path=path, what=Msg("file.a_log"))  # no Parquet in it
        return found
    if not check_log_path(path):
        raise LogError("file.parquet_pipe", path=path)
    return [path]


def record_of(row: Mapping[str, Any], source: str, number: int) -> Mapping[str, Any] | Rejection:
    """A row as a record: its non-null columns, then the facts of ``facts`` no column names."""
    record = {k: v for k, v in row.items() if v is not None and k != OTHER}
    other = row.get(OTHER)
    if other is not None:
        if not isinstance(other, str):
            return Rejection(
                source, number, "record.facts_not_object", (("column", OTHER), ("got", other))
            )
        _, _, facts = parse_line(other.encode("utf-8"), source, number)
        if isinstance(facts, Rejection):
            return facts
        record.update((k, v) for k, v in facts.items() if k not in row)
    return record


def _open(path: str) -> Any:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except OSError as exc:
        raise LogError("file.unreadable", source=path, why=str(exc)) from None
    except Exception as exc:  # pyarrow's ArrowInvalid: not Parquet, or a corrupt file
        raise LogError("file.not_parquet", source=path, why=str(exc)) from None


def read_parquet_log(path: str, source: str, encoding: str | None) -> Iterator[Record]:
    """The records of a Parquet log (``encoding`` does not apply: Parquet text is UTF-8)."""
    files = parquet_files(path)
    for file in files:
        shown = source if len(files) == 1 and file == path else file
        for number, row in rows_of(file):
            yield shown, number, record_of(row, shown, number)


def rows_of(file: str, wanted: Sequence[int] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number from 1, row)`` of a Parquet file; only the rows ``wanted`` (sorted
    row numbers) if given."""
    parquet = _open(file)
    first = 1
    at = 0
    try:
        for batch in parquet.iter_batches(batch_size=_BATCH):
            size = batch.num_rows
            if wanted is None:
                for offset, row in enumerate(batch.to_pylist()):
                    yield first + offset, row
            else:
                picks = []
                while at < len(wanted) and wanted[at] < first + size:
                    picks.append(wanted[at] - first)
                    at += 1
                if picks:
                    for pick, row in zip(picks, batch.take(picks).to_pylist(), strict=True):
                        yield first + pick, row
                if at == len(wanted):
                    return
            first += size
    except OSError as exc:
        raise LogError("file.unreadable", source=file, why=str(exc)) from None
    except Exception as exc:
        if type(exc).__module__.startswith("pyarrow"):
            raise LogError("file.not_parquet", source=file, why=str(exc)) from None
        raise


def scan_parquet(path: str, encoding: str | None, last: dict[str, int], position: int) -> int:
    """The first pass (:attr:`~.registry.LogReader.scan`): the ``case`` column only."""
    for file in parquet_files(path):
        parquet = _open(file)
        if "case" not in parquet.schema_arrow.names:
            position = count_cases(iter([None] * parquet.metadata.num_rows), last, position)
            continue
        for batch in parquet.iter_batches(batch_size=_BATCH, columns=["case"]):
            cases = (None if c is None else str(c) for c in batch.column(0).to_pylist())
            position = count_cases(cases, last, position)
    return position


register("parquet", (".parquet",), log=LogReader(read_parquet_log, scan_parquet))
