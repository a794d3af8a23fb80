"""What the watcher has sent, and what it still has to send, in a small SQLite file.

``clocks`` holds each clock's last level (see :mod:`.crossings`); ``outbox`` each
message not yet delivered, per target, in order. A pass writes both in one
transaction, so a stop at any point leaves the file as it was before the pass or after
it: a restart neither repeats what was recorded as sent nor loses what was found. A
message is removed from the outbox once delivered; a stop between the delivery and the
removal sends it again (at least once, never lost).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from .crossings import Seen

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clocks (
    case_id TEXT NOT NULL, obligation TEXT NOT NULL, occurrence INTEGER NOT NULL,
    level TEXT NOT NULL, threshold REAL,
    PRIMARY KEY (case_id, obligation, occurrence));
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0);
"""
VERSION = "1"

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Pending:
    id: int
    target: str
    body: str
    attempts: int
    next_try: float


class StateError(Exception):
    """The state file cannot be used (not SQLite, another program's, unwritable)."""


class State:
    def __init__(self, path: str) -> None:
        self.path = path
        try:
            # Transactions by hand; used by one thread at a time (perhaps not the one that opened it).
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.executescript(SCHEMA)
            found = self.db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if found is None:
                self.db.execute("INSERT INTO meta VALUES ('version', ?)", (VERSION,))
            elif found[0] != VERSION:
                raise StateError(f"{path}: a state file of version {found[0]}, not {VERSION}")
        except sqlite3.Error as exc:
            raise StateError(f"{path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    @property
    def started(self) -> bool:
        """Whether a pass was ever recorded (the first one only records the past)."""
        row = self.db.execute("SELECT 1 FROM meta WHERE key = 'judged'").fetchone()
        return row is not None

    def clocks(self) -> dict[Key, Seen]:
        rows = self.db.execute(
            "SELECT case_id, obligation, occurrence, level, threshold FROM clocks"
        )
        return {(c, o, n): Seen(level, threshold) for c, o, n, level, threshold in rows}

    def record(self, seen: Iterable[tuple[Key, Seen]], messages: Iterable[tuple[str, str]]) -> None:
        """One pass: the clocks' new levels and the messages (target, body) to send."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT OR REPLACE INTO clocks VALUES (?, ?, ?, ?, ?)",
                ((c, o, n, s.level, s.threshold) for (c, o, n), s in seen),
            )
            db.executemany("INSERT INTO outbox (target, body) VALUES (?, ?)", messages)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('judged', ?)", (str(time.time()),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def due(self, targets: Iterable[str], now: float) -> list[Pending]:
        """Each target's first message not delivered, if its time to try has come (a
        target's messages go in order: a later one waits for the one before)."""
        out = []
        for name in targets:
            row = self.db.execute(
                "SELECT id, target, body, attempts, next_try FROM outbox WHERE target = ?"
                " ORDER BY id LIMIT 1",
                (name,),
            ).fetchone()
            if row is not None and row[4] <= now:
                out.append(Pending(*row))
        return out

    def next_try(self, targets: Iterable[str]) -> float | None:
        """When the earliest retry is due (None: nothing to send)."""
        names = list(targets)
        if not names:
            return None
        marks = ",".join("?" * len(names))
        row = self.db.execute(
            f"SELECT MIN(next_try) FROM outbox WHERE target IN ({marks})", names
        ).fetchone()
        return None if row is None else row[0]

    def delivered(self, message: Pending) -> None:
        self.db.execute("DELETE FROM outbox WHERE id = ?", (message.id,))

    def failed(self, message: Pending, next_try: float) -> None:
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_try = ? WHERE id = ?",
            (next_try, message.id),
        )

    def orphans(self, targets: Iterable[str]) -> dict[str, int]:
        """Messages waiting for a target that is no longer given, by target."""
        known = set(targets)
        rows = self.db.execute("SELECT target, COUNT(*) FROM outbox GROUP BY target")
        return {t: n for t, n in rows if t not in known}

    def drop(self, target: str) -> None:
        self.db.execute("DELETE FROM outbox WHERE target = ?", (target,))
