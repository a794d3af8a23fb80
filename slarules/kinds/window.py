"""What the period-level kinds share: the audit window, its periods, the events they watch.

These obligations are not clocks on one case: an inspection of every device each
month, a summary after each month, a service level over a month's calls. They are
evaluated over the audit's window, so a period with no deliverable is a breach.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..clocks import period_end, period_label, period_start
from ..events import Event
from .common import Context


@dataclass(frozen=True)
class Window:
    """The audited stretch of time, ``[start, end)``."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class WindowContext:
    ctx: Context
    window: Window
    events: Mapping[str, Sequence[Event]]  # by event name, in time order

    def of(self, name: str) -> Sequence[Event]:
        return self.events.get(name, ())


def periods(window: Window, period: str, ctx: Context) -> Iterator[Period]:
    """Every period of this kind that overlaps the window."""
    tz = ctx.contract.tz
    at = period_start(window.start, period, tz)
    while at < window.end:
        end = period_end(at, period, tz)
        yield Period(period_label(at, period, tz), at, end)
        at = end


def window_of(instants: Sequence[datetime], ctx: Context) -> Window:
    """The default window: the whole months that the log's events cover."""
    tz = ctx.contract.tz
    first, last = min(instants), max(instants)
    return Window(period_start(first, "month", tz), period_end(last, "month", tz))


def local_day(at: datetime, ctx: Context) -> datetime:
    return period_start(at, "day", ctx.contract.tz)
