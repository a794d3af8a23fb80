"""The vectorised loader against the Python path: the same events table, the same rejections.

``slarules.columnar.load.load_logs`` reads logs with DuckDB and hands every row it
cannot vouch for to the Python reader and checker. The law: on random logs
(clean records, every kind of fact, aliases, naive/offset/Z times, blank values,
unknown fields, duplicates, broken and blank lines, wrong types, times and numbers
out of range, non-ASCII keys and values), written as JSON Lines, CSV and Parquet,
its ``ev`` table (every column, in reading order) and its rejections (source,
line, reason, in order) are those of the Python readers + RecordChecker +
``ColumnarAudit.load_events``, and read = events + rejected.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slarules
from slarules.columnar import load as loading
from slarules.columnar.check import WHITESPACE, name_rows
from slarules.columnar.load import load_logs
from slarules.columnar.run import ColumnarAudit
from slarules.engine import checked_records
from slarules.events import Rejection
from slarules.readers import LogError, read_logs
from slarules.wording import Words

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = slarules.load()
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 12, 31, tzinfo=TZ)
COLUMNS = ", ".join(name for name, _ in ColumnarAudit(CONTRACT, AS_OF).columns)

# One database each for the two paths, reused (each load makes its `ev` table anew).
PYTHON = ColumnarAudit(CONTRACT, AS_OF, threads=1)
VECTOR = ColumnarAudit(CONTRACT, AS_OF, threads=1)


def python_path(paths: list[str]) -> tuple[list[tuple[Any, ...]], list[Rejection], int]:
    events, rejected, read = [], [], 0
    for _, _, checked in checked_records(CONTRACT, read_logs(paths)):
        read += 1
        (rejected if isinstance(checked, Rejection) else events).append(checked)
    PYTHON.load_events(events)
    return PYTHON.database.fetchall(f"SELECT {COLUMNS} FROM ev ORDER BY seq"), rejected, read


def assert_same(paths: list[str]) -> loading.Loaded:
    rows, rejected, read = python_path(paths)
    loaded = load_logs(VECTOR, paths, None)
    mine = VECTOR.database.fetchall(f"SELECT {COLUMNS} FROM ev ORDER BY seq")
    assert mine == rows
    assert [(r.source, r.line, str(r)) for r in loaded.rejected] == [
        (r.source, r.line, str(r)) for r in rejected
    ]
    assert loaded.read == read == loaded.events + len(loaded.rejected)
    assert loaded.events == len(rows)
    return loaded


# -- random logs

names = [e for e in CONTRACT.events]
times = st.sampled_from(
    [
        "2026-10-09T14:05",
        "2026-10-09 14:05:07",
        "2026-10-09T14:05:07.123",
        "2026-10-09T14:05:07.123456",
        "2026-10-09T14:05:07.5",
        "2026-10-09T14:05+08:00",
        "2026-10-09T06:05:00Z",
        "2026-10-09T06:05:00z",
        "2026-10-09T14:05:00-05:30",
        "2026-02-29T10:00",
        "2024-02-29T10:00+08:00",
        "2026-10-32T10:00",
        "2026-10-09T24:00",
        "0999-12-31T23:59+08:00",
        "1000-01-01T00:00+08:00",
        "8999-12-31T23:59",
        "9000-01-01T00:00",
        "1991-07-01T12:00",  # naive in a year of the zone's summer time
        "1991-07-01T12:00+08:00",
        " 2026-10-09T14:05 ",
        "20261009T1405",
        "2026-10-09T14:05+0800",
        "",
        "  ",
    ]
)
text = st.text(
    alphabet=st.sampled_from(
        list("aZ09 _-;.:,/\\\"'{}[]\n\t\x00\x7f") + list("事故沈阳é€\u3000\u2028")
    ),
    max_size=6,
)
values: dict[str, Any] = {
    "severity": st.sampled_from(
        [
            "critical",
            "Critical",
            "CRITICAL",
            " critical",
            "特大",
            "严重",
            "重大",
            "一般",
            "nope",
            "",
            3,
        ]
    ),
    "site": st.sampled_from(
        ["沈阳", "沈阳市", "dalian", "Dalian", "DALIAN", " 锦州", "nowhere", 7]
    ),
    "number": st.one_of(
        st.sampled_from(
            [0, -1, 12, 12.5, -0.0, 1e300, 100, 101, "12.5", " 3 ", "1e3", "nan", "-0"]
        ),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(2**60), 2**60),
        st.booleans(),
    ),
    "integer": st.sampled_from([0, 3, 2.0, 2.5, "4", "4.0", -7, 2**53 + 1, True]),
    "level": st.sampled_from([1, 2, 3, 4, 5, 0, 2.0, "2", "2.0", " 2", True]),
    "sections": st.one_of(
        st.lists(st.sampled_from(["times", "impact", "a;b", "", " cause "]), max_size=3),
        st.sampled_from(["times; impact", "cause;;solution", " ; ", "", ["times", 3]]),
    ),
    "string": st.one_of(st.sampled_from(["SW-1", "core-router", " ", "", 5]), text),
    "time": times,
    "period": st.sampled_from(
        ["2026-10", "2026-Q3", "2026-13", "2026-10\n", "２０２６-10", 202610]
    ),
}
other_keys = st.sampled_from(["note", "备注", "a.b", "$x", "zz", "Case", ""])
other_values = st.one_of(
    text,
    st.integers(-1000, 10**16),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
    st.sampled_from([[1, "a"], {"k": "v"}, "  ", "  x"]),
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from([*names, *names, "respnded", "", 5]))
    record: dict[str, Any] = {
        "case": draw(st.sampled_from(["INC-1", "INC-2", "事故-3", " ", "", 4])),
        "event": name,
        "at": draw(times),
    }
    for key in ("case", "event", "at"):
        if draw(st.integers(0, 30)) == 0:
            del record[key]
    et = CONTRACT.events.get(name) if isinstance(name, str) else None
    facts = list(et.fields.values()) if et else []
    for spec in facts:
        if draw(st.integers(0, 4)):
            record[spec.name] = draw(values.get(spec.type, text))
    if draw(st.integers(0, 5)) == 0:  # a fact another event declares
        fact, kind = draw(st.sampled_from(CONTRACT.fact_fields))
        record[fact] = draw(values.get(kind, text))
    for _ in range(draw(st.integers(0, 2))):
        record[draw(other_keys)] = draw(other_values)
    if draw(st.booleans()):  # the keys in another order
        keys = draw(st.permutations(list(record)))
        record = {k: record[k] for k in keys}
    return record


def clean() -> st.SearchStrategy[dict[str, Any]]:
    """A record the vectorised pass takes as it is (most of a real log)."""
    return st.builds(
        lambda case, name, at: {"case": case, "event": name, "at": at},
        st.sampled_from(["INC-1", "INC-2", "事故-3"]),
        st.sampled_from([n for n, e in CONTRACT.events.items() if not e.required]),
        st.sampled_from(["2026-10-09T14:05:00+08:00", "2026-10-09 14:05", "2026-10-09T06:05Z"]),
    )


BROKEN = [
    "",
    "   ",
    "\t",
    "{not json",
    "[1, 2]",
    '"text"',
    "42",
    "null",
    '{"case": "A", "case": "B", "event": "responded", "at": "2026-10-09T14:05"}',
    '{"case": "A", "event": "responded", "at": "2026-10-09T14:05",}',
    '{"case": "A", "event": "call", "at": "2026-10-09T14:05", "wait_seconds": NaN}',
    '{"case": "A", "event": "call", "at": "2026-10-09T14:05", "wait_seconds": 1e999}',
    '{"case": "A", "event": "responded", "at": "2026-10-09T14:05", "note": "a\\u00e9\\n"}',
    '{"case":"A","event":"responded","at":"2026-10-09T14:05"}',
    '  { "case" : "A" , "event" : "responded" , "at" : "2026-10-09T14:05" }  ',
    '{"case": "A", "event": "responded", "at": "2026-10-09T14:05"}\r',
]


@st.composite
def logs(draw: st.DrawFn) -> list[dict[str, Any] | str]:
    items: list[dict[str, Any] | str] = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.integers(0, 9))
        if kind < 4:
            items.append(draw(clean()))
        elif kind < 8:
            items.append(draw(records()))
        elif kind == 8 and items:
            items.append(draw(st.sampled_from(items)))  # a duplicate
        else:
            items.append(draw(st.sampled_from(BROKEN)))
    return items


def jsonl(items: list[dict[str, Any] | str], ascii_: bool, compact: bool) -> str:
    lines = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        else:
            separators = (",", ":") if compact else (", ", ": ")
            lines.append(json.dumps(item, ensure_ascii=ascii_, separators=separators))
    return "\n".join(lines) + "\n"


def csv_text(items: list[dict[str, Any] | str], delimiter: str) -> str:
    header: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):
            header.update(dict.fromkeys(str(k) for k in item))
    if not header:
        header = {"case": None, "event": None, "at": None}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for item in items:
        if isinstance(item, str):
            out.write(item.replace("\n", " ") + "\n")
            continue
        row = []
        for key in header:
            value = item.get(key)
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            row.append("" if value is None else str(value).replace("\n", " ").replace("\r", " "))
        writer.writerow(row)
    return out.getvalue()


def parquet_file(items: list[dict[str, Any] | str], path: Path) -> None:
    """Records as a foreign Parquet table: a text column per field, the rest as ``facts``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = ["case", "event", "at", *(name for name, _ in CONTRACT.fact_fields)]
    columns: dict[str, list[Any]] = {name: [] for name in [*fields, "facts"]}
    for item in items:
        record = item if isinstance(item, dict) else {"case": item}
        for name in fields:
            value = record.get(name)
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            columns[name].append(None if value is None else str(value))
        others = {k: v for k, v in record.items() if k not in fields}
        columns["facts"].append(json.dumps(others, ensure_ascii=False) if others else None)
    pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()}), path)


def with_bom(text_: str) -> bytes:
    return b"\xef\xbb\xbf" + text_.encode("utf-8")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(logs(), st.booleans(), st.booleans(), st.sampled_from([",", ";", "\t"]), st.booleans())
def test_the_vectorised_load_is_the_python_path(
    tmp_path: Path,
    items: list[dict[str, Any] | str],
    ascii_: bool,
    compact: bool,
    delimiter: str,
    bom: bool,
) -> None:
    """JSON Lines, CSV and Parquet, each alone and all in one load (reading order runs on
    across files)."""
    log = tmp_path / "log.jsonl"
    data = jsonl(items, ascii_, compact)
    log.write_bytes(with_bom(data) if bom else data.encode("utf-8"))
    table = tmp_path / "log.csv"
    table.write_bytes(
        with_bom(csv_text(items, delimiter)) if bom else csv_text(items, delimiter).encode()
    )
    parquet = tmp_path / "log.parquet"
    parquet_file(items, parquet)
    for paths in ([log], [table], [parquet], [log, table, parquet, log]):
        assert_same([str(p) for p in paths])


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(clean(), min_size=1, max_size=30), st.integers(1, 5))
def test_blocks_cut_anywhere_number_lines_and_records_alike(
    tmp_path: Path, items: list[dict[str, Any]], blanks: int
) -> None:
    """Small blocks: lines cut at every block's end, blank lines and a last line without
    its newline, numbered as the reader numbers them."""
    log = tmp_path / "log.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in items]
    for i in range(0, len(lines), 3):
        lines[i] += "\n" * blanks
    log.write_text("\n".join(lines), "utf-8")  # no newline at the end
    old = loading.BLOCK
    loading.BLOCK = 97
    try:
        assert_same([str(log)])
    finally:
        loading.BLOCK = old


# -- examples


@pytest.mark.parametrize(
    "names_",
    [
        ["october-2026.jsonl"],
        ["october-2026.csv"],
        ["october-2026-with-errors.jsonl"],
        ["october-2026-with-errors.csv", "october-2026.jsonl"],
    ],
)
def test_the_example_month_loads_as_the_python_path_does(names_: list[str]) -> None:
    loaded = assert_same([str(ROOT / "examples" / n) for n in names_])
    assert all(s.columnar for s in loaded.sources)  # read by DuckDB, not the fallback


def test_a_rejected_line_says_file_line_and_reason(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        '{"case": "A", "event": "responded", "at": "2026-10-09T14:05"}\n\n'
        '{"case": "A", "event": "respnded", "at": "2026-10-09T14:06"}\n'
        '{"case": "A", "event": "reported", "at": "2026-10-09T14:07", "severity": "huge"}\n',
        "utf-8",
    )
    loaded = assert_same([str(log)])
    assert [Words("en").rejected(r) for r in loaded.rejected] == [
        f"{log}:3: unknown event 'respnded' (did you mean 'responded'?)",
        f"{log}:4: reported: unknown severity 'huge'"
        " (one of critical/特大, major/重大, serious/严重, minor/一般)",
    ]
    assert (loaded.read, loaded.events) == (3, 1)


def test_files_the_vectorised_pass_does_not_take_go_to_python_whole(tmp_path: Path) -> None:
    """gzip, another encoding, a CSV record over two lines: the Python reader reads them."""
    import gzip

    rows = '{"case": "A", "event": "responded", "at": "2026-10-09T14:05"}\n'
    packed = tmp_path / "log.jsonl.gz"
    packed.write_bytes(gzip.compress(rows.encode()))
    quoted = tmp_path / "log.csv"
    quoted.write_text('case,event,at,note\nA,responded,2026-10-09T14:05,"two\nlines"\n', "utf-8")
    loaded = assert_same([str(packed), str(quoted)])
    assert [s.columnar for s in loaded.sources] == [False, False]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("case,event,at,note\nA,responded,2026-10-09T14:05,沈阳\n".encode("gbk"))
    rows_, _rejected, read = python_path_enc([str(gbk)], "gbk")
    loaded = load_logs(VECTOR, [str(gbk)], "gbk")
    assert VECTOR.database.fetchall(f"SELECT {COLUMNS} FROM ev ORDER BY seq") == rows_
    assert (loaded.read, len(loaded.rejected), loaded.sources[0].columnar) == (read, 0, False)


def python_path_enc(
    paths: list[str], encoding: str
) -> tuple[list[tuple[Any, ...]], list[Rejection], int]:
    events, rejected, read = [], [], 0
    for _, _, checked in checked_records(CONTRACT, read_logs(paths, encoding)):
        read += 1
        (rejected if isinstance(checked, Rejection) else events).append(checked)
    PYTHON.load_events(events)
    return PYTHON.database.fetchall(f"SELECT {COLUMNS} FROM ev ORDER BY seq"), rejected, read


def test_a_log_that_is_not_utf8_is_the_readers_error(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_bytes(
        b'{"case": "A", "event": "responded", "at": "2026-10-09T14:05"}\n{"case": "\xff"}\n'
    )
    with pytest.raises(LogError) as mine:
        load_logs(VECTOR, [str(log)], None)
    with pytest.raises(LogError) as theirs:
        python_path([str(log)])
    assert str(mine.value) == str(theirs.value) and "file.undecodable" in str(mine.value)


def test_a_missing_log_is_the_readers_error(tmp_path: Path) -> None:
    with pytest.raises(LogError, match=r"file\.missing"):
        load_logs(VECTOR, [str(tmp_path / "nope.jsonl")], None)


def test_a_line_longer_than_the_limit_is_rejected_as_the_reader_does(tmp_path: Path) -> None:
    from slarules.readers.lines import MAX_LINE

    log = tmp_path / "log.jsonl"
    note = "x" * (MAX_LINE + 10)
    log.write_text(
        '{"case": "A", "event": "responded", "at": "2026-10-09T14:05"}\n'
        f'{{"case": "A", "event": "responded", "at": "2026-10-09T14:05", "note": "{note}"}}\n'
        '{"case": "B", "event": "responded", "at": "2026-10-09T14:05"}\n',
        "utf-8",
    )
    loaded = assert_same([str(log)])
    assert [r.line for r in loaded.rejected] == [2] and "line.too_long_bytes" in str(
        loaded.rejected[0]
    )
    old = loading.BLOCK
    loading.BLOCK = 4096  # the long line spans blocks: skipped to its end
    try:
        assert_same([str(log)])
    finally:
        loading.BLOCK = old


# -- the vocabulary's tables


def test_the_whitespace_list_is_pythons() -> None:
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == WHITESPACE


def test_every_spelling_in_the_names_table_is_the_contracts() -> None:
    rows = name_rows(CONTRACT)
    assert {("severity", "特大", "critical"), ("site", "沈阳市", "shenyang")} <= set(rows)
    for kind, spelling, id_ in rows:
        found = CONTRACT.level(spelling) if kind == "severity" else CONTRACT.site(spelling)
        assert found is not None and found.id == id_


# -- Parquet: import -o, audit


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slarules", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_an_import_to_parquet_audits_as_its_json_lines_do(tmp_path: Path) -> None:
    export = str(ROOT / "examples" / "servicenow-export.csv")
    jsonl_out, parquet_out, months = (
        tmp_path / "events.jsonl",
        tmp_path / "events.parquet",
        tmp_path / "months",
    )
    runs = [
        run_cli("import", "--mapping", "servicenow", export, "-o", str(jsonl_out)),
        run_cli("import", "--mapping", "servicenow", export, "-o", str(parquet_out)),
        run_cli("import", "--mapping", "servicenow", export, "-o", str(months), "--by-month"),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0]
    assert len({r.stderr for r in runs}) == 1  # the same counts and messages
    assert sorted(p.name for p in months.iterdir()) == ["month=2026-11"]
    audits = [
        run_cli("audit", str(p), "--as-of", "2026-12-01", "--format", "json")
        for p in (jsonl_out, parquet_out, months)
    ]
    assert {a.returncode for a in audits} == {1}
    docs = [json.loads(a.stdout) for a in audits]
    assert docs[0] == docs[1] == docs[2]
    assert docs[0]["records"]["read"] == 161
    for path in (parquet_out, months):
        loaded = assert_same([str(path)])
        assert loaded.sources[0].columnar and not loaded.rejected


def test_by_month_needs_a_directory() -> None:
    export = str(ROOT / "examples" / "servicenow-export.csv")
    result = run_cli("import", "--mapping", "servicenow", export, "--by-month")
    assert result.returncode == 2 and "--by-month" in result.stderr and "-o" in result.stderr
