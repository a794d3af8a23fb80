"""``service_level``: a share of items within a threshold, per period (95 % of calls in 30 s).

For each period of the window: the items (e.g. ``call`` events) with their
measure (``wait_seconds``); the share that meets the threshold (``lt`` or
``le``, as the contract words it) against the target (``ge`` 95 %: 以上 includes
it). No items: not applicable. A period not yet over is pending: later items
can still change the share. There is no due instant, so no lateness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import model as m
from ..conditions import OPS
from ..durations import Duration
from ..results import Finding, Msg, Ref, Step, Values
from .base import CLOCK_UNITS, Kind, Place, dated_terms
from .window import WindowContext, periods

TYPE = "service_level"


@dataclass(frozen=True, slots=True)
class ServiceLevel(m.Obligation):
    event: str
    measure: str
    threshold_op: str
    threshold: m.Dated[Duration]
    target_op: str
    target_percent: float
    period: str


def evidence(ob: ServiceLevel) -> tuple[str, ...]:
    """The events whose presence in the logs shows the duty is recorded there."""
    return (ob.event,)


SHOWN_WORST = 5


def evaluate(wc: WindowContext, ob: ServiceLevel) -> list[Finding]:
    ctx = wc.ctx
    items = wc.of(ob.event)
    findings = []
    for period in periods(wc.window, ob.period, ctx):
        in_period = [e for e in items if period.start <= e.at < period.end]
        threshold = ob.threshold.at(period.start)
        limit = threshold.as_timedelta().total_seconds()
        case = period.label
        if not in_period:
            findings.append(
                Finding(
                    "not_applicable",
                    "service_level.none",
                    period.start,
                    period.end,
                    None,
                    "",
                    None,
                    (),
                    period=period.label,
                    case=case,
                    timed=False,
                    values=(("event", Ref("event", ob.event)), ("period", period.label)),
                )
            )
            continue
        good = sum(1 for e in in_period if OPS[ob.threshold_op](float(e.get(ob.measure)), limit))
        share = 100.0 * good / len(in_period)
        reached = OPS[ob.target_op](share, ob.target_percent)
        # A period not over yet can still change its share.
        status = "pending" if period.end > ctx.as_of else ("met" if reached else "breached")
        worst = sorted(in_period, key=lambda e: -float(e.get(ob.measure)))[:SHOWN_WORST]
        slowest = tuple((e.at, float(e.get(ob.measure))) for e in worst)
        values: Values = (
            ("period", period.label),
            ("within", good),
            ("count", len(in_period)),
            ("share", share),
            ("measure", ob.measure),
            ("op", ob.threshold_op),
            ("limit", limit),
            ("target_op", ob.target_op),
            ("target", ob.target_percent),
            ("worst", Msg("list.worst", (("items", slowest),))),
        )
        steps = (
            Step("step.items", (("count", len(in_period)), ("event", Ref("event", ob.event)))),
            Step("step.worst", (("count", len(worst)), ("worst", values[-1][1]))),
        )
        findings.append(
            Finding(
                status,
                "service_level.share",
                period.start,
                period.end,
                None,
                "",
                threshold,
                steps if ctx.explain else (),
                period=period.label,
                case=case,
                timed=False,
                details=(("count", len(in_period)), ("within", good), ("share", round(share, 4))),
                values=values,
            )
        )
    return findings


class ServiceLevelKind(Kind):
    type = TYPE
    scope = "window"
    schema = TYPE
    model = ServiceLevel

    def build(self, place: Place, base: dict[str, Any]) -> ServiceLevel:
        raw = place.raw
        return ServiceLevel(
            **base,
            event=place.event("event"),
            measure=raw["measure"],
            threshold_op=raw["threshold"]["op"],
            threshold=place.dated(("threshold", "value"), CLOCK_UNITS["elapsed"], "term.threshold"),
            target_op=raw["target"]["op"],
            target_percent=float(raw["target"]["percent"]),
            period=raw["period"],
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, ServiceLevel)
        return dated_terms(instant, threshold=ob.threshold)

    def evidence(self, ob: m.Obligation) -> tuple[str, ...]:
        assert isinstance(ob, ServiceLevel)
        return (ob.event,)

    def evaluate(self, wc: WindowContext, ob: m.Obligation) -> list[Finding]:
        assert isinstance(ob, ServiceLevel)
        return evaluate(wc, ob)


KIND = ServiceLevelKind()
