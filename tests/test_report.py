"""`slarules report`: the monthly service summary, checked against a golden file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from slarules.cli import main

ROOT = Path(__file__).resolve().parent.parent
LOG = str(ROOT / "examples" / "october-2026.jsonl")
GOLDEN = ROOT / "tests" / "golden"
ARGS = ["report", "--month", "2026-10", LOG, "--as-of", "2026-11-10"]


def run(*extra: str) -> str:
    result = CliRunner().invoke(main, [*ARGS, *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_matches_the_golden_file(lang: str) -> None:
    """Regenerate with SLARULES_REGOLD=1 after an intended change, and review the diff."""
    text = run("--format", "markdown", "--lang", lang)
    golden = GOLDEN / f"summary-2026-10.{lang}.md"
    if os.environ.get("SLARULES_REGOLD"):
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


def test_html_is_one_self_contained_file_with_svg_charts() -> None:
    page = run("--format", "html")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 3
    assert "<script" not in page.lower()
    # No network: the only URL is the SVG namespace.
    assert set(re.findall(r"https?://[^\"' ]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert "@media print" in page
    for heading in ("违约明细", "问题升级", "备件更换", "巡检完成情况", "热线服务水平", "趋势"):
        assert heading in page


def test_json_summary_counts() -> None:
    doc = json.loads(run("--format", "json"))
    assert doc["month"] == "2026-10"
    assert sum(doc["faults_by_severity"].values()) == doc["trend"][-1]["faults"]
    rows = {r["obligation"]: r for r in doc["obligations"]}
    assert rows["remote_response"]["breached"] >= 1
    assert 0 <= rows["remote_response"]["met_rate"] <= 1
    assert all(b["clause"] for b in doc["breaches"])
    assert doc["records"]["read"] == doc["records"]["used"] + doc["records"]["rejected"]


def test_bad_month_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["report", "--month", "2026-13", LOG])
    assert result.exit_code == 2 and "--month" in result.output
