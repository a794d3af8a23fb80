"""``severity_check``: the declared level against the level the outage facts give.

met: they agree; breached: the facts contradict the declared level; pending:
the outage is still open and may yet grow into the declared level;
not_applicable: no outage recorded, or the outage falls in the contract's gap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import model as m
from ..case import Case
from ..conditions import Value
from ..results import Finding, Step
from .common import Context, Steps, classify, level_label, outage_facts, text

TYPE = "severity_check"


def _facts_text(facts: dict[str, Value | None]) -> str:
    return ", ".join(
        f"{k} {v.total_seconds() / 3600:.2f} h" if isinstance(v, timedelta) else f"{k} {v:g}"
        for k, v in facts.items()
        if v is not None
    )


def evaluate(ctx: Context, ob: m.SeverityCheck, case: Case) -> list[Finding]:
    start_event = case.first(ob.start)
    if start_event is None:
        return []
    contract = ctx.contract
    declared = start_event.get("severity")
    facts, still_open = outage_facts(ctx, case)
    start = start_event.at
    steps = Steps(ctx.explain)
    if not facts:
        steps.extend(lambda: _opening_steps(contract, declared, facts, start))
        return [Finding("not_applicable", _NO_OUTAGE, start=start, steps=steps.done())]
    steps.extend(lambda: _opening_steps(contract, declared, facts, start))
    derived = classify(ctx, case, facts)
    if derived is None:
        gap = contract.reading("severity_gap")
        reason = text(
            f"中断事实不属于任何级别 (合同空档, readings.severity_gap = {gap})",
            f"the outage matches no level (a gap in {ob.clause}; readings.severity_gap = {gap})",
        )
        return [
            Finding(
                "pending" if still_open else "not_applicable",
                reason,
                start=start,
                steps=steps.done(),
            )
        ]
    steps.add(lambda: _derived_step(contract, facts, derived))
    if derived.id == declared:
        key = ("agrees", derived.id)
        agrees = ctx.words.get(key)
        if agrees is None:
            agrees = ctx.words[key] = text(
                f"申告级别与中断事实一致 ({derived.label()})",
                f"declared level agrees with the outage ({derived.id})",
            )
        return [
            Finding("pending" if still_open else "met", agrees, start=start, steps=steps.done())
        ]
    if still_open and declared is not None and derived.rank > contract.level_by_id(declared).rank:
        # The outage may still grow into the declared level.
        reason = text(
            f"中断尚未结束, 目前推定 {derived.label()}",
            f"outage still open; so far it gives {derived.id}",
        )
        return [Finding("pending", reason, start=start, steps=steps.done())]
    label = level_label(contract, declared)
    reason = text(
        f"申告 {label}, 但中断事实为 {derived.label()}",
        f"declared {declared}, but the outage facts give {derived.id}",
    )
    return [Finding("breached", reason, start=start, steps=steps.done())]


_NO_OUTAGE = text(
    "日志未记录业务中断, 无法推定级别", "no outage recorded in the log: no level to compare"
)


def _opening_steps(
    contract: m.Contract, declared: str | None, facts: dict[str, Value | None], start: datetime
) -> list[Step]:
    label = level_label(contract, declared)
    return [
        Step(text(f"申告级别 {label}", f"declared {label}"), start),
        Step(
            text(
                f"中断事实: {_facts_text(facts) or '无'}",
                f"outage facts: {_facts_text(facts) or 'none'}",
            )
        ),
    ]


def _derived_step(contract: m.Contract, facts: dict[str, Value | None], derived: m.Level) -> Step:
    matches = contract.matching_levels(facts)
    overlap = ""
    if len(matches) > 1:
        names = "/".join(lv.id for lv in matches)
        overlap = f" ({names}; readings.severity_overlap = {contract.reading('severity_overlap')})"
    return Step(
        text(
            f"推定级别 {derived.label()}{overlap}: {derived.definition}",
            f"derived level {derived.id}{overlap}: {derived.when.describe()}",
        )
    )
