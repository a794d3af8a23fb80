"""``service_level``: a share of items within a threshold, per period (95 % of calls in 30 s).

For each period of the window: the items (e.g. ``call`` events) with their
measure (``wait_seconds``); the share that meets the threshold (``lt`` or
``le``, as the contract words it) against the target (``ge`` 95 %: 以上 includes
it). No items: not applicable. A period not yet over is pending: later items
can still change the share. There is no due instant, so no lateness.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import model as m
from ..columnar.base import double_text, from_us, lit
from ..columnar.sql import Plan
from ..conditions import OPS
from ..durations import Duration, parse_duration
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

    def share(self, ob: m.Obligation) -> bool:
        return True

    def evaluate(self, wc: WindowContext, ob: m.Obligation) -> list[Finding]:
        assert isinstance(ob, ServiceLevel)
        return evaluate(wc, ob)

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """Each period's items: how many are within the threshold against the target, and
        the slowest (as :func:`evaluate`)."""
        assert isinstance(ob, ServiceLevel)
        table = plan.periods("periods", list(periods(plan.window, ob.period, plan.context())))
        threshold = plan.tables.dated(ob.id, "threshold", ob.threshold)
        op = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "=", "ne": "<>"}
        measure = f"CAST(e.{ob.measure} AS DOUBLE)"
        items = plan.table(
            "items",
            f"SELECT p.label, p.p_start, p.p_end, e.ts, e.seq, {measure} AS measure,"
            f" {measure} {op[ob.threshold_op]} t.value / 1000000.0 AS good, t.label AS budget"
            f" FROM {table} p JOIN {threshold} t ON t.valid_from <= p.p_start AND p.p_start <"
            f" t.valid_to JOIN ev_dist e ON e.name = {lit(ob.event)} AND e.ts >= p.p_start"
            f" AND e.ts < p.p_end",
        )
        # The slowest few, longest first (ties in time order), as JSON [[time, measure], ...].
        ranked = plan.table(
            "ranked",
            f"SELECT label, ts, measure, ROW_NUMBER() OVER (PARTITION BY label ORDER BY measure"
            f" DESC, ts, seq) AS w FROM {items}",
        )
        pairs = [
            f"MAX(CASE WHEN w = {n} THEN '[' || CAST(ts AS VARCHAR) || ', ' ||"
            f" {double_text('measure')} || ']' END)"
            for n in range(1, SHOWN_WORST + 1)
        ]
        worst = (
            f"SELECT label, '[' || CONCAT_WS(', ', {', '.join(pairs)}) || ']' AS worst"
            f" FROM {ranked} GROUP BY label"
        )
        counted = plan.table(
            "counted",
            f"SELECT i.label, MIN(i.p_start) AS p_start, MIN(i.p_end) AS p_end, COUNT(*) AS items,"
            f" SUM(CASE WHEN i.good THEN 1 ELSE 0 END) AS within, MIN(i.budget) AS budget,"
            f" MIN(w.worst) AS worst FROM {items} i JOIN ({worst}) w ON w.label = i.label"
            f" GROUP BY i.label",
        )
        share = "(100.0 * CAST(c.within AS DOUBLE) / c.items)"
        reached = f"{share} {op[ob.target_op]} {lit(float(ob.target_percent))}"
        status = (
            f"CASE WHEN c.label IS NULL THEN 'not_applicable' WHEN p.p_end > {plan.as_of} THEN"
            f" 'pending' WHEN {reached} THEN 'met' ELSE 'breached' END"
        )
        code = "CASE WHEN c.label IS NULL THEN 'service_level.none' ELSE 'service_level.share' END"
        columns = plan.columns(
            ob,
            case_id="p.label",
            occurrence="1",
            pos="p.p_start",
            status=status,
            code=code,
            start_us="p.p_start",
            due_us="p.p_end",
            clock="''",
            budget="c.budget",
            period="p.label",
            timed="FALSE",
            v_count="c.items",
            v_within="c.within",
            v_share=share,
            v_text="c.worst",
        )
        plan.result(
            "results", f"SELECT {columns} FROM {table} p LEFT JOIN {counted} c ON c.label = p.label"
        )

    def row_details(
        self, ob: m.Obligation, row: Mapping[str, Any]
    ) -> tuple[tuple[str, object], ...]:
        if row["v_count"] is None:
            return ()
        return (
            ("count", row["v_count"]),
            ("within", row["v_within"]),
            ("share", round(row["v_share"], 4)),
        )

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, ServiceLevel)
        if code == "service_level.none":
            return (("event", Ref("event", ob.event)), ("period", row["period"]))
        slowest = tuple((from_us(int(t)), float(v)) for t, v in json.loads(row["v_text"]))
        limit = parse_duration(row["budget"]).as_timedelta().total_seconds()
        return (
            ("period", row["period"]),
            ("within", row["v_within"]),
            ("count", row["v_count"]),
            ("share", row["v_share"]),
            ("measure", ob.measure),
            ("op", ob.threshold_op),
            ("limit", limit),
            ("target_op", ob.target_op),
            ("target", ob.target_percent),
            ("worst", Msg("list.worst", (("items", slowest),))),
        )


KIND = ServiceLevelKind()
