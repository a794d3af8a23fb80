"""``min_duration``: each occurrence lasts at least a minimum ("每次不少于1小时").

The event gives its start (``at``) and its end in a field (``until``); the
occurrence is met when it lasted at least the minimum (不少于 includes it).
"""

from __future__ import annotations

from .. import model as m
from ..results import Finding, Values
from .window import WindowContext

TYPE = "min_duration"


def evidence(ob: m.MinDuration) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.event,)


def evaluate(wc: WindowContext, ob: m.MinDuration) -> list[Finding]:
    ctx = wc.ctx
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
            status, code = "pending", "min_duration.going_on"
        elif until >= due:
            status, code = "met", "min_duration.met"
        else:
            status, code = "breached", "min_duration.short"
        values: Values = (("lasted", lasted), ("minimum", minimum), ("until", until))
        # A minimum is not a deadline: no lateness or margin; the reason says how long.
        findings.append(
            Finding(
                status,
                code,
                event.at,
                due,
                until,
                "elapsed",
                minimum,
                (),
                case=event.case,
                timed=False,
                details=(("lasted_seconds", int(lasted.total_seconds())),),
                values=values,
            )
        )
    return findings
