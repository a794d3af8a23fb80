"""``min_duration``: each occurrence lasts at least a minimum ("每次不少于1小时").

The event gives its start (``at``) and its end in a field (``until``); the
occurrence is met when it lasted at least the minimum (不少于 includes it).
"""

from __future__ import annotations

from .. import model as m
from ..results import Finding
from .common import fmt, human, text
from .window import WindowContext

TYPE = "min_duration"


def evidence(ob: m.MinDuration) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.event,)


def evaluate(wc: WindowContext, ob: m.MinDuration) -> list[Finding]:
    ctx = wc.ctx
    tz = ctx.contract.tz
    findings = []
    for event in wc.of(ob.event):
        if not (wc.window.start <= event.at < wc.window.end):
            continue
        until = event.get(ob.until_field)
        minimum = ob.at_least.at(event.at)
        due = event.at + minimum.as_timedelta()
        lasted = until - event.at
        if until > ctx.as_of and until < due:
            # Still going on as of the audit: it may yet last long enough.
            reason = text(
                f"截至 {fmt(ctx.as_of, tz)} 尚未结束 (计划至 {fmt(until, tz)})",
                f"still going on as of {fmt(ctx.as_of, tz)} (until {fmt(until, tz)})",
            )
            status = "pending"
        elif until >= due:
            reason = text(
                f"持续 {human(lasted)}, 不少于 {minimum}",
                f"lasted {human(lasted)}, at least {minimum}",
            )
            status = "met"
        else:
            reason = text(
                f"仅持续 {human(lasted)}, 少于 {minimum} ({fmt(event.at, tz)} 起)",
                f"lasted only {human(lasted)}, under {minimum} (from {fmt(event.at, tz)})",
            )
            status = "breached"
        # A minimum is not a deadline: no lateness or margin; the reason says how long.
        findings.append(
            Finding(
                status,
                reason,
                event.at,
                due,
                until,
                "elapsed",
                str(minimum),
                (),
                case=event.case,
                timed=False,
                details=(("lasted_seconds", int(lasted.total_seconds())),),
            )
        )
    return findings
