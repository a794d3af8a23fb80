"""Constants and small helpers of the columnar engine's SQL: literals, time units."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from ..durations import Duration

US = 1_000_000
DAY = 86_400 * US
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
EPOCH_ORDINAL = EPOCH.date().toordinal()  # the ordinal of 1970-01-01
_UNITS = {"s": US, "min": 60 * US, "h": 3600 * US}

# The columns every obligation's results have, in order (see Plan.result).
RESULT_COLUMNS = (
    ("obligation", "VARCHAR"),
    ("case_id", "VARCHAR"),
    ("occurrence", "BIGINT"),
    # A duty over the window: its results' order as the Python engine gives them (periods
    # in time, then devices; events in time and reading order). NULL for a case's.
    ("pos", "BIGINT"),
    ("status", "VARCHAR"),
    ("code", "VARCHAR"),
    ("start_us", "BIGINT"),
    ("due_us", "BIGINT"),
    ("done_us", "BIGINT"),
    ("clock", "VARCHAR"),
    ("budget", "VARCHAR"),
    ("period", "VARCHAR"),
    ("timed", "BOOLEAN"),
    ("v_level", "VARCHAR"),  # a level (na.level_excluded, severity.*: the derived one)
    ("v_level2", "VARCHAR"),  # a second level (severity.contradicted: the declared one)
    ("v_band", "VARCHAR"),
    ("v_site", "VARCHAR"),
    ("v_km", "DOUBLE"),
    ("v_missing", "VARCHAR"),  # section keys, ';'-joined
    ("v_count", "BIGINT"),
    ("v_within", "BIGINT"),
    ("v_share", "DOUBLE"),
    ("v_time", "BIGINT"),  # a time the reason names (planned, until, reported)
    ("v_text", "VARCHAR"),  # an id the reason names (a fault's case)
    ("details", "VARCHAR"),  # JSON of the finding's details
    # A clock that needed a day the calendar cannot hold: the audit stops, as the Python
    # clocks raise CalendarNotCovered.
    ("uncovered", "BOOLEAN"),
)
RESULT_NAMES = tuple(name for name, _ in RESULT_COLUMNS)


def lit(value: object) -> str:
    """A SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value).replace("'", "''")
    return f"'{text}'"


def lits(values: Iterable[object]) -> str:
    """``(a, b, c)`` for ``IN``; never empty (an impossible value stands for none)."""
    items = [lit(v) for v in values]
    return "(" + ", ".join(items or ["NULL"]) + ")"


def us(at: datetime) -> int:
    """An aware datetime as microseconds since the epoch, exactly."""
    return (at - EPOCH) // timedelta(microseconds=1)


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def elapsed_us(duration: Duration) -> int:
    return int(duration.amount * _UNITS[duration.unit])


def fdiv(a: str, b: int) -> str:
    """``a // b`` rounded toward minus infinity, as Python divides (SQL's integer division
    rounds toward zero: a time before 1970 or a position before the calendar's first day
    would fall on the wrong day)."""
    return f"(({a}) // {b} - CASE WHEN ({a}) % {b} < 0 THEN 1 ELSE 0 END)"


def fmod(a: str, b: int) -> str:
    """``a % b`` in ``[0, b)``, as Python's."""
    return f"((({a}) % {b} + {b}) % {b})"


def double_text(a: str) -> str:
    """A double as text (DuckDB's shortest form); the inner cast says the type, so that
    :func:`slarules.columnar.spark.to_spark` can write the same text on Spark."""
    return f"CAST(CAST({a} AS DOUBLE) AS VARCHAR)"


def ident(text: str) -> str:
    """A table-name fragment from an obligation id."""
    return re.sub(r"[^a-z0-9_]", "_", text.lower())


def rows_sql(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> str:
    """A small table as ``SELECT ... FROM (VALUES ...)`` (an empty one has no rows)."""
    names = ", ".join(name for name, _ in columns)
    values = [
        "("
        + ", ".join(f"CAST({lit(v)} AS {t})" for v, (_, t) in zip(row, columns, strict=True))
        + ")"
        for row in rows
    ]
    if not values:
        nulls = ", ".join(f"CAST(NULL AS {t}) AS {n}" for n, t in columns)
        return f"SELECT {nulls} WHERE FALSE"
    return f"SELECT * FROM (VALUES {', '.join(values)}) AS t({names})"
