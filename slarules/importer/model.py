"""A loaded mapping as frozen values: what the importer needs, already checked.

Built by :mod:`.spec` from a ``kind: Mapping`` YAML file; read by :mod:`.convert`
and :mod:`.run`. Nothing here knows any particular ticket system.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .patterns import Pattern
from .timeformat import TimeFormat

WHENS = ("first", "enter", "each", "leave")


@dataclass(frozen=True, slots=True)
class InputSpec:
    format: str  # auto | csv | xes
    delimiter: str | None  # None: detect from the header row
    encoding: str
    missing: frozenset[str]  # trimmed cell values that mean "no value"
    grouped_by_case: bool
    sort: bool
    drop_duplicates: bool
    tie_break: tuple[str, ...] = ()  # columns ordering rows of one time


@dataclass(frozen=True, slots=True)
class StatusSpec:
    columns: tuple[str, ...]
    join: str

    def of(self, cells: Mapping[str, str]) -> str | None:
        """The row's status; None when every status column is empty."""
        if len(self.columns) == 1:
            return cells.get(self.columns[0])
        parts = [cells.get(c) for c in self.columns]
        if all(p is None for p in parts):
            return None
        # A half-missing combination stays visible (``Accepted/``) in the skip tally.
        return self.join.join(p or "" for p in parts)


@dataclass(frozen=True, slots=True)
class SeveritySpec:
    column: str
    field: str
    values: Mapping[str, str]  # casefolded export value -> contract level id
    default: str | None  # level id for a missing value
    reclassify: bool = False  # a later row with another level -> reclassified


@dataclass(frozen=True, slots=True)
class ReportSpec:
    event: str
    time_column: str | None
    also_map_row: bool
    facts: Mapping[str, str]  # fact -> column


@dataclass(frozen=True, slots=True)
class Rule:
    when: str  # one of WHENS
    statuses: frozenset[str] | None  # None: any status
    event: str
    facts: Mapping[str, Any]
    from_statuses: frozenset[str] | None = None  # enter: only from one of these

    def matches(self, status: str | None) -> bool:
        if status is None:
            return False
        return self.statuses is None or status in self.statuses


@dataclass(frozen=True, slots=True)
class PauseSpec:
    statuses: frozenset[str]
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class LevelPattern:
    pattern: Pattern  # RE2: linear time in the value, whatever the pattern
    level: int


@dataclass(frozen=True, slots=True)
class EscalationSpec:
    column: str
    event: str
    field: str
    base_level: int
    when: str  # new_high | rise
    levels: tuple[LevelPattern, ...]

    def level_of(self, value: str) -> int:
        for candidate in self.levels:
            if candidate.pattern.search(value):
                return candidate.level
        return self.base_level


@dataclass(frozen=True, slots=True)
class TimeSpec:
    column: str
    format: TimeFormat


@dataclass(frozen=True)
class ExportMapping:
    """How one ticket system's status history becomes the contract's events."""

    name: str
    file: str
    input: InputSpec
    case_column: str
    time: TimeSpec
    status: StatusSpec
    report: ReportSpec
    severity: SeveritySpec | None
    rules: tuple[Rule, ...]
    pauses: tuple[PauseSpec, ...]
    escalation: EscalationSpec | None
    other_statuses: frozenset[str] = frozenset()

    @property
    def named_statuses(self) -> frozenset[str]:
        """Every status the mapping names: any other is listed after an import."""
        named = set(self.other_statuses)
        for rule in self.rules:
            named |= rule.statuses or set()
            named |= rule.from_statuses or set()
        for pause in self.pauses:
            named |= pause.statuses
        return frozenset(named)

    def columns(self) -> tuple[str, ...]:
        """Every column the mapping reads, in a stable order (a CSV header must have them)."""
        wanted = [self.case_column, self.time.column, *self.status.columns, *self.input.tie_break]
        if self.severity is not None:
            wanted.append(self.severity.column)
        if self.report.time_column is not None:
            wanted.append(self.report.time_column)
        wanted.extend(self.report.facts.values())
        if self.escalation is not None:
            wanted.append(self.escalation.column)
        return tuple(dict.fromkeys(wanted))
