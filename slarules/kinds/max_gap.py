"""``max_gap``: while a case is open, an update at least every ``interval``.

Each gap (start -> update -> update ... -> end) must not exceed the interval;
the first gap that does is the breach. The end is the ``until`` event, or the
audit's as-of time for a case still open.
"""

from __future__ import annotations

from .. import model as m
from ..case import Case
from ..results import Finding, Step
from .common import Context, finding_for, fmt

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
    updates = sorted(
        e.at
        for name in ob.updates
        for e in case.all(name)
        if e.at > start and (end is None or e.at <= end)
    )
    steps: list[Step] = [
        Step(
            m.Text(
                f"起点: {start_event.name} {fmt(start, tz)}; 间隔上限 {interval}",
                f"start: {start_event.name} at {fmt(start, tz)}; at most {interval} between updates",
            ),
            start,
        )
    ]
    previous = start
    what = m.Text("更新处理状态", "status update")
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
                    source=m.Text("", ""),
                    steps=tuple(steps),
                )
            ]
        steps.append(Step(m.Text(f"状态更新 {fmt(at, tz)}", f"update at {fmt(at, tz)}"), at))
        previous = at
    due = previous + step
    if end is not None:
        steps.append(
            Step(
                m.Text(
                    f"结束: {ob.until} {fmt(end, tz)}", f"closed by {ob.until} at {fmt(end, tz)}"
                ),
                end,
            )
        )
        if end <= due:
            return [
                Finding(
                    "met",
                    m.Text(
                        f"共 {len(updates)} 次更新, 间隔均未超过 {interval}",
                        f"{len(updates)} update(s), no gap over {interval}",
                    ),
                    start,
                    due,
                    end,
                    "elapsed",
                    str(interval),
                    tuple(steps),
                )
            ]
    return [
        finding_for(
            ctx,
            start=previous,
            due=due,
            done=None if end is None or end > due else end,
            what=what,
            clock="elapsed",
            budget=interval,
            source=m.Text("", ""),
            steps=tuple(steps),
        )
    ]
