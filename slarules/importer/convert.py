"""One case's rows, in order, -> the contract's events. Pure: no I/O.

The converter is a small state machine per case: the current status, which
``first`` rules have fired, whether each pause is on, and the support line.
Rows are fed one at a time (sorted beforehand when the mapping asks), so the
same code serves a streamed export and a buffered one.

- The case's first row is the report: it produces the report event (with the
  severity), sets the starting status and support line, starts a pause if the
  status is a waiting one, and goes through the ``events:`` rules only when
  ``report.also_map_row`` is true. If it cannot be used (no severity, say),
  it is rejected and the rest of the case is skipped: a case without its
  report has no start for any clock, and another row must not pose as one.
- A later row with no status keeps the previous one (a change of group only).
- Events of one row come out in a fixed order: pause ends, the rules in the
  mapping's order, pause starts, escalation; at equal times the engine keeps
  this order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import model as m
from ..events import Rejection
from ..messages import Coded, Msg, Problem, Values
from .model import ExportMapping, Rule
from .rows import Row

Record = dict[str, Any]
Triple = tuple[str, int, Record | Rejection]

NO_REPORT = "case without a usable report (its first row was rejected)"
DUPLICATE = "exact duplicate of an earlier row of the case"


def in_column(column: str, exc: ValueError) -> tuple[str, Values]:
    """A cell's error (a bad time, say) as a rejection's code and values, naming the column."""
    problem = exc.msg if isinstance(exc, Coded) else Msg("value.unreadable", (("why", str(exc)),))
    return "row.column", (("column", column), ("problem", problem))


class CaseConverter:
    """Turns the rows of one case, fed in order, into event records."""

    def __init__(self, mapping: ExportMapping, contract: m.Contract, case: str) -> None:
        self.mapping = mapping
        self.contract = contract
        self.case = case
        self.reported = False
        self.failed = False
        self.status: str | None = None
        self.fired: set[int] = set()
        self.paused = [False] * len(mapping.pauses)
        base = mapping.escalation.base_level if mapping.escalation else 0
        self.line_high = base  # the highest support line so far
        self.line_now = base  # the line of the last row that named one
        self.seen: set[bytes] = set()  # digests of the rows seen (see rows.row_key)
        # False when the rows fed were already rid of exact duplicates (buffered runs).
        self.dedupe = mapping.input.drop_duplicates
        self.counted = False  # the run counts each reported case once
        self.level: str | None = None  # the mapped severity so far

    def feed(self, row: Row, at: datetime) -> tuple[list[Triple], str | None]:
        """(records or one rejection, skip reason); no records and no reason never happens."""
        if self.dedupe:
            if row.key in self.seen:
                return [], DUPLICATE
            self.seen.add(row.key)
        if self.failed:
            return [], NO_REPORT
        if not self.reported:
            return self._report(row, at)
        previous = self.status
        current = self.mapping.status.of(row.cells) or previous
        out = self._pause_ends(row, at, current)
        out += self._rules(row, at, previous, current)
        out += self._pause_starts(row, at, current)
        out += self._escalation(row, at)
        out += self._reclassification(row, at)
        self.status = current
        if out:
            return out, None
        if current is None:
            return [], "no status"
        if current == previous:
            return [], f"no change from {current!r}"
        return [], f"no event for {current!r}"

    # -- the report row

    def _reject(self, row: Row, code: str, values: Values) -> tuple[list[Triple], str | None]:
        self.failed = True
        return [(row.source, row.line, Rejection(row.source, row.line, code, values))], None

    def _severity(self, row: Row) -> str:
        """The level id for the report; :class:`Problem` with the reason otherwise."""
        spec = self.mapping.severity
        assert spec is not None
        raw = row.cells.get(spec.column)
        if raw is None:
            if spec.default is None:
                raise Problem("row.no_severity", column=spec.column)
            return spec.default
        found = spec.values.get(raw.casefold())
        if found is not None:
            return found
        level = self.contract.level(raw)  # the export may already use the contract's names
        if level is None:
            known = tuple(sorted(spec.values)) or None
            raise Problem("row.unknown_severity", got=raw, column=spec.column, known=known)
        return level.id

    def _report(self, row: Row, at: datetime) -> tuple[list[Triple], str | None]:
        mapping = self.mapping
        facts: Record = {}
        if mapping.severity is not None:
            try:
                facts[mapping.severity.field] = self._severity(row)
            except Problem as exc:
                return self._reject(row, exc.code, exc.values)
        for fact, column in mapping.report.facts.items():
            value = row.cells.get(column)
            if value is not None:
                facts[fact] = value
        when = at
        opened = mapping.report.time_column
        if opened is not None and opened in row.cells:
            try:
                when = mapping.time.format.parse(row.cells[opened])
            except ValueError as exc:
                return self._reject(row, *in_column(opened, exc))
        out = [self._record(row, mapping.report.event, when, facts)]
        self.reported = True
        if mapping.severity is not None:
            self.level = facts[mapping.severity.field]
        status = mapping.status.of(row.cells)
        if mapping.report.also_map_row:
            out += self._rules(row, at, None, status)
        out += self._pause_starts(row, at, status)
        out += self._escalation(row, at)
        self.status = status
        return out, None

    # -- events

    def _record(self, row: Row, event: str, at: datetime, facts: Any = None) -> Triple:
        record: Record = {"case": self.case, "event": event, "at": at.isoformat()}
        if facts:
            record.update(facts)
        return row.source, row.line, record

    def _fires(self, i: int, rule: Rule, previous: str | None, current: str | None) -> bool:
        changed = current is not None and current != previous
        if rule.when == "first":
            if i in self.fired or not rule.matches(current):
                return False
            self.fired.add(i)
            return True
        if rule.when == "enter":
            origin = rule.from_statuses
            return changed and rule.matches(current) and (origin is None or previous in origin)
        if rule.when == "each":
            return rule.matches(current)
        return changed and rule.matches(previous)  # leave

    def _rules(
        self, row: Row, at: datetime, previous: str | None, current: str | None
    ) -> list[Triple]:
        return [
            self._record(row, rule.event, at, rule.facts)
            for i, rule in enumerate(self.mapping.rules)
            if self._fires(i, rule, previous, current)
        ]

    def _pause_ends(self, row: Row, at: datetime, current: str | None) -> list[Triple]:
        out = []
        for i, pause in enumerate(self.mapping.pauses):
            if self.paused[i] and current not in pause.statuses:
                self.paused[i] = False
                out.append(self._record(row, pause.end, at))
        return out

    def _pause_starts(self, row: Row, at: datetime, current: str | None) -> list[Triple]:
        out = []
        for i, pause in enumerate(self.mapping.pauses):
            # Moving between two waiting statuses of one set neither ends nor restarts it.
            if not self.paused[i] and current in pause.statuses:
                self.paused[i] = True
                out.append(self._record(row, pause.start, at))
        return out

    def _reclassification(self, row: Row, at: datetime) -> list[Triple]:
        """A later row whose severity maps to another level: the fault is reclassified."""
        spec = self.mapping.severity
        if spec is None or not spec.reclassify or spec.column not in row.cells:
            return []  # an empty cell keeps the level
        try:
            level = self._severity(row)
        except Problem:
            return []  # an unknown value on a later row changes nothing (the report's stands)
        if level == self.level:
            return []
        self.level = level
        return [self._record(row, "reclassified", at, {"severity": level})]

    def _escalation(self, row: Row, at: datetime) -> list[Triple]:
        spec = self.mapping.escalation
        if spec is None:
            return []
        value = row.cells.get(spec.column)
        if value is None:
            return []  # no group on this row: the line is unchanged
        line = spec.level_of(value)
        rises = line > (self.line_high if spec.when == "new_high" else self.line_now)
        self.line_now = line
        self.line_high = max(self.line_high, line)
        if not rises:
            return []
        return [self._record(row, spec.event, at, {spec.field: line})]
