"""`slarules import` and `slarules audit --mapping` on the ServiceNow sample export."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from slarules.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXPORT = str(ROOT / "examples" / "servicenow-export.csv")


def test_import_writes_events_and_reconciles_rows(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    result = CliRunner().invoke(main, ["import", "--mapping", "servicenow", EXPORT, "-o", str(out)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert events and {"case", "event", "at"} <= set(events[0])
    assert "read 81 = imported 79 + skipped 2 + rejected 0" in result.output
    # The skip tally by reason is printed too.
    assert "exact duplicate of an earlier row of the case" in result.output
    # The imported log audits like any other.
    audit = CliRunner().invoke(
        main, ["audit", str(out), "--as-of", "2026-12-01", "--format", "json"]
    )
    assert audit.exit_code in (0, 1)
    assert json.loads(audit.stdout)["records"]["read"] == len(events)


def test_audit_with_a_mapping_in_one_step_matches_import_then_audit(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    CliRunner().invoke(main, ["import", "--mapping", "servicenow", EXPORT, "-o", str(out)])
    args = [
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
        "-O",
        "remote_response",
        "-O",
        "escalate_l2",
    ]
    two_steps = CliRunner().invoke(main, ["audit", str(out), *args])
    one_step = CliRunner().invoke(main, ["audit", "--mapping", "servicenow", EXPORT, *args])
    key = lambda r: (r["case"], r["obligation"], r["occurrence"])  # noqa: E731
    first = sorted(json.loads(two_steps.stdout)["results"], key=key)
    second = sorted(json.loads(one_step.stdout)["results"], key=key)
    assert first == second and first


def test_unknown_mapping_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["audit", "--mapping", "nosuch", EXPORT])
    assert result.exit_code == 2 and "nosuch" in result.output
