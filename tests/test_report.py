"""`slarules report`: the period service summary (2.3.4.3) of a month or a quarter, its nine
parts from the example month, checked against golden files in both languages."""

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


def run(*extra: str, quarter: bool = False) -> str:
    args = [a for a in ARGS if a not in ("--month", "2026-10")] if quarter else ARGS
    result = CliRunner().invoke(main, [*args, *extra])
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


PARTS_ZH = (
    "一、服务情况总结",
    "二、重大故障分析报告",
    "三、故障记录",
    "四、设备巡检表",
    "五、备件更换记录",
    "六、生产维护记录单",
    "七、维保作业计划执行情况",
    "八、问题跟踪列表",
    "九、故障概率、趋势分析",
)


def test_html_is_one_self_contained_file_with_svg_charts() -> None:
    page = run("--format", "html")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 4  # met rates; faults, fault rate and breach rate by month
    assert "<script" not in page.lower()
    # No network: the only URL is the SVG namespace.
    assert set(re.findall(r"https?://[^\"' ]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert "@media print" in page and "section.part{break-before:page}" in page
    # A CJK font for Windows, macOS and Linux, in the page and in the charts.
    for font in ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "SimSun"):
        assert page.count(font) >= 5, font
    # The nine parts of 2.3.4.3, in the clause's order, each a section of its own.
    where = [page.index(f"<h2>{heading}</h2>") for heading in PARTS_ZH]
    assert where == sorted(where)
    assert page.count('<section class="part"') == 9


def test_every_part_has_real_content_from_the_example_month() -> None:
    text = run("--format", "markdown")
    parts = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL))
    assert list(parts) == list(PARTS_ZH)
    assert "本月共受理故障 18 起" in parts[PARTS_ZH[0]]
    # Major faults: the declared ones and INC-2610-006, declared serious but major by its outage.
    major = re.findall(r"^### (INC-\S+)", parts[PARTS_ZH[1]], re.MULTILINE)
    assert major == [f"INC-2610-0{n}" for n in ("01", "02", "03", "04", "06", "09", "11", "13")]
    assert "存储阵列控制器固件缺陷, 双控制器同时复位" in parts[PARTS_ZH[1]]
    faults = parts[PARTS_ZH[2]]
    assert all(f"INC-2610-0{n:02d}" in faults for n in range(1, 19))
    assert re.search(r"INC-2610-007 .*远程重启汇聚设备 +\| 未记录", faults)  # no fault report
    assert "备份作业失败1次, 已重做" in parts[PARTS_ZH[3]]
    assert re.search(r"JZ-SRV-01 .*\| 未巡检 +\| 违约", parts[PARTS_ZH[3]])
    assert re.search(r"INC-2610-013 +\| 交换网板 .*\| 5小时50分 ", parts[PARTS_ZH[4]])
    assert re.search(r"MNT-2610-04 .*\| 未签字", parts[PARTS_ZH[5]])
    plan = parts[PARTS_ZH[6]]
    assert "计划 7 项: 按计划完成 4 项, 延期完成 1 项, 已推迟 0 项, 未执行 2 项" in plan
    assert re.search(r"MNT-2610-02 .*\| 延期完成 +\| 客户业务促销高峰", plan)
    assert "不符合合同约定的情况" in plan and "CMP-2610-05" in plan
    assert re.search(r"PRB-2610-03 .*\| 未关闭", parts[PARTS_ZH[7]])
    trend = parts[PARTS_ZH[8]]
    assert "| 2026-09 | 无数据" in trend and "| 2026-10 | 18 " in trend
    assert "每台设备每月故障数" in trend and "不是概率" in trend


def test_months_the_logs_do_not_cover_have_no_data_not_zero() -> None:
    doc = json.loads(run("--format", "json"))
    before, october = doc["trend"][:-1], doc["trend"][-1]
    assert [m["month"] for m in before] == [f"2026-0{n}" for n in range(5, 10)]
    assert all(m["audited"] is False and m["faults"] is None for m in before)
    assert all(m["faults_per_device"] is None and m["breach_rate"] is None for m in before)
    assert october["faults"] == 18 and october["faults_per_device"] == 18 / 5
    page = run("--format", "html")
    assert page.count(">无数据</text>") == 15  # five months in each of the three charts


def test_a_quarter_has_the_same_parts_and_its_months() -> None:
    text = run("--quarter", "2026-Q4", "--format", "markdown", "--lang", "en", quarter=True)
    assert "Quarterly service analysis report 2026-Q4" in text
    assert "Period: 2026-10-01 to 2026-12-31" in text
    assert text.count("\n## ") == 9
    assert "Faults reported this quarter: 18" in text
    months = re.findall(r"^\| (2026-\d\d) \| (\S+)", text.split("## 9.")[1], re.MULTILINE)
    assert months[-3:] == [("2026-10", "18"), ("2026-11", "no"), ("2026-12", "no")]
    # The inspection table has a row per device and month.
    table = text.split("## 4.")[1].split("## 5.")[0]
    assert table.count("| JZ-SRV-01 ") == 3
    doc = json.loads(run("--quarter", "2026-Q4", "--format", "json", quarter=True))
    assert doc["period"] == "2026-Q4" and doc["months"] == ["2026-10", "2026-11", "2026-12"]
    assert "month" not in doc
    # The logs end in October: November's days are not judged (no daily check is no evidence).
    october = json.loads(run("--format", "json"))
    assert doc["obligations"] == october["obligations"]
    assert doc["breaches"] == october["breaches"]


def test_a_quarter_before_the_logs_says_it_has_no_data() -> None:
    text = run("--quarter", "2026-Q3", "--format", "markdown", quarter=True)
    assert "日志中没有本季度的记录: 以下各部分均无数据" in text
    assert "本季度无故障申告。" in text and "本季度无备件更换。" in text
    assert "本季度无软件升级或补丁安装。" in text and "本季度无跟踪中的问题。" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026-Q5"], "--quarter 应形如 2026-Q3"),
        (["--quarter", "2026-10"], "--quarter 应形如 2026-Q3"),
        (["--month", "2026-10", "--quarter", "2026-Q4"], "请给出 --month 或 --quarter 之一"),
        ([], "请给出 --month 或 --quarter 之一"),
    ],
)
def test_the_period_is_one_month_or_one_quarter(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["report", *args, LOG])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"slarules: 错误: {message}" or message in result.stderr


def test_json_summary_counts() -> None:
    doc = json.loads(run("--format", "json"))
    assert doc["month"] == doc["period"] == "2026-10"
    assert sum(doc["faults_by_severity"].values()) == doc["trend"][-1]["faults"]
    assert len(doc["faults"]) == 18 and sum(f["major"] for f in doc["faults"]) == 8
    assert [s["part"] for s in doc["spares"]] == ["电源模块 (650W)", "交换网板"]
    assert [p["status"] for p in doc["plan"]].count("late") == 1
    assert [p["closed"] is None for p in doc["problems"]] == [False, True, True]
    rows = {r["obligation"]: r for r in doc["obligations"]}
    assert rows["remote_response"]["breached"] >= 1
    assert 0 <= rows["remote_response"]["met_rate"] <= 1
    assert all(b["clause"] for b in doc["breaches"])
    assert doc["records"]["read"] == doc["records"]["used"] + doc["records"]["rejected"]


def test_bad_month_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["report", "--month", "2026-13", LOG])
    assert result.exit_code == 2 and "--month" in result.output
