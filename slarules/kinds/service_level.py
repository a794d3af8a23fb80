"""``service_level``: a share of items within a threshold, per period (95 % of calls in 30 s).

For each period of the window: the items (e.g. ``call`` events) with their
measure (``wait_seconds``); the share that meets the threshold (``lt`` or
``le``, as the contract words it) against the target (``ge`` 95 %: 以上 includes
it). No items: not applicable. A period not yet over is pending: later items
can still change the share. There is no due instant, so no lateness.
"""

from __future__ import annotations

from .. import model as m
from ..conditions import OPS
from ..results import Finding, Step
from .common import fmt, text
from .window import WindowContext, periods

TYPE = "service_level"


def evidence(ob: m.ServiceLevel) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.event,)


SHOWN_WORST = 5


def evaluate(wc: WindowContext, ob: m.ServiceLevel) -> list[Finding]:
    ctx = wc.ctx
    tz = ctx.contract.tz
    items = wc.of(ob.event)
    findings = []
    for period in periods(wc.window, ob.period, ctx):
        in_period = [e for e in items if period.start <= e.at < period.end]
        threshold = ob.threshold.at(period.start)
        limit = threshold.as_timedelta().total_seconds()
        symbol = "<" if ob.threshold_op == "lt" else "<="
        case = period.label
        if not in_period:
            reason = text(
                f"{period.label} 没有{ctx.contract.events[ob.event].zh}记录",
                f"no {ob.event} events in {period.label}",
            )
            findings.append(
                Finding(
                    "not_applicable",
                    reason,
                    period.start,
                    period.end,
                    None,
                    "",
                    "",
                    (),
                    period=period.label,
                    case=case,
                    timed=False,
                )
            )
            continue
        good = sum(1 for e in in_period if OPS[ob.threshold_op](float(e.get(ob.measure)), limit))
        share = 100.0 * good / len(in_period)
        reached = OPS[ob.target_op](share, ob.target_percent)
        target = f"{'>=' if ob.target_op == 'ge' else '>'} {ob.target_percent:g}%"
        # A period not over yet can still change its share.
        status = "pending" if period.end > ctx.as_of else ("met" if reached else "breached")
        worst = sorted(in_period, key=lambda e: -float(e.get(ob.measure)))[:SHOWN_WORST]
        worst_text = ", ".join(f"{fmt(e.at, tz)} {float(e.get(ob.measure)):g}" for e in worst)
        summary = (
            f"{good}/{len(in_period)} = {share:.2f}% {ob.measure} {symbol} {limit:g} "
            f"(target {target})"
        )
        reason = text(
            f"{period.label}: {summary}; 最慢: {worst_text}",
            f"{period.label}: {summary}; worst: {worst_text}",
        )
        steps = (
            Step(
                text(f"统计 {len(in_period)} 个 {ob.event}", f"{len(in_period)} {ob.event} events")
            ),
            Step(
                text(f"最慢的 {len(worst)} 个: {worst_text}", f"worst {len(worst)}: {worst_text}")
            ),
        )
        findings.append(
            Finding(
                status,
                reason,
                period.start,
                period.end,
                None,
                "",
                str(threshold),
                steps if ctx.explain else (),
                period=period.label,
                case=case,
                timed=False,
                details=(("count", len(in_period)), ("within", good), ("share", round(share, 4))),
            )
        )
    return findings
