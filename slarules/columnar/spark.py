"""The columnar audit on Apache Spark: the same plan, each statement in Spark SQL.

:class:`SparkDatabase` is a :class:`~.database.Database` on a
:class:`pyspark.sql.SparkSession`. Each statement of the plan (written in DuckDB's
dialect, in the portable subset :mod:`.sql` keeps to) is transpiled to Spark SQL with
SQLGlot; a ``CREATE TEMP TABLE name AS SELECT ...`` becomes a temporary view of the
query's result, materialised (a local checkpoint by default) so that the next
statements read it rather than plan its whole lineage again: an audit is some forty
chained statements.

:func:`spark_audit` reads the events in the Parquet form of :mod:`.parquet` (one file,
or a directory partitioned by month), makes the ``ev`` table of them and runs the
audit: the :class:`SparkAudit` it returns answers as a DuckDB audit does
(``results()``, ``rows()``, ``counts``, ``arrow(sql)``) and gives the results as a
Spark DataFrame for writing where a cluster writes (``dataframe()``).

Where the transpiled SQL would differ in meaning, :func:`to_spark` fixes it (each rule
is said there); what SQLGlot already carries over is listed too, so that a reader
knows it was checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from .. import model as m
from .base import RESULT_NAMES
from .parquet import MONTH, ev_from_parquet_sql, parquet_columns
from .run import ColumnarAudit

# Session options the audit rests on, set on a given session too (see :func:`session`).
EXACT_CONFIG = {
    # Instants are UTC microseconds throughout; the zone only matters where Spark turns a
    # timestamp into text or a date, which the plan never asks: UTC, whatever the host's.
    "spark.sql.session.timeZone": "UTC",
    # Errors, not silent wrap-around, on integer overflow and bad casts, as DuckDB does.
    "spark.sql.ansi.enabled": "true",
    # A checkpoint of a union whose parts carry inferred constraints fails in Spark 4
    # (LogicalRDD.rewriteStatsAndConstraints: "key not found: case_id#..."): the results
    # table is such a union. Every table being materialised, inferred constraints gain
    # little, and wide plans are planned faster without them.
    "spark.sql.constraintPropagation.enabled": "false",
}
# Options for a local session (tests, one machine): few shuffle partitions for small
# tables (Spark's adaptive execution coalesces them further), no web UI, no progress bar.
LOCAL_CONFIG = {
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "true",
}
# Rows of a file are numbered within it; files are numbered apart by this much, so a
# row's place in reading order is one BIGINT (a file of more rows is refused).
FILE_STRIDE = 1 << 40


class SparkInputError(ValueError):
    """Events Spark cannot read as the contract's Parquet form: said in one line."""


# -- SQL


def to_spark(sql: str) -> str:
    """One statement (a query) of the plan in Spark SQL, with the same meaning.

    SQLGlot carries over unchanged in meaning: ``//`` (DuckDB's integer division,
    toward zero) as ``DIV`` (toward zero too; :func:`~.base.fdiv` makes the floor of
    both); ``%`` (the sign of the dividend in both); DuckDB's default ``NULLS LAST``
    for ascending keys, which Spark sorts first, written out on every ``ORDER BY`` and
    window order; ``INSTR`` as ``LOCATE``; ``VARCHAR`` as ``STRING``; ``BOOL_OR``,
    ``CONCAT_WS`` (both skip NULLs), ``||`` (NULL if any part is), ``GREATEST`` and
    ``LEAST`` (both ignore NULLs), ``VALUES`` tables with their casts.

    Fixed here:

    - ``/``: DuckDB divides as doubles whatever the operands; Spark divides a BIGINT
      by a decimal literal (``1000000.0``) as decimals. Both operands are cast to
      DOUBLE, so the quotient is the same double.
    - ``CAST(CAST(x AS DOUBLE) AS VARCHAR)`` (a double as text, :func:`~.base.double_text`):
      DuckDB writes the shortest repr as Python does (``10000000.0``, ``1e-05``,
      ``1e+16``); Spark writes Java's (``1.0E7``, ``1.0E-5``). Rewritten as Spark
      expressions giving DuckDB's text.
    - ``epoch_us(t)`` (only in :func:`~.parquet.ev_from_parquet_sql`) as ``unix_micros``.
    """
    import sqlglot

    return _spark_sql(sqlglot.parse_one(sql, read="duckdb"))


def _spark_sql(tree: Any) -> str:
    """A parsed statement (DuckDB's) as Spark SQL (see :func:`to_spark`)."""
    import sqlglot
    from sqlglot import exp

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Div):
            return exp.Div(
                this=_double(node.this), expression=_double(node.expression), typed=False
            )
        if isinstance(node, exp.Anonymous) and node.name.lower() == "epoch_us":
            return exp.Anonymous(this="unix_micros", expressions=node.expressions)
        return node

    tree = tree.copy().transform(fix)
    # Replaced after the walk: the new text holds the pattern itself (a double's text).
    for node in list(tree.find_all(exp.Cast)):
        inner = node.this
        if (
            node.to.is_type(exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT)
            and isinstance(inner, exp.Cast)
            and inner.to.is_type(exp.DataType.Type.DOUBLE)
        ):
            node.replace(sqlglot.parse_one(_duck_double_text(inner.sql("spark")), read="spark"))
    return str(tree.sql("spark"))


def _double(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DOUBLE):
        return node
    return exp.cast(node, exp.DataType.Type.DOUBLE)


def _duck_double_text(x: str) -> str:
    """A Spark expression writing the double ``x`` as DuckDB's ``CAST(x AS VARCHAR)``:
    plain decimals from 1e-4 up to 1e16 (at least one digit after the point), else
    ``d[.ddd]e±XX``; the digits are the shortest that read back as ``x`` (Java's
    ``Double.toString`` gives them; its layout is what differs)."""
    java = f"CAST({x} AS STRING)"
    mantissa = f"regexp_extract({java}, '^(-?[0-9.]+)(E(-?[0-9]+))?$', 1)"
    exponent = f"CAST(regexp_extract({java}, '^(-?[0-9.]+)(E(-?[0-9]+))?$', 3) AS INT)"
    # The plain form, from the decimal Spark makes of the shortest digits, trailing
    # zeros dropped (38 digits: 16 before the point, 22 after, enough for 17 digits
    # from 1e-4 up).
    plain = (
        f"regexp_replace(regexp_replace(CAST(CAST({java} AS DECIMAL(38, 22)) AS STRING),"
        f" '0+$', ''), '[.]$', '.0')"
    )
    scientific = (
        f"regexp_replace({mantissa}, '[.]0$', '') || 'e' ||"
        f" CASE WHEN {exponent} < 0 THEN '-' ELSE '+' END ||"
        f" lpad(CAST(abs({exponent}) AS STRING), 2, '0')"
    )
    return (
        f"CASE WHEN isnan({x}) THEN 'nan' WHEN {x} = CAST('Infinity' AS DOUBLE) THEN 'inf'"
        f" WHEN {x} = CAST('-Infinity' AS DOUBLE) THEN '-inf' WHEN {x} = 0 THEN {java}"
        f" WHEN abs({x}) >= 1e-4 AND abs({x}) < 1e16 THEN {plain} ELSE {scientific} END"
    )


class SparkDatabase:
    """The plan's statements on a Spark session (see the module).

    ``materialize``: how a statement's table is kept for the next ones:
    ``"local_checkpoint"`` (the default: on the executors, memory and disk, the lineage
    cut; an executor lost fails the audit), ``"checkpoint"`` (reliable, in the
    session's checkpoint directory, which must be set: for long audits on a cluster
    that loses executors), or ``"cache"`` (kept in memory with its lineage).
    """

    def __init__(self, spark: Any, materialize: str = "local_checkpoint") -> None:
        if materialize not in ("local_checkpoint", "checkpoint", "cache"):
            raise ValueError(f"materialize: no {materialize!r}")
        self.spark = spark
        self.materialize = materialize
        self.frames: dict[str, Any] = {}
        self.views: set[str] = set()

    # -- the Database protocol

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        import sqlglot
        from sqlglot import exp

        if params:
            raise ValueError("SparkDatabase takes no parameters: the plan writes literals")
        tree = sqlglot.parse_one(sql, read="duckdb")
        if isinstance(tree, exp.Create) and tree.kind == "VIEW":
            # A view of the plan is a temporary one, made anew by each audit of the session.
            self.spark.sql(to_spark(sql))
            self.views.add(tree.this.name)
            return
        if not isinstance(tree, exp.Create) or tree.kind != "TABLE":
            self.spark.sql(to_spark(sql))
            return
        target = tree.this
        if isinstance(target, exp.Schema):  # CREATE TABLE name (column type, ...)
            columns = ", ".join(
                f"{c.name} {c.args['kind'].sql('spark')}" for c in target.expressions
            )
            self.put(target.this.name, self.spark.createDataFrame([], columns))
            return
        self._create(target.name, tree.expression)

    def _create(self, name: str, query: Any) -> None:
        """The table ``name`` of a query whose common table expressions are made views
        first (``name__cte``): Spark inlines a CTE wherever it is read, so a step read
        twice, by steps read twice ..., would be planned and computed exponentially
        often; each one read more than once is materialised once instead."""
        from sqlglot import exp

        ctes = query.args.get("with_")
        if ctes is None:
            self.put(name, self.spark.sql(_spark_sql(query)))
            return
        query = query.copy()
        query.set("with_", None)
        steps = [(cte.alias, cte.this) for cte in ctes.expressions]
        renamed = {step: f"{name}__{step}" for step, _ in steps}
        reads = {step: 0 for step, _ in steps}
        for part in [select for _, select in steps] + [query]:
            for table in part.find_all(exp.Table):
                if table.name in reads and not table.db:
                    reads[table.name] += 1

        def rename(part: Any) -> Any:
            part = part.copy()
            for table in part.find_all(exp.Table):
                if table.name in renamed and not table.db:
                    table.set("this", exp.to_identifier(renamed[table.name]))
                    if not table.alias:
                        table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
            return part

        made = []
        try:
            for step, select in steps:
                frame = self.spark.sql(_spark_sql(rename(select)))
                # A step reading no table (a VALUES list) is cheap to inline.
                if reads[step] > 1 and any(True for _ in select.find_all(exp.Table)):
                    self.put(renamed[step], frame)
                else:
                    frame.createOrReplaceTempView(renamed[step])
                made.append(renamed[step])
            self.put(name, self.spark.sql(_spark_sql(rename(query))))
        finally:
            for view in made:
                self.drop(view)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if params:
            raise ValueError("SparkDatabase takes no parameters: the plan writes literals")
        return [tuple(row) for row in self.dataframe(sql).collect()]

    def batches(self, sql: str, size: int = 65_536) -> Iterator[list[tuple[Any, ...]]]:
        chunk: list[tuple[Any, ...]] = []
        # In the query's order: a sorted frame's partitions come in turn.
        for row in self.dataframe(sql).toLocalIterator(prefetchPartitions=True):
            chunk.append(tuple(row))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def arrow(self, sql: str) -> Any:
        return self.dataframe(sql).toArrow()

    def record_batches(self, sql: str, size: int = 65_536) -> Iterator[Any]:
        # toArrow collects to the driver: the results of an audit, not its events.
        yield from self.arrow(sql).to_batches(size)

    def put_arrow(self, name: str, table: Any, *, append: bool = False) -> None:
        frame = self.spark.createDataFrame(table)
        if append and name in self.frames:
            frame = self.frames[name].unionByName(frame)
        self.put(name, frame)

    # -- Spark's side

    def dataframe(self, sql: str) -> Any:
        """The Spark DataFrame of a query (DuckDB's dialect, as the plan writes it)."""
        return self.spark.sql(to_spark(sql))

    def put(self, name: str, frame: Any) -> None:
        """Make ``frame`` the table ``name``: materialised, then a temporary view."""
        old = self.frames.get(name)
        if self.materialize == "cache":
            kept = frame.cache()
            kept.count()
        else:
            kept = (
                frame.checkpoint() if self.materialize == "checkpoint" else frame.localCheckpoint()
            )
        kept.createOrReplaceTempView(name)
        self.frames[name] = kept
        if old is not None:
            old.unpersist()

    def drop(self, name: str) -> None:
        """Drop a table (its view, and its materialised rows)."""
        self.spark.catalog.dropTempView(name)
        frame = self.frames.pop(name, None)
        if frame is not None:
            frame.unpersist()

    def close(self) -> None:
        """Drop every table and view this database made (the session stays)."""
        for name, frame in self.frames.items():
            self.spark.catalog.dropTempView(name)
            frame.unpersist()
        self.frames.clear()
        for name in self.views:
            self.spark.catalog.dropTempView(name)
        self.views.clear()

    # -- input

    def load_parquet(self, contract: m.Contract, path: str | Sequence[str]) -> None:
        """The table ``ev`` from events in the contract's Parquet form (files or directories
        partitioned by month), each row's ``seq`` its place in reading order: files in
        name order, rows in file order."""
        from pyspark.errors import AnalysisException
        from pyspark.sql import functions as F

        paths = [path] if isinstance(path, str) else list(path)
        try:
            raw = self.spark.read.parquet(*paths)
        except AnalysisException as error:
            raise SparkInputError(
                f"{paths[0]}: cannot read as Parquet: {_first_line(error)}"
            ) from None
        check_columns(contract, raw.schema, paths[0])
        located = raw.select(
            "*",
            F.col("_metadata.file_path").alias("_file"),
            F.col("_metadata.row_index").alias("_row"),
        )
        names = sorted(r[0] for r in located.select("_file").distinct().collect())
        files = self.spark.createDataFrame(list(enumerate(names)), "_file_no BIGINT, _file STRING")
        numbered = located.join(F.broadcast(files), "_file").withColumn(
            "_seq", F.col("_file_no") * FILE_STRIDE + F.col("_row")
        )
        numbered.createOrReplaceTempView("ev_parquet")
        try:
            self.put(
                "ev", self.spark.sql(to_spark(ev_from_parquet_sql(contract, "ev_parquet", "_seq")))
            )
        finally:
            self.spark.catalog.dropTempView("ev_parquet")
        ((longest,),) = self.fetchall("SELECT MAX(seq % " + str(FILE_STRIDE) + ") FROM ev")
        if longest is not None and longest >= FILE_STRIDE - 1:
            raise SparkInputError(f"{paths[0]}: a file of more than {FILE_STRIDE - 1} rows")


_SPARK_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "double",
    "BIGINT": "bigint",
    "TIMESTAMPTZ": "timestamp",
}


def check_columns(contract: m.Contract, schema: Any, where: str) -> None:
    """Refuse, in one line, a Parquet whose columns are not the contract's form."""
    want = [(name, _SPARK_TYPES[kind]) for name, kind in parquet_columns(contract)]
    have = [(f.name, f.dataType.simpleString()) for f in schema.fields if f.name != MONTH]
    if have == want:
        return
    wanted, had = dict(want), dict(have)
    missing = [n for n, _ in want if n not in had]
    extra = [n for n, _ in have if n not in wanted]
    typed = [f"{n} is {had[n]}, not {t}" for n, t in want if n in had and had[n] != t]
    if missing or extra or typed:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("unknown " + ", ".join(extra))
        parts.extend(typed)
        reason = "; ".join(parts)
    else:
        reason = "columns in another order than " + ", ".join(n for n, _ in want)
    raise SparkInputError(f"{where}: not the events' Parquet form of these rules ({reason})")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# -- the session and the audit


def session(master: str = "local[2]", config: Mapping[str, str] | None = None) -> Any:
    """A Spark session for the audit: ``master`` (``local[N]``, ``yarn``, ``k8s://...``,
    ``spark://...``) and options (``spark.executor.memory`` ...), over the exactness
    options and, for a local master, the local ones."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("slarules audit")
    options = {**(LOCAL_CONFIG if master.startswith("local") else {}), **EXACT_CONFIG}
    options.update(config or {})
    for key, value in options.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkAudit(ColumnarAudit):
    """A columnar audit whose database is a :class:`SparkDatabase`."""

    @property
    def spark_db(self) -> SparkDatabase:
        assert isinstance(self.db, SparkDatabase)
        return self.db

    def arrow(self, sql: str | None = None) -> Any:
        """A query's rows (by default every result row, sorted) as a ``pyarrow.Table``."""
        return self.spark_db.arrow(sql or _sorted_results())

    def dataframe(self, sql: str | None = None) -> Any:
        """A query (by default the results) as a Spark DataFrame: write it where the
        cluster writes, ``audit.dataframe().write.parquet("s3a://.../verdicts")``."""
        return self.spark_db.dataframe(sql or f"SELECT {', '.join(RESULT_NAMES)} FROM results")

    def close(self) -> None:
        self.spark_db.close()


def _sorted_results() -> str:
    return f"SELECT {', '.join(RESULT_NAMES)} FROM results ORDER BY case_id, obligation, occurrence"


def spark_audit(
    contract: m.Contract,
    as_of: datetime,
    parquet_path: str | Sequence[str],
    *,
    master: str = "local[2]",
    spark: Any = None,
    config: Mapping[str, str] | None = None,
    only: frozenset[str] | None = None,
    materialize: str = "local_checkpoint",
) -> SparkAudit:
    """Audit the events in ``parquet_path`` (the contract's Parquet form: a file, or a
    directory by month) on Spark: on ``spark`` (a cluster's session) or a session made
    for ``master`` with ``config``. The audit has run when this returns."""
    if spark is None:
        spark = session(master, config)
    else:
        for key, value in EXACT_CONFIG.items():
            spark.conf.set(key, value)
    db = SparkDatabase(spark, materialize)
    audit = SparkAudit(contract, as_of, only, db=db)
    db.load_parquet(contract, parquet_path)
    audit.run()
    return audit


__all__ = [
    "SparkAudit",
    "SparkDatabase",
    "SparkInputError",
    "check_columns",
    "session",
    "spark_audit",
    "to_spark",
]
