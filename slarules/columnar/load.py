"""Logs straight into the events table: one vectorised pass in DuckDB, the odd rows in Python.

:func:`load_logs` fills a :class:`~.run.ColumnarAudit`'s ``ev`` table from log files
so that it holds exactly what the Python readers, :class:`~slarules.events.RecordChecker`
and :meth:`~.run.ColumnarAudit.load_events` would put there, and returns the same
rejections in the same order. A file is read in blocks of lines; DuckDB splits them,
parses the JSON (or the CSV cells, or reads the Parquet columns) and checks every
row that is plainly clean (:mod:`.check`). Each row it cannot vouch for (broken JSON,
a wrong type, an unknown name or spelling, a time or number outside the strict forms,
a blank line's neighbours are fine) goes to Python with its raw line: the reader's
own parse and the checker decide, so its rejection and "did you mean" are the
Python path's. A file the vectorised pass does not take as a whole (standard input
or a pipe, gzip, an encoding other than UTF-8, a CSV record over several lines, a
line DuckDB cannot hold as text) is read by the Python reader.

``seq`` numbers every record read across the files from 1, rejected ones included, as
:class:`~slarules.engine.Audit` does; blank lines are not records. Memory is bounded
by a block (:data:`BLOCK`), never a Python object per record.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from ..events import Event, RecordChecker, Rejection
from ..messages import Msg
from ..readers import LogError, read_log
from ..readers.csvlog import record_of
from ..readers.csvrecords import MAX_FIELD, csv_records, sniff_delimiter
from ..readers.jsonl import parse_line
from ..readers.lines import MAX_LINE, _marker, check_log_path, is_gzip, is_utf8
from ..readers.parquetlog import OTHER, parquet_files, rows_of
from ..readers.parquetlog import record_of as parquet_record
from ..readers.registry import format_for
from .base import lit
from .check import EXTRA_VALUE, RowCheck, blank_sql, field_names, json_object, name_rows
from .database import DuckDatabase
from .run import ColumnarAudit

# How much of a file DuckDB takes at a time: a limit of the tool (memory), not of the
# contract. A block holds whole lines; a line longer than MAX_LINE is rejected anyway.
BLOCK = 64 << 20
_BOM = b"\xef\xbb\xbf"
_BLANK_BYTES = r"[ \t\n\r\x0b\x0c]*"  # what bytes.strip() strips: a blank JSON line


@dataclass
class SourceCount:
    """One file's records: read, rejected; ``columnar`` False when Python read it all."""

    source: str
    read: int = 0
    rejected: int = 0
    columnar: bool = True


@dataclass
class Loaded:
    """What :func:`load_logs` read: ``read = events + rejected`` (``events`` went to ``ev``)."""

    read: int = 0
    events: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    sources: list[SourceCount] = field(default_factory=list)
    # case -> place in reading order of its last rejected record that names one (the
    # Python engine's first pass counts it as the case's record: the order of results)
    last_rejected: dict[str, int] = field(default_factory=dict)


class _Fallback(Exception):
    """The file is read by the Python reader after all (why, for the reader of the code)."""


def result_order(paths: Sequence[str]) -> str:
    """The order the Python engine gives these logs' results in: ``"read"`` (as cases
    end in the files) when every log is a file it can read twice, else ``"case"`` (by case
    id: standard input, a pipe, a folder). Its first pass fails only where the load
    does too (a file that cannot be read or decoded), so it is not run again here."""
    if "-" in paths:
        return "case"
    try:
        return "read" if all(check_log_path(path) for path in paths) else "case"
    except LogError:
        return "case"


def load_logs(audit: ColumnarAudit, paths: Sequence[str], encoding: str | None) -> Loaded:
    """Fill ``audit``'s ``ev`` table from the logs (see the module); LogError as the Python
    readers raise it for a file that cannot be read."""
    loader = Loader(audit, encoding)
    for path in paths:
        loader.load(path)
    loader.flush()
    return loader.loaded


class Loader:
    """Logs into one audit's ``ev`` table, file after file (see :func:`load_logs`)."""

    def __init__(self, audit: ColumnarAudit, encoding: str | None) -> None:
        self.audit = audit
        self.db = audit.database
        self.encoding = encoding
        self.contract = audit.contract
        self.checker = RecordChecker(self.contract)
        self.names = field_names(self.contract)
        self.check = RowCheck(self.contract, audit.offset)
        self.loaded = Loaded()
        self.pending: list[Event] = []
        audit.create_events()
        rows = name_rows(self.contract)
        values = ", ".join(f"({lit(k)}, {lit(t)}, {lit(i)})" for k, t, i in rows)
        self.db.execute(
            "CREATE OR REPLACE TEMP TABLE ld_names (kind VARCHAR, name VARCHAR, id VARCHAR)"
        )
        if values:
            self.db.execute(f"INSERT INTO ld_names VALUES {values}")
        self.ev_columns = ", ".join(name for name, _ in audit.columns)

    # -- bookkeeping

    def take(self, count: SourceCount, source: str, line: int, raw: Any) -> None:
        """One record read by Python (a mapping, or the reader's Rejection): checked, kept."""
        self.loaded.read += 1
        count.read += 1
        checked = (
            raw if isinstance(raw, Rejection) else self.checker(raw, source, line, self.loaded.read)
        )
        if isinstance(checked, Rejection):
            self.reject(checked, raw, self.loaded.read)
            count.rejected += 1
        else:
            self.pending.append(checked)
            if len(self.pending) >= 50_000:
                self.flush()

    def take_at(self, count: SourceCount, source: str, line: int, seq: int, raw: Any) -> None:
        """A record whose place in reading order the vectorised pass numbered already."""
        checked = raw if isinstance(raw, Rejection) else self.checker(raw, source, line, seq)
        if isinstance(checked, Rejection):
            self.reject(checked, raw, seq)
            count.rejected += 1
        else:
            self.pending.append(checked)

    def reject(self, rejection: Rejection, raw: Any, seq: int) -> None:
        self.loaded.rejected.append(rejection)
        case = raw.get("case") if isinstance(raw, Mapping) else None
        if case is not None:
            self.loaded.last_rejected[str(case)] = seq

    def flush(self) -> None:
        if self.pending:
            self.loaded.events += self.audit.add_events(self.pending)
            self.pending.clear()

    # -- files

    def load(self, path: str) -> None:
        source = "<stdin>" if path == "-" else path
        count = SourceCount(source)
        self.loaded.sources.append(count)
        read, events, rejected = self.loaded.read, self.loaded.events, len(self.loaded.rejected)
        try:
            self._columnar(path, count)
        except _Fallback:
            # Undo what the file gave and let the Python reader read it from the start.
            self.pending.clear()
            self.db.execute(f"DELETE FROM ev WHERE seq > {read}")
            del self.loaded.rejected[rejected:]
            self.loaded.read, self.loaded.events = read, events
            count.read = count.rejected = 0
            count.columnar = False
            for src, line, raw in read_log(path, self.encoding):
                self.take(count, src, line, raw)
        self.flush()

    def _columnar(self, path: str, count: SourceCount) -> None:
        if os.path.isdir(path):
            for file in parquet_files(path):
                self._parquet(file, file, count)
            return
        if path == "-" or not check_log_path(path) or is_gzip(path):
            raise _Fallback("standard input, a pipe or gzip")
        fmt = format_for(path, "log").name
        if fmt == "jsonl" and is_utf8(self.encoding):
            with _open(path) as stream:
                self._jsonl(stream, path, count)
        elif fmt == "csv" and (self.encoding is None or is_utf8(self.encoding)):
            with _open(path) as stream:
                self._csv(stream, path, count)
        elif fmt == "parquet":
            files = parquet_files(path)
            for file in files:
                self._parquet(file, path if files == [path] else file, count)
        else:
            raise _Fallback(f"{fmt} in {self.encoding}")

    # -- JSON Lines

    def _jsonl(self, stream: IO[bytes], source: str, count: SourceCount) -> None:
        for block in _blocks(stream, source):
            if isinstance(block, LongLine):
                self.loaded.read += 1
                count.read += 1
                _, _, rejection = parse_line(block.marker, source, block.number)
                self.take_at(count, source, block.number, self.loaded.read, rejection)
                continue
            self._jsonl_block(block, source, count)

    def _lines(self, block: Block, query: str) -> None:
        """``ld_lines``: ``query`` over ``{lines}``, the block's lines (``n``, ``line``); a
        block that is not UTF-8 sends the file to Python."""
        import pyarrow as pa

        text = _utf8_array(block.data)
        if text is None:
            raise _Fallback("not UTF-8")
        table = pa.table({"t": text})
        db = self.db
        if isinstance(db, DuckDatabase):
            db.register_arrow("ld_block", table)  # read where it is
        else:
            db.put_arrow("ld_block", table)
        lines = (
            f"(SELECT unnest(s) AS line, generate_subscripts(s, 1) + {block.first - 1} AS n FROM"
            f" (SELECT list_slice(string_split(t, chr(10)), 1, {block.lines}) AS s FROM ld_block))"
        )
        try:
            db.execute(
                "CREATE OR REPLACE TEMP TABLE ld_lines AS " + query.replace("{lines}", lines)
            )
        finally:
            if isinstance(db, DuckDatabase):
                db.unregister("ld_block")
            else:
                db.execute("DROP TABLE ld_block")

    def _jsonl_block(self, block: Block, source: str, count: SourceCount) -> None:
        db = self.db
        names = self.names
        # Each line (its first one's byte-order mark dropped, unless too long anyway), and
        # its form in the strict subset of JSON: 3 a flat object of the core fields only, in
        # order; 1 of the core fields and facts, in the contract's order; 2 any flat object;
        # 0 anything else (Python reads it).
        overlong = f"strlen(line) > {MAX_LINE}"
        line = (
            f"CASE WHEN n = 1 AND NOT {overlong} AND starts_with(line, chr(65279)) THEN"
            " substr(line, 2) ELSE line END"
        )
        tier = (
            f"CASE WHEN overlong THEN 0"
            f" WHEN regexp_full_match(line, {lit(self.check.core_line())}) THEN 3"
            f" WHEN regexp_full_match(line, {lit(json_object(names, True))}) THEN 1"
            f" WHEN regexp_full_match(line, {lit(json_object(names, False))}) THEN 2 ELSE 0 END"
        )
        self._lines(
            block,
            f"SELECT n, line, size, overlong, NOT overlong AND regexp_full_match(line,"
            f" {lit(_BLANK_BYTES)}) AS blank, {tier} AS tier FROM (SELECT n, {line} AS line,"
            f" strlen(line) AS size, {overlong} AS overlong FROM {{lines}})",
        )
        base = self.loaded.read
        rows, records = self._number(base)
        # The lines of the core fields only, in the form the checker takes (core_line).
        paths = "[" + ", ".join(lit(f"$.{n}") for n in names[:3]) + "]"
        core = ", ".join(f"c[{i + 1}] AS v_{i}" for i in range(3))
        added = self._insert(
            self.check.core_sql(
                f"(SELECT n, seq, {core} FROM (SELECT n, seq, json_extract_string(line, {paths})"
                f" AS c FROM {rows} WHERE tier = 3))"
            )
        )
        # The others in the subset: each field's JSON text, checked event by event.
        self._jsonl_more(rows)
        fields = "{" + ", ".join(f'{json.dumps(n)}: "JSON"' for n in names) + "}"
        texts = ", ".join(f"CAST(j.{_q(name)} AS VARCHAR) AS j_{i}" for i, name in enumerate(names))
        parsed = (
            f"(SELECT n, seq, plain, extra, {texts} FROM (SELECT r.n, r.seq, CASE WHEN r.tier = 1"
            " THEN TRUE ELSE COALESCE(m.single, TRUE) END AS plain, CASE WHEN r.tier = 1 THEN ''"
            f" ELSE m.extra END AS extra, json_transform(r.line, {lit(fields)}) AS j FROM {rows} r"
            " LEFT JOIN ld_more m ON m.n = r.n WHERE r.tier IN (1, 2)))"
        )
        keep = (
            "r.* EXCLUDE (j_0, j_1, j_2), CASE WHEN starts_with(r.j_1, '\"') THEN"
            " replace(r.j_1, '\"', '') END AS ev"
        )
        added += self._checked(parsed, keep, _json_tv, _json_absent)
        if added < records:
            ended = block.ended
            last = block.first + block.lines - 1
            for n, seq, too_long, text, size in self._unclean(
                rows, "r.overlong, CASE WHEN r.overlong THEN NULL ELSE r.line END, r.size", base
            ):
                newline = ended or n != last
                if too_long:
                    raw: Any = _marker(b"", size, size + newline)
                else:
                    raw = text.encode("utf-8") + (b"\n" if newline else b"")
                _, _, record = parse_line(raw, source, n)
                self.take_at(count, source, n, seq, record)
        self.loaded.read = base + records
        count.read += records
        self.flush()
        for table in ("ld_lines", "ld_rows", "ld_more", "ld_fact"):
            db.execute(f"DROP TABLE IF EXISTS {table}")

    def _number(self, base: int) -> tuple[str, int]:
        """The records of ``ld_lines`` (its lines that are not blank), each with its place
        in reading order after ``base`` as ``seq``: a relation, and how many."""
        ((blanks, low, lines),) = self.db.fetchall(
            "SELECT count(*) FILTER (WHERE blank), min(n), count(*) FROM ld_lines"
        )
        if blanks:
            self.db.execute(
                "CREATE OR REPLACE TEMP TABLE ld_rows AS SELECT *, ROW_NUMBER() OVER (ORDER BY n)"
                f" + {base} AS seq FROM ld_lines WHERE NOT blank"
            )
            rows = "ld_rows"
        else:
            rows = f"(SELECT *, n + {base - int(low or 0) + 1} AS seq FROM ld_lines)"
        return rows, int(lines) - int(blanks)

    def _unclean(self, rows: str, columns: str, base: int) -> list[tuple[Any, ...]]:
        """``n, seq`` and ``columns`` of each row of ``rows`` (alias ``r``) that did not go
        into ``ev``, in reading order."""
        return self.db.fetchall(
            f"SELECT r.n, r.seq, {columns} FROM {rows} r ANTI JOIN (SELECT seq FROM ev WHERE"
            f" seq > {base}) e ON e.seq = r.seq ORDER BY r.n"
        )

    def _jsonl_more(self, rows: str) -> None:
        """``ld_more`` for the lines in the general form (tier 2)."""
        self._more(f"(SELECT n, line FROM {rows} WHERE tier = 2)", self.names, [])

    def _more(self, objects: str, ignored: Sequence[str], refused: Sequence[str]) -> None:
        """``ld_more``: for each flat JSON object of ``objects`` (``n``, ``line``), whether
        each key comes once, its other facts are plain (:data:`EXTRA_VALUE`) and none is
        ``refused``, and those other facts as ``ev`` keeps them (keys ``ignored`` are not
        other facts)."""
        skip = "[" + ", ".join(lit(n) for n in [*ignored, *refused]) + "]"
        value = "e.value::VARCHAR"
        other = f"NOT list_contains({skip}, e.key)"
        kept = (
            f"{other} AND {value} <> 'null' AND NOT (left({value}, 1) = '\"' AND"
            f" {blank_sql(f'substr({value}, 2, length({value}) - 2)')})"
        )
        bad = f"list_contains({lit_list(refused)}, e.key)" if refused else "FALSE"
        self.db.execute(
            "CREATE OR REPLACE TEMP TABLE ld_more AS SELECT n, single AND simple AS single,"
            " CASE WHEN NOT simple THEN NULL WHEN pairs IS NULL THEN '' ELSE '{' || pairs || '}'"
            " END AS extra FROM (SELECT r.n, count(*) = count(DISTINCT e.key) AS single,"
            f" bool_and(NOT {bad} AND (NOT ({other}) OR regexp_full_match({value},"
            f" {lit(EXTRA_VALUE)}))) AS simple, string_agg(CASE WHEN {kept} THEN '\"' || e.key"
            f" || '\": ' || {value} END, ', ' ORDER BY e.key) AS pairs FROM {objects} r,"
            " json_each(r.line) e GROUP BY r.n)"
        )

    def _checked(
        self,
        candidates: str,
        keep: str,
        tv: Callable[[int], tuple[str, str]],
        absent: Callable[[int], str],
    ) -> int:
        """The candidate rows (see :mod:`.check`) checked into ``ld_fact``, and those the
        check vouches for into ``ev``, event by event: how many."""
        self.db.execute(
            "CREATE OR REPLACE TEMP TABLE ld_fact AS " + self.check.prepared(candidates, tv, keep)
        )
        present = [str(e) for (e,) in self.db.fetchall("SELECT DISTINCT ev FROM ld_fact")]
        return self._insert(self.check.branches("ld_fact", tv, absent, present))

    def _insert(self, rows: str) -> int:
        """The ``ev`` rows of a query into ``ev``; how many."""
        # Pushed down, a filter on the checks would compute them twice (in the filter,
        # then for the columns): it is kept where it is, for this statement.
        db = self.db
        ((before,),) = db.fetchall("SELECT current_setting('disabled_optimizers')")
        db.execute(
            "SET disabled_optimizers = " + lit(",".join(filter(None, [before, "filter_pushdown"])))
        )
        try:
            ((added,),) = db.fetchall(f"INSERT INTO ev SELECT {self.ev_columns} FROM ({rows})")
        finally:
            db.execute(f"SET disabled_optimizers = {lit(before)}")
        self.loaded.events += int(added)
        return int(added)

    # -- CSV

    def _csv(self, stream: IO[bytes], source: str, count: SourceCount) -> None:
        csv: _CsvFile | None = None
        for block in _blocks(stream, source):
            if isinstance(block, LongLine):
                raise _Fallback("a line longer than a block")
            if b"\r" in block.data and block.data.count(b"\r") != block.data.count(b"\r\n"):
                raise _Fallback("a carriage return alone ends a line there")
            if csv is None:
                csv = self._csv_header(block)
                if csv is None:
                    continue  # blank lines only, so far
            self._csv_block(block, csv, source, count)

    def _csv_header(self, block: Block) -> _CsvFile | None:
        """The header row, as the reader finds it in the file's first block: the first line
        that is not blank (None: there is none in this block)."""
        data = bytes(block.data)
        bom = "\ufeff"
        text = _decoded(data)
        if text.startswith(bom):
            if self.encoding is not None and self.encoding.lower().replace("_", "-") != "utf-8-sig":
                raise _Fallback("a byte-order mark read as a character")
            text = text[1:]
        number = block.first
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                raise _Fallback("no header row in the first block")  # rare: let Python say
            if line.strip():
                break
            number += 1
        else:
            raise _Fallback("no header row in the first block")
        if len(line) > MAX_FIELD or line.count('"') % 2:
            raise _Fallback("an odd header row")
        delimiter = sniff_delimiter(line)
        _, row = next(csv_records([line], delimiter))
        if isinstance(row, Msg) or not any(cell.strip() for cell in row):
            raise _Fallback("a header row the reader refuses or skips")
        header = [h.strip() for h in row]
        if len(set(header)) != len(header):
            raise _Fallback("a name twice in the header")
        return _CsvFile(header, delimiter, number, len(line) != len(line.lstrip(bom)))

    def _csv_block(self, block: Block, csv: _CsvFile, source: str, count: SourceCount) -> None:
        db = self.db
        d = lit(csv.delimiter)
        text = "rtrim(line, chr(13))"
        blank = blank_sql(f"replace({text}, {d}, '')")  # every cell blank: no record
        self._lines(
            block,
            f"SELECT n, line, quoted, NOT quoted AND {blank} AS blank, length(line) >"
            f" {MAX_FIELD - 2} AS long, quoted AND (strlen(line) - strlen(replace(line, '\"',"
            f" ''))) % 2 = 1 AS odd FROM (SELECT n, line, contains(line, '\"') AS quoted FROM"
            f" {{lines}} WHERE n > {csv.header_line})",
        )
        ((odd, long),) = db.fetchall("SELECT bool_or(odd), bool_or(long) FROM ld_lines")
        if odd or long:
            raise _Fallback("a record over several lines, or a field that long")
        # Quoted lines: the reader's own parse (a blank one is no record).
        ended, last = block.ended, block.first + block.lines - 1
        parsed: dict[int, Any] = {}
        for n, line in db.fetchall("SELECT n, line FROM ld_lines WHERE quoted ORDER BY n"):
            parsed[n] = self._csv_record(
                csv, source, n, line + ("\n" if ended or n != last else "")
            )
        blanks = [n for n, record in parsed.items() if record is None]
        if blanks:
            db.execute(
                "UPDATE ld_lines SET blank = TRUE WHERE n IN (" + ", ".join(map(str, blanks)) + ")"
            )
        base = self.loaded.read
        rows, records = self._number(base)
        # The candidates: the cells of the lines without quotes, by the header's names.
        width = len(csv.header)
        cells = f"string_split({text}, {d})"
        select = ["n", "seq", f"len(c) <= {width} AS plain"]
        pieces = []
        for j, name in sorted(enumerate(csv.header), key=lambda p: p[1]):
            cell = f"c[{j + 1}]"
            kept = f"({cell} IS NOT NULL AND NOT {blank_sql(cell)})"
            if name in self.names:
                i = self.names.index(name)
                select += [f"CASE WHEN {kept} THEN 's' END AS t_{i}", f"{cell} AS v_{i}"]
            else:
                key = json.dumps(name, ensure_ascii=False) + ': "'
                pieces.append((kept, cell, key))
        for i in range(len(self.names)):
            if self.names[i] not in csv.header:
                select += [f"CAST(NULL AS VARCHAR) AS t_{i}", f"CAST(NULL AS VARCHAR) AS v_{i}"]
        select.append(f"{_csv_extra(pieces)} AS extra")
        source_rows = (
            f"(SELECT {', '.join(select)} FROM (SELECT n, seq, {cells} AS c FROM {rows}"
            " WHERE NOT quoted))"
        )
        added = self._checked(source_rows, _COLUMN_KEEP, _column_tv, _column_absent)
        if added < records:
            for n, seq, quoted, line in self._unclean(rows, "r.quoted, r.line", base):
                record = (
                    parsed[n]
                    if quoted
                    else self._csv_record(
                        csv, source, n, line + ("\n" if ended or n != last else "")
                    )
                )
                self.take_at(count, source, n, seq, record)
        self.loaded.read = base + records
        count.read += records
        self.flush()
        for table in ("ld_lines", "ld_rows", "ld_fact"):
            db.execute(f"DROP TABLE IF EXISTS {table}")

    # -- Parquet

    def _parquet(self, file: str, source: str, count: SourceCount) -> None:
        import pyarrow.parquet as pq

        db = self.db
        try:
            schema = pq.read_schema(file)
            rows = pq.ParquetFile(file).metadata.num_rows
        except Exception as exc:
            raise _Fallback(f"pyarrow: {exc}") from None  # the reader says what is wrong
        base = self.loaded.read
        names = set(self.names)
        select = [
            "file_row_number + 1 AS n",
            f"file_row_number + {base + 1} AS seq",
        ]
        others = []
        for column in schema:
            q = _q(column.name)
            if column.name in names:
                i = self.names.index(column.name)
                t, v = _arrow_tv(column.type, q)
                select += [f"{t} AS t_{i}", f"{v} AS v_{i}"]
            elif column.name != OTHER or not _is_text(column.type):
                others.append(f"{q} IS NULL")
        for i, name in enumerate(self.names):
            if name not in schema.names:
                select += [f"CAST(NULL AS VARCHAR) AS t_{i}", f"CAST(NULL AS VARCHAR) AS v_{i}"]
        relation = f"read_parquet({lit(file)}, file_row_number = true)"
        if OTHER in schema.names and _is_text(schema.field(OTHER).type):
            self._facts_more(relation, set(schema.names))
            select.append(
                f"{' AND '.join(['TRUE', *others])} AND COALESCE(m.single, {_q(OTHER)} IS NULL)"
                " AS plain"
            )
            select.append(f"CASE WHEN {_q(OTHER)} IS NULL THEN '' ELSE m.extra END AS extra")
            source_rows = (
                f"(SELECT {', '.join(select)} FROM {relation} p LEFT JOIN ld_more m"
                " ON m.n = p.file_row_number + 1)"
            )
        else:
            select += [f"{' AND '.join(['TRUE', *others])} AS plain", "'' AS extra"]
            source_rows = f"(SELECT {', '.join(select)} FROM {relation})"
        added = self._checked(source_rows, _COLUMN_KEEP, _column_tv, _column_absent)
        if added < rows:
            unclean = self._unclean("ld_fact", "NULL", base)
            wanted = [int(n) for n, _, _ in unclean]
            seqs = {int(n): int(seq) for n, seq, _ in unclean}
            for n, row in rows_of(file, wanted):
                self.take_at(count, source, n, seqs[n], parquet_record(row, source, n))
        self.loaded.read = base + rows
        count.read += rows
        self.flush()
        for table in ("ld_fact", "ld_more"):
            db.execute(f"DROP TABLE IF EXISTS {table}")

    def _facts_more(self, relation: str, columns: set[str]) -> None:
        """``ld_more``: for the rows whose ``facts`` are in the strict subset of JSON,
        whether each key comes once, every other fact is plain and none names a field no
        column holds, and the other facts as ``ev`` keeps them."""
        unnamed = sorted(set(self.names) - columns)
        ignored = sorted(columns)
        self._more(
            f"(SELECT file_row_number + 1 AS n, {_q(OTHER)} AS line FROM {relation} WHERE"
            f" {_q(OTHER)} IS NOT NULL AND regexp_full_match({_q(OTHER)},"
            f" {lit(json_object(self.names, False))}))",
            ignored,
            unnamed,
        )

    def _csv_record(self, csv: _CsvFile, source: str, number: int, line: str) -> Any:
        """The record of one line as the CSV reader reads it (None: blank, no record)."""
        _, row = next(csv_records([line], csv.delimiter))
        return record_of(csv.header, row, source, number)


@dataclass
class _CsvFile:
    header: list[str]
    delimiter: str
    header_line: int
    bom: bool


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Fallback("not UTF-8") from None


def _csv_extra(pieces: list[tuple[str, str, str]]) -> str:
    """The other facts of a CSV row as ``ev`` keeps them (json.dumps, keys sorted): NULL
    when a cell needs an escape there (Python says then)."""
    if not pieces:
        return "''"
    parts = [
        f"CASE WHEN {kept} THEN {lit(key)} || {cell} || '\"' END" for kept, cell, key in pieces
    ]
    escaped = lit(r"[\\\x00-\x1f]")  # what json.dumps escapes, but for the quote
    plain = " AND ".join(
        f"({cell} IS NULL OR NOT regexp_matches({cell}, {escaped}))" for _, cell, _ in pieces
    )
    joined = f"concat_ws(', ', {', '.join(parts)})"
    return f"CASE WHEN NOT ({plain}) THEN NULL WHEN {joined} = '' THEN '' ELSE '{{' || {joined} || '}}' END"


def lit_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _arrow_tv(kind: Any, q: str) -> tuple[str, str]:
    """Tag and text of a Parquet column of Arrow type ``kind`` (see .check): what the
    reader's record holds there, a string, a number, an instant or a list of strings."""
    import pyarrow as pa

    t = pa.types
    null = f"CASE WHEN {q} IS NULL THEN NULL ELSE"
    if _is_text(kind):
        return f"{null} 's' END", q
    if t.is_integer(kind) or t.is_float32(kind) or t.is_float64(kind):
        # Python widens a float to a double, as DuckDB does; a double's text reads back
        # as the same double.
        return f"{null} 'n' END", f"CAST(CAST({q} AS DOUBLE) AS VARCHAR)"
    if t.is_timestamp(kind) and kind.tz is not None and kind.unit in ("s", "ms", "us"):
        return f"{null} 't' END", f"CAST(epoch_us({q}) AS VARCHAR)"
    if (t.is_list(kind) or t.is_large_list(kind)) and _is_text(kind.value_type):
        return (
            f"{null} CASE WHEN list_count({q}) = len({q}) THEN 'a' ELSE 'o' END END",
            f"array_to_string({q}, ';')",
        )
    return f"{null} 'o' END", "CAST(NULL AS VARCHAR)"


# What a candidate row of typed columns keeps beside its checks: its event's name (CSV
# and Parquet cells are text or typed values, so a name is a string tagged 's').
_COLUMN_KEEP = "r.* EXCLUDE (t_0, v_0, t_2, v_2), CASE WHEN r.t_1 = 's' THEN r.v_1 END AS ev"


def _column_tv(i: int) -> tuple[str, str]:
    return f"r.t_{i}", f"r.v_{i}"


def _column_absent(i: int) -> str:
    return f"r.t_{i} IS NULL"


def _json_tv(i: int) -> tuple[str, str]:
    """The tag and text of field ``i`` from its JSON text ``j_<i>`` (a flat object's
    value in the strict subset: a string has no escapes, so its text is what lies between
    its quotes)."""
    x = f"r.j_{i}"
    tag = (
        f"CASE WHEN {x} IS NULL THEN NULL ELSE CASE left({x}, 1) WHEN '\"' THEN 's' WHEN '['"
        f" THEN 'a' WHEN 't' THEN 'o' WHEN 'f' THEN 'o' WHEN 'n' THEN NULL WHEN '{{' THEN 'o'"
        " ELSE 'n' END END"
    )
    text = (
        f"CASE left({x}, 1) WHEN '\"' THEN replace({x}, '\"', '') WHEN '[' THEN"
        f" array_to_string(from_json({x}, '[\"VARCHAR\"]'), ';') ELSE {x} END"
    )
    return tag, text


def _json_absent(i: int) -> str:
    return f"r.j_{i} IS NULL"  # a null is blank: absent as well


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Block:
    data: Any  # bytes-like: whole lines (the last may lack its newline at the end of the file)
    first: int  # the number of its first line
    lines: int  # how many
    ended: bool  # whether the last ends with a newline


def _open(path: str) -> IO[bytes]:
    try:
        return open(path, "rb")
    except OSError as exc:
        from ..readers.lines import open_log_error

        raise open_log_error(path, exc) from None


def _blocks(stream: IO[bytes], source: str, size: int = 0) -> Iterator[Block | LongLine]:
    """The file in blocks of whole lines (``size`` bytes, default :data:`BLOCK`); a line
    too long to hold, skipped to its end."""
    size = size or BLOCK
    number = 1
    carry = b""
    try:
        while True:
            buffer = bytearray(len(carry) + size)
            buffer[: len(carry)] = carry
            got = stream.readinto(memoryview(buffer)[len(carry) :])  # type: ignore[attr-defined]
            end = len(carry) + got
            if not got:
                if carry:
                    yield Block(carry, number, carry.count(b"\n") + 1, False)
                return
            view = memoryview(buffer)[:end]
            cut = buffer.rfind(b"\n", 0, end) + 1
            if not cut:
                if end <= MAX_LINE:
                    carry = bytes(view)
                    continue
                long = _skip_line(stream, number, end)
                yield long
                number += 1
                carry = long.rest
                continue
            lines = buffer.count(b"\n", 0, cut)
            carry = bytes(view[cut:])
            yield Block(view[:cut], number, lines, True)
            number += lines
    except OSError as exc:
        raise LogError("file.unreadable", source=source, why=str(exc)) from None


@dataclass
class LongLine:
    """A line longer than a block (and than MAX_LINE): its number, the reader's marker for
    it, and what was read after its end."""

    number: int
    marker: Any  # an OverlongBytes
    rest: bytes


def _skip_line(stream: IO[bytes], number: int, consumed: int) -> LongLine:
    """Line ``number``, of which ``consumed`` bytes (no newline) are read, read to its end."""
    while True:
        more = stream.read(1 << 16)
        if not more:
            return LongLine(number, _marker(b"", consumed, consumed), b"")
        end = more.find(b"\n")
        if end >= 0:
            marker = _marker(b"", consumed + end, consumed + end + 1)
            return LongLine(number, marker, more[end + 1 :])
        consumed += len(more)


def _utf8_array(data: Any) -> Any:
    """``data`` as a one-element Arrow string array, without a copy; None if not UTF-8."""
    import pyarrow as pa

    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
    array = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return None
    return array


__all__ = ["BLOCK", "Loaded", "SourceCount", "load_logs"]
