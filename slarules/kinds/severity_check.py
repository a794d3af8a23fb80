"""``severity_check``: the declared level against the level the outage facts give.

met: they agree; breached: the facts contradict the declared level; pending:
the outage is still open and may yet grow into the declared level;
not_applicable: no outage recorded, or the outage falls in the contract's gap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from .. import model as m
from ..case import Case
from ..columnar.sql import Plan
from ..conditions import Value
from ..results import Finding, Ref, Step, Values
from .base import Kind, Place
from .common import Context, Steps, classify, outage_facts

TYPE = "severity_check"


@dataclass(frozen=True, slots=True)
class SeverityCheck(m.Obligation):
    start: str


def _level(level_id: str | None) -> Ref | str:
    return Ref("level", level_id) if level_id else "?"


def evaluate(ctx: Context, ob: SeverityCheck, case: Case) -> list[Finding]:
    start_event = case.first(ob.start)
    if start_event is None:
        return []
    contract = ctx.contract
    declared = start_event.get("severity")
    facts, still_open = outage_facts(ctx, case)
    start = start_event.at
    steps = Steps(ctx.explain)
    steps.extend(lambda: _opening_steps(declared, facts, start))
    if not facts:
        return [Finding("not_applicable", "severity.no_outage", start, steps=steps.done())]
    derived = classify(ctx, case, facts)
    if derived is None:
        gap: Values = (("reading", contract.reading("severity_gap")), ("clause", ob.clause))
        status = "pending" if still_open else "not_applicable"
        return [Finding(status, "severity.gap", start, steps=steps.done(), values=gap)]
    steps.add(lambda: _derived_step(contract, facts, derived))
    derived_ref = (("derived", Ref("level", derived.id)),)
    if derived.id == declared:
        status = "pending" if still_open else "met"
        return [Finding(status, "severity.agrees", start, steps=steps.done(), values=derived_ref)]
    if still_open and declared is not None and derived.rank > contract.level_by_id(declared).rank:
        # The outage may still grow into the declared level.
        return [
            Finding("pending", "severity.so_far", start, steps=steps.done(), values=derived_ref)
        ]
    values: Values = (("declared", _level(declared)), *derived_ref)
    return [Finding("breached", "severity.contradicted", start, steps=steps.done(), values=values)]


def _opening_steps(
    declared: str | None, facts: dict[str, Value | None], start: datetime
) -> list[Step]:
    shown = tuple((name, value) for name, value in facts.items() if value is not None)
    return [
        Step("step.declared", (("level", _level(declared)),), start),
        Step("step.outage_facts", (("facts", shown),)),
    ]


def _derived_step(contract: m.Contract, facts: dict[str, Value | None], derived: m.Level) -> Step:
    matches = tuple(Ref("level", lv.id) for lv in contract.matching_levels(facts))
    values: Values = (
        ("level", Ref("level", derived.id)),
        ("matches", matches),
        ("reading", contract.reading("severity_overlap")),
        ("definition", Ref("definition", derived.id)),
    )
    return Step("step.derived" if len(matches) < 2 else "step.derived_overlap", values)


class SeverityCheckKind(Kind):
    type = TYPE
    schema = TYPE
    model = SeverityCheck

    def build(self, place: Place, base: dict[str, Any]) -> SeverityCheck:
        return SeverityCheck(**base, start=place.event("start"))

    def counts_days(self, ob: m.Obligation) -> bool:
        return False

    def starts(self, ob: m.Obligation) -> str:
        assert isinstance(ob, SeverityCheck)
        return ob.start

    def compile(self, ctx: Context, ob: m.Obligation) -> Callable[[Case], list[Finding]]:
        assert isinstance(ob, SeverityCheck)
        return partial(evaluate, ctx, ob)

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """The declared level against the outage's (the ``outage`` table, as
        :func:`evaluate` reads ``outage_facts``)."""
        assert isinstance(ob, SeverityCheck)
        first = plan.table(
            "first",
            f"SELECT f.case_id, f.ts AS start, e.severity AS declared FROM {plan.first_of(ob.start)} f"
            f" JOIN ev_live e ON e.case_id = f.case_id AND e.seq = f.seq",
        )
        joined = plan.table(
            "joined",
            f"SELECT f.*, o.case_id IS NOT NULL AS has_outage, o.derived, o.still_open,"
            f" ld.rank AS derived_rank, lc.rank AS declared_rank FROM {first} f LEFT JOIN outage o"
            f" ON o.case_id = f.case_id LEFT JOIN levels ld ON ld.id = o.derived"
            f" LEFT JOIN levels lc ON lc.id = f.declared",
        )
        status = (
            "CASE WHEN NOT has_outage THEN 'not_applicable'"
            " WHEN derived IS NULL THEN CASE WHEN still_open THEN 'pending' ELSE 'not_applicable' END"
            " WHEN derived = declared THEN CASE WHEN still_open THEN 'pending' ELSE 'met' END"
            " WHEN still_open AND declared IS NOT NULL AND derived_rank > declared_rank THEN 'pending'"
            " ELSE 'breached' END"
        )
        code = (
            "CASE WHEN NOT has_outage THEN 'severity.no_outage'"
            " WHEN derived IS NULL THEN 'severity.gap'"
            " WHEN derived = declared THEN 'severity.agrees'"
            " WHEN still_open AND declared IS NOT NULL AND derived_rank > declared_rank"
            " THEN 'severity.so_far' ELSE 'severity.contradicted' END"
        )
        plan.result(
            "results",
            f"SELECT {plan.columns(ob, case_id='case_id', occurrence='1', status=status, code=code, start_us='start', timed='TRUE', v_level='derived', v_level2='declared')}"
            f" FROM {joined}",
        )

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        assert isinstance(ob, SeverityCheck)
        if code == "severity.gap":
            return (("reading", contract.reading("severity_gap")), ("clause", ob.clause))
        if code in ("severity.agrees", "severity.so_far"):
            return (("derived", Ref("level", row["v_level"])),)
        if code == "severity.contradicted":
            return (
                ("declared", _level(row["v_level2"])),
                ("derived", Ref("level", row["v_level"])),
            )
        return ()


KIND = SeverityCheckKind()
