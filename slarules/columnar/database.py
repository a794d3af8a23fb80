"""Where the columnar engine's statements run: DuckDB in process, or Spark.

A :class:`Database` runs the plan's statements (``CREATE TEMP TABLE name AS
SELECT ...``), answers small queries while planning, and takes tables from
Arrow. :class:`DuckDatabase` is the default: embedded, in process, spilling to
disk past its memory limit. The Spark one is in :mod:`.spark`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol


class Database(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement (a ``CREATE TEMP TABLE ... AS SELECT`` of the plan, say)."""

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query (small ones: the planner's questions, counts)."""

    def batches(self, sql: str, size: int = 65_536) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of a query in batches, for writing a large result out."""

    def arrow(self, sql: str) -> Any:
        """The rows of a query as a ``pyarrow.Table``."""

    def record_batches(self, sql: str, size: int = 65_536) -> Iterator[Any]:
        """The rows of a query as ``pyarrow.RecordBatch`` es, for writing a large result out."""

    def put_arrow(self, name: str, table: Any, *, append: bool = False) -> None:
        """Make (or add to) the table ``name`` from a ``pyarrow.Table``."""


class DuckDatabase:
    """DuckDB, embedded: one in-memory database (it spills to a temporary directory)."""

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.connection.execute(f"SET memory_limit = '{memory_limit}'")
        # Large results are sorted and joined on disk rather than failing for memory.
        self.connection.execute("SET preserve_insertion_order = false")
        # DuckDB draws a progress bar on standard output for a long query: that is where
        # the audit's document goes.
        self.connection.execute("SET enable_progress_bar = false")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, list(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.connection.execute(sql, list(params)).fetchall()
        return rows

    def batches(self, sql: str, size: int = 65_536) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.connection.execute(sql)
        while True:
            chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield chunk

    def arrow(self, sql: str) -> Any:
        return self.connection.sql(sql).to_arrow_table()

    def record_batches(self, sql: str, size: int = 65_536) -> Iterator[Any]:
        reader: Any = self.connection.sql(sql).to_arrow_reader(size)
        yield from reader

    def register_arrow(self, name: str, table: Any) -> None:
        """A view of a ``pyarrow.Table`` as ``name``, without copying it (until
        :meth:`unregister`; the table must not change meanwhile)."""
        self.connection.register(name, table)

    def unregister(self, name: str) -> None:
        self.connection.unregister(name)

    def put_arrow(self, name: str, table: Any, *, append: bool = False) -> None:
        self.connection.register("_arrow_in", table)
        try:
            if append:
                self.connection.execute(f"INSERT INTO {name} SELECT * FROM _arrow_in")
            else:
                self.connection.execute(
                    f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _arrow_in"
                )
        finally:
            self.connection.unregister("_arrow_in")
