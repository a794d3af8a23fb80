"""The columnar audit on Spark (``local[2]``) equals DuckDB's, row for row.

The same plan runs on both: each statement transpiled to Spark SQL by SQLGlot
(:mod:`slarules.columnar.spark`), the events read from their Parquet form partitioned
by month, as ``slarules import --by-month`` writes them. Skipped only where no Java
runtime or no PySpark is installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import slarules
from slarules.columnar.base import RESULT_NAMES
from slarules.columnar.load import load_logs
from slarules.columnar.parquet import copy_sql
from slarules.columnar.run import ColumnarAudit

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from slarules.columnar.spark import SparkInputError, session, spark_audit, to_spark  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASE = slarules.load()
AS_OF = datetime(2026, 11, 15, tzinfo=BASE.tz)
ORDER = f"SELECT {', '.join(RESULT_NAMES)} FROM results ORDER BY case_id, obligation, occurrence"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    made = session("local[2]")
    yield made
    made.stop()


def duck(paths: list[str]) -> tuple[ColumnarAudit, list[tuple[Any, ...]]]:
    audit = ColumnarAudit(BASE, AS_OF, threads=1)
    load_logs(audit, paths, None)
    audit.run()
    return audit, audit.database.fetchall(ORDER)


def by_month(paths: list[str], folder: Path) -> str:
    """The logs' events in their Parquet form, a folder per month."""
    audit = ColumnarAudit(BASE, AS_OF, threads=1)
    load_logs(audit, paths, None)
    audit.database.execute(copy_sql(BASE, audit.offset, str(folder), True))
    return str(folder)


def test_the_audit_on_spark_equals_duckdbs(spark: Any, tmp_path: Path) -> None:
    # The example month with its rejected records. One audit: Spark's cost is per
    # statement, not per row (about a minute here).
    paths = [str(ROOT / "examples" / "october-2026-with-errors.jsonl")]
    _, expected = duck(paths)
    folder = by_month(paths, tmp_path / "events")
    assert any(p.name.startswith("month=") for p in Path(folder).iterdir())
    audit = spark_audit(BASE, AS_OF, folder, spark=spark)
    try:
        got = [tuple(row[n] for n in RESULT_NAMES) for row in audit.arrow(ORDER).to_pylist()]
        assert len(expected) > 200
        assert got == expected
        # Every kind is there: all obligations have results but the quarter's report,
        # not due as of mid-November.
        obligations = {row[RESULT_NAMES.index("obligation")] for row in got}
        assert {o.id for o in BASE.obligations} - obligations == {"quarterly_report"}
        records = [r for r in Path(paths[0]).read_text("utf-8").splitlines() if r.strip()]
        assert audit.counts["events"] == len(records) - 2  # two are rejected
    finally:
        audit.close()


def test_events_in_another_form_are_one_line(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    odd = tmp_path / "odd.parquet"
    pq.write_table(pa.table({"case": ["A"], "what": ["x"]}), odd)
    with pytest.raises(SparkInputError) as info:
        spark_audit(BASE, AS_OF, str(odd), spark=spark)
    assert "\n" not in str(info.value) and "not the events' Parquet form" in str(info.value)


def test_duckdbs_division_and_double_text_keep_their_meaning_on_spark(spark: Any) -> None:
    # DuckDB divides as doubles and writes a double's shortest text; so must Spark.
    sql = (
        "SELECT CAST(7 AS BIGINT) / 1000000.0 AS q, CAST(CAST(10000000 AS DOUBLE) AS VARCHAR)"
        " AS big, CAST(CAST(0.00001 AS DOUBLE) AS VARCHAR) AS small,"
        " CAST(CAST(2.5 AS DOUBLE) AS VARCHAR) AS plain"
    )
    import duckdb

    expected = duckdb.sql(sql).fetchall()[0]
    row = spark.sql(to_spark(sql)).collect()[0]
    assert tuple(row) == expected
