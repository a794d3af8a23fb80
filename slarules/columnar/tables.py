"""The rules as small tables, and the tables every obligation shares.

``days``: one row per day of the range an audit needs (an ordinal, whether it is
a working day, its working-day rank and the rank of the day before, as
:class:`~slarules.calendar.WorkCalendar` counts them): the calendar's data, so
the working-day clocks are joins. Budget cells (``cells_<obligation>``): key
(a level, a band, or ``''``), the validity of a term by date of effect, amount,
unit, label. Intervals (``iv_<start>_<end>``): the union of a start/end pair per
case, as :meth:`slarules.case.Case.intervals` pairs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .. import model as m
from ..calendar import CalendarNotCovered
from ..durations import Duration
from .base import DAY, EPOCH_ORDINAL, elapsed_us, ident, lit, rows_sql, us

# Beyond any instant a query compares with (times are microseconds: 9999-12-31 is
# about 2.5e17, far under the BIGINT range).
FOREVER = 1 << 62


@dataclass
class Tables:
    """Statements for the shared tables, added once each to a plan's statements."""

    contract: m.Contract
    statements: list[str]
    offset: int
    made: set[str] = field(default_factory=set)
    # Puts a table of rows into the database at once (by Arrow); without it a large
    # table is a VALUES statement, which DuckDB parses slowly (a second for the days).
    put: Callable[[str, Sequence[tuple[str, str]], list[tuple[Any, ...]]], None] | None = None

    def _once(self, name: str, select: str) -> str:
        if name not in self.made:
            self.statements.append(f"CREATE TEMP TABLE {name} AS {select}")
            self.made.add(name)
        return name

    def days(self, first: date, last: date) -> str:
        """The days from ``first`` to ``last`` (both included) with their ranks.

        Within the calendar's years, or anywhere with ``fallback: weekdays``; a day the
        calendar cannot hold is left out, and a clock that needs it has no due time
        (the engine then raises :class:`CalendarNotCovered`, as the Python clocks do).
        """
        cal = self.contract.calendar
        rows = []
        for o in range(first.toordinal(), last.toordinal() + 1):
            try:
                working = cal._is_working_ord(o)
                rank = cal._rank(o)
                before = cal._rank(o - 1)
            except CalendarNotCovered:
                continue
            rows.append((o, working, rank, before))
        columns = (
            ("ordinal", "BIGINT"),
            ("working", "BOOLEAN"),
            ("rank", "BIGINT"),
            ("rank_before", "BIGINT"),
        )
        if self.put is not None and "days" not in self.made:
            self.put("days", columns, rows)
            self.made.add("days")
            return "days"
        return self._once("days", rows_sql(columns, rows))

    def cells(self, ob_id: str, budget: m.Budget) -> str:
        """An obligation's budget cells: key, valid_from, valid_to, amount, unit, label."""
        rows: list[tuple[object, ...]] = []
        tz = self.contract.tz
        for key, cell in budget.cells.items():
            if cell is None:
                rows.append((key, -FOREVER, FOREVER, None, None, None))
                continue
            starts = [
                -FOREVER if s is None else us(datetime(s.year, s.month, s.day, tzinfo=tz))
                for s in cell.starts
            ]
            ends = [*starts[1:], FOREVER]
            for begin, end, value in zip(starts, ends, cell.values, strict=True):
                rows.append((key, begin, end, float(value.amount), value.unit, value.label))
        columns = (
            ("key", "VARCHAR"),
            ("valid_from", "BIGINT"),
            ("valid_to", "BIGINT"),
            ("amount", "DOUBLE"),
            ("unit", "VARCHAR"),
            ("label", "VARCHAR"),
        )
        return self._once(f"cells_{ident(ob_id)}", rows_sql(columns, rows))

    def dated(self, ob_id: str, name: str, dated: m.Dated[Duration]) -> str:
        """A term by date of effect: valid_from, valid_to, value (microseconds for elapsed
        time, else days), unit, label."""
        tz = self.contract.tz
        starts = [
            -FOREVER if s is None else us(datetime(s.year, s.month, s.day, tzinfo=tz))
            for s in dated.starts
        ]
        ends = [*starts[1:], FOREVER]
        rows = [
            (begin, end, _value(value), value.unit, value.label)
            for begin, end, value in zip(starts, ends, dated.values, strict=True)
        ]
        columns = (
            ("valid_from", "BIGINT"),
            ("valid_to", "BIGINT"),
            ("value", "BIGINT"),
            ("unit", "VARCHAR"),
            ("label", "VARCHAR"),
        )
        return self._once(f"dated_{ident(ob_id)}_{ident(name)}", rows_sql(columns, rows))

    def intervals(self, begin: str, end: str) -> str:
        """The union of the ``begin``/``end`` intervals per case: (case_id, b, e), e NULL
        for one still open; and, in ``unpaired_<...>``, the ends that paired with nothing.

        A counter of open begins, kept at zero or above (an end with none open is
        unpaired): depth = running sum minus the lowest running sum so far (if below 0).
        At one instant begins come before ends, as in :func:`slarules.case._union`.
        """
        name = f"iv_{ident(begin)}__{ident(end)}"
        if name in self.made:
            return name
        marks = (
            f"SELECT case_id, ts, is_end, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts,"
            f" is_end) AS r FROM (SELECT case_id, ts, CASE WHEN name = {lit(begin)} THEN 0"
            f" ELSE 1 END AS is_end FROM ev_live WHERE name IN ({lit(begin)}, {lit(end)})) m"
        )
        walked = (
            f"SELECT case_id, ts, is_end, r, SUM(CASE WHEN is_end = 1 THEN -1 ELSE 1 END) OVER"
            f" (PARTITION BY case_id ORDER BY r ROWS UNBOUNDED PRECEDING) AS total FROM ({marks}) x"
        )
        depth = (
            f"SELECT case_id, ts, is_end, r, total - LEAST(0, MIN(total) OVER (PARTITION BY"
            f" case_id ORDER BY r ROWS UNBOUNDED PRECEDING)) AS depth FROM ({walked}) y"
        )
        # The depth before each mark: 0 before a begin opens an interval, 1 before an end
        # closes one, 0 before an end that pairs with nothing (the counter stays at 0).
        before = (
            f"SELECT case_id, ts, is_end, depth, COALESCE(LAG(depth) OVER (PARTITION BY case_id"
            f" ORDER BY r), 0) AS d0 FROM ({depth}) z"
        )
        stepped = self._once(f"{name}_marks", f"SELECT * FROM ({before}) q")
        opens = (
            f"SELECT case_id, ts AS b, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts) AS n"
            f" FROM {stepped} WHERE is_end = 0 AND d0 = 0"
        )
        closes = (
            f"SELECT case_id, ts AS e, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts) AS n"
            f" FROM {stepped} WHERE is_end = 1 AND d0 = 1"
        )
        self._once(
            name,
            f"SELECT o.case_id, o.b, c.e FROM ({opens}) o LEFT JOIN ({closes}) c"
            f" ON c.case_id = o.case_id AND c.n = o.n",
        )
        # An end at depth 0 before it: the reflection kept the counter at 0.
        self._once(
            f"unpaired_{ident(begin)}__{ident(end)}",
            f"SELECT case_id, ts FROM {stepped} WHERE is_end = 1 AND d0 = 0",
        )
        return name


def _value(duration: Duration) -> int:
    if duration.is_elapsed:
        return elapsed_us(duration)
    return duration.as_days()


def local_ordinal(at: datetime, offset: int) -> int:
    """The local day ordinal of an instant (the engine's steady offset)."""
    return (us(at) + offset) // DAY + EPOCH_ORDINAL
