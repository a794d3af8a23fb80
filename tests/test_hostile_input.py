"""Hostile input to the loaders and readers (issue 11): each is one located line and exit 2,
never a traceback, a RecursionError, an OverflowError or a process that blocks."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from slarules.cli import main
from slarules.durations import DurationError, parse_duration
from slarules.errors import RuleError, RulesInvalid
from slarules.loader import MAX_FILE_BYTES, load_contract
from slarules.readers import LogError, last_positions, read_logs
from slarules.wording import Words
from slarules.yamlsource import MAX_DEPTH

EN = Words("en")  # the words of errors the library raises, in English

ROOT = Path(__file__).resolve().parent.parent
DEEP = f"nested more than {MAX_DEPTH} levels deep (the limit for these files)"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def run(*args: str, lang: str = "en") -> Result:
    """The command, in English unless told (the messages read here are the rules' and the
    readers')."""
    result = CliRunner().invoke(main, [*args, "--lang", lang])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def rules_errors(rules: Path) -> list[RuleError]:
    with pytest.raises(RulesInvalid) as info:
        load_contract(rules)
    return info.value.errors


def lines(result: Result) -> list[str]:
    return result.output.strip().splitlines()


def edit(rules: Path, name: str, old: str, new: str) -> None:
    path = rules / name
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line
    )


@contextmanager
def deadline(seconds: int = 20) -> Iterator[None]:
    """Fail instead of hanging, should something open a FIFO that has no writer."""

    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- 11.5 nesting depth


def nested(kind: str, key: str, depth: int) -> str:
    # About 2 KB of text for 500 levels.
    return f"apiVersion: slarules/v1\nkind: {kind}\n{key}: " + "[" * depth + "]" * depth + "\n"


def test_deep_nesting_in_a_rules_file(rules_copy: Path) -> None:
    (rules_copy / "deep.yaml").write_text(nested("Devices", "devices", 500), "utf-8")
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    # The top mapping is level 1, so the 64th bracket (column 9 + 64) is level 65.
    assert f"{rules_copy / 'deep.yaml'}:3:73: {DEEP}" in lines(result)


def test_deep_nesting_in_a_mapping_file(tmp_path: Path) -> None:
    mapping = tmp_path / "deep.yaml"
    mapping.write_text(nested("Mapping", "events", 500), "utf-8")
    export = ROOT / "examples" / "servicenow-export.csv"
    result = run("import", "--mapping", str(mapping), str(export))
    assert result.exit_code == 2
    assert lines(result) == [f"{mapping}:3:72: {DEEP}"]


def test_deep_nesting_in_a_test_case_file(tmp_path: Path) -> None:
    cases = tmp_path / "deep.yaml"
    cases.write_text(nested("TestCases", "cases", 500), "utf-8")
    result = run("test", str(cases))
    assert result.exit_code == 2
    assert lines(result) == [f"{cases}:3:71: {DEEP}"]


def test_deep_block_nesting_and_the_limit_itself(tmp_path: Path) -> None:
    from slarules.yamlsource import parse_yaml

    block = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 300))
    doc, errors = parse_yaml(block.encode(), "block.yaml")
    assert doc is None and [EN.rules_message(e) for e in errors] == [DEEP]
    # Exactly the limit is fine: the top mapping and 63 sequences.
    flat = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    doc, errors = parse_yaml(flat.encode(), "flat.yaml")
    assert doc is not None and errors == []


@pytest.mark.parametrize(
    "text",
    [
        "devices: &a [*a]\n",  # a sequence that holds itself
        "devices: &a {x: *a}\n",
    ],
)
def test_an_alias_loop_is_refused(rules_copy: Path, text: str) -> None:
    (rules_copy / "loop.yaml").write_text(
        f"apiVersion: slarules/v1\nkind: Devices\n{text}", "utf-8"
    )
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    assert f"{rules_copy / 'loop.yaml'}:3:10: an alias refers to a collection that holds it" in (
        lines(result)
    )


def test_aliases_cannot_nest_past_the_limit(rules_copy: Path) -> None:
    text = "a: &a " + "[" * 60 + "]" * 60 + "\nb: [[[[[[[*a]]]]]]]\n"
    (rules_copy / "alias.yaml").write_text(
        f"apiVersion: slarules/v1\nkind: Devices\n{text}", "utf-8"
    )
    errors = rules_errors(rules_copy)
    assert [EN.rules_message(e) for e in errors if "alias.yaml" in e.location.file] == [DEEP]


# ---------------------------------------------------------------- 11.7 odd paths


def test_odd_entries_of_a_rules_directory(rules_copy: Path, tmp_path: Path) -> None:
    (rules_copy / "dir.yaml").mkdir()
    (rules_copy / "loop-a.yaml").symlink_to(rules_copy / "loop-b.yaml")
    (rules_copy / "loop-b.yaml").symlink_to(rules_copy / "loop-a.yaml")
    (rules_copy / "dangling.yaml").symlink_to(rules_copy / "gone.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text("apiVersion: slarules/v1\nkind: Devices\ndevices: []\n", "utf-8")
    (rules_copy / "out.yaml").symlink_to(outside)
    # A link that stays inside is read like the file it names (here: a second Devices file).
    (rules_copy / "inside.yaml").symlink_to(rules_copy / "devices.yaml")
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    got = lines(result)
    for expected in [
        f"{rules_copy / 'dir.yaml'}: a directory, not a YAML file",
        f"{rules_copy / 'loop-a.yaml'}: a symbolic link loop",
        f"{rules_copy / 'loop-b.yaml'}: a symbolic link loop",
        f"{rules_copy / 'dangling.yaml'}: a symbolic link to {rules_copy / 'gone.yaml'}, "
        "which does not exist",
        f"{rules_copy / 'out.yaml'}: a symbolic link to {outside}, outside the rules directory: "
        "refused",
    ]:
        assert expected in got, got
    assert any("inside.yaml:" in line and "a second Devices file" in line for line in got)
    assert got[-1] == "6 error(s)"


@needs_fifo
def test_a_fifo_in_a_rules_directory_is_not_opened(rules_copy: Path) -> None:
    os.mkfifo(rules_copy / "pipe.yaml")
    with deadline():
        result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    assert lines(result) == [
        f"{rules_copy / 'pipe.yaml'}: not a regular file (a pipe, device or socket): not read",
        "1 error(s)",
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("x", "utf-8"),
            "not a directory: the rules are a directory of .yaml files",
        ),
        (lambda p: None, "no such rules directory"),
        (lambda p: p.symlink_to(p), "rules directory: a symbolic link loop"),
    ],
    ids=["a file", "missing", "a link loop"],
)
def test_rules_option_that_is_not_a_directory(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    target = tmp_path / "rules"
    make(target)
    for args in (["validate"], ["audit", str(ROOT / "examples" / "october-2026.jsonl")]):
        result = run(*args, "--rules", str(target))
        assert result.exit_code == 2
        assert lines(result)[0] == f"{target}: {message}"
        assert len(lines(result)) == 2  # and the count: nothing else is claimed missing


def test_a_rules_file_over_the_size_limit_is_not_read(rules_copy: Path) -> None:
    # A 50 MB contract id: refused by its size, before any of it is read or parsed.
    edit(rules_copy, "contract.yaml", "id: liaoning-maintenance", "id: " + "x" * 50_000_000)
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    assert lines(result) == [
        f"{rules_copy / 'contract.yaml'}: the file is 47.7 MiB; a rules, mapping or test-case "
        f"file may hold at most {MAX_FILE_BYTES // 2**20} MiB",
        "1 error(s)",
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "a directory, not a log file"),
        (lambda p: p.symlink_to(p), "a symbolic link loop"),
        (
            lambda p: p.symlink_to(p.with_name("gone.jsonl")),
            "a symbolic link to {gone}, which does not exist",
        ),
        (lambda p: None, "no such file"),
    ],
    ids=["directory", "link loop", "dangling link", "missing"],
)
def test_a_log_path_that_is_not_a_file(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    log = tmp_path / "log.jsonl"
    make(log)
    result = run("audit", str(log), "--as-of", "2026-11-01")
    assert result.exit_code == 2
    assert lines(result) == [
        f"slarules: error: {log}: {message.format(gone=tmp_path / 'gone.jsonl')}"
    ]


def test_report_and_explain_refuse_a_directory_as_a_log(tmp_path: Path) -> None:
    for command in (
        ["report", "--month", "2026-10", str(tmp_path)],
        ["explain", str(tmp_path), "X"],
    ):
        result = run(*command)
        assert result.exit_code == 2
        assert lines(result) == [f"slarules: error: {tmp_path}: a directory, not a log file"]


def test_a_device_is_not_a_log(tmp_path: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    result = run("audit", "/dev/null")
    assert result.exit_code == 2
    assert lines(result) == [
        "slarules: error: /dev/null: not a regular file or a pipe (a device or socket): not read"
    ]


def test_an_export_path_that_is_a_directory(tmp_path: Path) -> None:
    result = run("import", "--mapping", "servicenow", str(tmp_path))
    assert result.exit_code == 2
    assert lines(result) == [f"slarules: error: {tmp_path}: a directory, not an export file"]


@needs_fifo
def test_a_fifo_log_is_read_once_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    with deadline():
        # The first pass never opens a pipe: nothing could be read from it again.
        assert last_positions([str(tmp_path / "other.jsonl"), str(fifo)]) is None
        records = [
            {"case": "P-1", "event": "reported", "at": "2026-10-09T14:05+08:00", "severity": "严重",
             "site": "沈阳"},
            {"case": "P-1", "event": "responded", "at": "2026-10-09T14:08+08:00"},
        ]  # fmt: skip

        def write() -> None:
            with open(fifo, "w", encoding="utf-8") as stream:
                stream.writelines(json.dumps(r) + "\n" for r in records)

        writer = threading.Thread(target=write)
        writer.start()
        result = run(
            "audit", str(fifo), "--as-of", "2026-11-01", "-O", "remote_response", "--format", "json"
        )
        writer.join()
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["records"] == {
        "read": 2,
        "used": 2,
        "duplicates": 0,
        "after_as_of": 0,
        "rejected": 0,
    }
    assert [(r["case"], r["status"]) for r in out["results"]] == [("P-1", "met")]


def test_read_logs_raises_log_error_for_a_directory(tmp_path: Path) -> None:
    with pytest.raises(LogError) as info:
        list(read_logs([str(tmp_path)]))
    assert info.value.code == "file.directory"
    assert EN.problem(info.value) == f"{tmp_path}: a directory, not a log file"


# ---------------------------------------------------------------- 11.10 huge numbers


def test_a_huge_budget_is_refused_with_the_bound(rules_copy: Path) -> None:
    edit(rules_copy, "reports.yaml", "budget: 24 h", "budget: 999999999999999999999999999999 min")
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    line = line_of(rules_copy / "reports.yaml", "999999999999999999999999999999 min")
    assert lines(result) == [
        f"{rules_copy / 'reports.yaml'}:{line}:13: duration '999999999999999999999999999999 min' "
        "is too long: at most 52,560,000 min (100 years, the longest a duration may be)",
        "1 error(s)",
    ]


@pytest.mark.parametrize(
    ("longest", "unit"),
    [(3_153_600_000, "s"), (52_560_000, "min"), (876_000, "h"), (36_500, "d"), (36_500, "wd")],
)
def test_durations_are_bounded_at_100_years(longest: int, unit: str) -> None:
    assert parse_duration(f"{longest} {unit}").amount == longest
    with pytest.raises(DurationError) as info:
        parse_duration(f"{longest + 1} {unit}")
    assert f"at most {longest:,} {unit} (100 years" in EN.problem(info.value)


# ---------------------------------------------------------------- 11.12 zero terms, long ids


ZERO_TERMS = [
    ("reports.yaml", "budget: 24 h", "budget: 0 h", "a budget must be more than 0, got '0 h'"),
    ("response_times.yaml", "serious: 10 min", "serious: 0 min", "a budget must be more than 0, got '0 min'"),
    ("escalation.yaml", "interval: 4 h", "interval: 0 h", "an interval must be more than 0, got '0 h'"),
    ("hotline.yaml", "value: 30 s}", "value: 0 s}", "a threshold must be more than 0, got '0 s'"),
    ("recurring.yaml", "at_least: 3 wd", "at_least: 0 wd", "a notice period must be more than 0, got '0 wd'"),
    ("recurring.yaml", "at_least: 1 h", "at_least: 0.0 h", "a minimum must be more than 0, got '0.0 h'"),
    ("recurring.yaml", "after_period_end: 5 wd", "after_period_end: 0 wd",
     "the time after the period's end must be more than 0, got '0 wd'"),
]  # fmt: skip


def test_a_zero_term_is_refused_at_its_place(rules_copy: Path) -> None:
    # Budget, table cell, interval, threshold, notice, minimum, after the period: all errors of
    # a run are reported together, so one load checks every one.
    for file, old, new, _ in ZERO_TERMS:
        edit(rules_copy, file, old, new)
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    got = lines(result)
    assert got[-1] == f"{len(ZERO_TERMS)} error(s)", got
    for file, _, new, message in ZERO_TERMS:
        line = line_of(rules_copy / file, new)
        column = (rules_copy / file).read_text("utf-8").splitlines()[line - 1].index(new)
        column += len(new.split(": ")[0]) + 3  # the value, after "key: "
        assert f"{rules_copy / file}:{line}:{column}: {message}" in got, (message, got)


def test_an_overlong_id_is_refused(rules_copy: Path) -> None:
    edit(rules_copy, "contract.yaml", "id: liaoning-maintenance", "id: " + "x" * 201)
    result = run("validate", "--rules", str(rules_copy))
    assert result.exit_code == 2
    assert lines(result) == [
        f"{rules_copy / 'contract.yaml'}:{line_of(rules_copy / 'contract.yaml', 'x' * 201)}:5: "
        "id: a value of 201 characters, more than the 200 an id, name or title may have",
        "1 error(s)",
    ]


def test_an_overlong_event_name_is_refused_at_the_key(rules_copy: Path) -> None:
    name = "r" * 250
    edit(rules_copy, "events.yaml", "  question_answered:", f"  {name}:")
    errors = rules_errors(rules_copy)
    assert [EN.rules_error(e) for e in errors] == [
        f"{rules_copy / 'events.yaml'}:{line_of(rules_copy / 'events.yaml', name)}:3: events: a key "
        "of 250 characters, more than the 200 an id, name or title may have"
    ]


# ---------------------------------------------------------------- 11.12 bounds of event facts


def audit_lines(tmp_path: Path, name: str, text: str) -> tuple[int, list[str]]:
    log = tmp_path / name
    log.write_text(text, "utf-8")
    result = run(
        "audit", str(log), "--as-of", "2026-11-01", "-O", "hotline_service_level", lang="zh"
    )
    got = lines(result)
    assert "记录: 读取 5 = 使用 2 + 晚于截至时间 0 + 拒绝 3" in got
    return result.exit_code, [line for line in got if line.startswith("拒绝")]


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_facts_outside_their_bounds_are_rejected(tmp_path: Path, suffix: str) -> None:
    rows = [
        ("HOTLINE", "call", "2026-10-01T07:13:00+08:00", {"wait_seconds": -3}),
        ("HOTLINE", "call", "2026-10-01T07:14:00+08:00", {"wait_seconds": 0}),
        ("A", "outage_started", "2026-10-01T07:15:00+08:00", {"affected_users_pct": 120}),
        ("A", "outage_ended", "2026-10-01T08:15:00+08:00", {"affected_users_pct": 100}),
        ("A", "reported", "2026-10-01T07:16:00+08:00", {"severity": "严重", "distance_km": -1}),
    ]
    if suffix == "jsonl":
        text = "".join(
            json.dumps({"case": c, "event": e, "at": at, **facts}) + "\n"
            for c, e, at, facts in rows
        )
    else:
        columns = ["wait_seconds", "affected_users_pct", "severity", "distance_km"]
        text = (
            "case,event,at,"
            + ",".join(columns)
            + "\n"
            + "".join(
                f"{c},{e},{at}," + ",".join(str(facts.get(k, "")) for k in columns) + "\n"
                for c, e, at, facts in rows
            )
        )
    status, rejected = audit_lines(tmp_path, f"log.{suffix}", text)
    assert status == 3
    where = f"{tmp_path / f'log.{suffix}'}:"
    first = 1 if suffix == "jsonl" else 2  # a CSV's line 1 is its header
    assert rejected == [
        f"拒绝: {where}{first}: call: wait_seconds 不得小于 0, 实际为 -3",
        f"拒绝: {where}{first + 2}: outage_started: affected_users_pct 不得大于 100, 实际为 120",
        f"拒绝: {where}{first + 4}: reported: distance_km 不得小于 0, 实际为 -1",
    ]


def test_bounds_in_events_yaml_are_checked(rules_copy: Path) -> None:
    edits = [
        ("device: {type: string, required: true}", "device: {type: string, required: true, min: 1}",
         "device: min and max bound number and integer fields, not string"),
        ("wait_seconds: {type: number, required: true, min: 0}",
         "wait_seconds: {type: number, required: true, min: 5, max: 1}",
         "wait_seconds: min 5 is more than max 1"),
    ]  # fmt: skip
    for old, new, _ in edits:
        edit(rules_copy, "events.yaml", old, new)
    errors = rules_errors(rules_copy)
    assert sorted((e.location.line, EN.rules_message(e)) for e in errors) == sorted(
        (line_of(rules_copy / "events.yaml", new), message) for _, new, message in edits
    )
