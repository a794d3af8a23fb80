"""``deadline``: a clock from a start event to a stop event within a budget.

The budget is one value or a table cell (by severity, by distance band). Paused
time does not count. ``repeat: each`` pairs every start with its own stop; a
``requires`` block says which content the stop event must carry. A stop logged
before its start still counts (the log says it happened); with ``repeat: each``
a stop before an earlier start belongs to that earlier start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from .. import model as m
from ..case import Case
from ..events import Event
from ..results import Finding, Step
from .common import (
    Context,
    budget_step,
    default_reason,
    due_step,
    finding_for,
    fmt,
    pause_steps,
    pick_budget,
    start_step,
    text,
    verdict,
)

TYPE = "deadline"


def _missing(ob: m.Deadline, event: Event) -> tuple[str, ...]:
    if ob.requires is None:
        return ()
    present = set(event.get(ob.requires.field) or ())
    return tuple(key for key in ob.requires.keys if key not in present)


def _yields(ctx: Context, ob: m.Deadline) -> bool:
    """True when a conflicting, more specific obligation prevails (per the reading)."""
    if not ob.conflicts_with or not ob.conflict_reading:
        return False
    return ctx.contract.reading(ob.conflict_reading) == "specific_prevails"


def evaluate(ctx: Context, ob: m.Deadline, case: Case) -> list[Finding]:
    return compile(ctx, ob)(case)


def compile(ctx: Context, ob: m.Deadline) -> Callable[[Case], list[Finding]]:
    """The obligation's evaluator, with what does not depend on the case worked out once.

    The common clock (one start, no explanation) takes a short path; repeated
    starts and explanations take :func:`_one`, which also records the steps.
    """
    if ob.repeat == "each" or ctx.explain or _yields(ctx, ob):
        return partial(_each, ctx, ob)
    contract, clocks, as_of, tz = ctx.contract, ctx.clocks, ctx.as_of, ctx.contract.tz
    start_name, stop_name, clock = ob.start, ob.stop, ob.clock
    budget, applies, pause_ids, requires = ob.budget, ob.applies_severity, ob.pauses, ob.requires
    event_type = contract.events[ob.stop]
    what = event_type.title
    not_applicable = text("不适用", "not applicable")

    def run(case: Case) -> list[Finding]:
        starts = case.all(start_name)
        if not starts:
            return []
        start = starts[0].at
        pick = pick_budget(ctx, case, budget, start, applies)
        duration = pick.duration
        if duration is None:
            return [Finding("not_applicable", pick.not_applicable or not_applicable, start)]
        pauses = case.pauses(contract, pause_ids) if pause_ids else ()
        due = clocks.due(clock, start, duration, pauses, as_of)
        done = None
        lacking: tuple[str, ...] = ()
        for stop in case.all(stop_name):
            if requires is not None:
                missing = _missing(ob, stop)
                if missing:
                    lacking = lacking or missing
                    continue
            done = stop.at
            break
        status = verdict(due, done, as_of)
        reason: m.Words
        if done is None and lacking and status == "breached":
            reason = m.LazyText(_incomplete_reason, ob, event_type, lacking)
        else:
            reason = m.LazyText(default_reason, status, what, due, done, as_of, tz)
        return [Finding(status, reason, start, due, done, clock, duration.label)]

    return run


def _each(ctx: Context, ob: m.Deadline, case: Case) -> list[Finding]:
    starts = case.all(ob.start)
    if not starts:
        return []
    if ob.repeat != "each":
        starts = starts[:1]
    stops = case.all(ob.stop)
    used: set[int] = set()
    findings = []
    previous = None
    for start_event in starts:
        findings.append(_one(ctx, ob, case, start_event, stops, used, previous))
        previous = start_event.at
    return findings


def _one(
    ctx: Context,
    ob: m.Deadline,
    case: Case,
    start_event: Event,
    stops: Sequence[Event],
    used: set[int],
    previous: datetime | None,
) -> Finding:
    """One clock; ``used`` collects the stops already paired with earlier starts."""
    start = start_event.at
    explain = ctx.explain  # steps are built only for an explanation
    steps: list[Step] = []
    if explain:
        steps.append(start_step(ctx, start_event.name, start))
    if _yields(ctx, ob):
        reason = text(
            f"与 {ob.conflicts_with} 冲突, 按 readings.{ob.conflict_reading} = specific_prevails 由后者适用",
            f"yields to {ob.conflicts_with} (readings.{ob.conflict_reading} = specific_prevails)",
        )
        return Finding("not_applicable", reason, start=start, steps=tuple(steps))
    pick = pick_budget(ctx, case, ob.budget, start, ob.applies_severity)
    duration = pick.duration
    if duration is None:
        na = pick.not_applicable or text("不适用", "not applicable")
        return Finding("not_applicable", na, start=start, steps=tuple(steps))
    if explain:
        steps.append(budget_step(pick))
    pauses = case.pauses(ctx.contract, ob.pauses) if ob.pauses else []
    if explain:
        steps.extend(pause_steps(ctx, pauses, start))
    due = ctx.clocks.due(ob.clock, start, duration, pauses, ctx.as_of)
    if explain:
        steps.append(due_step(ctx, ob.clock, due))
    done_event = None
    incomplete: list[tuple[Event, tuple[str, ...]]] = []
    for i, stop in enumerate(stops):
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
        if explain:
            steps.append(_incomplete_step(ctx, ob, stop, missing))
    done = done_event.at if done_event else None
    event_type = ctx.contract.events[ob.stop]
    what = event_type.title
    reason_: m.Words | None = None
    status: str | None = None
    if done is None and incomplete and ctx.as_of > due:
        status = "breached"
        reason_ = m.LazyText(_incomplete_reason, ob, event_type, incomplete[0][1])
    return finding_for(
        ctx,
        start=start,
        due=due,
        done=done,
        what=what,
        clock=ob.clock,
        budget=duration,
        steps=tuple(steps),
        status=status,
        reason=reason_,
    )


def _labels(ob: m.Deadline, missing: tuple[str, ...]) -> str:
    return "、".join(ob.requires.labels[k].zh for k in missing) if ob.requires else ""


def _incomplete_step(ctx: Context, ob: m.Deadline, stop: Event, missing: tuple[str, ...]) -> Step:
    at = fmt(stop.at, ctx.contract.tz)
    return Step(
        text(
            f"{at} 提交的 {stop.name} 缺少: {_labels(ob, missing)}",
            f"{stop.name} at {at} lacks: {', '.join(missing)}",
        ),
        stop.at,
    )


def _incomplete_reason(ob: m.Deadline, event_type: m.EventType, missing: tuple[str, ...]) -> m.Text:
    return text(
        f"{event_type.zh}内容不全, 缺少: {_labels(ob, missing)}",
        f"{event_type.en} incomplete: missing {', '.join(missing)}",
    )
