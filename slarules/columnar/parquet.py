"""The events as Parquet: one format for ``slarules import -o``, the audit and Spark.

A row is one event: ``case``, ``event``, ``at`` (a timestamp with time zone, stored
as UTC microseconds), then one column per fact the contract's vocabulary names
(:attr:`~slarules.model.Contract.fact_fields`: text facts as strings, ``number`` as
double, ``integer`` and ``level`` as 64-bit integers, ``time`` as a timestamp with
time zone, ``sections`` as one string joined by ``;`` as in a CSV log), and
``facts``: the other facts as a JSON object (null when there are none). A
directory written ``by_month`` is partitioned Hive-style by the local month of
``at`` in the contract's zone (``month=2026-10/...``): what Spark and DuckDB read
as one table, each month a folder an operator can add or replace.

:func:`to_parquet_sql` turns the ``ev`` table (see :mod:`.run`) into these rows;
:func:`ev_from_parquet_sql` reads rows of this format that slarules wrote (already
checked) back into ``ev`` columns. Rows written elsewhere are records and are
checked as any log's (:mod:`.load`).
"""

from __future__ import annotations

from .. import model as m
from .base import US, fdiv

# The Parquet column's SQL type for each type of fact (events.yaml).
PARQUET_TYPES = {
    "severity": "VARCHAR",
    "site": "VARCHAR",
    "string": "VARCHAR",
    "period": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "level": "BIGINT",
    "time": "TIMESTAMPTZ",
    "sections": "VARCHAR",
}
CORE = (("case", "VARCHAR"), ("event", "VARCHAR"), ("at", "TIMESTAMPTZ"))
OTHER = "facts"
MONTH = "month"


def q(name: str) -> str:
    """A quoted column name (``case`` and ``at`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def parquet_columns(contract: m.Contract) -> tuple[tuple[str, str], ...]:
    """The columns of the events' Parquet form, in order (without ``month``)."""
    facts = tuple((name, PARQUET_TYPES[kind]) for name, kind in contract.fact_fields)
    return (*CORE, *facts, (OTHER, "VARCHAR"))


def _timestamp(micros: str) -> str:
    return f"make_timestamptz({micros})"


def to_parquet_sql(
    contract: m.Contract, offset: int, source: str = "ev", by_month: bool = False
) -> str:
    """A query of ``source`` (``ev`` columns) as the Parquet rows, in reading order; with
    ``by_month`` the ``month`` column too (``offset``: the zone's steady UTC offset, µs)."""
    select = [
        f"case_id AS {q('case')}",
        f"name AS {q('event')}",
        f"{_timestamp('ts')} AS {q('at')}",
    ]
    for name, kind in contract.fact_fields:
        column = q(name)
        select.append(
            f"{_timestamp(column)} AS {column}" if kind == "time" else f"{column} AS {column}"
        )
    select.append(f"NULLIF(extra, '') AS {q(OTHER)}")
    if by_month:
        # The local month: the days since the epoch in the zone, as a date.
        day = fdiv(f"ts + {offset}", 86_400 * US)
        select.append(f"strftime(DATE '1970-01-01' + CAST({day} AS INTEGER), '%Y-%m') AS {MONTH}")
    return f"SELECT {', '.join(select)} FROM {source} ORDER BY seq"


def copy_sql(contract: m.Contract, offset: int, path: str, by_month: bool = False) -> str:
    """DuckDB's statement writing ``ev`` to ``path`` (a file, or a directory ``by_month``)."""
    query = to_parquet_sql(contract, offset, by_month=by_month)
    target = path.replace("'", "''")
    options = "FORMAT parquet, COMPRESSION zstd"
    if by_month:
        options += f", PARTITION_BY ({MONTH}), OVERWRITE_OR_IGNORE true"
    return f"COPY ({query}) TO '{target}' ({options})"


def ev_from_parquet_sql(contract: m.Contract, relation: str, seq: str) -> str:
    """The ``ev`` columns from a relation of Parquet rows that slarules wrote; ``seq`` is
    the expression giving each row's place in reading order (files in name order, rows
    in file order)."""
    select = [
        f"{q('case')} AS case_id",
        f"{q('event')} AS name",
        f"epoch_us({q('at')}) AS ts",
        f"{seq} AS seq",
    ]
    for name, kind in contract.fact_fields:
        column = q(name)
        select.append(
            f"epoch_us({column}) AS {column}" if kind == "time" else f"{column} AS {column}"
        )
    select.append(f"COALESCE({q(OTHER)}, '') AS extra")
    return f"SELECT {', '.join(select)} FROM {relation}"


__all__ = [
    "MONTH",
    "OTHER",
    "PARQUET_TYPES",
    "copy_sql",
    "ev_from_parquet_sql",
    "parquet_columns",
    "q",
    "to_parquet_sql",
]
