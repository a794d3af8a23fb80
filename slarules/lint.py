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
from .messages import Msg, Ref, Values

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


def _show(facts: dict[str, Value | None]) -> Values:
    """Probed facts as (name, value) pairs, which the words show by the facts' names."""
    return tuple(sorted(facts.items()))


def _span(gaps: list[dict[str, Value | None]], fact: str) -> Msg | None:
    values = sorted(v for g in gaps if isinstance(v := g.get(fact), timedelta))
    if not values:
        return None
    return Msg("lint.span", (("shortest", values[0]), ("longest", values[-1])))


def _where(ob: m.Obligation) -> Location:
    file, _, line = ob.source.rpartition(":")
    return Location(file, int(line) if line.isdigit() else 0, 1)


def lint(contract: m.Contract, severity_file: str = "") -> list[RuleError]:
    """Warnings about the contract itself (not about the YAML): codes of the ``lint:`` words."""
    warnings: list[RuleError] = []

    def warn(location: Location, clause: str, code: str, /, **values: object) -> None:
        warnings.append(
            RuleError(location, code, tuple(values.items()), severity="warning", clause=clause)
        )

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
            "lint.severity_gap",
            clause=clause,
            span=_span(gaps, "outage_duration"),
            example=_show(gaps[-1]),
            reading=contract.reading("severity_gap"),
        )
    if overlaps:
        facts, matches = max(overlaps, key=lambda fm: len(fm[1]))
        warn(
            sev_loc,
            clause,
            "lint.severity_overlap",
            clause=clause,
            facts=_show(facts),
            levels=tuple(Ref("level", lv.id) for lv in matches),
            reading=contract.reading("severity_overlap"),
        )
    for site in contract.sites:
        if contract.band_for(site.id, site.distance_km) is None:
            warn(
                Location(f"{contract.source}/sites.yaml"),
                "",
                "lint.beyond_bands",
                site=Ref("site", site.id),
                km=site.distance_km,
            )
    ids = {ob.id: ob for ob in contract.obligations}
    for ob in contract.obligations:
        if not ob.stated:
            warn(_where(ob), ob.clause, "lint.not_stated", clause=ob.clause, obligation=ob.id)
        kind = KINDS[ob.type]
        clocked = kind.clocked(ob)
        budget = None if clocked is None else clocked.budget
        if isinstance(budget, m.Budget) and budget.by == "severity":
            for level in contract.levels:
                if level.id not in budget.cells:
                    warn(
                        _where(ob),
                        ob.clause,
                        "lint.no_level_cell",
                        clause=ob.clause,
                        obligation=ob.id,
                        level=Ref("level", level.id),
                    )
        if isinstance(budget, m.Budget) and budget.by == "band":
            for band in contract.bands:
                if band.id not in budget.cells:
                    warn(
                        _where(ob),
                        ob.clause,
                        "lint.no_band_cell",
                        clause=ob.clause,
                        obligation=ob.id,
                        band=Ref("band", band.id),
                    )
        conflict = kind.conflict(ob)
        if conflict is not None and conflict[0] in ids:
            other, reading = ids[conflict[0]], conflict[1]
            warn(
                _where(ob),
                ob.clause,
                "lint.conflict",
                **_conflict(contract, ob, budget, other, reading),
            )
    return warnings


def _longer(a: object, b: object) -> bool:
    try:
        return a.as_timedelta() > b.as_timedelta()  # type: ignore[attr-defined, no-any-return]
    except (AttributeError, ValueError):
        return a != b


def _conflict(
    contract: m.Contract,
    ob: m.Obligation,
    budget: m.Budget | None,
    other: m.Obligation,
    reading: str,
) -> dict[str, object]:
    """The values of a conflict between two obligations' terms."""
    mine = None if budget is None else budget.cells.get("")
    diffs = []
    other_clock = KINDS[other.type].clocked(other)
    other_budget = None if other_clock is None else other_clock.budget
    if mine is not None and isinstance(other_budget, m.Budget) and other_budget.by == "severity":
        for level in contract.levels:
            cell = other_budget.cells.get(level.id)
            # A table that is looser than the general term is where the two disagree.
            if cell is not None and _longer(cell.current, mine.current):
                diffs.append(
                    Msg(
                        "lint.differs",
                        (
                            ("level", Ref("level", level.id)),
                            ("other", cell.current),
                            ("mine", mine.current),
                        ),
                    )
                )
    return {
        "clause": ob.clause,
        "other_clause": other.clause,
        "obligation": ob.id,
        "other": other.id,
        "detail": tuple(diffs) if diffs else Msg("lint.overlap"),
        "reading": reading,
        "value": contract.reading(reading) if reading in contract.readings else "?",
    }
