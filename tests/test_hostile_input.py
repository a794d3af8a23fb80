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

ROOT = Path(__file__).resolve().parent.parent
REPORTED = {"case": "A", "event": "reported", "severity": "minor", "site": "沈阳"}


def audit_json(*args: str) -> tuple[int, dict[str, Any], str]:
    """Exit status, the JSON document and standard error of ``slarules audit --format json``."""
    result = CliRunner().invoke(main, ["audit", *args, "--format", "json", "--as-of", "2026-11-01"])
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
    assert doc["records"] == {"read": 3, "used": 1, "rejected": 2}
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
    assert doc["records"] == {"read": 3, "used": 0, "rejected": 3}
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
            assert (report.read, report.used) == (len(records), len(records))
            assert report.results


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
            ["audit", "examples/october-2026.jsonl", "--as-of", "9999-12-31T23:00-08:00"],
            "--as-of: time '9999-12-31T23:00-08:00' is outside the supported range",
        ),
    ],
)
def test_a_far_out_time_at_the_command_line_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, args)
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
    assert [str(r) for r in run.counts.rejections] == [
        f"{export}:3: sys_updated_at: time '31/12/9999 23:59' is outside the supported range "
        "(years 1000 to 8999)"
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
    assert doc["records"] == {"read": 4, "used": 1, "rejected": 3}
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
    assert doc["records"] == {"read": 2, "used": 1, "rejected": 1}
    assert doc["rejected"][0]["reason"] == reason


@pytest.mark.parametrize("value", ['"nan"', '"inf"', '"-inf"', '"1e400"'])
def test_a_number_must_be_finite(tmp_path: Path, value: str) -> None:
    log = tmp_path / "wait.jsonl"
    line = f'{{"case": "H", "event": "call", "at": "2026-10-01T08:00", "wait_seconds": {value}}}'
    log.write_text(line + "\n", "utf-8")
    status, doc, _ = audit_json(str(log))
    assert status == 3
    assert doc["records"] == {"read": 1, "used": 0, "rejected": 1}
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
    result = CliRunner().invoke(main, ["import", "--mapping", str(path), str(export)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:10:20: {message}")
