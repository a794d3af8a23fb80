"""`slarules watch` with real parts: a local HTTP server receives the webhooks, a watcher
(a thread, or the command in a subprocess) follows a log that the test appends to; the
messages, their order, no repeat after a restart, a retry after a refused delivery; and
the follower on rotated, truncated and growing files and directories."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import slarules
from slarules.watching import Watcher
from slarules.watching.follow import Follower
from slarules.watching.notify import target

ROOT = Path(__file__).resolve().parent.parent


class Hook:
    """A webhook on 127.0.0.1 that keeps every body it takes; ``refuse`` answers the next
    requests with 503, ``robot_busy`` with a group robot's rate-limit answer."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.refuse = 0
        self.robot_busy = 0
        self.arrived = threading.Condition()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with hook.arrived:
                    if hook.refuse:
                        hook.refuse -= 1
                        self.send_response(503)
                        self.end_headers()
                        return
                    answer = b'{"errcode": 0, "errmsg": "ok"}'
                    if hook.robot_busy:
                        hook.robot_busy -= 1
                        answer = b'{"errcode": 45009, "errmsg": "api freq out of limit"}'
                    else:
                        hook.bodies.append(json.loads(body))
                        hook.paths.append(self.path)
                        hook.arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?key=SECRET"

    def wait_for(self, count: int, timeout: float = 8.0) -> list[dict[str, Any]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout)
            return list(self.bodies)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.close()


@pytest.fixture
def live_rules(rules_copy: Path) -> Path:
    """The bundled rules, with Mon-Fri beyond the calendar's years (the tests run now)."""
    calendar = rules_copy / "calendar.yaml"
    calendar.write_text(
        calendar.read_text("utf-8").replace("fallback: error", "fallback: weekdays"), "utf-8"
    )
    return rules_copy


def _ago(minutes: float) -> str:
    return (datetime.now().astimezone() - timedelta(minutes=minutes)).isoformat()


def _append(log: Path, *records: dict[str, Any]) -> None:
    with log.open("a", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _reported(case: str, minutes_ago: float, severity: str = "serious") -> dict[str, Any]:
    return {
        "case": case,
        "event": "reported",
        "at": _ago(minutes_ago),
        "severity": severity,
        "site": "沈阳",
    }


@contextmanager
def _running(watcher: Watcher, every: float = 0.1) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(every, stop))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)
        watcher.close()
    assert not thread.is_alive()


def _crossings(bodies: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(b["kind"], b["case"], b["obligation"]) for b in bodies]


def _until(condition: Callable[[], bool], timeout: float = 8.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_every_crossing_once_in_order_across_a_restart(
    live_rules: Path, hook: Hook, tmp_path: Path
) -> None:
    contract = slarules.load(live_rules)
    log, state = tmp_path / "events.jsonl", str(tmp_path / "sent.db")
    # History before the first pass: a minor fault answered 80 min after its report (both
    # response clocks breached and closed: recorded, not sent); its status updates (4 h)
    # are past half, and still running: sent.
    _append(
        log,
        _reported("INC-0", 130, "minor"),
        {"case": "INC-0", "event": "responded", "at": _ago(50)},
    )
    reports: list[tuple[str, dict[str, Any]]] = []
    hook.refuse = 1  # the first delivery is refused, and retried

    def watcher() -> Watcher:
        return Watcher(
            contract,
            [str(log)],
            [target(hook.url)],
            state_path=state,
            lang="en",
            report=lambda code, values: reports.append((code, values)),
        )

    with _running(watcher()):
        assert _crossings(hook.wait_for(1)) == [("warning", "INC-0", "status_updates")]
        # 8 of a serious fault's 10 min to answer: past 75 %; another fault unanswered for 40 min.
        _append(log, _reported("INC-1", 8), _reported("INC-2", 40))
        bodies = hook.wait_for(5)
        assert _crossings(bodies[1:]) == [
            ("warning", "INC-1", "remote_response"),
            ("breached", "INC-2", "remote_response"),
            ("breached", "INC-2", "general_response"),
            ("warning", "INC-2", "workaround"),
        ]
        _append(log, {"case": "INC-1", "event": "responded", "at": _ago(0)})
        with log.open("a") as out:
            out.write('{"case": "INC-1", "event": "responded"}\n')  # no time: rejected
        bodies = hook.wait_for(6)
        assert _crossings(bodies[5:]) == [("met", "INC-1", "remote_response")]
    warning = bodies[1]
    assert warning["threshold_percent"] == 75 and 80 <= warning["used_percent"] < 90
    assert warning["headline"] == "Warning: INC-1 remote support phone response"
    assert warning["lines"][0] == "clause 2.2.4.3" and warning["step"] == "first phone response"
    assert bodies[2]["status"] == "breached" and bodies[2]["done"] is None
    assert bodies[5]["status"] == "met" and bodies[5]["done"] is not None
    # The refused delivery was reported (without the webhook's key) and tried again.
    failed = [values for code, values in reports if code == "failed"]
    assert len(failed) == 1 and failed[0]["attempt"] == 1 and "503" in failed[0]["why"]
    assert "SECRET" not in str(reports) and failed[0]["target"] == hook.url.split("?")[0]
    assert ("delivered", {"target": hook.url.split("?")[0], "attempts": 2}) in reports
    rejected = [str(values["rejection"]) for code, values in reports if code == "rejected"]
    assert len(rejected) == 1 and rejected[0].startswith(f"{log}:6: ") and "'at'" in rejected[0]

    # A restart: the state file says what was sent; nothing again, the next crossing once.
    with _running(watcher()):
        time.sleep(0.4)
        assert len(hook.bodies) == 6
        _append(log, _reported("INC-3", 9.5))
        bodies = hook.wait_for(7)
        time.sleep(0.2)
    assert _crossings(hook.bodies[6:]) == [("warning", "INC-3", "remote_response")]
    assert len({json.dumps(b, sort_keys=True) for b in hook.bodies}) == len(hook.bodies)


def test_time_alone_crosses_the_thresholds_then_the_breach(
    live_rules: Path, tmp_path: Path
) -> None:
    """A question to answer within 2 s: 50 % at 1 s, 75 % at 1.5 s, breached at 2 s."""
    replies = live_rules / "response_times.yaml"
    text = replies.read_text("utf-8")
    start = text.index("  - id: consult_reply")
    replies.write_text(
        text[:start] + text[start:].replace("budget: 30 min", "budget: 2 s", 1), "utf-8"
    )
    contract = slarules.load(live_rules)
    log = tmp_path / "events.jsonl"
    log.touch()
    lines: list[str] = []
    watcher = Watcher(
        contract, [str(log)], [target("-")], state_path=str(tmp_path / "s.db"), out=lines.append
    )
    with _running(watcher, every=0.05):
        time.sleep(0.2)
        _append(log, {"case": "Q-1", "event": "question_received", "at": _ago(0)})
        assert _until(lambda: any('"breached"' in line for line in lines), 6)
        time.sleep(0.2)
    sent = [json.loads(line) for line in lines]
    assert all(m["obligation"] == "consult_reply" for m in sent)
    assert sent[-1]["kind"] == "breached" and len(sent) >= 2
    thresholds = [m["threshold_percent"] for m in sent[:-1]]
    assert {m["kind"] for m in sent[:-1]} == {"warning"}
    assert thresholds == sorted(set(thresholds)) and set(thresholds) <= {50, 75}
    assert sent[-1]["headline"] == "违约: Q-1 查阅资料后答复"  # the watcher's default language


def test_the_group_robots_formats_and_a_busy_robot(
    live_rules: Path, hook: Hook, tmp_path: Path
) -> None:
    contract = slarules.load(live_rules)
    log = tmp_path / "events.jsonl"
    log.touch()
    base = hook.url.split("?")[0]
    targets = [target(f"wecom:{base}?key=A"), target(f"dingtalk:{base}?access_token=B")]
    hook.robot_busy = 1  # the first answer is a rate limit: a failure, retried
    reports: list[tuple[str, dict[str, Any]]] = []
    watcher = Watcher(
        contract,
        [str(log)],
        targets,
        state_path=str(tmp_path / "s.db"),
        report=lambda code, values: reports.append((code, values)),
    )
    with _running(watcher):
        _append(log, _reported("INC-9", 8))
        bodies = hook.wait_for(2)
    wecom = next(b for b, p in zip(bodies, hook.paths, strict=True) if p.endswith("key=A"))
    ding = next(b for b, p in zip(bodies, hook.paths, strict=True) if p.endswith("token=B"))
    assert wecom["msgtype"] == "markdown" and set(wecom["markdown"]) == {"content"}
    assert wecom["markdown"]["content"].startswith(
        "**预警: INC-9 远程支持电话响应**\n> 条款 2.2.4.3\n> 已用 8"
    )
    assert "> 待办: 电话响应" in wecom["markdown"]["content"]
    assert (
        ding["msgtype"] == "markdown"
        and ding["markdown"]["title"] == "预警: INC-9 远程支持电话响应"
    )
    assert ding["markdown"]["text"].startswith(
        "#### 预警: INC-9 远程支持电话响应\n\n> 条款 2.2.4.3\n\n"
    )
    failed = [values for code, values in reports if code == "failed"]
    assert len(failed) == 1 and "errcode 45009" in failed[0]["why"]
    assert "access_token" not in str(reports) and "key=A" not in str(reports)


def _records(follower: Follower) -> list[tuple[str, int, Any]]:
    records, problems = follower.poll()
    assert problems == []
    return [(Path(source).name, line, raw) for source, line, raw in records]


def test_the_follower_reads_complete_lines_across_rotation_and_truncation(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('{"n": 1}\n\n{"n": 2}\n{"n": ', "utf-8")
    follower = Follower([str(log)])
    assert _records(follower) == [("log.jsonl", 1, {"n": 1}), ("log.jsonl", 3, {"n": 2})]
    assert _records(follower) == []  # the last line is still being written
    with log.open("a") as out:
        out.write('3}\n{"n": 4}\n')
    assert _records(follower) == [("log.jsonl", 4, {"n": 3}), ("log.jsonl", 5, {"n": 4})]
    # Rotated: one more line into the old file, which is renamed; a new file under the name.
    with log.open("a") as out:
        out.write('{"n": 5}\n')
    log.rename(tmp_path / "log.jsonl.1")
    log.write_text('{"n": 6}\nbroken\n', "utf-8")
    got = _records(follower)
    assert got[:2] == [("log.jsonl", 6, {"n": 5}), ("log.jsonl", 1, {"n": 6})]
    assert got[2][1] == 2 and got[2][2].code == "json.broken"
    # Cut shorter (copytruncate): from the start again.
    log.write_text('{"n": 7}\n', "utf-8")
    assert _records(follower) == [("log.jsonl", 1, {"n": 7})]
    follower.close()


def test_the_follower_in_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"n": 1}\n', "utf-8")
    (folder / "notes.txt").write_text("not a log\n", "utf-8")
    follower = Follower([str(folder)])
    assert _records(follower) == [("a.jsonl", 1, {"n": 1})]
    (folder / "b.csv").write_text("case,event,at\nC-1,reported,2026-10-09 10:00\n", "utf-8")
    assert _records(follower) == [
        ("b.csv", 2, {"case": "C-1", "event": "reported", "at": "2026-10-09 10:00"})
    ]
    with (folder / "b.csv").open("a") as out:
        out.write("C-1,responded,2026-10-09 10:05\n")
    assert _records(follower) == [
        ("b.csv", 3, {"case": "C-1", "event": "responded", "at": "2026-10-09 10:05"})
    ]
    # Renamed inside the directory: the same file, not read again; what it gets, read.
    (folder / "a.jsonl").rename(folder / "a-2026-10-09.jsonl")
    with (folder / "a-2026-10-09.jsonl").open("a") as out:
        out.write('{"n": 2}\n')
    assert _records(follower) == [("a-2026-10-09.jsonl", 2, {"n": 2})]
    with gzip.open(folder / "old.jsonl.gz", "wt") as packed:
        packed.write('{"n": 0}\n')
    assert _records(follower) == [("old.jsonl.gz", 1, {"n": 0})]
    assert _records(follower) == []  # a gzipped file is complete: read once
    follower.close()


def _watch(*args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "slarules", "watch", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # the start line: the watcher is up
    assert "watching" in line, line
    return process


def test_the_command_stops_cleanly_and_restarts_without_repeating(
    live_rules: Path, hook: Hook, tmp_path: Path
) -> None:
    log = tmp_path / "events.jsonl"
    log.touch()
    args = (
        str(log),
        "--every",
        "0.2s",
        "--notify",
        hook.url,
        "--rules",
        str(live_rules),
        "--lang",
        "en",
    )
    process = _watch(*args)
    _append(log, _reported("INC-1", 8))
    assert _crossings(hook.wait_for(1)) == [("warning", "INC-1", "remote_response")]
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 143 and err.strip() == "slarules: terminated" and out == ""
    assert (tmp_path / ".events.jsonl.slarules-watch.db").is_file()  # beside the log

    process = _watch(*args)
    time.sleep(0.5)
    assert len(hook.bodies) == 1  # not sent again
    _append(log, _reported("INC-2", 9))
    assert _crossings(hook.wait_for(2)[1:]) == [("warning", "INC-2", "remote_response")]
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 130 and err.strip() == "slarules: interrupted"
    assert len(hook.bodies) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--every", "0s"),
            "--every: expected a duration above 0 such as 60s, 5min or 1h, not '0s'",
        ),
        (
            ("--every", "3 wd"),
            "--every: expected a duration above 0 such as 60s, 5min or 1h, not '3 wd'",
        ),
        (
            ("--notify", "ftp://x"),
            "--notify: 'ftp://x' is not a target (one of: URL, wecom:URL, dingtalk:URL, json:URL, -)",
        ),
    ],
)
def test_usage_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    from click.testing import CliRunner

    from slarules.cli import main

    log = tmp_path / "events.jsonl"
    log.touch()
    result = CliRunner().invoke(main, ["watch", str(log), *args, "--lang", "en"])
    assert result.exit_code == 2 and result.stderr == f"slarules: error: {message}\n"
    missing = CliRunner().invoke(main, ["watch", str(tmp_path / "nope.jsonl"), "--lang", "en"])
    assert missing.exit_code == 2 and "nope.jsonl: no such file or directory" in missing.stderr


def test_a_webhook_nobody_listens_on_and_a_state_file_that_is_not_one(tmp_path: Path) -> None:
    import socket

    from click.testing import CliRunner

    from slarules.cli import main
    from slarules.watching.notify import DeliveryFailed, post

    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryFailed, match="refused"):
        post(f"http://127.0.0.1:{port}/hook", "json", "{}")
    log, state = tmp_path / "events.jsonl", tmp_path / "notes.txt"
    log.touch()
    state.write_text("not SQLite\n", "utf-8")
    result = CliRunner().invoke(main, ["watch", str(log), "--state", str(state), "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr == f"slarules: error: {state}: file is not a database\n"
