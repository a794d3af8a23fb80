"""What the kind modules share: the evaluation context, budgets, verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import model as m
from ..case import Case, Interval
from ..durations import Duration
from ..results import Finding, Step
from ..timing import Clocks


@dataclass(frozen=True)
class Context:
    contract: m.Contract
    clocks: Clocks
    as_of: datetime


@dataclass(frozen=True)
class BudgetPick:
    duration: Duration | None
    source: m.Text  # where the value came from: which table cell, which band
    not_applicable: m.Text | None = None


def fmt(at: datetime | None, tz: object) -> str:
    if at is None:
        return "-"
    local = at.astimezone(tz)  # type: ignore[arg-type]
    return local.strftime("%Y-%m-%d %H:%M %a")


def human(delta: timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours or days:
        parts.append(f"{hours}h")
    parts.append(f"{minutes:02d}m" if (hours or days) else f"{minutes}m")
    if secs and not days:
        parts.append(f"{secs:02d}s")
    return ("-" if delta < timedelta(0) else "") + " ".join(parts)


def severity_for(ctx: Context, case: Case, start: datetime) -> tuple[str | None, m.Text]:
    """The level that drives this clock, and why (declared, reclassified, derived)."""
    contract = ctx.contract
    policy = contract.reading("reclassification")
    level_id, setter = case.severity_at(start, policy)
    why = m.Text("申告级别", "declared on the report")
    if setter is not None and setter.name == "reclassified":
        why = m.Text(
            f"{fmt(setter.at, contract.tz)} 级别变更 (readings.reclassification = {policy})",
            f"reclassified at {fmt(setter.at, contract.tz)} (readings.reclassification = {policy})",
        )
    if contract.reading("severity_source") == "derived":
        facts, _ = case.outage_facts(ctx.as_of)
        derived = contract.classify(facts) if facts else None
        if derived is not None:
            return derived.id, m.Text(
                "由中断事实推定 (readings.severity_source = derived)",
                "derived from the outage facts (readings.severity_source = derived)",
            )
    return level_id, why


def level_label(contract: m.Contract, level_id: str | None) -> str:
    if level_id is None:
        return "?"
    level = contract.level(level_id)
    return level_id if level is None else f"{level.id} {level.zh}"


def pick_budget(
    ctx: Context, case: Case, budget: m.Budget, start: datetime, applies: Sequence[str] = ()
) -> BudgetPick:
    contract = ctx.contract
    level_id, why = severity_for(ctx, case, start)
    label = level_label(contract, level_id)
    if applies and level_id is None:
        return BudgetPick(
            None,
            m.Text("", ""),
            m.Text("未给出故障级别 (无申告记录)", "no severity known (no report with a severity)"),
        )
    if applies and level_id not in applies:
        return BudgetPick(
            None,
            m.Text("", ""),
            m.Text(
                f"合同对{label}故障未设此项 (不适用)",
                f"the contract sets no such term for {label} faults",
            ),
        )
    if budget.by is None:
        found, cell = budget.lookup(None)
        source = m.Text("固定时限", "a single term")
    elif budget.by == "severity":
        if level_id is None:
            return BudgetPick(
                None,
                m.Text("", ""),
                m.Text(
                    "未给出故障级别 (无申告记录)", "no severity known (no report with a severity)"
                ),
            )
        found, cell = budget.lookup(level_id)
        source = m.Text(f"按级别: {label} ({why.zh})", f"by severity: {label} ({why.en})")
        if not found:
            return BudgetPick(
                None,
                source,
                m.Text(f"时限表中没有级别 {label}", f"the table has no entry for severity {label}"),
            )
    else:
        site_id, distance = case.location(contract)
        if distance is None:
            return BudgetPick(
                None,
                m.Text("", ""),
                m.Text(
                    "申告未给出地点或距离, 无法确定距离档",
                    "the report names no site and no distance_km: band unknown",
                ),
            )
        band = contract.band_for(site_id, distance)
        where = f"{site_id or ''} {distance:g} km".strip()
        if band is None:
            return BudgetPick(
                None,
                m.Text("", ""),
                m.Text(
                    f"{where} 超出最远距离档, 合同未设时限",
                    f"{where} is beyond the last distance band: no term",
                ),
            )
        found, cell = budget.lookup(band.id)
        source = m.Text(f"按距离档: {band.zh} ({where})", f"by distance band: {band.en} ({where})")
        if not found:
            return BudgetPick(
                None,
                source,
                m.Text(f"时限表中没有 {band.zh}", f"the table has no entry for band {band.id}"),
            )
    if cell is None:
        return BudgetPick(
            None, source, m.Text("时限表此项为不适用 (n/a)", "the table says n/a (不适用) here")
        )
    return BudgetPick(cell.at(case.start), source)


def pause_steps(ctx: Context, pauses: Sequence[Interval], start: datetime) -> tuple[Step, ...]:
    steps = []
    for begin, end in pauses:
        if end is not None and end <= start:
            continue
        end_text = fmt(end, ctx.contract.tz) if end is not None else "(open / 未结束)"
        steps.append(
            Step(
                m.Text(
                    f"暂停计时 {fmt(begin, ctx.contract.tz)} 至 {end_text} (客户审批时间不计入)",
                    f"clock paused {fmt(begin, ctx.contract.tz)} to {end_text}",
                )
            )
        )
    return tuple(steps)


def verdict(due: datetime, done: datetime | None, as_of: datetime) -> str:
    """met exactly when done at or before due; otherwise breached once due has passed."""
    if done is not None:
        return "met" if done <= due else "breached"
    return "pending" if as_of <= due else "breached"


def finding_for(
    ctx: Context,
    *,
    start: datetime,
    due: datetime,
    done: datetime | None,
    what: m.Text,
    clock: str,
    budget: Duration,
    source: m.Text,
    steps: tuple[Step, ...],
    status: str | None = None,
    reason: m.Text | None = None,
) -> Finding:
    tz = ctx.contract.tz
    status = status or verdict(due, done, ctx.as_of)
    if reason is None:
        if status == "met":
            assert done is not None
            reason = m.Text(
                f"{what.zh}于 {fmt(done, tz)}, 提前 {human(due - done)}",
                f"{what.en} at {fmt(done, tz)}, {human(due - done)} to spare",
            )
        elif status == "pending":
            reason = m.Text(
                f"尚未{what.zh}, {fmt(due, tz)} 到期", f"no {what.en} yet; due {fmt(due, tz)}"
            )
        elif done is not None:
            reason = m.Text(
                f"{what.zh}于 {fmt(done, tz)}, 超时 {human(done - due)}",
                f"{what.en} at {fmt(done, tz)}, {human(done - due)} late",
            )
        else:
            reason = m.Text(
                f"截至 {fmt(ctx.as_of, tz)} 仍未{what.zh}, 已超时 {human(ctx.as_of - due)}",
                f"no {what.en} by {fmt(ctx.as_of, tz)}: {human(ctx.as_of - due)} overdue",
            )
    return Finding(status, reason, start, due, done, clock, str(budget), steps)
