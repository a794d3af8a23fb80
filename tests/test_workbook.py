"""``--format xlsx``: the audit's and the summary's workbooks, read back with openpyxl."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from slarules.cli import main
from slarules.reporters.grid import width

ROOT = Path(__file__).resolve().parent.parent
LOG = str(ROOT / "examples" / "october-2026.jsonl")
ASSESSMENT = str(ROOT / "examples" / "assessment.yaml")


def _book(tmp_path: Path, *args: str) -> openpyxl.Workbook:
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(main, [*args, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert result.stdout == ""
    return openpyxl.load_workbook(out)


def _rows(sheet: object) -> list[tuple[object, ...]]:
    return list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def audit_book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return _book(tmp_path_factory.mktemp("audit"), "audit", LOG, "--as-of", "2026-11-01")


def test_the_audit_workbook_has_a_summary_and_a_results_sheet(
    audit_book: openpyxl.Workbook,
) -> None:
    assert audit_book.sheetnames == ["汇总", "结果"]
    summary = _rows(audit_book["汇总"])
    assert summary[0] == ("义务", "名称", "条款", "达标", "违约", "未到期", "不适用", "达成率")
    rows = {row[0]: row for row in summary[1:27]}
    assert rows["remote_response"][1:5] == ("远程支持电话响应", "2.2.4.3", 15, 2)
    assert rows["remote_response"][7] == pytest.approx(15 / 17)
    assert audit_book["汇总"]["H2"].number_format == "0.0%"
    notes = [row[0] for row in summary[27:] if row[0]]
    assert "记录: 读取 417 = 使用 417 + 晚于截至时间 0 + 拒绝 0" in notes
    assert "时间均为合同时区 (Asia/Shanghai) 的当地时间" in notes


def test_results_have_real_local_times_filters_and_the_clause(
    audit_book: openpyxl.Workbook,
) -> None:
    sheet = audit_book["结果"]
    rows = _rows(sheet)
    header = rows[0]
    assert header[:9] == ("案件", "义务", "名称", "条款", "状态", "起点", "到期", "完成", "超时")
    assert len(rows) - 1 == 273  # every result of the example month as of 2026-11-01
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows)}"
    by_key = {(r[0], r[1]): (n, r) for n, r in enumerate(rows[1:], start=2)}
    at, late = by_key[("INC-2610-004", "remote_response")]
    # Local wall times of Asia/Shanghai, as Excel date-times (not text).
    assert late[3:9] == (
        "2.2.4.3",
        "违约",
        datetime(2026, 10, 9, 14, 5),
        datetime(2026, 10, 9, 14, 10),
        datetime(2026, 10, 9, 14, 11),
        timedelta(minutes=1),
    )
    assert sheet[f"G{at}"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet[f"I{at}"].number_format == "[h]:mm"
    assert late[9] == "电话响应于 2026-10-09 14:11 周五, 超时 1分"
    # Columns as wide as their Chinese text (a character counts two), within the limit.
    reason = max(width(str(r[9])) for r in rows[1:])
    assert sheet.column_dimensions["J"].width == pytest.approx(min(reason, 60) + 2, abs=1)
    assert sheet.column_dimensions["C"].width >= width("巡检遗留问题反馈") + 2


def test_english_headers_with_lang_en(tmp_path: Path) -> None:
    book = _book(tmp_path, "audit", LOG, "--as-of", "2026-11-01", "--lang", "en")
    assert book.sheetnames == ["Summary", "Results"]
    assert _rows(book["Results"])[0][:5] == ("Case", "Obligation", "Title", "Clause", "Status")


def test_rejected_records_have_their_sheet(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    log = str(ROOT / "examples" / "october-2026-with-errors.jsonl")
    result = CliRunner().invoke(
        main, ["audit", log, "--as-of", "2026-11-01", "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 3
    assert result.stderr.count("rejected") == 0 and result.stderr.count("拒绝") == 2
    sheet = openpyxl.load_workbook(out)["拒绝的记录"]
    assert [row[1] for row in _rows(sheet)[1:]] == [418, 419]


def test_the_summary_workbook_has_every_part(tmp_path: Path) -> None:
    book = _book(tmp_path, "report", "--month", "2026-10", LOG, "--as-of", "2026-11-10")
    assert book.sheetnames[0] == "概要"
    overview = [row[0] for row in _rows(book["概要"]) if row[0]]
    for heading in ("一、服务情况总结", "五、备件更换记录", "九、故障概率、趋势分析"):
        assert heading in overview
    assert "本月共受理故障 18 起 (特大 3 起、重大 4 起、严重 7 起、一般 4 起); " in overview[4]
    spares = book["五、备件更换记录"]
    assert _rows(spares)[1][:4] == (
        "INC-2610-012",
        "电源模块 (650W)",
        "电源模块损坏, 无法现场修复",
        datetime(2026, 10, 21, 13, 0),
    )
    assert spares["G2"].value == timedelta(hours=3, minutes=30)
    assert spares.freeze_panes == "A2" and spares.auto_filter.ref
    major = _rows(book["二、重大故障分析报告"])
    assert major[0][:3] == ("案件", "申告级别", "中断事实所定级别")
    assert [row[0] for row in major[1:]][:2] == ["INC-2610-001", "INC-2610-002"]
    trend = _rows(book["各月故障与服务水平"])
    assert trend[-2][:2] == ("2026-09", "无数据") and trend[-1][:3] == ("2026-10", 18, 3.6)


def test_the_assessment_costs_are_in_the_workbook(tmp_path: Path) -> None:
    book = _book(tmp_path, "audit", LOG, "--as-of", "2026-11-01", "--assessment", ASSESSMENT)
    rows = _rows(book["结果"])
    assert rows[0][-1] == "扣减"
    by_key = {(r[0], r[1]): r for r in rows[1:]}
    assert by_key[("INC-2610-004", "remote_response")][-1] == 3  # 2 + 1 per hour begun
    assert by_key[("INC-2610-004", "escalate_l2")][-1] is None  # met
    notes = [row[0] for row in _rows(book["汇总"]) if row[0]]
    assert any(n.startswith("2026-10: 满分 100 分, 扣分合计 37 分") for n in notes)


def test_a_workbook_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    """A terminal gets one line and exit 2; a file or a pipe gets the workbook."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "slarules", "audit", LOG, "--format", "xlsx"],
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "LANG": "en_US.UTF-8"},
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr == (
        "slarules: error: an Excel workbook or a Parquet file cannot be written to a terminal: "
        "use -o FILE or redirect to a file\n"
    )
    small = tmp_path / "one.jsonl"  # a small log: the workbook, not the audit, is tried here
    small.write_text('{"case": "Q-1", "event": "question_received", "at": "2026-10-08T10:00"}\n')
    piped = subprocess.run(
        [sys.executable, "-m", "slarules", "audit", str(small), "--format", "xlsx"],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert piped.returncode == 1 and piped.stdout[:4] == b"PK\x03\x04"  # a zip: the workbook
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout))["结果"]["B2"].value == "consult_reply"


def test_a_failed_run_leaves_the_old_workbook(tmp_path: Path) -> None:
    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"yesterday")
    result = CliRunner().invoke(
        main, ["report", "--month", "2026-10", "missing.jsonl", "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert out.read_bytes() == b"yesterday"
    assert list(tmp_path.iterdir()) == [out]
