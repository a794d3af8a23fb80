"""Errors in words: every code the package uses has words in both catalogues; errors,
rejections and warnings speak the --lang language (values aside); rules errors name list
entries by id and full-width punctuation as such."""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner

import slarules
import slarules.loader
import slarules.model
from slarules.cli import main
from slarules.engine import check_records
from slarules.errors import RuleError, RulesInvalid, short_repr
from slarules.events import Rejection
from slarules.lint import lint
from slarules.loader import load_contract
from slarules.messages import Coded, Msg, Ref, Values
from slarules.readers import LogError, read_logs
from slarules.wording import (
    CODE_SECTIONS,
    ERROR_SECTIONS,
    LANGUAGES,
    Words,
    catalogue,
    placeholders,
)

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "slarules"
EXAMPLE = ROOT / "examples" / "october-2026-with-errors.jsonl"
CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


# ---------------------------------------------------------------- the codes


def _error_codes(lang: str) -> set[str]:
    data = catalogue(lang)
    return {code for section in ERROR_SECTIONS for code in data[section]}


def _codes_in_source() -> set[str]:
    """Every string in the package's code that is shaped like an error code of a known family
    (``record.``, ``rules.``, ``file.`` ...): what is passed to Rejection, RuleError,
    LogError, Problem, Msg and their helpers."""
    families = {code.split(".")[0] for code in _error_codes("en")}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if CODE.fullmatch(text) and text.split(".")[0] in families:
                    found.add(text)
    return found


def test_every_error_code_of_the_source_has_words_in_both_catalogues_and_no_words_are_idle() -> (
    None
):
    used = _codes_in_source()
    assert len(used) > 200  # the scan finds them (the rejections, rules, inputs, warnings)
    for lang in LANGUAGES:
        known = _error_codes(lang)
        assert used - known == set(), f"codes without words in {lang}.yaml"
        assert known - used == set(), f"words in {lang}.yaml for codes nothing uses"


def test_a_code_lives_in_one_section_only() -> None:
    for lang in LANGUAGES:
        data = catalogue(lang)
        seen: dict[str, str] = {}
        for section in CODE_SECTIONS:
            for code in data[section]:
                assert code not in seen, (code, section, seen.get(code))
                seen[code] = section


def _complete(words: Words, code: str, values: Values) -> None:
    """Every placeholder of the code's words has a value (nested messages too)."""
    given = dict(values)
    missing = placeholders(words.template(code)) - set(given)
    assert not missing, (code, missing)
    for value in given.values():
        items = value if isinstance(value, (tuple, list)) else (value,)
        for item in items:
            if isinstance(item, Msg):
                _complete(words, item.code, item.values)


# ---------------------------------------------------------------- values aside

# What the Chinese words quote as the user writes it (as tests/test_wording.py allows).
NOTATIONS = re.compile(
    r"`[^`]*`|\(原文: [^)]*\)|readings\.\w*( = \w+)?|--[a-z-]+|ISO 8601|JSON Schema|U\+[0-9A-F]{4}"
    r"|YYYY-MM-DD|\b(YAML|JSON|CSV|XES|UTF-8|gzip|zip|MiB|gbk|Excel|Windows|strptime|slarules)\b"
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _shown(values: Values) -> Iterator[str]:
    """How the values of a message may be written out: as text, quoted, by id."""
    for _, value in values:
        yield from _shown_value(value)


def _shown_value(value: object) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, Msg):
        yield from _shown(value.values)
    elif isinstance(value, Ref):
        yield value.id
    elif isinstance(value, (tuple, list)):
        for item in value:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
                yield item[0]  # a fact: (name, value)
                yield from _shown_value(item[1])
            else:
                yield from _shown_value(item)
    else:
        yield short_repr(value)
        yield str(value)
        if isinstance(value, float):
            yield f"{value:g}"


def _values_of(items: list[Any]) -> set[str]:
    """What the items' values may show as (file names and paths included)."""
    shown: set[str] = set()
    for item in items:
        values = item.values
        shown.update(_shown(values))
        if isinstance(item, Rejection):
            shown.add(item.source)
    return {s for s in shown if s}


def _left(line: str, values: set[str]) -> str:
    """The line without its values (longest first) and the notations it may quote: the long
    values first (a path may hold a notation), the short ones last (a number may be a part
    of one)."""
    for text in sorted((v for v in values if len(v) > 4), key=len, reverse=True):
        line = line.replace(text, " ")
    line = NOTATIONS.sub(" ", line)
    for text in sorted((v for v in values if len(v) <= 4), key=len, reverse=True):
        line = line.replace(text, " ")
    return line


def assert_chinese(lines: list[str], items: list[Any]) -> None:
    assert lines
    values = _values_of(items)
    for line in lines:
        rest = _left(line, values)
        assert not re.findall(r"[A-Za-z]{2,}", rest), (line, rest)
        assert CHINESE.search(line), line


def assert_english(lines: list[str], items: list[Any]) -> None:
    assert lines
    values = _values_of(items)
    for line in lines:
        assert not CHINESE.search(_left(line, values)), line


@functools.cache
def _bundled() -> slarules.model.Contract:
    return load_contract(None)


def _load(rules: object = None) -> slarules.model.Contract:
    return _bundled() if rules is None else load_contract(rules)  # type: ignore[arg-type]


def _cli(*args: str) -> Any:
    """The command; the bundled rules are loaded once for all (0.15 s each time otherwise)."""
    with mock.patch.object(slarules.loader, "load_contract", _load):
        result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


# ---------------------------------------------------------------- rejected records

BAD_JSONL = [
    '{"case": "A", "event": "reported", "at": "2026-10-01T08:00", "severity": "严重"}',
    '{"case": "A", "event": "responded",',
    "[1, 2]",
    '{"case": "A", "at": "2026-10-01T08:00"}',
    '{"case": "A", "event": "respnded", "at": "2026-10-01T08:00"}',
    '{"case": 1, "event": "responded", "at": "2026-10-01T08:00"}',
    '{"case": "A", "event": "responded", "at": "2026-13-01T08:00"}',
    '{"case": "A", "event": "responded", "at": "9999-12-31T23:59:59+08:00"}',
    '{"case": "B", "event": "reported", "at": "2026-10-01T08:00", "severity": "urgent"}',
    '{"case": "B", "event": "reported", "at": "2026-10-01T08:00", "severity": "一般", "site": "x"}',
    '{"case": "B", "event": "reported", "at": "2026-10-01T08:00"}',
    '{"case": "B", "event": "escalated", "at": "2026-10-01T09:00", "level": "two"}',
    '{"case": "B", "event": "escalated", "at": "2026-10-01T09:00", "level": 9}',
    '{"case": "H", "event": "call", "at": "2026-10-01T09:00", "wait_seconds": -3}',
    '{"case": "C", "event": "report_submitted", "at": "2026-10-01T09:00", "sections": 5}',
    '{"case": "M", "event": "monthly_summary_submitted", "at": "2026-10-01T09:00", "period": "x"}',
    '{"case": "M", "event": "inspection", "at": "2026-10-01T09:00", "device": 7}',
    '{"case": "N", "event": "inspection_notified", "at": "2026-10-01", "planned_for": "soon"}',
]
BAD_CSV = (
    "case,event,at,severity\n"
    "A,reported,2026-10-01T08:00,严重\n"
    'A,responded,2026-10-01T08:10,"open\n'  # a quote never closed
    "A,responded,2026-10-01T08:20,,x,y\n"  # too many cells
    f"A,responded,2026-10-01T08:30,{'x' * 140_000}\n"  # a field over the limit
)


@pytest.fixture(scope="module")
def bad_logs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("logs")
    jsonl = folder / "bad.jsonl"
    jsonl.write_text("\n".join(BAD_JSONL) + "\n", "utf-8")
    csv = folder / "bad.csv"
    csv.write_text(BAD_CSV, "utf-8")
    return [str(EXAMPLE), str(jsonl), str(csv)]


def test_rejections_are_codes_and_values_with_words_in_both_languages(
    contract: slarules.Contract, bad_logs: list[str]
) -> None:
    _, rejected, _ = check_records(contract, read_logs(bad_logs))
    codes = {r.code for r in rejected}
    assert {"json.broken", "json.not_object", "record.missing", "record.unknown_event"} <= codes
    assert {"record.case_not_text", "time.not_iso", "time.out_of_range", "record.fact"} <= codes
    assert {"record.missing_fact", "quote.unclosed_at_end", "csv.too_many_cells"} <= codes
    assert "csv.field_too_large" in codes
    problems = {dict(r.values)["problem"].code for r in rejected if r.code == "record.fact"}
    assert problems >= {"value.unknown_severity", "value.unknown_site", "value.not_whole"}
    assert problems >= {"value.unknown_level", "value.below_min", "value.not_sections"}
    assert problems >= {"value.not_period", "value.not_text", "time.not_iso"}
    for lang in LANGUAGES:
        for r in rejected:
            _complete(Words(lang), r.code, r.values)
    # Without words: the place, the code and the values.
    first = rejected[0]
    assert (
        str(first) == f"{EXAMPLE}:418: record.unknown_event (event='respnded', close='responded')"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_audit_says_why_records_are_rejected_in_its_language(
    contract: slarules.Contract, bad_logs: list[str], lang: str
) -> None:
    _, rejected, _ = check_records(contract, read_logs(bad_logs))
    as_of = ["--as-of", "2026-11-01", "--lang", lang]
    result = _cli("audit", *bad_logs, "--format", "json", *as_of)
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert [(r["line"], r["code"]) for r in doc["rejected"]] == [(r.line, r.code) for r in rejected]
    prefix = "拒绝: " if lang == "zh" else "rejected: "
    stderr = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert len(stderr) == len(rejected)
    table = _cli("audit", *bad_logs, *as_of).stdout.splitlines()
    footer = [line for line in table if line.startswith(prefix)]
    assert footer == stderr
    lines = [r["reason"] for r in doc["rejected"]] + stderr
    check = assert_chinese if lang == "zh" else assert_english
    check(lines, rejected)
    if lang == "zh":
        assert f"拒绝: {EXAMPLE}:418: 没有事件 'respnded' (是否想写 'responded'?)" in stderr
    else:
        assert f"rejected: {EXAMPLE}:418: unknown event 'respnded' (did you mean 'responded'?)" in (
            stderr
        )


# ---------------------------------------------------------------- files that cannot be read


@pytest.fixture(scope="module")
def unreadable(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("unreadable")
    (folder / "logs").mkdir()
    (folder / "gbk.jsonl").write_bytes('{"case": "甲"}\n'.encode("gbk"))
    (folder / "packed.jsonl").write_bytes(b"PK\x03\x04" + b"\xff" * 20)
    return [str(folder / "logs"), str(folder / "missing.jsonl")] + [
        str(folder / name) for name in ("gbk.jsonl", "packed.jsonl")
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_file_that_cannot_be_read_is_one_line_in_the_language(
    unreadable: list[str], lang: str
) -> None:
    errors = []
    for path in unreadable:
        with pytest.raises(LogError) as info:
            list(read_logs([path]))
        errors.append(info.value)
        _complete(Words(lang), info.value.code, info.value.values)
    assert [e.code for e in errors] == [
        "file.directory",
        "file.missing",
        "file.undecodable",
        "file.undecodable",
    ]
    lines = []
    for path in unreadable:
        result = _cli("audit", path, "--lang", lang)
        assert result.exit_code == 2
        (line,) = result.stderr.splitlines()
        lines.append(line)
    prefix = "slarules: 错误: " if lang == "zh" else "slarules: error: "
    assert all(line.startswith(prefix) for line in lines)
    if lang == "zh":
        assert lines[0] == f"slarules: 错误: {unreadable[0]}: 是目录, 不是日志文件"
        assert "zip 压缩包" in lines[3]
        assert_chinese([line.removeprefix(prefix) for line in lines], errors)
    else:
        assert lines[0] == f"slarules: error: {unreadable[0]}: a directory, not a log file"
        assert "(the file is a zip archive: unpack it first" in lines[3]
        assert_english(lines, errors)


def test_a_year_beyond_the_calendar_is_said_in_the_language(tmp_path: Path) -> None:
    log = tmp_path / "late.jsonl"
    log.write_text(
        '{"case": "A", "event": "reported", "at": "2031-01-06T09:00", "severity": "minor"}\n',
        "utf-8",
    )
    zh = _cli("audit", str(log), "--as-of", "2032-01-01", "--lang", "zh")
    assert zh.exit_code == 2
    assert zh.stderr.startswith("slarules: 错误: 没有 2031 年的工作日历 (规则涵盖 2008-2026 年)")
    en = _cli("audit", str(log), "--as-of", "2032-01-01", "--lang", "en")
    assert en.stderr.startswith("slarules: error: no working-day calendar for 2031")


# ---------------------------------------------------------------- rules errors


def _edit(rules: Path, name: str, old: str, new: str) -> None:
    path = rules / name
    text = path.read_text("utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# Each set fails at one stage (syntax, schema, the model), so that all its errors show.
BROKEN = {
    "syntax": [
        ("contract.yaml", "timezone: Asia/Shanghai", "timezone：Asia/Shanghai"),
        ("sites.yaml", "apiVersion: slarules/v1", "apiVersion: slarules/v1\n\tkind: x"),
        ("devices.yaml", "apiVersion: slarules/v1", "apiVersion: 'slarules/v1"),
        ("severity.yaml", "    zh: 重大\n", "    zh: 重大\n    zh: 重大\n"),
    ],
    "schema": [  # one problem an entry (an entry that fails says its deepest reason)
        (
            "response_times.yaml",
            "    stop: responded\n",
            "    stop: responded\n    budjet: 5 min\n",
        ),
        ("response_times.yaml", "budget: 30 min", "budget: 30 m"),
        ("sites.yaml", "sites: [shenyang]}", "sites: [shenyang，dalian]}"),
        ("sites.yaml", "distance_km: 397}", "distance_km: far}"),
        ("escalation.yaml", "clock: elapsed", "clock: elapsd"),
        ("calendar.yaml", "    rest_days:", "    rest_dayz:"),
    ],
    "model": [
        ("response_times.yaml", "stop: responded", "stop: respond"),
        ("response_times.yaml", "major: 5 min, serious", "majr: 5 min, serious"),
        ("response_times.yaml", "pauses: [customer_approval]", "pauses: [customer_aproval]"),
        ("response_times.yaml", "budget: 30 min", "budget: 0 min"),
        ("events.yaml", "device: {type: string, required: true}", "device: {type: string, min: 1}"),
        ("contract.yaml", "timezone: Asia/Shanghai", "timezone: Asia/Shanghia"),
    ],
}


def _broken(rules: Path, stage: str) -> list[RuleError]:
    for name, old, new in BROKEN[stage]:
        _edit(rules, name, old, new)
    with pytest.raises(RulesInvalid) as info:
        load_contract(rules)
    return info.value.errors


@pytest.mark.parametrize("stage", sorted(BROKEN))
def test_rules_errors_speak_the_language_of_the_command(rules_copy: Path, stage: str) -> None:
    errors = _broken(rules_copy, stage)
    assert len(errors) >= len(BROKEN[stage])
    for lang in LANGUAGES:
        for error in errors:
            _complete(Words(lang), error.code, error.values)
        result = _cli("validate", "--rules", str(rules_copy), "--lang", lang)
        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert len(lines) == len(errors) + 1  # and the count
        located = [line.split(": ", 1) for line in lines[:-1]]
        assert [place for place, _ in located] == [str(e.location) for e in errors]
        messages = [message for _, message in located]
        if lang == "zh":
            assert lines[-1] == f"{len(errors)} 处错误"
            assert_chinese(messages, errors)
        else:
            assert lines[-1] == f"{len(errors)} error(s)"
            assert_english(messages, errors)
        if lang == "zh":  # the JSON's messages are those lines' (and the codes beside)
            args = ("validate", "--rules", str(rules_copy), "--lang", lang, "--format", "json")
            doc = json.loads(_cli(*args).stdout)
            assert [e["code"] for e in doc["errors"]] == [e.code for e in errors]
            assert [e["message"] for e in doc["errors"]] == messages


def test_validates_warnings_are_in_the_language(contract: slarules.Contract) -> None:
    warnings = lint(contract)
    assert {w.code for w in warnings} == {
        "lint.severity_gap",
        "lint.severity_overlap",
        "lint.not_stated",
        "lint.conflict",
    }
    for lang in LANGUAGES:
        result = _cli("validate", "--lang", lang)
        assert result.exit_code == 0
        lines = result.stdout.splitlines()[:-1]
        assert len(lines) == len(warnings)
        if lang == "zh":
            assert all(": 警告: " in line for line in lines)
            assert_chinese([line.split(": 警告: ", 1)[1] for line in lines], warnings)
        else:
            assert all(": warning: " in line for line in lines)
            assert_english(lines, warnings)
    zh = _cli("validate", "--lang", "zh").stdout
    assert "general_response 与 remote_response 冲突: 一般 60分钟 对 30分钟" in zh


def test_schema_errors_name_list_entries_by_id(rules_copy: Path) -> None:
    _edit(rules_copy, "response_times.yaml", "major: 5 min, serious", "major: 5 mins, serious")
    _edit(rules_copy, "severity.yaml", "  - id: major\n", "  - id: major\n    colour: red\n")
    _edit(rules_copy, "sites.yaml", "distance_km: 397}", "distance_km: far}")
    _edit(rules_copy, "calendar.yaml", "    rest_days:", "    rest_dayz:")
    words = Words("en")
    shown = [words.rules_message(e) for e in _broken_as_is(rules_copy)]
    assert any(m.startswith("obligations[remote_response].budget.table.major: ") for m in shown)
    assert "unknown key 'colour' in levels[major] (did you mean 'zh'?)" not in shown
    assert any(m.startswith("unknown key 'colour' in levels[major]") for m in shown)
    assert "sites[dalian].distance_km: expected number, got 'far'" in shown
    assert any(m.startswith("unknown key 'rest_dayz' in years.2008") for m in shown)


# ---------------------------------------------------------------- full-width punctuation


@pytest.mark.parametrize(
    ("file", "old", "new", "char", "message"),
    [
        (
            "contract.yaml",
            "timezone: Asia/Shanghai",
            "timezone：Asia/Shanghai",
            "：",
            "a full-width colon '：' (U+FF1A): YAML needs the ASCII ':' followed by a space",
        ),
        (
            "response_times.yaml",
            "    stop: responded\n    clock: elapsed\n    budget: 30 min",
            "    stop：responded\n    clock: elapsed\n    budget: 30 min",
            "：",
            "a full-width colon '：' (U+FF1A): YAML needs the ASCII ':' followed by a space",
        ),
        (
            "response_times.yaml",
            "major: 5 min, serious",
            "major: 5 min，serious",
            "，",
            "a full-width comma '，' (U+FF0C): YAML separates items with the ASCII ','",
        ),
        (
            "response_times.yaml",
            "pauses: [customer_approval]",
            "pauses: [customer_approval；x]",
            "；",
            "a full-width semicolon '；' (U+FF1B): YAML needs ASCII punctuation (',' between items)",
        ),
        (
            "response_times.yaml",
            '  - id: general_response\n    clause: "3/4.2"',
            '  - id: general_response\n\u3000\u3000clause: "3/4.2"',
            "\u3000",
            "a full-width space (U+3000): YAML indents and separates with ASCII spaces",
        ),
        (
            "response_times.yaml",
            "  - id: remote_response",
            "  - id：remote_response",
            "：",
            "a full-width colon '：' (U+FF1A): YAML needs the ASCII ':' followed by a space",
        ),
    ],
)
def test_full_width_punctuation_is_named_where_it_stands(
    rules_copy: Path, file: str, old: str, new: str, char: str, message: str
) -> None:
    _edit(rules_copy, file, old, new)
    path = rules_copy / file
    line = _line_of(path, char)
    column = path.read_text("utf-8").splitlines()[line - 1].index(char) + 1
    result = _cli("validate", "--rules", str(rules_copy), "--lang", "en")
    assert result.exit_code == 2
    # The one error, where the character stands (a file that does not parse adds no "no file
    # of kind Contract").
    assert result.stderr.splitlines() == [f"{path}:{line}:{column}: {message}", "1 error(s)"]
    chinese = _cli("validate", "--rules", str(rules_copy), "--lang", "zh")
    assert chinese.stderr.splitlines()[0].startswith(f"{path}:{line}:{column}: 全角")


def test_full_width_punctuation_in_chinese_text_is_text(rules_copy: Path) -> None:
    """A title may hold a Chinese comma or colon: only where YAML reads syntax is it wrong."""
    _edit(
        rules_copy,
        "response_times.yaml",
        "title: {zh: 远程支持电话响应, en: remote support phone response}",
        "title: {zh: 远程支持，电话响应：远程, en: remote support phone response}  # 注：远程，现场",
    )
    _edit(
        rules_copy,
        "response_times.yaml",
        "    stop: responded\n",
        "    stop: responded\n    idd: x\n",
    )
    errors = _broken_as_is(rules_copy)
    assert [Words("en").rules_message(e) for e in errors] == [
        "unknown key 'idd' in obligations[remote_response] (did you mean 'id'?)"
    ]


def _broken_as_is(rules: Path) -> list[RuleError]:
    with pytest.raises(RulesInvalid) as info:
        load_contract(rules)
    return info.value.errors


# ---------------------------------------------------------------- mappings and test cases


BAD_MAPPING = """\
apiVersion: slarules/v1
kind: Mapping
case: number
time: {column: at, format: "%d/%m/%Y"}
status: state
severity: {column: priority, values: {1 - Critical: critcal}}
report: {}
events:
  - {when: enter, status: Active, event: respond}
pauses:
  - {status: Wait, pause: customer_aproval}
  - {status: Hold, start: responded, end: restored}
escalation:
  column: group
  levels: [{match: '(a)\\1', level: 2}, {match: 'L3', level: 7}]
"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_mapping_errors_speak_the_language(
    contract: slarules.Contract, tmp_path: Path, lang: str
) -> None:
    from slarules.importer import load_mapping

    mapping = tmp_path / "bad.yaml"
    mapping.write_text(BAD_MAPPING, "utf-8")
    with pytest.raises(RulesInvalid) as info:
        load_mapping(mapping, contract)
    errors = info.value.errors
    assert [e.code for e in errors] == [
        "mapping.time_format_percent",
        "mapping.unknown_level",
        "rules.unknown_event",
        "mapping.unknown_pause",
        "mapping.not_a_pause",
        "mapping.not_linear",
        "mapping.unknown_support_level",
    ]
    result = _cli("import", "--mapping", str(mapping), "x.csv", "--lang", lang)
    assert result.exit_code == 2
    messages = [line.split(": ", 1)[1] for line in result.stderr.splitlines()]
    assert len(messages) == len(errors)
    (assert_chinese if lang == "zh" else assert_english)(messages, errors)


def test_a_failing_test_case_says_why_in_the_language(tmp_path: Path) -> None:
    file = tmp_path / "wrong.yaml"
    file.write_text(
        "apiVersion: slarules/v1\nkind: TestCases\nas_of: 2026-11-01\ncases:\n"
        "  - name: wrong expectation\n    events:\n"
        "      - {event: reported, at: '2026-03-02 09:00', severity: serious}\n"
        "      - {event: responded, at: '2026-03-02 09:11'}\n"
        "      - {event: respnded, at: '2026-03-02 09:12'}\n"
        "    expect:\n      - {obligation: remote_response, status: met}\n",
        "utf-8",
    )
    zh = _cli("test", str(file), "--lang", "zh").stdout.splitlines()
    assert zh[1:3] == [
        "     记录 3: 被拒绝: 没有事件 'respnded' (是否想写 'responded'?)",
        "     wrong expectation remote_response: 期望 达标, 实际为 违约 "
        "(电话响应于 2026-03-02 09:11 周一, 超时 1分)",
    ]
    en = _cli("test", str(file), "--lang", "en").stdout.splitlines()
    assert en[1:3] == [
        "     record 3: rejected: unknown event 'respnded' (did you mean 'responded'?)",
        "     wrong expectation remote_response: expected met, got breached "
        "(first phone response at 2026-03-02 09:11 Mon, 1 min late)",
    ]


def test_errors_without_words_show_their_code_and_values(tmp_path: Path) -> None:
    """The library's objects, printed without the wording module, are still one located line."""
    error = RuleError(
        slarules.errors.Location("r.yaml", 3, 5), "rules.unknown_event", (("name", "x"),)
    )
    assert str(error) == "r.yaml:3:5: rules.unknown_event (name='x')"
    assert str(RulesInvalid([error])) == str(error)
    problem: Coded = LogError("file.missing", path="a.jsonl")
    assert str(problem) == "file.missing (path='a.jsonl')"
    assert Words("zh").problem(problem) == "a.jsonl: 没有这个文件"
    assert slarules.Words("en").rules_error(error) == "r.yaml:3:5: unknown event 'x'"
