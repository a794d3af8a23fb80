"""The catalogues and the CLI's language: same keys and placeholders in both, the
language taken from --lang or the locale, help pages that fit the terminal."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slarules.cli import main
from slarules.cli.helpformat import wrap_help
from slarules.cli.language import from_argv, from_environment
from slarules.reporters.grid import width
from slarules.wording import catalogue

ROOT = Path(__file__).resolve().parent.parent


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and not set(value) <= {"one", "other"}:  # plural forms
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _fields(value: Any) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {
        field
        for text in texts
        if isinstance(text, str)
        for _, field, _, _ in string.Formatter().parse(text)
        if field
    }


def test_the_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh, en = _flat(catalogue("zh")), _flat(catalogue("en"))
    assert set(zh) == set(en)
    for key in sorted(set(zh) - {"language"}):
        assert _fields(zh[key]) == _fields(en[key]), key


def test_chinese_has_no_latin_words_in_its_own_wording() -> None:
    """zh.yaml's words, its placeholders and the names and notations it quotes aside."""
    quoted = re.compile(
        r"readings\.(\w+|\{\w+\})( = \w+)?|--[a-z-]+|\{[^}]*\}|`[^`]*`|'[^']*'"
        r"|slarules|n/a|ISO 8601|JSON Lines|UTF-8|\bnow\b|\bauto\b"  # what the user types
        # formats and tools by their names, the notations of dates, sizes and characters
        r"|JSON Schema|\b(YAML|JSON|CSV|XES|gzip|zip|xz|bzip2|zstd|7z|Excel|Windows|gbk)\b"
        r"|\bstrptime\b|\bMiB\b|U\+[0-9A-F]{4}|YYYY-MM-DD"
    )
    for key, value in _flat(catalogue("zh")).items():
        if key.startswith("help.") or key == "language" or not isinstance(value, str):
            continue  # help texts name options, formats and variables
        assert not re.findall(r"[A-Za-z]{2,}", quoted.sub(" ", value)), (key, value)


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "zh"),
        ({"LANG": "C"}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.Big5"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE@euro"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_FR", "LC_ALL": "zh_CN.GB18030"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": ""}, "en"),  # empty is unset, as POSIX says
    ],
)
def test_the_language_comes_from_the_locale(environ: dict[str, str], lang: str) -> None:
    assert from_environment(environ) == lang


def test_lang_in_the_command_line_comes_first_the_last_one_wins() -> None:
    assert from_argv(["audit", "x.jsonl", "--lang", "en"]) == "en"
    assert from_argv(["audit", "--lang=en", "--lang", "zh"]) == "zh"
    assert from_argv(["audit", "--lang", "fr"]) is None  # click says what is wrong
    assert from_argv(["audit", "--", "--lang", "en"]) is None
    assert from_argv(["audit", "--lang"]) is None


def _slarules(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run(
        [sys.executable, "-m", "slarules", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**env, "COLUMNS": "80", **environ},
        cwd=ROOT,
        check=False,
    )


def test_the_locale_sets_the_help_and_the_messages_and_lang_overrides_it() -> None:
    english = _slarules("audit", "--help", LANG="en_US.UTF-8")
    assert english.returncode == 0
    assert english.stdout.startswith("Usage: slarules audit [OPTIONS] LOGS...")
    assert "Check every case in the LOGs" in english.stdout
    chinese = _slarules("audit", "--help", "--lang", "zh", LANG="en_US.UTF-8")
    assert chinese.stdout.startswith("用法: slarules audit [OPTIONS] LOGS...")
    assert "\n选项:\n" in chinese.stdout and "显示本帮助并退出。" in chinese.stdout
    missing = _slarules("audit", "missing.jsonl", LC_ALL="zh_CN.UTF-8", LANG="en_US.UTF-8")
    assert missing.returncode == 2
    assert missing.stderr.startswith("slarules: 错误: missing.jsonl")
    assert _slarules("audit", "missing.jsonl", LANG="en_US.UTF-8").stderr.startswith(
        "slarules: error: missing.jsonl"
    )


@pytest.mark.parametrize("command", ["audit", "due", "explain", "report", "import", "validate"])
def test_chinese_help_fits_the_terminal(command: str) -> None:
    """Chinese wraps by its display width (click alone would make lines twice too wide)."""
    page = CliRunner().invoke(main, [command, "--help"], terminal_width=80).output
    assert page.startswith("用法: ")
    assert max(width(line) for line in page.splitlines()) <= 80
    assert "[默认: " in page or command in ("explain", "import")


def test_help_wraps_between_chinese_characters_not_inside_words_nor_before_commas() -> None:
    lines = wrap_help("审计窗口起点: 月份 (2026-10) 或日期/时间, servicenow、bpic2013。", 16)
    assert all(width(line) <= 16 for line in lines)
    assert (
        "".join(lines).replace(" ", "")
        == "审计窗口起点:月份(2026-10)或日期/时间,servicenow、bpic2013。"
    )
    assert all(not line.startswith(("、", "。", ",")) for line in lines)
    assert any(line.endswith("servicenow、") or "bpic2013" in line for line in lines)
