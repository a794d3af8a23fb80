"""``max_gap``: while a case is open, an update at least every ``interval``.

Each gap (start -> update -> update ... -> end) must not exceed the interval;
the first gap that does is the breach (``start`` is the update that opened it).
The end is the ``until`` event, or the audit's as-of time for a case still open.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from .. import model as m
from ..case import Case
from ..durations import Duration
from ..results import Finding, Step
from .common import Context, finding_for, fmt, start_step, text

TYPE = "max_gap"


def evaluate(ctx: Context, ob: m.MaxGap, case: Case) -> list[Finding]:
    start_event = case.first(ob.start)
    if start_event is None:
        return []
    tz = ctx.contract.tz
    interval = ob.interval.at(case.start)
    step = interval.as_timedelta()
    start = start_event.at
    until_event = case.first(ob.until, after=start)
    end = until_event.at if until_event is not None else None
    names = ob.updates
    updates = [
        e.at
        for name in names
        for e in case.all(name)
        if e.at > start and (end is None or e.at <= end)
    ]
    if len(names) > 1:
        updates.sort()
    explain = ctx.explain
    steps: list[Step] = [start_step(ctx, start_event.name, start)] if explain else []
    what = _WHAT
    previous = start
    for at in updates:
        due = previous + step
        if at > due:
            return [
                finding_for(
                    ctx,
                    start=previous,
                    due=due,
                    done=at,
                    what=what,
                    clock="elapsed",
                    budget=interval,
                    steps=tuple(steps),
                )
            ]
        if explain:
            steps.append(_update_step(at, tz))
        previous = at
    due = previous + step
    if end is not None:
        if explain:
            steps.append(
                Step(
                    text(
                        f"结束: {ob.until} {fmt(end, tz)}",
                        f"closed by {ob.until} at {fmt(end, tz)}",
                    ),
                    end,
                )
            )
        if end <= due:
            reason = m.LazyText(_met_reason, len(updates), interval)
            return [
                Finding("met", reason, start, due, end, "elapsed", interval.label, tuple(steps))
            ]
    return [
        finding_for(
            ctx,
            start=previous,
            due=due,
            done=end,
            what=what,
            clock="elapsed",
            budget=interval,
            steps=tuple(steps),
        )
    ]


_WHAT = text("更新处理状态", "status update")


def _met_reason(count: int, interval: Duration) -> m.Text:
    return text(
        f"共 {count} 次更新, 间隔均未超过 {interval}", f"{count} update(s), no gap over {interval}"
    )


def _update_step(at: datetime, tz: tzinfo) -> Step:
    return Step(text(f"状态更新 {fmt(at, tz)}", f"update at {fmt(at, tz)}"), at)
