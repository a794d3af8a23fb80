"""`audit --jobs N`: a log cut into parts audited in several processes says what one process says."""

from __future__ import annotations

import json
import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

import slarules
from slarules.cli import main
from slarules.parallel import audit_in_parts, can_fork, cut
from slarules.readers import read_logs

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "october-2026.jsonl"
AS_OF = datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def _grouped(tmp_path: Path, extra: list[str] | None = None) -> Path:
    """The example month with each case's lines together (as exports are), in case order."""
    lines = [line for line in EXAMPLE.read_text("utf-8").splitlines() if line.strip()]
    lines.sort(key=lambda line: json.loads(line)["case"])  # stable: a case keeps its order
    path = tmp_path / "grouped.jsonl"
    path.write_text("\n".join([*lines, *(extra or [])]) + "\n", "utf-8")
    return path


def _run(*args: str) -> Result:
    as_of = () if "--as-of" in args else ("--as-of", "2026-11-01")
    return CliRunner().invoke(main, ["audit", *args, *as_of])


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_parts_write_what_one_process_writes(tmp_path: Path, fmt: str) -> None:
    log = str(_grouped(tmp_path))
    one, two = _run(log, "--format", fmt, "-j", "1"), _run(log, "--format", fmt, "-j", "2")
    assert "one process" not in two.stderr  # it really was cut
    assert two.stdout == one.stdout
    assert two.exit_code == one.exit_code == 1


@pytest.mark.parametrize(
    "options",
    [
        ["--only-breaches"],
        ["-O", "remote_response", "-O", "monthly_summary"],
        ["--from", "2026-10", "--to", "2026-11"],
        ["--lang", "en", "--format", "csv"],
    ],
)
def test_options_apply_to_every_part(tmp_path: Path, options: list[str]) -> None:
    log = str(_grouped(tmp_path))
    fmt = [] if "--format" in options else ["--format", "json"]
    one = _run(log, *fmt, *options, "-j", "1")
    two = _run(log, *fmt, *options, "-j", "2")
    assert "one process" not in two.stderr
    assert (two.stdout, two.exit_code) == (one.stdout, one.exit_code)


def test_table_rows_are_the_same_though_paged_by_part(tmp_path: Path) -> None:
    log = str(_grouped(tmp_path))

    def rows(text: str) -> list[str]:
        return [re.sub(r"\s+", " ", line) for line in text.splitlines() if line.startswith("│")]

    one, two = _run(log, "-j", "1"), _run(log, "-j", "2")
    header = rows(one.stdout)[0]
    assert [r for r in rows(two.stdout) if r != header] == [
        r for r in rows(one.stdout) if r != header
    ]
    assert two.stdout.endswith(one.stdout.split("\n\n")[-2] + "\n\n" + one.stdout.split("\n\n")[-1])


def test_rejected_lines_keep_their_numbers_in_a_later_part(tmp_path: Path) -> None:
    bad = [
        '{"case": "ZZ-1", "event": "reported", "at": "2026-10-32T10:00"}',
        "{broken",
        '{"case": "ZZ-2", "event": "respnded", "at": "2026-10-09T10:00+08:00"}',
    ]
    log = str(_grouped(tmp_path, bad))
    one, two = _run(log, "--format", "json", "-j", "1"), _run(log, "--format", "json", "-j", "2")
    assert two.exit_code == one.exit_code == 3
    assert json.loads(two.stdout)["rejected"] == json.loads(one.stdout)["rejected"]
    assert [r["line"] for r in json.loads(two.stdout)["rejected"]] == [418, 419, 420]


def test_a_log_not_grouped_by_case_is_audited_in_one_process() -> None:
    one = _run(str(EXAMPLE), "--format", "json", "-j", "1", "--lang", "en")
    two = _run(str(EXAMPLE), "--format", "json", "-j", "2", "--lang", "en")
    assert "audited in one process" in two.stderr
    assert two.stdout == one.stdout


def test_cuts_fall_where_one_case_ends(tmp_path: Path) -> None:
    log = _grouped(tmp_path)
    parts = cut(str(log), 3)
    data = log.read_bytes()
    assert parts[0].start == 0 and parts[-1].end is None
    for before, after in pairwise(parts):
        assert before.end == after.start
        previous_line = data[: after.start].splitlines()[-1]
        assert (
            json.loads(previous_line)["case"]
            != json.loads(data[after.start :].split(b"\n")[0])["case"]
        )
        assert after.first_line == data[: after.start].count(b"\n") + 1


def test_library_counts_equal_one_process(tmp_path: Path) -> None:
    log = str(_grouped(tmp_path))
    contract = slarules.load()
    joined = audit_in_parts(contract, log, AS_OF, 2)
    assert joined is not None and joined.parts >= 2
    whole = slarules.engine.Audit(contract, read_logs([log]), AS_OF)
    results = list(whole)
    assert joined.read == whole.read
    assert joined.summary() == whole.summary()
    assert sum(sum(row.values()) for row in joined.counts.values()) == len(results)


def test_an_error_in_a_part_is_one_line_and_exit_2(tmp_path: Path) -> None:
    late = '{"case": "ZZ-9", "event": "reported", "at": "2031-03-02T09:00+08:00", "severity": "重大", "site": "大连"}'
    log = str(_grouped(tmp_path, [late]))
    # As of 2031 the record is in the log (before, it had not happened yet).
    two = _run(log, "--format", "json", "-j", "2", "--as-of", "2031-12-31")
    one = _run(log, "--format", "json", "-j", "1", "--as-of", "2031-12-31")
    assert two.exit_code == one.exit_code == 2
    assert "2031" in two.stderr and "Traceback" not in two.stderr


def test_jobs_must_be_a_number_or_auto(tmp_path: Path) -> None:
    result = _run(str(EXAMPLE), "-j", "zero")
    assert result.exit_code == 2
    assert "--jobs" in result.stderr
