"""Broken outputs and interruptions: output whole or absent, one line, the right exit status.

Where real file descriptors or signals matter the command runs in a subprocess
(``python -m slarules``); the rest goes through click's runner.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slarules.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "october-2026.jsonl"
EXPORT = ROOT / "examples" / "servicenow-export.csv"
AS_OF = ["--as-of", "2026-12-30"]
EN = ["--lang", "en"]  # the messages these tests read, in English
UNDECODABLE = (
    b'{"case":"X1","event":"reported","at":"2026-10-30T10:00:00+08:00",'
    b'"severity":"minor","site":"\xff\xfe"}\n'
)
BEYOND_CALENDAR = (
    '{"case":"X2","event":"reported","at":"2031-10-30T10:00:00+08:00",'
    '"severity":"serious","site":"anshan"}\n'
)


def _generated(path: Path, incidents: int) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_log.py"), str(incidents), str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log grouped by case (--jobs cuts it); its JSON audit, 0.5 MB, outgrows a pipe's buffer."""
    return _generated(tmp_path_factory.mktemp("logs") / "log.jsonl", 100)


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three times as long: 330 kB, audited in about a second."""
    return _generated(tmp_path_factory.mktemp("logs") / "big.jsonl", 300)


def _slarules(
    *args: str, stdin: Any = subprocess.DEVNULL, stdout: Any = subprocess.PIPE, **kw: Any
) -> subprocess.Popen[bytes]:
    # Ctrl-C reaches the child as it would from a terminal, whatever this process ignores.
    return subprocess.Popen(
        [sys.executable, "-m", "slarules", *args],
        cwd=ROOT,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        **kw,
    )


def _one_line(stderr: bytes | str) -> str:
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# 3. Output is complete or absent.


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "markdown"])
def test_an_audit_that_stops_writes_no_part_of_its_document(tmp_path: Path, fmt: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(EXAMPLE.read_bytes() + UNDECODABLE)  # found after every case of the example
    result = CliRunner().invoke(main, ["audit", str(bad), *AS_OF, "--format", fmt, *EN])
    assert result.exit_code == 2
    assert "cannot decode as UTF-8" in _one_line(result.stderr)
    assert result.stdout == ""


@pytest.mark.parametrize("engine", ["columnar", "python"])
def test_a_date_beyond_the_calendar_late_in_the_log_leaves_stdout_empty(
    tmp_path: Path, log: Path, engine: str
) -> None:
    late = tmp_path / "late.jsonl"
    late.write_text(log.read_text("utf-8") + BEYOND_CALENDAR, "utf-8")
    # As of 2032 the 2031 record is in the log (before, it had not happened yet).
    as_of = ["--as-of", "2032-01-01"]
    result = CliRunner().invoke(
        main, ["audit", str(late), *as_of, "--format", "json", "--engine", engine, *EN]
    )
    assert result.exit_code == 2
    assert "no working-day calendar for 2031" in _one_line(result.stderr)
    assert result.stdout == ""


def test_explain_and_import_that_stop_write_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(EXAMPLE.read_bytes() + UNDECODABLE)
    explained = CliRunner().invoke(main, ["explain", str(bad), "INC-2610-001", *AS_OF, *EN])
    assert explained.exit_code == 2
    assert "cannot decode" in _one_line(explained.stderr)
    assert explained.stdout == ""
    # The first export is imported before the second turns out to be missing.
    missing = str(tmp_path / "no-such-export.csv")
    imported = CliRunner().invoke(
        main, ["import", "--mapping", "servicenow", str(EXPORT), missing, *EN]
    )
    assert imported.exit_code == 2
    assert _one_line(imported.stderr) == f"slarules: error: {missing}: no such file"
    assert imported.stdout == ""


def test_audit_output_goes_out_whole_when_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held in a temporary file past the spool's memory (a few bytes here), it comes out whole."""
    import slarules.cli.output as output

    monkeypatch.setattr(output, "SPOOL_MEMORY", 100)
    target = tmp_path / "audit.json"
    args = ["audit", str(EXAMPLE), *AS_OF, "--format", "json"]
    to_file = CliRunner().invoke(main, [*args, "-o", str(target)])
    to_stdout = CliRunner().invoke(main, args)
    assert to_file.exit_code == to_stdout.exit_code == 1  # the example month has breaches
    assert to_file.stdout == ""
    assert to_stdout.stdout_bytes == target.read_bytes()
    assert json.loads(target.read_text("utf-8"))["records"]["read"] == len(
        EXAMPLE.read_text("utf-8").splitlines()
    )
    assert _leftovers(tmp_path) == []


# 8. Output failures: one line, exit 2.


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "command", [["audit", str(EXAMPLE), *AS_OF, *EN], ["schema", "mapping", *EN]]
)
def test_a_full_disk_on_stdout_is_one_line(command: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        run = _slarules(*command, stdout=full)
        _, err = run.communicate()
    assert run.returncode == 2
    assert _one_line(err) == "slarules: error: standard output: No space left on device"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_disk_on_an_output_file_is_one_line() -> None:
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), *AS_OF, *EN, "-o", "/dev/full"])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == "slarules: error: -o /dev/full: No space left on device"


def test_an_output_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("", "utf-8")
    missing = str(tmp_path / "missing" / "out.json")
    cases = [
        (["audit", str(EXAMPLE), *AS_OF], missing, "no such directory"),
        (["audit", str(EXAMPLE), *AS_OF], str(tmp_path), "is a directory"),
        (["audit", str(EXAMPLE), *AS_OF], str(a_file / "out.json"), "Not a directory"),
        (["report", "--month", "2026-10", str(EXAMPLE)], missing, "no such directory"),
        (["import", "--mapping", "servicenow", str(EXPORT)], str(tmp_path), "is a directory"),
    ]
    for args, target, why in cases:
        result = CliRunner().invoke(main, [*args, *EN, "-o", target])
        assert result.exit_code == 2, target
        assert _one_line(result.stderr).startswith(f"slarules: error: -o {target}: {why}")
        assert result.stdout == ""


# 9. `-o FILE` is replaced only by a complete document.


def test_import_with_a_mistyped_export_leaves_the_events_file_as_it_was(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text('{"case": "kept"}\n', "utf-8")
    missing = str(tmp_path / "exprot.csv")
    result = CliRunner().invoke(
        main, ["import", "--mapping", "servicenow", str(EXPORT), missing, *EN, "-o", str(events)]
    )
    assert result.exit_code == 2
    assert _one_line(result.stderr) == f"slarules: error: {missing}: no such file"
    assert events.read_text("utf-8") == '{"case": "kept"}\n'
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["audit", "report"])
def test_an_output_file_is_kept_when_the_run_fails_and_replaced_when_it_completes(
    tmp_path: Path, command: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(EXAMPLE.read_bytes() + UNDECODABLE)
    target = tmp_path / "out.txt"
    target.write_text("previous\n", "utf-8")
    target.chmod(0o640)
    args = ["audit"] if command == "audit" else ["report", "--month", "2026-10"]
    failed = CliRunner().invoke(main, [*args, str(bad), *AS_OF, "-o", str(target), *EN])
    assert failed.exit_code == 2
    assert "cannot decode" in _one_line(failed.stderr)
    assert target.read_text("utf-8") == "previous\n"
    done = CliRunner().invoke(main, [*args, str(EXAMPLE), *AS_OF, "-o", str(target)])
    assert done.exit_code in (0, 1), done.output
    assert done.stdout == ""
    assert target.read_text("utf-8") != "previous\n"
    assert "INC-2610-001" in target.read_text("utf-8") or command == "report"
    assert target.stat().st_mode & 0o777 == 0o640  # the file's permissions are kept
    assert _leftovers(tmp_path) == []


# 11. Interruptions: 130 / 143, one line, nothing half-written; a broken pipe is 141.


def _mid_run(log: Path, *args: str) -> subprocess.Popen[bytes]:
    """An audit of standard input, given part of the log and waiting for the rest.

    Two thirds of the log (220 kB) is more than a pipe's buffer (64 kB): when the
    write returns, the audit has been reading; it is running (the cases of
    standard input are held until the input ends).
    """
    run = _slarules("audit", "-", *AS_OF, *EN, "--format", "json", *args, stdin=subprocess.PIPE)
    assert run.stdin is not None
    data = log.read_bytes()
    run.stdin.write(data[: len(data) * 2 // 3])
    run.stdin.flush()
    return run


@pytest.mark.parametrize(
    ("sig", "status", "word", "to_file"),
    [(signal.SIGINT, 130, "interrupted", False), (signal.SIGTERM, 143, "terminated", True)],
)
def test_an_interrupted_audit_says_so_and_writes_nothing(
    big_log: Path, tmp_path: Path, sig: int, status: int, word: str, to_file: bool
) -> None:
    target = tmp_path / "audit.json"
    target.write_text("previous\n", "utf-8")
    run = _mid_run(big_log, *(["-o", str(target)] if to_file else []))
    run.send_signal(sig)
    out, err = run.communicate()
    assert run.returncode == status
    assert _one_line(err) == f"slarules: {word}; no output written"
    assert out == b""
    assert target.read_text("utf-8") == "previous\n"
    assert _leftovers(tmp_path) == []


def test_an_interruption_while_the_output_goes_out_says_it_is_incomplete(log: Path) -> None:
    run = _slarules("audit", str(log), *AS_OF, *EN, "--format", "json")
    assert run.stdout is not None
    assert run.stdout.read(1) == b"{"  # the rest (0.5 MB) waits for this side to read it
    run.send_signal(signal.SIGINT)
    _, err = run.communicate()
    assert run.returncode == 130
    assert _one_line(err) == "slarules: interrupted; output incomplete"


def _session(pid: int) -> list[int]:
    """The processes (still) in the session that ``pid`` leads."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.isdigit() and fields[3] == str(pid):
            found.append(int(entry))
    return found


def test_a_reader_that_goes_away_ends_the_audit_quietly_with_141(log: Path) -> None:
    run = _slarules("audit", str(log), *AS_OF, "--format", "json")
    assert run.stdout is not None
    assert run.stdout.readline() == b"{\n"  # | head -1
    run.stdout.close()
    assert run.stderr is not None
    err = run.stderr.read()
    assert run.wait() == 141
    assert err == b""  # no "Exception ignored ... BrokenPipeError" either


# 12. Windows that cannot be, and notes nobody asked for.


@pytest.mark.parametrize(("start", "end"), [("2026-11", "2026-10"), ("2026-10-05", "2026-10-04")])
def test_a_window_that_ends_before_it_begins_is_refused(start: str, end: str) -> None:
    result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--from", start, "--to", end, *EN])
    assert result.exit_code == 2
    assert _one_line(result.stderr) == (
        f"slarules: error: --from {start} is not before --to {end}: the window would be empty"
    )
    assert result.stdout == ""


def test_the_retired_jobs_option_still_works_and_says_so() -> None:
    csv = str(ROOT / "examples" / "october-2026.csv")
    quiet = CliRunner().invoke(main, ["audit", csv, *AS_OF, *EN, "--format", "json"])
    assert quiet.exit_code in (0, 1)
    assert "note:" not in quiet.stderr
    for jobs in ("auto", "2"):
        asked = CliRunner().invoke(
            main, ["audit", csv, *AS_OF, *EN, "--format", "json", "-j", jobs]
        )
        assert asked.exit_code == quiet.exit_code
        assert "note: -j/--jobs is retired" in asked.stderr
        assert asked.stdout == quiet.stdout
    bad = CliRunner().invoke(main, ["audit", csv, *AS_OF, *EN, "-j", "many"])
    assert bad.exit_code == 2
