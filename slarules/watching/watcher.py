"""The watcher: every so often, read what the logs got, judge again, send what is news.

A pass reads the lines appended since the last one (:mod:`.follow`), judges as of the
current time the cases that changed or still run and the duties over the window
(:mod:`.standing`), compares each clock's level with the one last sent
(:mod:`.crossings`) and puts a message for each crossing, for every target, in the
outbox, in the same transaction as the new levels (:mod:`.state`). Between passes the
outbox is delivered: each target's messages in order, a failed one retried after 1 s,
2 s, 4 s ... (at most :data:`BACKOFF_MAX` apart), each failure reported, none dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .. import model as m
from ..calendar import CalendarNotCovered
from ..wording import Wording
from .crossings import Seen, crossing, level_of, recorded
from .follow import Follower
from .messages import STYLES, message
from .notify import DeliveryFailed, Target, post
from .standing import Standing
from .state import Pending, State

# Limits of the tool (README "Watching"): the first retry's wait, and the longest.
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 300.0
STATE_NAME = ".slarules-watch.db"

Report = Callable[[str, dict[str, Any]], None]


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure (counting from 0) of a message."""
    return min(BACKOFF_FIRST * (1 << min(attempts, 30)), BACKOFF_MAX)


def default_state_path(logs: Sequence[str]) -> str:
    """Beside the logs: in the first LOG if it is a directory, else beside that file."""
    first = logs[0]
    if os.path.isdir(first):
        return os.path.join(first, STATE_NAME)
    folder, name = os.path.split(first)
    return os.path.join(folder or ".", f".{name}{STATE_NAME}")


def shown(target: Target) -> str:
    """A target as it may be printed: a webhook's query (its key, its token) left out."""
    if target.url is None:
        return target.text
    parts = urlsplit(target.url)
    where = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return (
        where if target.style == "json" and target.text == target.url else f"{target.style}:{where}"
    )


def key_of(target: Target) -> str:
    """What names a target in the state file: shown, with a digest of the whole (so the
    file holds no webhook key, and two keys to one robot are two targets)."""
    digest = hashlib.sha256(target.text.encode("utf-8")).hexdigest()[:12]
    return f"{shown(target)}#{digest}"


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while a message goes out and the outbox says so (at most
    the delivery's timeout): a stop then never sends it twice."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _to_stderr(code: str, values: dict[str, Any]) -> None:
    detail = ", ".join(f"{k}={v}" for k, v in values.items())
    print(f"slarules watch: {code}: {detail}", file=sys.stderr)


def _to_stdout(line: str) -> None:
    print(line, flush=True)


class Watcher:
    """Follows ``logs`` and sends a message per crossing to each target.

    ``report(code, values)`` hears what goes wrong (``unreadable``, ``rejected``,
    ``failed``, ``delivered``, ``pass_failed``, ``orphans``); ``out(line)`` writes a
    message for the standard-output target; ``now()`` is the time a pass judges at.
    """

    def __init__(
        self,
        contract: m.Contract,
        logs: Sequence[str],
        targets: Sequence[Target],
        *,
        state_path: str | None = None,
        lang: str = "zh",
        encoding: str | None = None,
        judge_all: bool = False,
        report: Report = _to_stderr,
        out: Callable[[str], None] = _to_stdout,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.contract = contract
        self.standing = Standing(contract, judge_all)
        self.follower = Follower(list(logs), encoding)
        self.state = State(state_path or default_state_path(logs))
        self.seen: dict[tuple[str, str, int], Seen] = self.state.clocks()
        self.first = not self.state.started
        self.words = Wording(contract, lang)
        self.targets = {key_of(t): t for t in targets}
        self.report, self.out = report, out
        self.now = now or (lambda: datetime.now(contract.tz))
        orphans = self.state.orphans(self.targets)
        for name, count in orphans.items():
            report("orphans", {"target": name, "count": count})

    def close(self) -> None:
        self.follower.close()
        self.state.close()

    def poll(self) -> int:
        """One pass: read, judge, queue a message per crossing; how many crossings."""
        records, problems = self.follower.poll()
        for problem in problems:
            self.report("unreadable", {"problem": problem})
        for rejection in self.standing.add(records):
            self.report("rejected", {"rejection": rejection})
        try:
            judged = self.standing.judge(self.now())
        except CalendarNotCovered as exc:
            self.report("pass_failed", {"why": str(exc)})
            return 0
        changes: list[tuple[tuple[str, str, int], Seen]] = []
        outbox: list[tuple[str, str]] = []
        crossings = 0
        for item in judged:
            key = item.key
            before, now = self.seen.get(key), level_of(item)
            sent = crossing(before, now, self.first, item.clock is not None)
            keep = recorded(before, now, sent)
            if keep is not None and keep != before:
                self.seen[key] = keep
                changes.append((key, keep))
            if sent is not None:
                crossings += 1
                body = message(sent, item, self.contract, self.words)
                outbox += [(name, STYLES[t.style](body)) for name, t in self.targets.items()]
        self.state.record(changes, outbox)
        self.first = False
        return crossings

    def deliver(self) -> float | None:
        """Send what is due, each target's in order; seconds until the next retry is due
        (None: nothing waits)."""
        while batch := self.state.due(self.targets, time.time()):
            for pending in batch:
                with _signals_held():
                    self._deliver(pending)
        after = self.state.next_try(self.targets)
        return None if after is None else max(after - time.time(), 0.0)

    def _deliver(self, pending: Pending) -> None:
        """One message: sent, then taken out of the outbox (or its next try set)."""
        target = self.targets[pending.target]
        try:
            if target.url is None:
                self.out(pending.body)
            else:
                post(target.url, target.style, pending.body)
        except DeliveryFailed as exc:
            wait = backoff(pending.attempts)
            self.state.failed(pending, time.time() + wait)
            self.report(
                "failed",
                {
                    "target": shown(target),
                    "why": str(exc),
                    "attempt": pending.attempts + 1,
                    "seconds": f"{wait:g}",
                },
            )
        else:
            self.state.delivered(pending)
            if pending.attempts:
                self.report(
                    "delivered", {"target": shown(target), "attempts": pending.attempts + 1}
                )

    def run(self, every: float, stop: threading.Event | None = None) -> None:
        """Pass after pass, ``every`` seconds apart, delivering in between, until ``stop``
        is set (or a signal ends the process)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            self.poll()
            next_pass = time.monotonic() + every
            while not stop.is_set():
                wait = self.deliver()
                left = next_pass - time.monotonic()
                if left <= 0:
                    break
                stop.wait(left if wait is None else min(left, max(wait, 0.01)))
