"""Audits of event logs: readers, rejections, verdicts, formats and exit statuses."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import slarules
from slarules.cli import main

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = datetime(2026, 11, 1, tzinfo=TZ)


def at(text: str) -> str:
    return f"2026-03-{text}"


def results_by(report: slarules.AuditReport) -> dict[tuple[str, str, int], str]:
    return {(r.case, r.obligation, r.occurrence): r.status for r in report.results}


INCIDENT = [
    {
        "case": "INC-1",
        "event": "reported",
        "at": "2026-03-02T09:00:00+08:00",
        "severity": "重大",
        "site": "大连",
    },
    {"case": "INC-1", "event": "responded", "at": "2026-03-02T09:05:00+08:00"},
    {"case": "INC-1", "event": "onsite_requested", "at": "2026-03-02T09:30:00+08:00"},
    {"case": "INC-1", "event": "onsite_arrived", "at": "2026-03-02T14:30:00+08:00"},
    {"case": "INC-1", "event": "workaround_issued", "at": "2026-03-02T09:31:00+08:00"},
    {"case": "INC-1", "event": "restored", "at": "2026-03-02T10:30:00+08:00"},
]


def test_library_audit_gives_met_and_breached_with_clause_and_due(
    contract: slarules.Contract,
) -> None:
    report = contract.audit(INCIDENT, as_of=AS_OF)
    by = {(r.obligation): r for r in report.results}
    assert by["remote_response"].status == "met"
    assert by["remote_response"].clause == "2.2.4.3"
    assert by["remote_response"].finding.due == datetime(2026, 3, 2, 9, 5, tzinfo=TZ)
    # Dalian is 397 km: the 500 km band, 5 h; arrived exactly at 5 h.
    assert by["onsite_arrival"].status == "met"
    assert by["workaround"].status == "breached"
    assert by["workaround"].late_by == timedelta(minutes=1)
    assert report.read == report.used == len(INCIDENT)


def test_json_output_follows_spec_and_exit_status_1_on_breach(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in INCIDENT) + "\n", "utf-8")
    result = CliRunner().invoke(
        main, ["audit", str(log), "--as-of", "2026-11-01", "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert doc["as_of"] == "2026-11-01T00:00:00+08:00"
    assert doc["records"] == {
        "read": 6,
        "used": 6,
        "duplicates": 0,
        "after_as_of": 0,
        "rejected": 0,
    }
    row = next(r for r in doc["results"] if r["obligation"] == "workaround")
    assert {k: row[k] for k in ("case", "clause", "status", "late_by_seconds")} == {
        "case": "INC-1",
        "clause": "2.2.5.8",
        "status": "breached",
        "late_by_seconds": 60,
    }
    assert row["due"] == "2026-03-02T09:30:00+08:00" and row["done"] == "2026-03-02T09:31:00+08:00"


def test_nothing_breached_exits_0(tmp_path: Path) -> None:
    log = tmp_path / "ok.jsonl"
    log.write_text(
        json.dumps(INCIDENT[0], ensure_ascii=False) + "\n" + json.dumps(INCIDENT[1]) + "\n", "utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(log),
            "--as-of",
            "2026-03-02T09:06",
            "--format",
            "json",
            "-O",
            "remote_response",
            "-O",
            "general_response",
        ],
    )
    assert result.exit_code == 0, result.output


def test_bad_records_are_rejected_with_line_and_counted(tmp_path: Path) -> None:
    lines = [
        json.dumps(INCIDENT[0], ensure_ascii=False),
        '{"case": "INC-1", "event": "respnded", "at": "2026-03-02T09:05"}',
        '{"case": "INC-1", "event": "responded", "at": "2026-03-32T09:05"}',
        '{"case": "INC-1", "event": "escalated", "at": "2026-03-02T09:05", "level": "high"}',
        '{"case": "INC-1", "event": "report_submitted", "at": "2026-03-02T09:05"}',
        '{"case": "INC-1", "at": "2026-03-02T09:05"}',
        '{"case": "INC-1", "event": "responded", "at": ',
        "",
        json.dumps(INCIDENT[1]),
    ]
    log = tmp_path / "bad.jsonl"
    log.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(
        main, ["audit", str(log), "--as-of", "2026-11-01", "--format", "json", "--lang", "en"]
    )
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert doc["records"] == {
        "read": 8,
        "used": 2,
        "duplicates": 0,
        "after_as_of": 0,
        "rejected": 6,
    }
    reasons = {r["line"]: r["reason"] for r in doc["rejected"]}
    assert "did you mean 'responded'" in reasons[2]
    assert "bad time" in reasons[3]
    assert "level must be a whole number" in reasons[4]
    assert "missing field 'sections'" in reasons[5]
    assert "missing field 'event'" in reasons[6]
    assert "broken JSON" in reasons[7]
    codes = {r["line"]: r["code"] for r in doc["rejected"]}
    assert codes[2] == "record.unknown_event" and codes[7] == "json.broken"
    assert all(r["source"] == str(log) for r in doc["rejected"])
    # The good records are still audited.
    assert any(
        r["obligation"] == "remote_response" and r["status"] == "met" for r in doc["results"]
    )


def test_csv_gbk_and_bom(tmp_path: Path, contract: slarules.Contract) -> None:
    rows = [
        ["case", "event", "at", "severity", "site"],
        ["INC-9", "reported", "2026-03-02 09:00", "严重", "沈阳"],
        ["INC-9", "responded", "2026-03-02 09:12", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(buffer.getvalue().encode("gbk"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    runner = CliRunner()
    wrong = runner.invoke(main, ["audit", str(gbk), "--as-of", "2026-11-01"])
    assert (
        wrong.exit_code == 2
        and "--encoding gbk" in wrong.output
        and "Traceback" not in wrong.output
    )
    for args in (["--encoding", "gbk", str(gbk)], [str(bom)]):
        out = runner.invoke(main, ["audit", *args, "--as-of", "2026-11-01", "--format", "json"])
        assert out.exit_code == 1, out.output
        doc = json.loads(out.output)
        status = {r["obligation"]: r["status"] for r in doc["results"]}
        assert status["remote_response"] == "breached"  # serious: 10 min
        assert status["general_response"] == "met"  # 30 min


def test_stdin_and_several_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(INCIDENT[0], ensure_ascii=False) + "\n", "utf-8")
    second.write_text(json.dumps(INCIDENT[1]) + "\n", "utf-8")
    runner = CliRunner()
    split = runner.invoke(
        main, ["audit", str(first), str(second), "--as-of", "2026-11-01", "--format", "json"]
    )
    piped = runner.invoke(
        main,
        ["audit", "-", "--as-of", "2026-11-01", "--format", "json"],
        input=first.read_text("utf-8") + second.read_text("utf-8"),
    )
    assert json.loads(split.output)["results"] == json.loads(piped.output)["results"]


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_other_formats_render_the_example(fmt: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(EXAMPLES / "october-2026.jsonl"),
            "--as-of",
            "2026-11-01",
            "--format",
            fmt,
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "remote_response" in result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
        assert {"case", "obligation", "status", "due"} <= set(rows[0])
    else:
        assert "records: read" in result.output


def test_jsonl_and_csv_examples_agree() -> None:
    runner = CliRunner()
    outs = [
        json.loads(
            runner.invoke(
                main, ["audit", str(EXAMPLES / name), "--as-of", "2026-11-01", "--format", "json"]
            ).output
        )["results"]
        for name in ("october-2026.jsonl", "october-2026.csv")
    ]
    assert outs[0] == outs[1]


def test_only_breaches_lists_only_breaches() -> None:
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(EXAMPLES / "october-2026.jsonl"),
            "--as-of",
            "2026-11-01",
            "--format",
            "json",
            "--only-breaches",
        ],
    )
    statuses = {r["status"] for r in json.loads(result.output)["results"]}
    assert statuses == {"breached"}


def test_explain_shows_the_reasoning() -> None:
    result = CliRunner().invoke(
        main,
        [
            "explain",
            str(EXAMPLES / "october-2026.jsonl"),
            "INC-2610-001",
            "--as-of",
            "2026-11-01",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    for word in ("start:", "budget:", "due:", "remote_response", "2.2.4.3"):
        assert word in result.output
    missing = CliRunner().invoke(main, ["explain", str(EXAMPLES / "october-2026.jsonl"), "NOPE"])
    assert missing.exit_code == 2


def test_a_new_obligation_of_an_existing_kind_needs_only_yaml(
    rules_copy: Path, tmp_path: Path
) -> None:
    events = rules_copy / "events.yaml"
    events.write_text(
        events.read_text("utf-8").replace(
            "  completed: {zh: 维修完成, en: job completed}",
            "  completed: {zh: 维修完成, en: job completed}\n  note_left: {zh: 留下书面说明, en: written note left}",
        ),
        "utf-8",
    )
    (rules_copy / "site_notes.yaml").write_text(
        "apiVersion: slarules/v1\nkind: Obligations\nobligations:\n"
        "  - id: site_note\n    clause: 'X.1'\n    title: {zh: 现场书面说明, en: written note on site}\n"
        "    type: deadline\n    start: onsite_arrived\n    stop: note_left\n    clock: elapsed\n    budget: 8 h\n",
        "utf-8",
    )
    contract = slarules.load(rules_copy)
    records = [
        *INCIDENT,
        {"case": "INC-1", "event": "note_left", "at": "2026-03-02T22:31:00+08:00"},
    ]
    result = next(
        r for r in contract.audit(records, as_of=AS_OF).results if r.obligation == "site_note"
    )
    assert result.status == "breached" and result.clause == "X.1"
    assert result.finding.due == datetime(2026, 3, 2, 22, 30, tzinfo=TZ)


def test_rules_that_cannot_load_exit_2(rules_copy: Path) -> None:
    (rules_copy / "severity.yaml").write_text(
        "apiVersion: slarules/v1\nkind: SeverityLevels\nlevels: 3\n", "utf-8"
    )
    result = CliRunner().invoke(
        main, ["audit", str(EXAMPLES / "october-2026.jsonl"), "--rules", str(rules_copy)]
    )
    assert result.exit_code == 2 and "severity.yaml:3" in result.output
