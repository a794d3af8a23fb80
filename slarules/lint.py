"""The contract's own gaps and conflicts, as warnings that name the clause.

These are not load errors: the contract is what it is. They tell a contract
manager where the text is silent or contradicts itself, and how the rules
currently read it.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import product

from . import model as m
from .conditions import All, Any_, Compare, Condition, Not, Value
from .errors import Location, RuleError
from .kinds import KINDS

_EPSILON_TIME = timedelta(seconds=1)
_EPSILON_PCT = 0.01


def _compares(condition: Condition) -> list[Compare]:
    if isinstance(condition, Compare):
        return [condition]
    if isinstance(condition, (All, Any_)):
        return [c for item in condition.items for c in _compares(item)]
    if isinstance(condition, Not):
        return _compares(condition.item)
    return []


def _probes(levels: tuple[m.Level, ...]) -> list[dict[str, Value | None]]:
    """Fact values just below, at and above every threshold the levels use."""
    points: dict[str, set[Value]] = {}
    for level in levels:
        for cmp in _compares(level.when):
            eps: Value = _EPSILON_TIME if isinstance(cmp.value, timedelta) else _EPSILON_PCT
            around = {cmp.value, cmp.value + eps}  # type: ignore[operator]
            if cmp.value > cmp.value - eps >= (timedelta(0) if isinstance(eps, timedelta) else 0):  # type: ignore[operator]
                around.add(cmp.value - eps)  # type: ignore[operator]
            points.setdefault(cmp.fact, set()).update(around)
    names = sorted(points)
    return [
        dict(zip(names, combo, strict=True))
        for combo in product(*(sorted(points[n]) for n in names))
    ]


def _hms(value: timedelta) -> str:
    minutes, seconds = divmod(int(value.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{seconds:02d}s"


def _show(facts: dict[str, Value | None]) -> str:
    parts = []
    for name, value in sorted(facts.items()):
        if isinstance(value, timedelta):
            parts.append(f"{name} {_hms(value)}")
        else:
            parts.append(f"{name} {value:g}")
    return ", ".join(parts)


def _span(gaps: list[dict[str, Value | None]], fact: str) -> str:
    values = sorted(v for g in gaps if isinstance(v := g.get(fact), timedelta))
    if not values:
        return ""
    return f"outages from {_hms(values[0])} to {_hms(values[-1])} (as probed) "


def _where(ob: m.Obligation) -> Location:
    file, _, line = ob.source.rpartition(":")
    return Location(file, int(line) if line.isdigit() else 0, 1)


def lint(contract: m.Contract, severity_file: str = "") -> list[RuleError]:
    """Warnings about the contract itself (not about the YAML)."""
    warnings: list[RuleError] = []

    def warn(location: Location, clause: str, message: str) -> None:
        warnings.append(RuleError(location, message, severity="warning", clause=clause))

    sev_loc = Location(severity_file or f"{contract.source}/severity.yaml")
    clause = contract.levels[0].clause if contract.levels else ""
    gaps, overlaps = [], []
    for facts in _probes(contract.levels):
        matches = contract.matching_levels(facts)
        if not matches:
            gaps.append(facts)
        elif len(matches) > 1:
            overlaps.append((facts, matches))
    if gaps:
        warn(
            sev_loc,
            clause,
            f"[{clause}] severity gap: {_span(gaps, 'outage_duration')}match no level, "
            f"e.g. {_show(gaps[-1])}; "
            f"readings.severity_gap = {contract.reading('severity_gap')}",
        )
    if overlaps:
        facts, matches = max(overlaps, key=lambda fm: len(fm[1]))
        warn(
            sev_loc,
            clause,
            f"[{clause}] severity levels overlap: {_show(facts)} matches "
            f"{', '.join(lv.id for lv in matches)}; resolved by readings.severity_overlap = "
            f"{contract.reading('severity_overlap')}",
        )
    for site in contract.sites:
        if contract.band_for(site.id, site.distance_km) is None:
            warn(
                Location(f"{contract.source}/sites.yaml"),
                "",
                f"site {site.id} ({site.zh}, {site.distance_km:g} km) is beyond the last distance band: "
                "no on-site arrival term",
            )
    ids = {ob.id: ob for ob in contract.obligations}
    for ob in contract.obligations:
        if not ob.stated:
            warn(
                _where(ob),
                ob.clause,
                f"[{ob.clause}] {ob.id}: the contract states no such term; the value in the rules is a setting",
            )
        kind = KINDS[ob.type]
        clocked = kind.clocked(ob)
        budget = None if clocked is None else clocked.budget
        if isinstance(budget, m.Budget) and budget.by == "severity":
            for level in contract.levels:
                if level.id not in budget.cells:
                    warn(
                        _where(ob),
                        ob.clause,
                        f"[{ob.clause}] {ob.id}: no entry for severity {level.id} ({level.zh})",
                    )
        if isinstance(budget, m.Budget) and budget.by == "band":
            for band in contract.bands:
                if band.id not in budget.cells:
                    warn(
                        _where(ob),
                        ob.clause,
                        f"[{ob.clause}] {ob.id}: no entry for band {band.id} ({band.zh})",
                    )
        conflict = kind.conflict(ob)
        if conflict is not None and conflict[0] in ids:
            other, reading = ids[conflict[0]], conflict[1]
            warn(_where(ob), ob.clause, _conflict_message(contract, ob, budget, other, reading))
    return warnings


def _longer(a: object, b: object) -> bool:
    try:
        return a.as_timedelta() > b.as_timedelta()  # type: ignore[attr-defined, no-any-return]
    except (AttributeError, ValueError):
        return a != b


def _conflict_message(
    contract: m.Contract,
    ob: m.Obligation,
    budget: m.Budget | None,
    other: m.Obligation,
    reading: str,
) -> str:
    mine = None if budget is None else budget.cells.get("")
    diffs = []
    other_clock = KINDS[other.type].clocked(other)
    other_budget = None if other_clock is None else other_clock.budget
    if mine is not None and isinstance(other_budget, m.Budget) and other_budget.by == "severity":
        for level in contract.levels:
            cell = other_budget.cells.get(level.id)
            # A table that is looser than the general term is where the two disagree.
            if cell is not None and _longer(cell.current, mine.current):
                diffs.append(f"{level.id} ({level.zh}) {cell.current} vs {mine.current}")
    detail = "; ".join(diffs) if diffs else "the two terms overlap"
    return (
        f"[{ob.clause} / {other.clause}] {ob.id} conflicts with {other.id}: {detail}; "
        f"readings.{reading} = {contract.reading(reading) if reading in contract.readings else '?'}"
    )
