"""What the kind modules share: the evaluation context, budgets, verdicts, wording.

Text for people (reasons, explanation steps) is built lazily or only when
explaining: an audit of a million events counts far more results than anyone reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from .. import model as m
from ..case import Case, Interval
from ..clocks import DAY
from ..conditions import Value
from ..durations import Duration
from ..results import Finding, Step
from ..timing import Clocks

EMPTY = m.Text("", "")


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


def lazy(build: Callable[[], m.Text]) -> m.LazyText:
    return m.LazyText(build)


def text(zh: str, en: str) -> m.Text:
    return m.Text(zh, en)


@dataclass(frozen=True)
class BudgetPick:
    duration: Duration | None
    source: m.Words  # where the value came from: which table cell, which band
    not_applicable: m.Words | None = None


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
    # Reasons that read the same for many cases, built once.
    words: dict[tuple[object, ...], m.Text] = field(default_factory=dict, repr=False, compare=False)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # strftime's %a, locale-free


def fmt(at: datetime | None, tz: tzinfo) -> str:
    """'2026-10-09 14:05 Fri': local time with the weekday, as people check deadlines."""
    if at is None:
        return "-"
    t = at.astimezone(tz)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d} "
        f"{_WEEKDAYS[t.weekday()]}"
    )


_DAY_SECONDS = int(DAY.total_seconds())
_ZERO = timedelta(0)


def human(delta: timedelta) -> str:
    """'1d 2h 05m', '2h 05m', '45m', '45m 30s'."""
    seconds = int(delta.total_seconds())  # toward zero, as the minutes shown
    sign = "-" if delta < _ZERO else ""
    days, rest = divmod(abs(seconds), _DAY_SECONDS)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h {minutes:02d}m"
    if hours:
        return (
            f"{sign}{hours}h {minutes:02d}m {secs:02d}s"
            if secs
            else f"{sign}{hours}h {minutes:02d}m"
        )
    return f"{sign}{minutes}m {secs:02d}s" if secs else f"{sign}{minutes}m"


def start_step(ctx: Context, name: str, at: datetime) -> Step:
    tz = ctx.contract.tz
    return Step(text(f"起点: {name} {fmt(at, tz)}", f"start: {name} at {fmt(at, tz)}"), at)


def budget_step(pick: BudgetPick) -> Step:
    return Step(
        text(
            f"时限: {pick.duration} ({pick.source.zh})",
            f"budget: {pick.duration} ({pick.source.en})",
        )
    )


def due_step(ctx: Context, clock: str, due: datetime) -> Step:
    tz = ctx.contract.tz
    words = ctx.clocks.describe(clock)
    return Step(
        text(f"到期: {fmt(due, tz)} ({words.zh})", f"due: {fmt(due, tz)} on {words.en}"), due
    )


_DECLARED = text("申告级别", "declared on the report")
_SINGLE = text("固定时限", "a single term")


def severity_for(ctx: Context, case: Case, start: datetime) -> tuple[str | None, m.Words]:
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


def _severity_for(ctx: Context, case: Case, start: datetime) -> tuple[str | None, m.Words]:
    contract = ctx.contract
    policy = contract.reading("reclassification")
    level_id, setter = case.severity_at(start, policy)
    why: m.Words = _DECLARED
    if setter is not None and setter.name == "reclassified":
        when = setter.at
        why = lazy(
            lambda: text(
                f"{fmt(when, contract.tz)} 级别变更 (readings.reclassification = {policy})",
                f"reclassified at {fmt(when, contract.tz)} (readings.reclassification = {policy})",
            )
        )
    if contract.reading("severity_source") == "derived":
        facts, _ = outage_facts(ctx, case)
        derived = classify(ctx, case, facts) if facts else None
        if derived is not None:
            return derived.id, text(
                "由中断事实推定 (readings.severity_source = derived)",
                "derived from the outage facts (readings.severity_source = derived)",
            )
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


def _worst_outage(ctx: Context, case: Case) -> tuple[dict[str, Value | None], bool]:
    contract = ctx.contract
    spec = contract.outage
    spans = case.interval_facts(spec, ctx.as_of) if spec is not None else []
    if not spans or spec is None:
        return {}, False
    duration = spec.duration_fact or ""
    lowest = len(contract.levels)

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


def level_label(contract: m.Contract, level_id: str | None) -> str:
    if level_id is None:
        return "?"
    level = contract.level(level_id)
    return level_id if level is None else f"{level.id} {level.zh}"


_PICKS_KEPT = 10_000  # bounds the shared picks (keys with a case's start or distance)
_NO_SEVERITY = text("未给出故障级别 (无申告记录)", "no severity known (no report with a severity)")


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
            pick = ctx.picks[single] = BudgetPick(cell.at(case.start) if cell else None, _SINGLE)
        return pick
    level_id, why = severity_for(ctx, case, start)
    if isinstance(why, m.LazyText):  # a reclassification's own words: nothing to share
        return _pick_budget(ctx, case, budget, applies, level_id, why)
    if budget.by == "band":
        site_id, distance = _location(ctx, case)
        key: tuple[object, ...] = (id(budget), tuple(applies), level_id, site_id, distance)
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
    why: m.Words,
) -> BudgetPick:
    contract = ctx.contract
    if applies and level_id is None:
        return BudgetPick(None, EMPTY, _NO_SEVERITY)
    if applies and level_id not in applies:
        label = level_label(contract, level_id)
        return BudgetPick(
            None,
            EMPTY,
            lazy(
                lambda: text(
                    f"合同对{label}故障未设此项 (不适用)",
                    f"the contract sets no such term for {label} faults",
                )
            ),
        )
    source: m.Words
    if budget.by is None:
        found, cell = budget.lookup(None)
        source = _SINGLE
    elif budget.by == "severity":
        if level_id is None:
            return BudgetPick(None, EMPTY, _NO_SEVERITY)
        found, cell = budget.lookup(level_id)
        label = level_label(contract, level_id)
        source = lazy(
            lambda: text(f"按级别: {label} ({why.zh})", f"by severity: {label} ({why.en})")
        )
        if not found:
            return BudgetPick(
                None,
                source,
                lazy(
                    lambda: text(
                        f"时限表中没有级别 {label}", f"the table has no entry for severity {label}"
                    )
                ),
            )
    else:
        site_id, distance = _location(ctx, case)
        if distance is None:
            return BudgetPick(
                None,
                EMPTY,
                text(
                    "申告未给出地点或距离, 无法确定距离档",
                    "the report names no site and no distance_km: band unknown",
                ),
            )
        band = contract.band_for(site_id, distance)
        where = f"{site_id or ''} {distance:g} km".strip()
        if band is None:
            return BudgetPick(
                None,
                EMPTY,
                text(
                    f"{where} 超出最远距离档, 合同未设时限",
                    f"{where} is beyond the last distance band: no term",
                ),
            )
        found, cell = budget.lookup(band.id)
        source = text(f"按距离档: {band.zh} ({where})", f"by distance band: {band.en} ({where})")
        if not found:
            return BudgetPick(
                None,
                source,
                text(f"时限表中没有 {band.zh}", f"the table has no entry for band {band.id}"),
            )
    if cell is None:
        return BudgetPick(
            None, source, text("时限表此项为不适用 (n/a)", "the table says n/a (不适用) here")
        )
    return BudgetPick(cell.at(case.start), source)


def pause_steps(ctx: Context, pauses: Sequence[Interval], start: datetime) -> list[Step]:
    tz = ctx.contract.tz
    steps = []
    for begin, end in pauses:
        if end is not None and end <= start:
            continue
        end_text = fmt(end, tz) if end is not None else "(open / 未结束)"
        steps.append(
            Step(
                text(
                    f"暂停计时 {fmt(begin, tz)} 至 {end_text} (客户审批时间不计入)",
                    f"clock paused {fmt(begin, tz)} to {end_text}",
                )
            )
        )
    return steps


def verdict(due: datetime, done: datetime | None, as_of: datetime) -> str:
    """met exactly when done at or before due; otherwise breached once due has passed."""
    if done is not None:
        return "met" if done <= due else "breached"
    return "pending" if as_of <= due else "breached"


def default_reason(
    status: str, what: m.Words, due: datetime, done: datetime | None, as_of: datetime, tz: tzinfo
) -> m.Text:
    if status == "met" and done is not None:
        at, spare = fmt(done, tz), human(due - done)
        return text(f"{what.zh}于 {at}, 提前 {spare}", f"{what.en} at {at}, {spare} to spare")
    if status == "pending":
        when = fmt(due, tz)
        return text(f"尚未{what.zh}, {when} 到期", f"no {what.en} yet; due {when}")
    if done is not None:
        at, late = fmt(done, tz), human(done - due)
        return text(f"{what.zh}于 {at}, 超时 {late}", f"{what.en} at {at}, {late} late")
    now, overdue = fmt(as_of, tz), human(as_of - due)
    return text(
        f"截至 {now} 仍未{what.zh}, 已超时 {overdue}",
        f"no {what.en} by {now}: {overdue} overdue",
    )


def finding_for(
    ctx: Context,
    *,
    start: datetime,
    due: datetime,
    done: datetime | None,
    what: m.Words,
    clock: str,
    budget: Duration,
    steps: tuple[Step, ...],
    status: str | None = None,
    reason: m.Words | None = None,
) -> Finding:
    status = status or verdict(due, done, ctx.as_of)
    if reason is None:
        reason = m.LazyText(default_reason, status, what, due, done, ctx.as_of, ctx.contract.tz)
    return Finding(status, reason, start, due, done, clock, str(budget), steps)
