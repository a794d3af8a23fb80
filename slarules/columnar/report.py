"""The columnar audit written out: its results in the order the Python engine gives
them, its counts as the reporters read them, and the formats the database writes
itself (JSON, CSV, Parquet) with reasons made only for the rows written with them.

The order: each case's results when its last record was read (``order="read"``, the
CLI's order for files) or by case id (``order="case"``, standard input and
exports), within a case the contract's obligations in turn and their occurrences;
then the duties over the window, obligation by obligation, in their own order.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from .. import model as m
from ..engine import WARNING_CASES_KEPT, AuditWarning, Unjudged
from ..events import Rejection
from ..kinds import KINDS
from ..results import STATUSES, Result
from ..wording import Wording
from ..zones import LocalTimes
from .base import RESULT_COLUMNS, RESULT_NAMES, lit, lits, rows_sql
from .run import ColumnarAudit
from .words import GROUP_COLUMNS, PROBE_US, Parts, SqlWords, iso_sql, result_of, seconds_sql

ORDERS = ("read", "case")
# to_json writes a control character as \u001F; orjson (the Python reporters) as \u001f.
_UPPER_ESCAPES = ("000B", "000E", "000F", "001A", "001B", "001C", "001D", "001E", "001F")


def json_text(column: str) -> str:
    """A column's value as JSON text, as orjson writes it; ``null`` for NULL."""
    text = f"CAST(to_json({column}) AS VARCHAR)"
    fixed = text
    for code in _UPPER_ESCAPES:
        fixed = f"replace({fixed}, '\\u{code}', '\\u{code.lower()}')"
    return (
        f"CASE WHEN {column} IS NULL THEN 'null' WHEN regexp_matches({column}, '[[:cntrl:]]')"
        f" THEN {fixed} ELSE {text} END"
    )


def json_plain(column: str) -> str:
    """A column's value as JSON text when no value of it needs an escape (see
    :func:`needs_escape`): quoted as it is."""
    return f"CASE WHEN {column} IS NULL THEN 'null' ELSE '\"' || {column} || '\"' END"


# What orjson escapes in a string: the quote, the backslash and control characters.
_ESCAPED = re.compile(r'["\\\x00-\x1f]')
_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def needs_escape(text: str) -> bool:
    return _ESCAPED.search(text) is not None


def csv_field(column: str, plain: bool = False) -> str:
    """A column's value as the csv module writes it (quoted when it holds a comma, a
    quote or a line break); empty for NULL. ``plain``: a value that never needs quoting."""
    if plain:
        return f"COALESCE({column}, '')"
    return (
        f"CASE WHEN {column} IS NULL THEN '' WHEN regexp_matches({column}, '[,\"\\r\\n]')"
        f" THEN '\"' || replace({column}, '\"', '\"\"') || '\"' ELSE {column} END"
    )


def _json(text: str) -> str:
    return orjson.dumps(text).decode()


def _csv(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


@dataclass
class ColumnarReport:
    """A finished columnar audit as :class:`~slarules.reporters.Counts` (and more)."""

    audit: ColumnarAudit
    rejected: list[Rejection] = field(default_factory=list)
    read: int = -1  # records read in all; by default the events and the rejected ones
    order: str = "read"
    # A case's last record rejected, where it was read: that is where the Python engine
    # finds the case complete (order "read").
    last_rejected: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(f"order is one of {ORDERS}, not {self.order!r}")
        audit = self.audit
        self.contract: m.Contract = audit.contract
        self.as_of = audit.as_of
        counts = audit.counts
        if self.read < 0:
            self.read = counts["events"] + len(self.rejected)
        self.after_as_of = counts["after_as_of"]
        self.duplicates = counts["duplicates"]
        obligations = {ob.id: ob for ob in self.contract.obligations}
        self.unjudged = tuple(
            Unjudged(ob_id, obligations[ob_id].clause, obligations[ob_id].title, events)
            for ob_id, events in audit.unjudged
        )
        self._tables()
        self._summary = self._count()
        self.warnings = self._warnings()

    @property
    def db(self) -> Any:
        return self.audit.database

    @property
    def used(self) -> int:
        return self.read - len(self.rejected) - self.after_as_of - self.duplicates

    @property
    def breached(self) -> bool:
        return any(row["breached"] for row in self._summary.values())

    def summary(self) -> dict[str, dict[str, int]]:
        return self._summary

    # -- tables

    def _tables(self) -> None:
        contract = self.contract
        window = {ob.id for ob in contract.obligations if KINDS[ob.type].scope == "window"}
        self.db.execute(
            "CREATE OR REPLACE TEMP TABLE out_obs AS "
            + rows_sql(
                (
                    ("obligation", "VARCHAR"),
                    ("idx", "BIGINT"),
                    ("w", "BIGINT"),
                    ("clause", "VARCHAR"),
                    ("title_zh", "VARCHAR"),
                    ("title_en", "VARCHAR"),
                    # The texts of the obligation as each format writes them, made once.
                    ("j_head", "VARCHAR"),
                    ("j_title_zh", "VARCHAR"),
                    ("j_title_en", "VARCHAR"),
                    ("c_head", "VARCHAR"),
                    ("c_title_zh", "VARCHAR"),
                    ("c_title_en", "VARCHAR"),
                ),
                [
                    (
                        ob.id,
                        n,
                        1 if ob.id in window else 0,
                        ob.clause,
                        ob.title.zh,
                        ob.title.en,
                        f',"obligation":{_json(ob.id)},"clause":{_json(ob.clause)}',
                        _json(ob.title.zh),
                        _json(ob.title.en),
                        f"{_csv(ob.id)},{_csv(ob.clause)}",
                        _csv(ob.title.zh),
                        _csv(ob.title.en),
                    )
                    for n, ob in enumerate(contract.obligations)
                ],
            )
        )
        rank = "MAX(seq)" if self.order == "read" else "CAST(NULL AS BIGINT)"
        ranks = f"SELECT case_id, {rank} AS crank FROM ev GROUP BY case_id"
        if self.order == "read" and self.last_rejected:
            self.audit.put_rows(
                "out_rejected",
                (("case_id", "VARCHAR"), ("pos", "BIGINT")),
                list(self.last_rejected.items()),
            )
            ranks = (
                f"SELECT r.case_id, GREATEST(r.crank, COALESCE(x.pos, r.crank)) AS crank FROM"
                f" ({ranks}) r LEFT JOIN out_rejected x ON x.case_id = r.case_id"
            )
        self.db.execute(f"CREATE OR REPLACE TEMP TABLE out_ranks AS {ranks}")

    def _count(self) -> dict[str, dict[str, int]]:
        rows = self.db.fetchall("SELECT obligation, status, COUNT(*) FROM results GROUP BY ALL")
        found: dict[str, dict[str, int]] = {}
        for ob, status, n in rows:
            found.setdefault(str(ob), dict.fromkeys(STATUSES, 0))[str(status)] = int(n)
        return {ob.id: found[ob.id] for ob in self.contract.obligations if ob.id in found}

    def _warnings(self) -> tuple[AuditWarning, ...]:
        """As :attr:`Tally.warnings`: cases in the order their results come, each warning
        where its first case comes (and in the order of the pairs within a case)."""
        warned = self.audit.warned
        if not warned:
            return ()
        cases = sorted({c for found in warned.values() for c in found})
        ranks = {
            str(c): r
            for c, r in self.db.fetchall(
                f"SELECT case_id, crank FROM out_ranks WHERE case_id IN {lits(cases)}"
            )
        }

        def place(case: str) -> tuple[int, int, str]:
            r = ranks.get(case)
            return (0, r, case) if r is not None else (1, 0, case)

        pairs = [end for _, end in self.contract.interval_pairs]
        keyed = []
        for (code, event), found in warned.items():
            ordered = sorted(found, key=place)
            keyed.append(((place(ordered[0]), pairs.index(event)), code, event, ordered))
        keyed.sort(key=lambda k: k[0])
        return tuple(
            AuditWarning(code, event, len(found), tuple(dict.fromkeys(found))[:WARNING_CASES_KEPT])
            for _, code, event, found in keyed
        )

    # -- rows

    def _query(
        self,
        only_breaches: bool,
        select: str,
        fields: Mapping[str, str] | None = None,
        parts: bool = False,
    ) -> str:
        """The results in order: ``fields`` computed once per row (as columns of ``q``),
        then ``select`` over them; with ``parts`` each row's reason parts (``p``)."""
        where = " WHERE x.status = 'breached'" if only_breaches else ""
        base = (
            "SELECT x.*, o.idx, o.w, o.clause, o.title_zh, o.title_en, o.j_head, o.j_title_zh,"
            " o.j_title_en, o.c_head, o.c_title_zh, o.c_title_en, c.crank FROM results x"
            " JOIN out_obs o ON o.obligation = x.obligation LEFT JOIN out_ranks c ON o.w = 0"
            f" AND c.case_id = x.case_id{where}"
        )
        computed = "".join(f", {expr} AS {name}" for name, expr in (fields or {}).items())
        join = ""
        if parts:
            on = " AND ".join(f"p.{c} IS NOT DISTINCT FROM r.{c}" for c in GROUP_COLUMNS)
            join = f" LEFT JOIN out_parts p ON {on} AND p.has_time = (r.v_time IS NOT NULL)"
            computed += ", p.py IS NOT FALSE AS py"
        inner = f"SELECT r.*{computed} FROM ({base}) r{join}"
        # In reading order a case's rank (its last record's place) is its own: no need to
        # sort by the case id too.
        by_case = "" if self.order == "read" else " CASE WHEN q.w = 0 THEN q.case_id END,"
        return (
            f"SELECT {select} FROM ({inner}) q ORDER BY q.w, CASE WHEN q.w = 0 THEN q.crank END,"
            f"{by_case} q.idx, CASE WHEN q.w = 0 THEN q.occurrence ELSE q.pos END"
        )

    def results(self, only_breaches: bool = False) -> Iterator[Result]:
        """The results as :class:`Result` objects, in order (for the reporters that take
        them: tables, Markdown, workbooks)."""
        names = ", ".join(f"q.{n}" for n in RESULT_NAMES)
        for chunk in self.db.batches(self._query(only_breaches, names)):
            for values in chunk:
                row = dict(zip(RESULT_NAMES, values, strict=True))
                yield result_of(self.contract, row, self.as_of)

    def _reason(self, words: Wording) -> str:
        """The SQL of a row's reason (over ``r`` and its parts ``p``), after putting each
        group's parts in the table ``out_parts``."""
        names = [*GROUP_COLUMNS, "has_time"]
        rows = self.db.fetchall(
            f"SELECT DISTINCT {', '.join(GROUP_COLUMNS)}, v_time IS NOT NULL FROM results"
        )
        maker = Parts(self.contract, words, self.as_of)
        made: list[tuple[tuple[Any, ...], bool, tuple[tuple[str, str | None], ...]]] = []
        for values in rows:
            row = dict(zip(names, values, strict=True))
            row["v_time"] = PROBE_US if row.pop("has_time") else None
            try:
                parts = maker.of(row)
            except (KeyError, TypeError, ValueError):
                parts = None  # the kind reads more of the row: its words row by row
            made.append((tuple(values), parts is None, parts or (("", None),)))
        slots = max((len(p) for _, _, p in made), default=1)
        types = dict(RESULT_COLUMNS)
        columns: list[tuple[str, str]] = [(c, types[c]) for c in GROUP_COLUMNS]
        columns += [("has_time", "BOOLEAN"), ("py", "BOOLEAN")]
        for i in range(slots):
            columns += [(f"p{i}", "VARCHAR"), (f"m{i}", "VARCHAR")]
        table = []
        for values, py, parts in made:
            padded = [*parts, *((None, None),) * (slots - len(parts))]
            table.append((*values, py, *(x for part in padded for x in part)))
        self.audit.put_rows("out_parts", columns, table)
        sql_words = SqlWords(words, self.audit.offset)
        markers = sorted({m for _, _, parts in made for _, m in parts if m})
        as_of = self.audit.as_of_us
        pieces = []
        cases = " ".join(
            f"WHEN {lit(name)} THEN {sql_words.marker(name, as_of)}" for name in markers
        )
        for i in range(slots):
            pieces.append(f"COALESCE(p.p{i}, '')")
            if markers:
                pieces.append(f"COALESCE(CASE p.m{i} {cases} END, '')")
        # A reason is its parts and the markers' words, made of the literals of their SQL
        # and digits: when none of those needs an escape, neither does the reason.
        texts = [t for _, _, parts in made for t, _ in parts if t]
        texts += [t.replace("''", "'") for t in _LITERAL.findall(cases)]
        self.reason_plain = not any(needs_escape(t) for t in texts)
        return " || ".join(pieces)

    def _plain(self, column: str) -> bool:
        """Whether no value of a results column needs an escape in JSON."""
        rows = self.db.fetchall(f"SELECT DISTINCT {column} FROM results")
        return not any(v is not None and needs_escape(str(v)) for (v,) in rows)

    def _json(self, column: str, source: str) -> str:
        """The JSON text of ``q.<column>`` (``source``: the results column it comes from)."""
        return json_plain(column) if self._plain(source) else json_text(column)

    def _fields(self, lang: str, reasons: bool) -> dict[str, str]:
        """The SQL of each field of a written row: times as ISO text, seconds, words."""
        offset, as_of = self.audit.offset, self.audit.as_of_us

        def iso(column: str) -> str:
            return iso_sql(f"r.{column}", offset)

        late = seconds_sql(f"GREATEST(COALESCE(r.done_us, {as_of}) - r.due_us, 0)")
        margin = seconds_sql(f"r.due_us - COALESCE(r.done_us, {as_of})")
        fields = {
            "f_start": iso("start_us"),
            "f_due": iso("due_us"),
            "f_done": iso("done_us"),
            "f_late": f"CASE WHEN r.due_us IS NOT NULL AND r.status = 'breached' AND r.timed"
            f" THEN {late} END",
            "f_margin": f"CASE WHEN r.due_us IS NOT NULL AND r.timed THEN {margin} END",
            "f_title": f"r.title_{'zh' if lang == 'zh' else 'en'}",
            "j_title": f"r.j_title_{'zh' if lang == 'zh' else 'en'}",
            "c_title": f"r.c_title_{'zh' if lang == 'zh' else 'en'}",
        }
        if reasons:
            fields["f_reason"] = self._reason(Wording(self.contract, lang))
        return fields

    def _python_row(self) -> str:
        """The row as JSON, for the groups whose words Python makes."""
        fields = ", ".join(f"'{n}', q.{n}" for n in RESULT_NAMES)
        return f"CASE WHEN q.py THEN CAST(json_object({fields}) AS VARCHAR) END"

    def _stream(self, sql: str, separator: str, fix: Callable[[str], str]) -> Iterator[str]:
        """The query's ``line`` column joined by ``separator``, batch by batch: the rows
        whose ``row`` is not null made by ``fix`` (Python's words) instead. A batch of
        the database's lines alone is joined by Arrow, with no Python object per row."""
        import pyarrow as pa
        import pyarrow.compute as pc

        for batch in self.db.record_batches(sql):
            lines, rows = batch.column(0), batch.column(1)
            if not len(lines):
                continue
            if rows.null_count == len(rows):
                whole = pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines)
                yield pc.binary_join(whole, separator)[0].as_py()
                continue
            texts = lines.to_pylist()
            for i, row in enumerate(rows.to_pylist()):
                if row is not None:
                    texts[i] = fix(row)
            yield separator.join(texts)

    def _from_python(self, text: str) -> Result:
        return result_of(self.contract, orjson.loads(text), self.as_of)

    # -- formats

    def json_body(
        self, out: IO[str], lang: str, only_breaches: bool = False, first: bool = True
    ) -> bool:
        """The results as ``json``'s body writes them (one a line), made by the database."""
        from ..reporters.rows import result_dict

        def time(name: str) -> str:
            return f"CASE WHEN q.{name} IS NULL THEN 'null' ELSE '\"' || q.{name} || '\"' END"

        def number(name: str) -> str:
            return f"COALESCE(CAST(q.{name} AS VARCHAR), 'null')"

        fields = self._fields(lang, True)
        reason = json_plain("q.f_reason") if self.reason_plain else json_text("q.f_reason")
        pieces = [
            ("case", self._json("q.case_id", "case_id") + " || q.j_head"),
            ("status", "'\"' || q.status || '\"'"),
            ("start", time("f_start")),
            ("due", time("f_due")),
            ("done", time("f_done")),
            ("late_by_seconds", number("f_late")),
            ("margin_seconds", number("f_margin")),
            ("occurrence", "CAST(q.occurrence AS VARCHAR)"),
            ("title", "q.j_title"),
            ("reason", reason),
            ("reason_code", "'\"' || q.code || '\"'"),
            ("clock", self._json("NULLIF(q.clock, '')", "clock")),
            ("budget", self._json("q.budget", "budget")),
        ]
        text = " || ".join(
            f"'{',' if n else '{'}\"{key}\":' || {value}" for n, (key, value) in enumerate(pieces)
        )  # the obligation and clause come with the case (j_head)
        text += " || CASE WHEN q.period IS NULL THEN '' ELSE ',\"period\":' || "
        text += self._json("q.period", "period") + " END || '}'"
        select = f"CASE WHEN q.py THEN NULL ELSE {text} END AS line, {self._python_row()} AS row"
        sql = self._query(only_breaches, select, fields, parts=True)
        local, words = LocalTimes(self.contract.tz), Wording(self.contract, lang)
        dumps, option = orjson.dumps, orjson.OPT_OMIT_MICROSECONDS

        def fix(row: str) -> str:
            made = result_dict(self._from_python(row), local, words, times_as_text=False)
            return dumps(made, option=option).decode()

        wrote = False
        for text in self._stream(sql, ",\n    ", fix):
            out.write(("\n    " if first and not wrote else ",\n    ") + text)
            wrote = True
        return wrote

    def csv_body(
        self, out: IO[str], lang: str, only_breaches: bool = False, reasons: bool = True
    ) -> bool:
        """The results as ``csv``'s body writes them; without ``reasons`` the reason column
        is left empty (the verdict table alone: no words are made)."""
        from ..reporters.csv_report import COLUMNS
        from ..reporters.rows import result_dict

        values = {
            "case": csv_field("q.case_id") + " || ',' || q.c_head",
            "status": csv_field("q.status", plain=True),
            "start": csv_field("q.f_start", plain=True),
            "due": csv_field("q.f_due", plain=True),
            "done": csv_field("q.f_done", plain=True),
            "late_by_seconds": csv_field("CAST(q.f_late AS VARCHAR)", plain=True),
            "margin_seconds": csv_field("CAST(q.f_margin AS VARCHAR)", plain=True),
            "occurrence": csv_field("CAST(q.occurrence AS VARCHAR)", plain=True),
            "period": csv_field("q.period"),
            "title": "q.c_title",
            "reason": csv_field("q.f_reason") if reasons else "''",
            "reason_code": csv_field("q.code", plain=True),
        }
        # obligation and clause come with the case (c_head)
        text = " || ',' || ".join(values[c] for c in COLUMNS if c not in ("obligation", "clause"))
        if reasons:
            select = (
                f"CASE WHEN q.py THEN NULL ELSE {text} END AS line, {self._python_row()} AS row"
            )
        else:
            select = f"{text} AS line, CAST(NULL AS VARCHAR) AS row"
        sql = self._query(only_breaches, select, self._fields(lang, reasons), parts=reasons)
        local, words = LocalTimes(self.contract.tz), Wording(self.contract, lang)

        def fix(row: str) -> str:
            made = result_dict(self._from_python(row), local, words)
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(
                ["" if made.get(c) is None else made.get(c) for c in COLUMNS]
            )
            return buffer.getvalue()

        wrote = False
        for text in self._stream(sql, "\n", fix):
            out.write(text + "\n")
            wrote = True
        return wrote

    def parquet(
        self, out: IO[bytes], lang: str, only_breaches: bool = False, reasons: bool = False
    ) -> None:
        """The verdict table as Parquet (see :meth:`table`)."""
        import pyarrow.parquet as pq

        pq.write_table(self.table(lang, only_breaches, reasons), out, compression="zstd")

    def table(self, lang: str, only_breaches: bool = False, reasons: bool = False) -> Any:
        """The verdict table as a ``pyarrow.Table`` (:data:`VERDICT_COLUMNS`: times as
        timestamps in the contract's zone, lengths in seconds), in the results' order;
        with ``reasons`` a ``reason`` column in the ``lang`` language."""
        import pyarrow as pa

        stamp = "CASE WHEN q.{0} IS NULL THEN NULL ELSE make_timestamptz(q.{0}) END"
        columns = [
            'q.case_id AS "case"',
            "q.obligation",
            "q.clause",
            "q.status",
            f"{stamp.format('start_us')} AS start",
            f"{stamp.format('due_us')} AS due",
            f"{stamp.format('done_us')} AS done",
            "q.f_late AS late_by_seconds",
            "q.f_margin AS margin_seconds",
            "q.occurrence",
            "q.period",
            "q.f_title AS title",
            "q.code AS reason_code",
            "NULLIF(q.clock, '') AS clock",
            "q.budget",
        ]
        if reasons:
            columns.append("CASE WHEN q.py THEN NULL ELSE q.f_reason END AS reason")
            columns.append(f"{self._python_row()} AS _row")
        sql = self._query(only_breaches, ", ".join(columns), self._fields(lang, reasons), reasons)
        table = _zoned(self.db.arrow(sql), self.contract)
        if reasons:
            words = Wording(self.contract, lang)
            texts = table.column("reason").to_pylist()
            for i, row in enumerate(table.column("_row").to_pylist()):
                if row is not None:
                    texts[i] = words.reason(self._from_python(row))
            at = table.schema.get_field_index("reason")
            table = table.set_column(at, "reason", pa.array(texts, pa.string())).drop(["_row"])
        return table


# The verdict table's columns (Parquet, Arrow), in order; ``reason`` only when asked for.
VERDICT_COLUMNS = (
    ("case", "string"),
    ("obligation", "string"),
    ("clause", "string"),
    ("status", "string"),
    ("start", "time"),
    ("due", "time"),
    ("done", "time"),
    ("late_by_seconds", "int64"),
    ("margin_seconds", "int64"),
    ("occurrence", "int64"),
    ("period", "string"),
    ("title", "string"),
    ("reason_code", "string"),
    ("clock", "string"),
    ("budget", "string"),
    ("reason", "string"),
)


def _arrow_type(kind: str, contract: m.Contract) -> Any:
    import pyarrow as pa

    if kind == "time":
        return pa.timestamp("us", tz=zone_name(contract))
    return pa.string() if kind == "string" else pa.int64()


def zone_name(contract: m.Contract) -> str:
    """The contract zone's name, as Arrow and Parquet readers know zones."""
    return str(getattr(contract.tz, "key", None) or contract.tz)


def _zoned(table: Any, contract: m.Contract) -> Any:
    """The database's verdict table with the types of :data:`VERDICT_COLUMNS` (times in
    the contract's zone: the instants do not change, only how readers show them)."""
    import pyarrow as pa

    kinds = dict(VERDICT_COLUMNS)
    schema = pa.schema(
        [
            (f.name, _arrow_type(kinds[f.name], contract) if f.name in kinds else f.type)
            for f in table.schema
        ]
    )  # a helper column (the rows whose words Python makes) keeps its type
    return table.cast(schema)


def verdict_table(
    results: Iterator[Result], contract: m.Contract, lang: str, reasons: bool = False
) -> Any:
    """Results (objects) as the verdict table the database writes (the Python engine's
    ``--format parquet``, and the oracle of the columnar one)."""
    import pyarrow as pa

    from ..reporters.rows import result_dict

    words = Wording(contract, lang)
    names = [n for n, _ in VERDICT_COLUMNS if reasons or n != "reason"]
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for result in results:
        row = result_dict(result, None, words, times_as_text=False)
        row["period"] = row.get("period")
        for n in names:
            columns[n].append(row[n])
    kinds = dict(VERDICT_COLUMNS)
    return pa.table({n: pa.array(columns[n], _arrow_type(kinds[n], contract)) for n in names})


def write_verdicts(
    results: Iterator[Result], contract: m.Contract, lang: str, out: IO[bytes], reasons: bool
) -> None:
    import pyarrow.parquet as pq

    pq.write_table(verdict_table(results, contract, lang, reasons), out, compression="zstd")


def ordered_names() -> Sequence[str]:
    return RESULT_NAMES


__all__ = ["ORDERS", "ColumnarReport", "csv_field", "json_text"]
