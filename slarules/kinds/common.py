"""What the kind modules share: the evaluation context, budgets, verdicts.

Kinds say what they found as codes and values (see :mod:`slarules.results`);
the words are made by :mod:`slarules.wording`, only for what is written out.
Explanation steps are built only when explaining.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .. import model as m
from ..case import Case, Interval
from ..conditions import Value
from ..durations import Duration
from ..results import Finding, Msg, Ref, Step, Values
from ..timing import Clocks


class Steps:
    """The explanation's lines; a builder is called only when explaining."""

    __slots__ = ("items", "on")

    def __init__(self, on: bool) -> None:
        self.on = on
        self.items: list[Step] = []

    def add(self, build: Callable[[], Step]) -> None:
        if self.on:
            self.items.append(build())

    def extend(self, build: Callable[[], Sequence[Step]]) -> None:
        if self.on:
            self.items.extend(build())

    def done(self) -> tuple[Step, ...]:
        return tuple(self.items)


@dataclass(frozen=True)
class BudgetPick:
    duration: Duration | None
    source: Msg  # where the value came from: which table cell, which band
    not_applicable: Msg | None = None


@dataclass(frozen=True)
class Context:
    contract: m.Contract
    clocks: Clocks
    as_of: datetime
    explain: bool = False
    # Budget picks that depend only on the table cell chosen, shared by all cases.
    picks: dict[tuple[object, ...], BudgetPick] = field(
        default_factory=dict, repr=False, compare=False
    )


def event_ref(name: str) -> Ref:
    return Ref("event", name)


def what(name: str) -> Values:
    """The values of a clock's generic reasons: what it waits for (an event)."""
    return (("what", Ref("event", name)),)


NOT_APPLICABLE = Msg("na.not_applicable")


def start_step(name: str, at: datetime) -> Step:
    return Step("step.start", (("event", Ref("event", name)), ("at", at)), at)


def budget_step(pick: BudgetPick) -> Step:
    return Step("step.budget", (("budget", pick.duration), ("source", pick.source)))


def due_step(clock: str, due: datetime) -> Step:
    return Step("step.due", (("due", due), ("clock", Ref("clock", clock))), due)


_DECLARED = Msg("why.declared")
_DERIVED = Msg("why.derived")
SINGLE = Msg("source.single")


def severity_for(ctx: Context, case: Case, start: datetime) -> tuple[str | None, Msg]:
    """The level that drives this clock, and why (declared, reclassified, derived).

    Worked out once per case unless it depends on the clock's start (a
    reclassification that applies from the change on).
    """
    memo = case.memo
    known = memo.get("severity")
    if known is not None:
        return known  # type: ignore[return-value]
    found = _severity_for(ctx, case, start)
    if not case.all("reclassified") or ctx.contract.reading("reclassification") == "retroactive":
        memo["severity"] = found
    return found


def _severity_for(ctx: Context, case: Case, start: datetime) -> tuple[str | None, Msg]:
    contract = ctx.contract
    policy = contract.reading("reclassification")
    level_id, setter = case.severity_at(start, policy)
    why = _DECLARED
    if setter is not None and setter.name == "reclassified":
        why = Msg("why.reclassified", (("at", setter.at), ("reading", policy)))
    if contract.reading("severity_source") == "derived":
        facts, _ = outage_facts(ctx, case)
        derived = classify(ctx, case, facts) if facts else None
        if derived is not None:
            return derived.id, _DERIVED
    return level_id, why


def outage_facts(ctx: Context, case: Case) -> tuple[dict[str, Value | None], bool]:
    """(facts, an outage still open) as of the audit, worked out once per case.

    Each interruption (overlapping outages are one, see :meth:`Case.intervals`) is
    classified on its own; the facts are those of the most severe one (the longest
    among equals). Empty facts: the log records no outage.
    """
    found = case.memo.get("outage")
    if found is None:
        found = case.memo["outage"] = _worst_outage(ctx, case)
    return found  # type: ignore[return-value]


_ZERO = timedelta(0)


def _worst_outage(ctx: Context, case: Case) -> tuple[dict[str, Value | None], bool]:
    contract = ctx.contract
    spec = contract.outage
    spans = case.interval_facts(spec, ctx.as_of) if spec is not None else []
    if not spans or spec is None:
        return {}, False
    duration = spec.duration_fact or ""
    lowest = len(contract.levels)

    if len(spans) == 1:  # one interruption: nothing to choose
        return spans[0]

    def rank(facts: dict[str, Value | None]) -> tuple[int, timedelta]:
        level = contract.classify(facts)
        length = facts.get(duration)
        return (
            lowest if level is None else level.rank,
            -(length if isinstance(length, timedelta) else _ZERO),
        )

    facts = min((f for f, _ in spans), key=rank)
    return facts, any(still_open for _, still_open in spans)


def classify(ctx: Context, case: Case, facts: dict[str, Value | None]) -> m.Level | None:
    """The level the outage facts give (worked out once per case)."""
    memo = case.memo
    if "level" not in memo:
        memo["level"] = ctx.contract.classify(facts)
    return memo["level"]  # type: ignore[return-value]


_PICKS_KEPT = 10_000  # bounds the shared picks (keys with a case's start or distance)
_NO_SEVERITY = Msg("na.no_severity")


def pick_budget(
    ctx: Context, case: Case, budget: m.Budget, start: datetime, applies: Sequence[str] = ()
) -> BudgetPick:
    """The budget for this clock, or why the contract sets none (不适用).

    A pick depends only on the cell chosen and why, so it is shared between
    cases, except where a cell changes on a date of effect (then the case's
    start decides).
    """
    if budget.by is None and not applies:
        single = (id(budget), case.start) if budget.dated else (id(budget),)
        pick = ctx.picks.get(single)
        if pick is None:
            if len(ctx.picks) >= _PICKS_KEPT:
                ctx.picks.clear()
            cell = budget.cells[""]
            pick = ctx.picks[single] = BudgetPick(cell.at(case.start) if cell else None, SINGLE)
        return pick
    level_id, why = severity_for(ctx, case, start)
    if budget.by == "band":
        site_id, distance = _location(ctx, case)
        key: tuple[object, ...] = (id(budget), tuple(applies), level_id, why, site_id, distance)
    else:
        key = (id(budget), tuple(applies), level_id, why)
    if budget.dated:
        key += (case.start,)
    pick = ctx.picks.get(key)
    if pick is None:
        if len(ctx.picks) >= _PICKS_KEPT:  # many distinct distances, say: start afresh
            ctx.picks.clear()
        pick = ctx.picks[key] = _pick_budget(ctx, case, budget, applies, level_id, why)
    return pick


def _location(ctx: Context, case: Case) -> tuple[str | None, float | None]:
    found = case.memo.get("location")
    if found is None:
        found = case.memo["location"] = case.location(ctx.contract)
    return found  # type: ignore[return-value]


def _pick_budget(
    ctx: Context,
    case: Case,
    budget: m.Budget,
    applies: Sequence[str],
    level_id: str | None,
    why: Msg,
) -> BudgetPick:
    contract = ctx.contract
    empty = Msg("source.none")
    if applies and level_id is None:
        return BudgetPick(None, empty, _NO_SEVERITY)
    if applies and level_id not in applies:
        return BudgetPick(
            None, empty, Msg("na.level_excluded", (("level", Ref("level", level_id or "")),))
        )
    source: Msg
    if budget.by is None:
        found, cell = budget.lookup(None)
        source = SINGLE
    elif budget.by == "severity":
        if level_id is None:
            return BudgetPick(None, empty, _NO_SEVERITY)
        found, cell = budget.lookup(level_id)
        level = Ref("level", level_id)
        source = Msg("source.by_severity", (("level", level), ("why", why)))
        if not found:
            return BudgetPick(None, source, Msg("na.no_level_cell", (("level", level),)))
    else:
        site_id, distance = _location(ctx, case)
        if distance is None:
            return BudgetPick(None, empty, Msg("na.no_location"))
        band = contract.band_for(site_id, distance)
        where: Values = (("site", Ref("site", site_id) if site_id else ""), ("km", distance))
        if band is None:
            return BudgetPick(None, empty, Msg("na.beyond_bands", where))
        found, cell = budget.lookup(band.id)
        source = Msg("source.by_band", (("band", Ref("band", band.id)), *where))
        if not found:
            return BudgetPick(
                None, source, Msg("na.no_band_cell", (("band", Ref("band", band.id)),))
            )
    if cell is None:
        return BudgetPick(None, source, Msg("na.table_says_na"))
    return BudgetPick(cell.at(case.start), source)


def pause_steps(pauses: Sequence[Interval], start: datetime) -> list[Step]:
    steps = []
    for begin, end in pauses:
        if end is not None and end <= start:
            continue
        code = "step.paused" if end is not None else "step.paused_open"
        steps.append(Step(code, (("begin", begin), ("end", end))))
    return steps


def verdict(due: datetime, done: datetime | None, as_of: datetime) -> str:
    """met exactly when done at or before due; otherwise breached once due has passed."""
    if done is not None:
        return "met" if done <= due else "breached"
    return "pending" if as_of <= due else "breached"


# The generic reasons of a clock, by verdict and whether it was done: they read the
# finding's own due, done and as-of, and `what` it waits for.
CLOCK_CODES = {
    ("met", True): "clock.met",
    ("breached", True): "clock.late",
    ("pending", False): "clock.pending",
    ("breached", False): "clock.overdue",
}


def clock_code(status: str, done: datetime | None) -> str:
    return CLOCK_CODES[(status, done is not None)]


def finding_for(
    ctx: Context,
    *,
    start: datetime,
    due: datetime,
    done: datetime | None,
    values: Values,
    clock: str,
    budget: Duration,
    steps: tuple[Step, ...],
    status: str | None = None,
    code: str | None = None,
) -> Finding:
    status = status or verdict(due, done, ctx.as_of)
    if code is None:
        code = clock_code(status, done)
    return Finding(status, code, start, due, done, clock, budget, steps, values=values)
