"""`slarules due` and `contract.due`: deadlines across the National Day week and make-up days."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import slarules
from slarules.cli import main

TZ = ZoneInfo("Asia/Shanghai")


def due_json(*args: str) -> dict[str, dict[str, object]]:
    result = CliRunner().invoke(main, ["due", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {d["obligation"]: d for d in json.loads(result.output)["deadlines"]}


def test_deadlines_of_a_case_started_before_national_day() -> None:
    got = due_json("--start", "2026-09-30 15:00", "--severity", "严重", "--distance-km", "101")
    assert got["remote_response"]["due"] == "2026-09-30T15:10:00+08:00"
    assert got["onsite_arrival"]["due"] == "2026-09-30T18:00:00+08:00"  # 101 km: the 3 h band
    # 1 working day from Wed 15:00: Oct 1-7 are rest days, so Thu Oct 8 15:00.
    assert got["escalate_l4"]["due"] == "2026-10-08T15:00:00+08:00"
    # 2 days, Civil Code: Oct 1 and 2 counted, the last day is a rest day -> Oct 8 24:00.
    assert got["callback"]["due"] == "2026-10-09T00:00:00+08:00"
    # 2 working days after Sep 30: Oct 8 and Oct 9 -> Oct 9 24:00.
    assert got["inspection_feedback"]["due"] == "2026-10-10T00:00:00+08:00"
    assert got["escalate_l4"]["clock"] == "working_time"


def test_minor_fault_has_no_onsite_term_and_naive_equals_offset_input() -> None:
    naive = due_json("--start", "2026-03-02 09:00", "--severity", "minor", "--site", "大连")
    offset = due_json(
        "--start", "2026-03-02T01:00:00+00:00", "--severity", "一般", "--site", "dalian"
    )
    assert naive == offset
    assert naive["onsite_arrival"]["due"] is None and naive["onsite_arrival"]["not_applicable"]
    assert naive["remote_response"]["due"] == "2026-03-02T10:00:00+08:00"


def test_event_and_obligation_selection() -> None:
    only = due_json("--start", "2026-10-09 17:00", "--event", "completed")
    assert set(only) == {"callback", "writeup"}
    # Fri Oct 9 + 2 days: Sat Oct 10 is a make-up working day, Sun 11 a rest day -> Mon 12 24:00.
    assert only["callback"]["due"] == "2026-10-13T00:00:00+08:00"
    one = due_json("--start", "2026-10-09 17:00", "writeup")
    assert set(one) == {"writeup"}


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (
            ["--severity", "urgent"],
            "error: unknown severity 'urgent'; one of",
            "没有故障级别 'urgent'",
        ),
        (["--site", "北京"], "error: unknown site '北京'; one of", "没有地点 '北京'"),
        (["monthly_summary"], "error: monthly_summary has no single deadline", "没有单一期限"),
        (["nope"], "error: unknown obligation 'nope'", "错误: 没有义务 'nope'"),
        (
            ["--event", "responde"],
            "unknown event 'responde' (did you mean 'responded'?)",
            "没有事件 'responde' (是否是 'responded'?)",
        ),
    ],
)
def test_bad_input_is_a_usage_error(args: list[str], english: str, chinese: str) -> None:
    for lang, message in (("en", english), ("zh", chinese)):
        result = CliRunner().invoke(
            main, ["due", "--start", "2026-03-02 09:00", *args, "--lang", lang]
        )
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert result.output.startswith("slarules: ") and message in result.output


def test_a_date_past_the_calendar_names_the_missing_year() -> None:
    result = CliRunner().invoke(main, ["due", "--start", "2026-12-31 15:00", "escalate_l4"])
    assert result.exit_code == 2 and "2027" in result.output


def test_library_due_matches_the_cli() -> None:
    contract = slarules.load()
    start = datetime(2026, 9, 30, 15, 0, tzinfo=TZ)
    d = contract.due("escalate_l4", start)
    assert d.due == datetime(2026, 10, 8, 15, 0, tzinfo=TZ) and d.clause == "3/1.1.2 (3)"
