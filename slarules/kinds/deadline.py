"""``deadline``: a clock from a start event to a stop event within a budget.

The budget is one value or a table cell (by severity, by distance band). Paused
time does not count. ``repeat: each`` pairs every start with its own stop; a
``requires`` block says which content the stop event must carry.
"""

from __future__ import annotations

from .. import model as m
from ..case import Case
from ..events import Event
from ..results import Finding, Step
from .common import Context, finding_for, fmt, pause_steps, pick_budget

TYPE = "deadline"


def _missing(ob: m.Deadline, event: Event) -> tuple[str, ...]:
    if ob.requires is None:
        return ()
    present = set(event.get(ob.requires.field) or ())
    return tuple(key for key in ob.requires.keys if key not in present)


def _conflict_yields(ctx: Context, ob: m.Deadline) -> bool:
    if not ob.conflicts_with or not ob.conflict_reading:
        return False
    return ctx.contract.reading(ob.conflict_reading) == "specific_prevails"


def evaluate(ctx: Context, ob: m.Deadline, case: Case) -> list[Finding]:
    starts = case.all(ob.start)
    if not starts:
        return []
    if ob.repeat != "each":
        starts = starts[:1]
    tz = ctx.contract.tz
    stops = list(case.all(ob.stop))
    used: set[int] = set()
    findings = []
    previous = None
    for start_event in starts:
        start = start_event.at
        steps: list[Step] = [
            Step(
                m.Text(
                    f"起点: {start_event.name} {fmt(start, tz)}",
                    f"start: {start_event.name} at {fmt(start, tz)}",
                ),
                start,
            )
        ]
        if _conflict_yields(ctx, ob):
            findings.append(
                Finding(
                    "not_applicable",
                    m.Text(
                        f"与 {ob.conflicts_with} 冲突, 按 readings.{ob.conflict_reading} = specific_prevails 由后者适用",
                        f"yields to {ob.conflicts_with} (readings.{ob.conflict_reading} = specific_prevails)",
                    ),
                    start=start,
                    steps=tuple(steps),
                )
            )
            continue
        pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
        if pick.not_applicable is not None or pick.duration is None:
            na = pick.not_applicable or m.Text("不适用", "not applicable")
            findings.append(Finding("not_applicable", na, start=start, steps=tuple(steps)))
            continue
        steps.append(
            Step(
                m.Text(
                    f"时限: {pick.duration} ({pick.source.zh})",
                    f"budget: {pick.duration} ({pick.source.en})",
                )
            )
        )
        pauses = case.pauses(ctx.contract, ob.pauses)
        steps.extend(pause_steps(ctx, pauses, start))
        due = ctx.clocks.due(ob.clock, start, pick.duration, pauses, ctx.as_of)
        steps.append(
            Step(
                m.Text(
                    f"到期: {fmt(due, tz)} ({ctx.clocks.describe(ob.clock).zh})",
                    f"due: {fmt(due, tz)} on {ctx.clocks.describe(ob.clock).en}",
                ),
                due,
            )
        )
        done_event = None
        incomplete: list[tuple[Event, tuple[str, ...]]] = []
        for i, stop in enumerate(stops):
            # A stop logged before its start still counts (the log says it happened);
            # with repeat: each, stops before an earlier start belong to that start.
            if i in used or (previous is not None and stop.at < previous):
                continue
            missing = _missing(ob, stop)
            if missing:
                incomplete.append((stop, missing))
                continue
            used.add(i)
            done_event = stop
            break
        for stop, missing in incomplete:
            labels = [ob.requires.labels[k] for k in missing] if ob.requires else []
            steps.append(
                Step(
                    m.Text(
                        f"{fmt(stop.at, tz)} 提交的 {stop.name} 缺少: {'、'.join(t.zh for t in labels)}",
                        f"{stop.name} at {fmt(stop.at, tz)} lacks: {', '.join(missing)}",
                    ),
                    stop.at,
                )
            )
        done = done_event.at if done_event else None
        previous = start
        event_text = ctx.contract.events[ob.stop]
        what = m.Text(event_text.zh, event_text.en)
        reason: m.Text | None = None
        status: str | None = None
        if done is None and incomplete and ctx.as_of > due:
            stop, missing = incomplete[0]
            status = "breached"
            reason = m.Text(
                f"{event_text.zh}内容不全, 缺少: {'、'.join(ob.requires.labels[k].zh for k in missing) if ob.requires else ''}",
                f"{event_text.en} incomplete: missing {', '.join(missing)}",
            )
        findings.append(
            finding_for(
                ctx,
                start=start,
                due=due,
                done=done,
                what=what,
                clock=ob.clock,
                budget=pick.duration,
                source=pick.source,
                steps=tuple(steps),
                status=status,
                reason=reason,
            )
        )
    return findings
