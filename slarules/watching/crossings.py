"""What is news: a clock's level now against the last one a message was sent for (pure).

The levels a clock goes through: none, *warned* at a threshold (each higher threshold is
a new crossing), *breached* (overdue, or done late), *met*. One message per crossing:

* ``warning``: a running clock reached a threshold higher than any sent for it;
* ``breached``: its result is breached and no breach was sent for it;
* ``met``: it was met after a warning or a breach had been sent for it.

Several thresholds passed between two passes are one crossing, the highest. A clock met
again after a reopening starts over. On the very first pass (no state yet) what is
already over is history: a breach of a clock no longer running is recorded, not sent;
what is running and at risk is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from .standing import Judged

WARNED, BREACHED, MET = "warned", "breached", "met"


@dataclass(frozen=True)
class Seen:
    """A clock's level, as sent (or recorded) last."""

    level: str
    threshold: float | None = None


def level_of(judged: Judged) -> Seen | None:
    """A result's level now (None: nothing to say about it)."""
    clock = judged.clock
    if clock is not None:
        if clock.status == BREACHED:
            return Seen(BREACHED, clock.threshold)
        return None if clock.threshold is None else Seen(WARNED, clock.threshold)
    status = judged.result.status
    if status == BREACHED:
        return Seen(BREACHED)
    return Seen(MET) if status == MET else None


def crossing(before: Seen | None, now: Seen | None, first: bool, running: bool) -> str | None:
    """The message kind to send (``warning``, ``breached``, ``met``), or None."""
    if now is None:
        return None
    if before is not None and before.level == MET and now.level != MET:
        before = None  # reopened: it runs again, from the start
    if now.level == BREACHED:
        if before is not None and before.level == BREACHED:
            return None
        return None if first and not running else "breached"
    if now.level == WARNED:
        if before is None:
            return "warning"
        if before.level == WARNED and (before.threshold or 0) < (now.threshold or 0):
            return "warning"
        return None
    if before is not None and before.level in (WARNED, BREACHED):
        return "met"
    return None


def recorded(before: Seen | None, now: Seen | None, sent: str | None) -> Seen | None:
    """What to keep for the clock after this pass (None: nothing to keep)."""
    if sent is not None or (now is not None and now.level == BREACHED and before is None):
        return now  # sent, or a breach of the past, recorded on the first pass
    return before
