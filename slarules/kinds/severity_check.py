"""``severity_check``: the declared level against the level the outage facts give."""

from __future__ import annotations

from .. import model as m
from ..case import Case
from ..results import Finding, Step
from .common import Context, fmt, level_label

TYPE = "severity_check"


def evaluate(ctx: Context, ob: m.SeverityCheck, case: Case) -> list[Finding]:
    start_event = case.first(ob.start)
    if start_event is None:
        return []
    contract = ctx.contract
    declared = start_event.get("severity")
    facts, still_open = case.outage_facts(ctx.as_of)
    start = start_event.at
    shown = ", ".join(
        f"{k} {v.total_seconds() / 3600:.2f} h" if hasattr(v, "total_seconds") else f"{k} {v}"
        for k, v in facts.items()
        if v is not None
    )
    steps: tuple[Step, ...] = (
        Step(
            m.Text(
                f"申告级别 {level_label(contract, declared)}",
                f"declared {level_label(contract, declared)}",
            ),
            start,
        ),
        Step(m.Text(f"中断事实: {shown or '无'}", f"outage facts: {shown or 'none'}")),
    )
    if not facts:
        return [
            Finding(
                "not_applicable",
                m.Text(
                    "日志未记录业务中断, 无法推定级别",
                    "no outage recorded in the log: no level to compare",
                ),
                start=start,
                steps=steps,
            )
        ]
    derived = contract.classify(facts)
    matches = contract.matching_levels(facts)
    overlap = ""
    if len(matches) > 1:
        overlap = f" ({'/'.join(lv.id for lv in matches)}; readings.severity_overlap = {contract.reading('severity_overlap')})"
    if derived is None:
        status = "pending" if still_open else "not_applicable"
        return [
            Finding(
                status,
                m.Text(
                    f"中断事实不属于任何级别 (合同空档, readings.severity_gap = {contract.reading('severity_gap')})",
                    f"the outage matches no level (a gap in {ob.clause}; readings.severity_gap = {contract.reading('severity_gap')})",
                ),
                start=start,
                steps=steps,
            )
        ]
    steps = (
        *steps,
        Step(
            m.Text(
                f"推定级别 {derived.label()}{overlap}: {derived.definition}",
                f"derived level {derived.id}{overlap}: {derived.when.describe()}",
            )
        ),
    )
    if derived.id == declared:
        status = "pending" if still_open else "met"
        return [
            Finding(
                status,
                m.Text(
                    f"申告级别与中断事实一致 ({derived.label()})",
                    f"declared level agrees with the outage ({derived.id})",
                ),
                start=start,
                steps=steps,
            )
        ]
    if still_open and derived.rank > contract.level_by_id(declared).rank:
        # The outage may still grow into the declared level.
        return [
            Finding(
                "pending",
                m.Text(
                    f"中断尚未结束, 目前推定 {derived.label()}",
                    f"outage still open; so far it gives {derived.id}",
                ),
                start=start,
                steps=steps,
            )
        ]
    return [
        Finding(
            "breached",
            m.Text(
                f"申告 {level_label(contract, declared)}, 但中断事实为 {derived.label()} ({fmt(start, contract.tz)})",
                f"declared {declared}, but the outage facts give {derived.id}",
            ),
            start=start,
            steps=steps,
        )
    ]
