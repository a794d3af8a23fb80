"""What the period-level kinds share: the audit window, its periods, the events they watch.

These obligations are not clocks on one case: an inspection of every device each
month, a summary after each month, a service level over a month's calls. They are
evaluated over the audit's window, so a period with no deliverable is a breach.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..clocks import period_end, period_from_label, period_label, period_start
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
    # True for the default window: periods that a deliverable names are judged too
    # (a January summary submitted in February), not only the window's.
    named: bool = False

    def of(self, name: str) -> Sequence[Event]:
        return self.events.get(name, ())


def periods(window: Window, period: str, ctx: Context) -> Iterator[Period]:
    """Every period of this kind that overlaps the window and has begun as of the audit."""
    tz = ctx.contract.tz
    at = period_start(window.start, period, tz)
    while at < window.end and at <= ctx.as_of:
        end = period_end(at, period, tz)
        yield Period(period_label(at, period, tz), at, end)
        at = end


def named_periods(wc: WindowContext, period: str, labels: Iterable[str]) -> list[Period]:
    """The window's periods and, for the default window, those the labels name, in order."""
    ctx = wc.ctx
    tz = ctx.contract.tz
    found = {p.label: p for p in periods(wc.window, period, ctx)}
    if wc.named:
        for label in labels:
            at = period_from_label(label, period, tz)
            if at is not None and label not in found and at <= ctx.as_of:
                found[label] = Period(label, at, period_end(at, period, tz))
    return sorted(found.values(), key=lambda p: p.start)


def window_of(instants: Sequence[datetime], ctx: Context) -> Window:
    """The default window: the whole months that the log's events cover."""
    tz = ctx.contract.tz
    first, last = min(instants), max(instants)
    return Window(period_start(first, "month", tz), period_end(last, "month", tz))


def local_day(at: datetime, ctx: Context) -> datetime:
    return period_start(at, "day", ctx.contract.tz)
