"""Hostile input (issue 11): far-out times, broken quoting, huge lines, bombs, regexes.

Each test feeds the hostile input and asserts the exit status, the one-line
message and that the counts reconcile with the input's true size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import slarules
from slarules.cli import main
from slarules.wording import Words

ROOT = Path(__file__).resolve().parent.parent
REPORTED = {"case": "A", "event": "reported", "severity": "minor", "site": "沈阳"}


EN = ["--lang", "en"]  # these tests read the English messages
WORDS = Words("en")  # and the library's rejections in English


def counts(read: int, used: int, rejected: int) -> dict[str, int]:
    """SPEC.md's records object of a log with no duplicates and nothing after as-of."""
    return {"read": read, "used": used, "duplicates": 0, "after_as_of": 0, "rejected": rejected}


def audit_json(*args: str) -> tuple[int, dict[str, Any], str]:
    """Exit status, the JSON document and standard error of ``slarules audit --format json``."""
    result = CliRunner().invoke(
        main, ["audit", *args, "--format", "json", "--as-of", "2026-11-01", *EN]
    )
    doc = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, doc, result.stderr


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


# -- 2. times the calendar or arithmetic cannot hold


@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00+14:00", "9999-12-31T23:59:59+08:00", "0999-12-31T23:59", "9000-01-01"]
)
def test_a_far_out_record_time_rejects_its_record(tmp_path: Path, at: str) -> None:
    log = write_jsonl(
        tmp_path / "far.jsonl",
        [
            {**REPORTED, "at": at},
            {**REPORTED, "case": "B", "at": "2026-10-01T08:00"},
            {"case": "B", "event": "responded", "at": at},
        ],
    )
    status, doc, stderr = audit_json(str(log))
    assert status == 3
    assert doc["records"] == counts(3, 1, 2)
    expected = f"time {at!r} is outside the supported range (years 1000 to 8999)"
    assert f"rejected: {log}:1: {expected}" in stderr.splitlines()
    assert f"rejected: {log}:3: {expected}" in stderr.splitlines()
    assert "Traceback" not in stderr


def test_a_far_out_time_fact_rejects_its_record(tmp_path: Path) -> None:
    log = write_jsonl(
        tmp_path / "facts.jsonl",
        [
            {"case": "N", "event": "inspection_notified", "at": "2026-10-01T08:00"},
            {
                "case": "N",
                "event": "inspection_notified",
                "at": "2026-10-01T08:00",
                "planned_for": "9999-12-31T23:59:59+08:00",
            },
            {
                "case": "T",
                "event": "tech_exchange",
                "at": "2026-10-01T08:00",
                "until": "0001-01-01T00:00+14:00",
            },
        ],
    )
    status, doc, _ = audit_json(str(log))
    assert status == 3
    assert doc["records"] == counts(3, 0, 3)
    reasons = [r["reason"] for r in doc["rejected"]]
    assert "missing field 'planned_for'" in reasons[0]
    assert reasons[1] == (
        "inspection_notified: time '9999-12-31T23:59:59+08:00' is outside the supported "
        "range (years 1000 to 8999)"
    )
    assert reasons[2].startswith("tech_exchange: time '0001-01-01T00:00+14:00' is outside")


def test_the_edges_of_the_range_audit_without_error(rules_copy: Path) -> None:
    """Every event at the first and last instants, any offset, as of either edge."""
    calendar = rules_copy / "calendar.yaml"
    calendar.write_text(
        calendar.read_text("utf-8").replace("fallback: error", "fallback: weekdays"), "utf-8"
    )
    contract = slarules.load(rules_copy)
    values = {"severity": "critical", "site": "大连", "level": 2, "number": 1, "integer": 1}
    values.update(string="x", period="2026-10", sections="times;engineers;impact")
    for at in ("1000-01-01T00:00+14:00", "8999-12-31T23:59:59.999999-14:00"):
        records = []
        for name, event in contract.events.items():
            record: dict[str, Any] = {"case": "X", "event": name, "at": at}
            for spec in event.fields.values():
                record[spec.name] = at if spec.type == "time" else values[spec.type]
            records.append(record)
        for as_of in ("1000-01-01T00:00-14:00", "8999-12-31T23:59:59+14:00"):
            report = contract.audit(records, as_of=slarules.events.parse_time(as_of, contract.tz))
            # A record after the as-of time is not used: it has not happened yet.
            assert report.read == report.used + report.after_as_of == len(records)
            assert report.results or not report.used


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["due", "--start", "9999-12-31 20:00"],
            "--start: time '9999-12-31 20:00' is outside the supported range (years 1000 to 8999)",
        ),
        (
            ["due", "--start", "0001-01-01T00:00+14:00"],
            "--start: time '0001-01-01T00:00+14:00' is outside the supported range",
        ),
        (
            ["audit", "examples/october-2026.jsonl", "--from", "0001-01", "--to", "9999-12"],
            "--from: time '0001-01' is outside the supported range (years 1000 to 8999)",
        ),
        (
            ["audit", "examples/october-2026.jsonl", "--to", "9999-12"],
            "--to: time '9999-12' is outside the supported range (years 1000 to 8999)",
        ),
        (
            ["audit", "examples/october-2026.jsonl", "--from", "0000-01"],
            "--from: time '0000-01' is outside the supported range (years 1000 to 8999)",
        ),
        (
            ["audit", "examples/october-2026.jsonl", "--to", "9999-12-31"],
            "--to: time '9999-12-31' is outside the supported range (years 1000 to 8999)",
        ),
        (
            ["report", "--month", "9999-12", "examples/october-2026.jsonl"],
            "--month: time '9999-12' is outside the supported range (years 1000 to 8999)",
        ),
        (
            ["audit", "examples/october-2026.jsonl", "--as-of", "9999-12-31T23:00-08:00"],
            "--as-of: time '9999-12-31T23:00-08:00' is outside the supported range",
        ),
    ],
)
def test_a_far_out_time_at_the_command_line_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, [*args, *EN])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"slarules: error: {message}")


def test_a_far_out_export_time_rejects_its_row(tmp_path: Path, contract: slarules.Contract) -> None:
    from slarules.importer import import_export, load_mapping

    mapping = load_mapping(ROOT / "mappings" / "servicenow.yaml", contract)
    source = (ROOT / "examples" / "servicenow-export.csv").read_text("utf-8-sig").splitlines()
    header, first = source[0], source[1]
    cells = header.split(",")
    far = first.split(",")
    far[cells.index("sys_updated_at")] = "31/12/9999 23:59"
    export = tmp_path / "far.csv"
    export.write_text("\n".join([header, first, ",".join(far)]) + "\n", "utf-8")
    run = import_export(mapping, [export], contract)
    list(run)
    assert run.counts.read == 2
    assert run.counts.reconciles
    assert [WORDS.rejected(r) for r in run.counts.rejections] == [
        f"{export}:3: sys_updated_at: time '31/12/9999 23:59' is outside the supported range "
        "(years 1000 to 8999)"
    ]
    assert [str(r) for r in run.counts.rejections] == [
        f"{export}:3: row.column (column='sys_updated_at', problem=time.out_of_range "
        "(text='31/12/9999 23:59', first=1000, last=8999))"
    ]


# -- 12. case ids and whole numbers


def test_a_numeric_case_id_is_rejected_not_merged_with_its_text(tmp_path: Path) -> None:
    log = write_jsonl(
        tmp_path / "ids.jsonl",
        [
            {**REPORTED, "case": "1", "at": "2026-10-01T08:00"},
            {"case": 1, "event": "responded", "at": "2026-10-01T08:05"},
            {"case": 1.0, "event": "responded", "at": "2026-10-01T08:05"},
            {"case": True, "event": "responded", "at": "2026-10-01T08:05"},
        ],
    )
    status, doc, _ = audit_json(str(log))
    assert status == 3
    assert doc["records"] == counts(4, 1, 3)
    assert [r["reason"] for r in doc["rejected"]] == [
        "case must be text (in quotes), got 1",
        "case must be text (in quotes), got 1.0",
        "case must be text (in quotes), got True",
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (2.5, "escalated: level must be a whole number, got 2.5"),
        ("2.5", "escalated: level must be a whole number, got '2.5'"),
        ("inf", "escalated: level must be a whole number, got 'inf'"),
        ("1e400", "escalated: level must be a whole number, got '1e400'"),
    ],
)
def test_a_level_must_be_a_whole_number(tmp_path: Path, value: object, reason: str) -> None:
    log = write_jsonl(
        tmp_path / "level.jsonl",
        [
            {**REPORTED, "at": "2026-10-01T08:00"},
            {"case": "A", "event": "escalated", "at": "2026-10-01T08:05", "level": value},
        ],
    )
    status, doc, _ = audit_json(str(log))
    assert status == 3
    assert doc["records"] == counts(2, 1, 1)
    assert doc["rejected"][0]["reason"] == reason


@pytest.mark.parametrize("value", ['"nan"', '"inf"', '"-inf"', '"1e400"'])
def test_a_number_must_be_finite(tmp_path: Path, value: str) -> None:
    log = tmp_path / "wait.jsonl"
    line = f'{{"case": "H", "event": "call", "at": "2026-10-01T08:00", "wait_seconds": {value}}}'
    log.write_text(line + "\n", "utf-8")
    status, doc, _ = audit_json(str(log))
    assert status == 3
    assert doc["records"] == counts(1, 0, 1)
    assert doc["rejected"][0]["reason"].startswith("call: wait_seconds must be a number, got")


# -- 6. a mapping's regular expressions run in linear time

REGEX_MAPPING = """apiVersion: slarules/v1
kind: Mapping
case: id
time: {column: at}
status: state
severity: {column: priority, values: {P1: critical}}
report: {}
escalation:
  column: group
  levels: [{match: 'MATCH', level: 2}]
"""


def test_a_nested_quantifier_matches_in_linear_time(
    tmp_path: Path, contract: slarules.Contract
) -> None:
    import time

    from slarules.importer import import_export, load_mapping

    path = tmp_path / "m.yaml"
    path.write_text(REGEX_MAPPING.replace("MATCH", "^(a+)+$"), "utf-8")
    mapping = load_mapping(path, contract)
    export = tmp_path / "x.csv"
    rows = ["id,at,state,priority,group", "C1,2026-10-01T08:00,New,P1,L1"]
    rows += [
        f"C1,2026-10-01T08:0{i},Active,P1,{'a' * 10_000}{tail}" for i, tail in ((1, "b"), (2, ""))
    ]
    export.write_text("\n".join(rows) + "\n", "utf-8")
    started = time.monotonic()
    run = import_export(mapping, [export], contract)
    events = [raw for _, _, raw in run]
    assert time.monotonic() - started < 2  # Python's re would take longer than the universe
    assert run.counts.summary().startswith("rows: read 3 = imported 2 + skipped 1 + rejected 0")
    assert [(e["event"], e.get("level")) for e in events] == [("reported", None), ("escalated", 2)]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(a)\1", r"regular expression '(a)\\1' cannot be matched in linear time"),
        (r"L(?=2)", "regular expression 'L(?=2)' cannot be matched in linear time"),
        (r"(L2", "bad regular expression '(L2': missing ), unterminated subpattern"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_at_its_line_and_column(
    tmp_path: Path, pattern: str, message: str
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(REGEX_MAPPING.replace("MATCH", pattern), "utf-8")
    export = tmp_path / "x.csv"
    export.write_text("id,at,state,priority,group\n", "utf-8")
    result = CliRunner().invoke(main, ["import", "--mapping", str(path), str(export), *EN])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:10:20: {message}")


# -- 1. unclosed quotes cost their line, not the records after it

OCTOBER_CSV = ROOT / "examples" / "october-2026.csv"
OCTOBER_RECORDS = 417  # data lines of the example: one record each


def quoted_lines() -> list[int]:
    lines = OCTOBER_CSV.read_text("utf-8-sig").splitlines()
    return [n for n, line in enumerate(lines, start=1) if line.endswith('"')]


@pytest.mark.parametrize("damage", ["drop the closing quote", "drop the opening quote"])
@pytest.mark.parametrize("number", quoted_lines()[::4])
def test_one_unclosed_quote_in_a_log_rejects_one_record(
    tmp_path: Path, number: int, damage: str
) -> None:
    lines = OCTOBER_CSV.read_text("utf-8-sig").splitlines()
    line = lines[number - 1]
    if damage == "drop the closing quote":
        lines[number - 1] = line[:-1]
        reason = "broken quoting: a quoted field opened on this line is not closed"
    else:
        cut = line.index(',"') + 1
        lines[number - 1] = line[:cut] + line[cut + 1 :]
        # The quote is text, the field's commas delimiters.
        header = lines[0].count(",") + 1
        extra = line[cut + 1 : line.index('"', cut + 1)].count(",")
        reason = f"{header + extra} cells but the header has {header}"
    log = tmp_path / "broken.csv"
    log.write_text("\n".join(lines) + "\n", "utf-8")
    status, doc, stderr = audit_json(str(log))
    assert status == 3
    assert doc["records"] == counts(OCTOBER_RECORDS, OCTOBER_RECORDS - 1, 1)
    assert doc["rejected"][0]["line"] == number
    assert doc["rejected"][0]["reason"].startswith(reason)
    assert stderr.splitlines() == [f"rejected: {log}:{number}: {doc['rejected'][0]['reason']}"]


def test_the_example_csv_log_counts_every_record() -> None:
    status, doc, _ = audit_json(str(OCTOBER_CSV))
    assert status == 1
    assert doc["records"] == counts(OCTOBER_RECORDS, OCTOBER_RECORDS, 0)


LOG_HEADER = "case,event,at,note\n"


@pytest.mark.parametrize(
    ("body", "read", "rejected"),
    [
        # A note over two lines, closed where the record ends: one record.
        ('A,responded,2026-10-01T08:00,"one\ntwo"\nA,responded,2026-10-01T08:05,\n', 2, {}),
        # Closed, but followed by text: the quote does not end a record there.
        (
            'A,responded,2026-10-01T08:00,"one\ntwo" more\nA,responded,2026-10-01T08:05,\n',
            3,
            {
                2: "closes on line 3, where no record ends (a closing quote is not "
                "followed by the delimiter or the line end)",
                3: "missing field 'event'",  # its own record, read again
            },
        ),
        # Closed where a record ends, but with too many cells for the header.
        (
            'A,responded,2026-10-01T08:00,"one\ntwo",x\nA,responded,2026-10-01T08:05,\n',
            3,
            {
                2: "closes on line 3, where no record ends (5 cells, the header has 4)",
                3: "missing field 'at'",
            },
        ),
        # An even number of quotes, yet open at the line end.
        (
            'A,responded,2026-10-01T08:00,x"y,"z\nA,responded,2026-10-01T08:05,\n',
            2,
            {2: "not closed on it"},
        ),
    ],
)
def test_a_quote_over_a_line_end_counts_only_where_a_record_ends(
    tmp_path: Path, body: str, read: int, rejected: dict[int, str]
) -> None:
    log = tmp_path / "q.csv"
    log.write_text(LOG_HEADER + body, "utf-8")
    status, doc, _ = audit_json(str(log))
    assert doc["records"]["read"] == read
    assert doc["records"]["rejected"] == len(rejected)
    assert status == 3 if rejected else status in (0, 1)
    for item in doc["rejected"]:
        assert rejected[item["line"]] in item["reason"]


def test_a_quote_may_run_over_at_most_1000_lines(tmp_path: Path) -> None:
    log = tmp_path / "long.csv"
    for lines, used in ((1_000, 2), (1_001, 1)):
        note = "\n".join(["x"] * lines)
        body = f'A,responded,2026-10-01T08:00,"{note}"\nA,responded,2026-10-01T08:05,\n'
        log.write_text(LOG_HEADER + body, "utf-8")
        status, doc, _ = audit_json(str(log))
        if used == 2:
            assert (status, doc["records"]["read"]) == (1, 2)  # 1,000 lines: one record
    assert status == 3
    # The first line is rejected; the 1,000 lines after it are records of their own.
    assert doc["records"] == counts(1_002, 1, 1_001)
    first = doc["rejected"][0]
    assert (first["line"], first["reason"]) == (
        2,
        "broken quoting: a quoted field opened on this line is not closed within 1,000 lines",
    )


def servicenow_lines() -> list[str]:
    return (ROOT / "examples" / "servicenow-export.csv").read_text("utf-8-sig").splitlines()


def test_an_export_keeps_quoted_newlines_and_loses_one_row_to_an_unclosed_quote(
    tmp_path: Path, contract: slarules.Contract
) -> None:
    from slarules.importer import import_export, load_mapping

    mapping = load_mapping(ROOT / "mappings" / "servicenow.yaml", contract)
    lines = servicenow_lines()
    true_rows = len(lines) - 1
    # A description over three lines (as ServiceNow exports them): still one row each.
    multi = [line.replace(", 全省", "\n全省\n") if line.endswith('"') else line for line in lines]
    export = tmp_path / "multi.csv"
    export.write_text("\n".join(multi) + "\n", "utf-8")
    run = import_export(mapping, [export], contract)
    list(run)
    assert run.counts.read == true_rows
    assert run.counts.rejected == 0 and run.counts.reconciles
    # One closing quote dropped: that row is rejected, every other is read.
    quoted = [n for n, line in enumerate(lines, start=1) if line.endswith('"')]
    broken = list(lines)
    broken[quoted[1] - 1] = broken[quoted[1] - 1][:-1]
    export.write_text("\n".join(broken) + "\n", "utf-8")
    run = import_export(mapping, [export], contract)
    list(run)
    assert run.counts.read == true_rows
    assert run.counts.reconciles
    assert [(r.line, WORDS.rejection(r).split(" is not")[0]) for r in run.counts.rejections] == [
        (quoted[1], "broken quoting: a quoted field opened on this line")
    ]


# -- 4. decompression bombs, huge lines, gzip logs

BOMB = 8 << 20  # one line of 8 MiB, compressed to about 8 KiB


def gzip_file(path: Path, parts: list[bytes]) -> Path:
    import gzip

    with gzip.open(path, "wb") as out:
        for part in parts:
            out.write(part)
    return path


def huge(prefix: bytes, suffix: bytes) -> list[bytes]:
    """A line of BOMB bytes, in pieces (the test itself never holds it either)."""
    return [prefix, *([b"x" * (1 << 20)] * (BOMB >> 20)), suffix]


def traced(args: list[str]) -> tuple[Any, int, float]:
    """The CLI's result, the peak of memory traced while it ran, and its run time."""
    import time
    import tracemalloc

    import slarules.cli as cli

    # Loading the rules (the calendar's years, the schemas) is not what is measured:
    # the peak is taken from when the rules are loaded, as the input is read.
    modules = [mod for mod in vars(cli).values() if hasattr(mod, "load_rules")]
    loaded = cli.common.load_rules
    started = time.monotonic()

    def load_then_trace(rules: str | None) -> Any:
        contract = loaded(rules)
        tracemalloc.start()
        return contract

    for mod in modules:
        mod.load_rules = load_then_trace
    try:
        result = CliRunner().invoke(main, [*args, *EN])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        for mod in modules:
            mod.load_rules = loaded
    return result, peak, time.monotonic() - started


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_a_gzipped_line_of_8_mib_is_rejected_in_bounded_memory(tmp_path: Path, kind: str) -> None:
    first = {**REPORTED, "at": "2026-10-01T08:00"}
    last = {"case": "A", "event": "responded", "at": "2026-10-01T08:05"}
    if kind == "jsonl":
        lines = [json.dumps(first).encode() + b"\n"]
        lines += huge(b'{"case": "A", "event": "responded", "note": "', b'"}\n')
        lines += [json.dumps(last).encode() + b"\n"]
    else:
        lines = [
            b"case,event,at,severity,site,note\n",
            "A,reported,2026-10-01T08:00,minor,沈阳,\n".encode(),
        ]
        lines += huge(b"A,responded,2026-10-01T08:01,,,", b"\n")
        lines += [b"A,responded,2026-10-01T08:05,,,\n"]
    log = gzip_file(tmp_path / f"bomb.{kind}.gz", lines)
    assert log.stat().st_size < BOMB // 100
    result, peak, seconds = traced(["audit", str(log), "--format", "json", "--as-of", "2026-11-01"])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert doc["records"] == counts(3, 2, 1)
    size = BOMB + len(lines[1 if kind == "jsonl" else 2]) + len(lines[-2]) - 1
    unit = "bytes" if kind == "jsonl" else "characters"
    reason = f"line of {size:,} {unit} is longer than the limit of 1,048,576: skipped"
    line = 2 if kind == "jsonl" else 3
    assert result.stderr.splitlines() == [f"rejected: {log}:{line}: {reason}"]
    assert peak < BOMB // 2, f"peak {peak:,} bytes"
    assert seconds < 20


def test_an_xes_bomb_is_refused_with_its_line(tmp_path: Path) -> None:
    lines = [
        b'<?xml version="1.0"?>\n',
        b"<log>\n",
        b'<trace><string key="concept:name" value="1"/>\n',
    ]
    lines += huge(b'<event><string key="org:group" value="', b'"/></event>\n')
    lines += [b"</trace></log>\n"]
    export = gzip_file(tmp_path / "bomb.xes.gz", lines)
    result, peak, seconds = traced(["import", "--mapping", "bpic2013", str(export)])
    assert result.exit_code == 2
    size = BOMB + len(lines[3]) + len(lines[-2]) - 1
    assert result.stderr.splitlines() == [
        f"slarules: error: {export}:4: a line of {size:,} bytes is longer than the limit of "
        "1,048,576: the XES file is refused"
    ]
    assert peak < BOMB // 2, f"peak {peak:,} bytes"
    assert seconds < 20


def test_an_export_holds_only_the_cells_the_mapping_reads(
    tmp_path: Path, contract: slarules.Contract
) -> None:
    """1,000 rows with 20 KiB each that the mapping does not read: not held."""
    import tracemalloc

    from slarules.importer import import_export, load_mapping

    path = tmp_path / "m.yaml"
    path.write_text(REGEX_MAPPING.replace("MATCH", r"\bL2\b"), "utf-8")
    mapping = load_mapping(path, contract)
    rows = [b"id,at,state,priority,group,description\n"]
    for i in range(1_000):
        state = "New" if i % 2 == 0 else "Active"
        rows.append(
            f"C{i // 2},2026-10-01T08:0{i % 2},{state},P1,L1,{i:06}".encode()
            + b"d" * 20_000
            + b"\n"
        )
    export = gzip_file(tmp_path / "wide.csv.gz", rows)
    size = sum(map(len, rows))
    del rows
    tracemalloc.start()
    try:
        run = import_export(mapping, [export], contract)
        count = sum(1 for _ in run)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.counts.summary() == (
        "rows: read 1000 = imported 500 + skipped 500 + rejected 0; 500 events in 500 cases"
    )
    assert count == 500
    assert peak < size // 8, f"peak {peak:,} of {size:,} bytes"


def test_exact_duplicates_are_told_by_every_cell_and_where_cells_end() -> None:
    from slarules.importer.rows import row_key

    assert row_key(["a", "b"]) == row_key(["a", "b"])
    assert row_key(["a,b", "c"]) != row_key(["a", "b,c"])
    assert row_key(["ab", ""]) != row_key(["a", "b"])
    assert row_key(["a"]) != row_key(["a", ""])
    assert len(row_key(["x" * 100_000])) == 16


@pytest.mark.parametrize("log", ["october-2026.jsonl", "october-2026.csv"])
def test_a_gzipped_log_audits_like_the_plain_one(tmp_path: Path, log: str) -> None:
    import gzip

    plain = ROOT / "examples" / log
    packed = tmp_path / f"{log}.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    unmarked = tmp_path / log  # gzip, by its first bytes, under the plain name
    unmarked.write_bytes(packed.read_bytes())
    want = audit_json(str(plain))
    for path in (packed, unmarked):
        status, doc, stderr = audit_json(str(path))
        assert (status, doc["records"], doc["results"]) == (
            want[0],
            want[1]["records"],
            want[1]["results"],
        )
        assert stderr == want[2]
    result = CliRunner().invoke(
        main,
        ["audit", "-", "--format", "json", "--as-of", "2026-11-01", *EN],
        input=packed.read_bytes() if log.endswith(".jsonl") else None,
    )
    if log.endswith(".jsonl"):  # standard input is JSON Lines, gzipped or not
        doc = json.loads(result.stdout)
        assert doc["records"] == want[1]["records"]

        def order(results: list[dict[str, Any]]) -> list[str]:  # stdin has no first pass
            return sorted(json.dumps(r, sort_keys=True) for r in results)

        assert order(doc["results"]) == order(want[1]["results"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("truncated", "cannot be read: Compressed file ended before the end-of-stream marker"),
        ("zip", "(the file is a zip archive: unpack it first; gzip is read as it is)"),
    ],
)
def test_a_broken_or_other_compressed_log_is_one_usage_error(
    tmp_path: Path, content: str, message: str
) -> None:
    import gzip
    import zipfile

    plain = (ROOT / "examples" / "october-2026.jsonl").read_bytes()
    if content == "truncated":
        log = tmp_path / "log.jsonl.gz"
        log.write_bytes(gzip.compress(plain)[:-100])
    else:
        log = tmp_path / "log.jsonl"
        with zipfile.ZipFile(log, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("log.jsonl", plain)
    result = CliRunner().invoke(main, ["audit", str(log), "--format", "json", *EN])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"slarules: error: {log}:")
    assert message in lines[0]


def test_an_export_of_one_row_repeated_holds_it_once(
    tmp_path: Path, contract: slarules.Contract
) -> None:
    """A .csv.gz that repeats a row 5,000 times: each read and counted, one held."""
    import time
    import tracemalloc

    from slarules.importer import import_export, load_mapping

    mapping = load_mapping(ROOT / "mappings" / "servicenow.yaml", contract)
    lines = [line.encode() + b"\n" for line in servicenow_lines()]
    repeats = 5_000
    sample = import_export(mapping, [ROOT / "examples" / "servicenow-export.csv"], contract)
    list(sample)
    duplicates = sample.counts.skip_reasons["exact duplicate of an earlier row of the case"]
    export = gzip_file(tmp_path / "repeated.csv.gz", [lines[0], *[lines[1]] * repeats, *lines[2:]])
    size = len(lines[1]) * repeats
    tracemalloc.start()
    started = time.monotonic()
    try:
        run = import_export(mapping, [export], contract)
        sum(1 for _ in run)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    counts = run.counts
    assert counts.read == repeats + len(lines) - 2
    assert counts.reconciles
    skipped = counts.skip_reasons["exact duplicate of an earlier row of the case"]
    assert skipped == duplicates + repeats - 1
    assert peak < size // 2, f"peak {peak:,} of {size:,} bytes"
    assert time.monotonic() - started < 20
