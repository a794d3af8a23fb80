"""Building blocks of the columnar engine's queries, shared by the obligation kinds.

A :class:`Plan` collects the statements of one audit: the common tables (events
used as of the audit, their distinct and live forms, each case's facts) and, for
each obligation, the tables its kind's ``query`` builds with these helpers. Every
table is a ``CREATE TEMP TABLE ... AS SELECT``: the statements run in order on
DuckDB, and as temporary views on Spark (:mod:`slarules.columnar.spark`).

Times are microseconds since the epoch (BIGINT), exact and cheap to compare; a
local wall time is the instant plus the contract zone's offset (the engine runs
only where that offset is steady over the calendar's years). Days are ordinals
(``date.toordinal()``); the ``days`` table (:mod:`.tables`) gives each day's
working-day rank, the calendar's data as a table.

The SQL is plain: joins, CASE, window functions, integer arithmetic (``//``),
so that SQLGlot turns it into Spark's dialect unchanged in meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .. import model as m
from ..conditions import All, Any_, Compare, Condition, Not
from .base import (
    _UNITS,
    DAY,
    EPOCH_ORDINAL,
    RESULT_COLUMNS,
    RESULT_NAMES,
    fdiv,
    fmod,
    from_us,
    ident,
    lit,
    lits,
    rows_sql,
    us,
)
from .tables import Tables


@dataclass
class Plan:
    """The statements of one audit, in order, with the audit's constants."""

    contract: m.Contract
    as_of: int  # microseconds
    offset: int  # the contract zone's steady UTC offset, microseconds
    tables: Tables
    statements: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)  # tables holding result rows
    prefix: str = ""  # the obligation being planned (its tables' prefix)
    # For the duties over the window: the window, whether periods a deliverable names
    # count too, and how to ask the database during planning (the labels it holds).
    window: Any = None
    named: bool = False
    fetch: Any = None
    _steps: list[tuple[str, str]] | None = None
    _selects: list[str] | None = None
    _into: str = ""

    # -- statements

    def table(self, name: str, select: str) -> str:
        """A step of the obligation being planned (a common table expression of its one
        statement, see :meth:`begin`); outside an obligation, a temporary table."""
        if self._steps is None:
            full = f"{self.prefix}{name}"
            self.statements.append(f"CREATE TEMP TABLE {full} AS {select}")
            return full
        full = f"{name}_{len(self._steps)}"
        self._steps.append((full, select))
        return full

    def result(self, name: str, select: str) -> None:
        """Result rows of the obligation (their columns: :data:`RESULT_COLUMNS`, in order)."""
        assert self._selects is not None, "results belong to an obligation (begin it)"
        self._selects.append(select)

    def begin(self, table: str) -> None:
        """Plan one obligation: its steps and results become one statement, which creates
        ``table`` (one statement each: the database plans its steps together)."""
        self._steps, self._selects, self._into = [], [], table

    def finish(self) -> None:
        steps, selects = self._steps or [], self._selects or []
        self._steps = self._selects = None
        if not selects:
            return
        ctes = ", ".join(f"{name} AS ({select})" for name, select in steps)
        body = " UNION ALL ".join(
            f"SELECT * FROM ({select}) r{n}" for n, select in enumerate(selects)
        )
        self.statements.append(
            f"CREATE TEMP TABLE {self._into} AS " + (f"WITH {ctes} " if ctes else "") + body
        )
        self.results.append(self._into)

    def columns(self, ob: m.Obligation, **given: str) -> str:
        """The SELECT list of a result row: ``given`` SQL expressions by column name, NULL
        (of the column's type) for the others; the obligation's id first."""
        given = {"obligation": lit(ob.id), "timed": "TRUE", "uncovered": "FALSE", **given}
        unknown = set(given) - set(RESULT_NAMES)
        if unknown:
            raise ValueError(f"no result column {sorted(unknown)}")
        return ", ".join(
            f"CAST({given.get(name, 'NULL')} AS {kind}) AS {name}" for name, kind in RESULT_COLUMNS
        )

    def local_day(self, column: str) -> str:
        """The ordinal of the local day an instant falls on."""
        return f"({fdiv(f'{column} + {self.offset}', DAY)} + {EPOCH_ORDINAL})"

    def midnight(self, ordinal: str) -> str:
        """The instant of 00:00 local of a day (given as an ordinal expression)."""
        return f"((({ordinal}) - {EPOCH_ORDINAL}) * {DAY} - {self.offset})"

    # -- events

    def starts(self, name: str, each: bool) -> str:
        """A table of clock starts: each live ``name`` event (or each case's first), with its
        case, its number ``k`` and, as ``prev``, the time of the start before it."""
        every = self.table(
            "starts_all",
            f"SELECT case_id, ts AS start, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts, tr) AS k"
            f" FROM ev_live WHERE name = {lit(name)}",
        )
        return self.table(
            "starts",
            f"SELECT case_id, start, k, LAG(start) OVER (PARTITION BY case_id ORDER BY k) AS prev"
            f" FROM {every}" + ("" if each else " WHERE k = 1"),
        )

    def first_of(self, name: str) -> str:
        """Each case's first live ``name`` event: (case_id, ts, seq)."""
        return (
            f"(SELECT case_id, ts, seq FROM (SELECT case_id, ts, seq, ROW_NUMBER() OVER"
            f" (PARTITION BY case_id ORDER BY ts, tr) AS n FROM ev_live WHERE name = {lit(name)}) x"
            f" WHERE n = 1)"
        )

    # -- the window

    def context(self) -> Any:
        """A Python evaluation context at the audit's as-of time (for periods, notices)."""
        from ..kinds.common import Context
        from ..timing import Clocks

        return Context(self.contract, Clocks(self.contract), from_us(self.as_of))

    def periods(self, name: str, periods: Sequence[Any]) -> str:
        """A table of periods: label, start, end (microseconds), n (their order)."""
        rows = [(p.label, us(p.start), us(p.end), n) for n, p in enumerate(periods, start=1)]
        columns = (
            ("label", "VARCHAR"),
            ("p_start", "BIGINT"),
            ("p_end", "BIGINT"),
            ("n", "BIGINT"),
        )
        return self.table(name, rows_sql(columns, rows))

    def in_window(self, column: str) -> str:
        return f"({column} >= {us(self.window.start)} AND {column} < {us(self.window.end)})"

    # -- severity, location, budgets

    def severity_at(self, starts: str) -> str:
        """The level in force for each start (``level``), as :func:`kinds.common.severity_for`:
        the declared one, or the last reclassification at or before the start (or the last
        of all, read retroactively), or the one the outage facts give (``derived``)."""
        contract = self.contract
        if contract.reading("reclassification") == "retroactive":
            window = ""
        else:
            window = " AND r.ts <= s.start"
        changed = (
            f"SELECT case_id, k, severity FROM (SELECT s.case_id, s.k, r.severity, ROW_NUMBER()"
            f" OVER (PARTITION BY s.case_id, s.k ORDER BY r.ts DESC, r.tr DESC) AS n FROM {starts} s"
            f" JOIN ev_live r ON r.case_id = s.case_id AND r.name = 'reclassified'{window}) x"
            f" WHERE n = 1"
        )
        level = "COALESCE(r.severity, c.declared)"
        if contract.reading("severity_source") == "derived":
            level = f"COALESCE(o.derived, {level})"
        return self.table(
            "level",
            f"SELECT s.*, {level} AS level FROM {starts} s JOIN cases c USING (case_id)"
            f" LEFT JOIN ({changed}) r ON r.case_id = s.case_id AND r.k = s.k"
            f" LEFT JOIN outage o ON o.case_id = s.case_id",
        )

    def pick(self, starts: str, budget: m.Budget, applies: Sequence[str], ob_id: str) -> str:
        """Each start with its budget (``amount``, ``unit``, ``label``) or why there is none
        (``na``: a code; ``v_level``, ``v_band``, ``v_site``, ``v_km``), as ``pick_budget``."""
        cells = self.tables.cells(ob_id, budget)
        single = budget.by is None and not applies
        if single:
            return self.table(
                "pick",
                f"SELECT s.*, NULL AS level, b.amount, b.unit, b.label,"
                f" CASE WHEN b.amount IS NULL THEN 'na.not_applicable' END AS na,"
                f" NULL AS v_level, NULL AS v_band, NULL AS v_site, CAST(NULL AS DOUBLE) AS v_km"
                f" FROM {starts} s JOIN cases c USING (case_id) LEFT JOIN {cells} b ON b.key = ''"
                f" AND b.valid_from <= c.start0 AND c.start0 < b.valid_to",
            )
        leveled = self.severity_at(starts)
        key = {"band": "l.band", "severity": "l.level"}.get(budget.by or "", "''")
        located = self.table(
            "located",
            f"SELECT x.*, c.site, c.distance, c.band FROM {leveled} x JOIN cases c USING (case_id)",
        )
        applies_sql = lits(applies)
        na = ["CASE"]
        if applies:
            na.append("WHEN l.level IS NULL THEN 'na.no_severity'")
            na.append(f"WHEN l.level NOT IN {applies_sql} THEN 'na.level_excluded'")
        if budget.by == "severity":
            na.append("WHEN l.level IS NULL THEN 'na.no_severity'")
            na.append("WHEN k.key IS NULL THEN 'na.no_level_cell'")
        elif budget.by == "band":
            na.append("WHEN l.distance IS NULL THEN 'na.no_location'")
            na.append("WHEN l.band IS NULL THEN 'na.beyond_bands'")
            na.append("WHEN k.key IS NULL THEN 'na.no_band_cell'")
        na.append("WHEN b.amount IS NULL THEN 'na.table_says_na'")
        na.append("END")
        # A start with a reason for no term has no budget, whatever the table's cell.
        return self.table(
            "pick",
            f"SELECT case_id, start, k, prev, level, CASE WHEN na IS NULL THEN amount END AS"
            f" amount, unit, label, na, v_level, v_band, v_site, v_km FROM (SELECT l.case_id,"
            f" l.start, l.k, l.prev, l.level, b.amount, b.unit, b.label, {' '.join(na)} AS na,"
            f" l.level AS v_level, l.band AS v_band, l.site AS v_site, l.distance AS v_km"
            f" FROM {located} l JOIN cases c USING (case_id)"
            f" LEFT JOIN (SELECT DISTINCT key FROM {cells}) k ON k.key = {key}"
            f" LEFT JOIN {cells} b ON b.key = {key} AND b.valid_from <= c.start0"
            f" AND c.start0 < b.valid_to) q",
        )

    # -- pauses and clocks

    def pauses(self, pause_ids: Sequence[str]) -> str | None:
        """The merged pauses of these kinds per case: (case_id, b, e), e None when open;
        None when there are none to apply."""
        if not pause_ids:
            return None
        pairs = [self.contract.pauses[pid] for pid in pause_ids]
        names = tuple(sorted({(p.start_event, p.end_event) for p in pairs}))
        key = "pz_" + "_".join(ident(a) for a, _ in names)
        if key not in self.tables.made:
            parts = [f"SELECT case_id, b, e FROM {self.tables.intervals(a, b)}" for a, b in names]
            union = " UNION ALL ".join(parts)
            # Overlapping pauses of several kinds merge into one (gaps and islands).
            self.statements.append(
                f"CREATE TEMP TABLE {key} AS SELECT case_id, MIN(b) AS b, MAX(e) AS e FROM ("
                f"SELECT *, SUM(CASE WHEN b <= reach THEN 0 ELSE 1 END) OVER (PARTITION BY case_id"
                f" ORDER BY b, e ROWS UNBOUNDED PRECEDING) AS island FROM (SELECT case_id, b,"
                f" COALESCE(e, {self.as_of}) AS e, MAX(COALESCE(e, {self.as_of})) OVER (PARTITION"
                f" BY case_id ORDER BY b, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
                f" AS reach FROM ({union}) u) v) w GROUP BY case_id, island"
            )
            self.tables.made.add(key)
        return key

    def due(self, pick: str, clock: str, pause_ids: Sequence[str]) -> str:
        """Each start that has a budget with its ``due`` (microseconds), as ``Clocks.due``."""
        pauses = self.pauses(pause_ids)
        if clock == "elapsed":
            return self._due_elapsed(pick, pauses)
        if clock == "calendar_days":
            return self._due_calendar_days(pick, pauses)
        if clock == "working_days":
            return self._due_working_days(pick, pauses)
        mode = self.contract.reading("working_day_budget")
        if mode == "end_of_nth_working_day":
            return self._due_working_days(pick, pauses)
        return self._due_working_time(pick, pauses, mode)

    def _extend(self, based: str, base: str, pauses: str) -> str:
        """``base`` (an expression over a row ``p`` of ``based``) moved later by every
        paused stretch that begins before the moving end: the loop of ``ElapsedClock.due``
        and ``_LocalClock._extend``. ``pauses`` yields (case_id, k, b, e), sorted by ``b``
        within a clock, on the same axis as ``base``. A pause counts exactly when it begins
        before the end plus every pause before it (it is then reached by the loop, as every
        pause before it was: the starts only grow)."""
        summed = (
            f"SELECT r.case_id, r.k, r.b, GREATEST(r.e - r.b, 0) AS len, COALESCE(SUM("
            f"GREATEST(r.e - r.b, 0)) OVER (PARTITION BY r.case_id, r.k ORDER BY r.b, r.e ROWS"
            f" BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before FROM ({pauses}) r"
        )
        extra = (
            f"SELECT s.case_id, s.k, SUM(s.len) AS extra FROM ({summed}) s JOIN {based} p ON"
            f" p.case_id = s.case_id AND p.k = s.k WHERE s.b < {base} + s.before"
            f" GROUP BY s.case_id, s.k"
        )
        return (
            f"SELECT p.*, {base} + COALESCE(x.extra, 0) AS moved FROM {based} p LEFT JOIN"
            f" ({extra}) x ON x.case_id = p.case_id AND x.k = p.k"
        )

    def _pauses_of(self, based: str, pauses: str) -> str:
        """Each clock's pauses in UTC, clipped to its start (``merge_pauses(start=...)``)."""
        return (
            f"SELECT p.case_id, p.k, GREATEST(z.b, p.start) AS b, z.e FROM {based} p"
            f" JOIN {pauses} z ON z.case_id = p.case_id AND z.e > GREATEST(z.b, p.start)"
        )

    def _due_elapsed(self, pick: str, pauses: str | None) -> str:
        factor = (
            f"CASE p.unit WHEN 's' THEN {_UNITS['s']} WHEN 'min' THEN {_UNITS['min']}"
            f" ELSE {_UNITS['h']} END"
        )
        based = self.table(
            "based",
            f"SELECT p.*, CAST(ROUND(p.amount * {factor}) AS BIGINT) AS budget_us FROM {pick} p"
            f" WHERE p.amount IS NOT NULL",
        )
        if pauses is None:
            return self.table("due", f"SELECT p.*, p.start + p.budget_us AS due FROM {based} p")
        moved = self._extend(based, "(p.start + p.budget_us)", self._pauses_of(based, pauses))
        return self.table("due", f"SELECT x.*, x.moved AS due FROM ({moved}) x")

    def _wall(self, column: str) -> str:
        return f"({column} + {self.offset})"

    def _day_of_wall(self, wall: str) -> str:
        return f"({fdiv(wall, DAY)} + {EPOCH_ORDINAL})"

    def _due_calendar_days(self, pick: str, pauses: str | None) -> str:
        """Civil Code days: the start day not counted (00:00 is the day before), the last
        day's 24:00, a last day on a rest day moved to the next working day's 24:00."""
        o0 = self._day_of_wall(f"{self._wall('p.start')} - 1")
        based = self.table(
            "based",
            f"SELECT p.*, {o0} AS o0, CAST(p.amount AS BIGINT) AS n FROM {pick} p"
            f" WHERE p.amount IS NOT NULL",
        )
        if pauses is None:
            last = self.table("last", f"SELECT p.*, p.o0 + p.n AS last FROM {based} p")
        else:
            counted = f"((p.o0 + 1 - {EPOCH_ORDINAL}) * {DAY})"  # wall 00:00 after the start day
            walls = (
                f"SELECT c.case_id, c.k, GREATEST(c.b + {self.offset}, {counted}) AS b,"
                f" c.e + {self.offset} AS e FROM ({self._pauses_of(based, pauses)}) c"
                f" JOIN {based} p ON p.case_id = c.case_id AND p.k = c.k"
            )
            moved = self._extend(based, f"({counted} + p.n * {DAY})", walls)
            last = self.table(
                "last",
                f"SELECT x.*, {fdiv('x.moved - 1', DAY)} + {EPOCH_ORDINAL} AS last"
                f" FROM ({moved}) x",
            )
        return self.table(
            "due",
            f"SELECT p.*, {self.midnight('CASE WHEN d.working THEN p.last ELSE w.ordinal END + 1')}"
            f" AS due FROM {last} p LEFT JOIN days d ON d.ordinal = p.last"
            f" LEFT JOIN days w ON w.rank = d.rank_before + 1 AND w.working",
        )

    def _pos(self, wall: str, day: str) -> str:
        """Working-time position of a wall time (see ``_LocalClock._pos``), given its day's
        row ``day`` of the days table."""
        return (
            f"({day}.rank_before * {DAY} + CASE WHEN {day}.working THEN ({wall}) -"
            f" ({day}.ordinal - {EPOCH_ORDINAL}) * {DAY} ELSE 0 END)"
        )

    def _positions(self, based: str, pauses: str, origin: str) -> str:
        """Each clock's pauses as working-time positions, clipped to ``origin``."""
        wall_b = f"(c.b + {self.offset})"
        wall_e = f"(c.e + {self.offset})"
        return (
            f"SELECT c.case_id, c.k, GREATEST({self._pos(wall_b, 'db')}, {origin}) AS b,"
            f" {self._pos(wall_e, 'de')} AS e FROM ({self._pauses_of(based, pauses)}) c"
            f" JOIN {based} p ON p.case_id = c.case_id AND p.k = c.k"
            f" JOIN days db ON db.ordinal = {self._day_of_wall(wall_b)}"
            f" LEFT JOIN days de ON de.ordinal = {self._day_of_wall(wall_e)}"
        )

    def _moved(self, based: str, pauses: str | None, origin: str, end: str) -> str:
        """The end position moved past the working time paused before it (``_extend``)."""
        if pauses is None:
            return self.table("moved", f"SELECT p.*, {end} AS p_end FROM {based} p")
        moved = self._extend(based, end, self._positions(based, pauses, origin))
        return self.table("moved", f"SELECT x.*, x.moved AS p_end FROM ({moved}) x")

    def _at_position(self, table: str) -> str:
        """Each row's instant of its working-time position ``p_end`` (``_LocalClock._at``):
        inside a working day, or the 24:00 that ends one."""
        k = fdiv("p.p_end", DAY)
        x = fmod("p.p_end", DAY)
        return self.table(
            "at_pos",
            f"SELECT p.*, CASE WHEN {x} <> 0 THEN (wi.ordinal - {EPOCH_ORDINAL}) * {DAY} + {x}"
            f" ELSE (we.ordinal + 1 - {EPOCH_ORDINAL}) * {DAY} END - {self.offset} AS at_pos"
            f" FROM {table} p LEFT JOIN days wi ON wi.working AND wi.rank = {k} + 1"
            f" LEFT JOIN days we ON we.working AND we.rank = {k}",
        )

    def _due_working_days(self, pick: str, pauses: str | None) -> str:
        """24:00 of the n-th working day after the start's local day (``WorkingDayClock``)."""
        o0 = self._day_of_wall(f"{self._wall('p.start')} - 1")
        based = self.table(
            "based",
            f"SELECT p.*, CAST(p.amount AS BIGINT) AS n, d.rank AS rank0, d.working AS working0"
            f" FROM {pick} p JOIN days d ON d.ordinal = {o0} WHERE p.amount IS NOT NULL",
        )
        moved = self._moved(based, pauses, f"p.rank0 * {DAY}", f"(p.rank0 * {DAY} + p.n * {DAY})")
        # n = 0: 24:00 of the start day, or of the next working day after a rest day.
        kth = (
            f"CASE WHEN p.n = 0 THEN p.rank0 + CASE WHEN p.working0 THEN 0 ELSE 1 END"
            f" ELSE {fdiv('p.p_end', DAY)} + CASE WHEN {fmod('p.p_end', DAY)} <> 0 THEN 1 ELSE 0 END END"
        )
        return self.table(
            "due",
            f"SELECT p.*, {self.midnight('w.ordinal + 1')} AS due FROM {moved} p"
            f" LEFT JOIN days w ON w.working AND w.rank = {kth}",
        )

    def _due_working_time(self, pick: str, pauses: str | None, mode: str) -> str:
        """An elapsed budget in working days (``WorkingTimeClock``): the next working day at
        the same time, or 24 h of working time per working day."""
        wall = self._wall("p.start")
        based = self.table(
            "based",
            f"SELECT p.*, CAST(p.amount AS BIGINT) AS n, d.working, d.rank, d.rank_before,"
            f" {wall} - (d.ordinal - {EPOCH_ORDINAL}) * {DAY} AS tod, {self._pos(wall, 'd')}"
            f" AS pos0 FROM {pick} p JOIN days d ON d.ordinal = {self._day_of_wall(wall)}"
            f" WHERE p.amount IS NOT NULL",
        )
        if mode == "working_hours_24":
            moved = self._moved(based, pauses, "p.pos0", f"(p.pos0 + p.n * {DAY})")
            at = self._at_position(moved)
            return self.table(
                "due",
                f"SELECT x.*, CASE WHEN x.n = 0 THEN x.start ELSE x.at_pos END AS due FROM {at} x",
            )
        # next_working_day_same_time: the n-th working day after (from a rest day: counted
        # from 00:00 of the next working day), at the same local time.
        target = self.table(
            "target",
            f"SELECT p.*, w.ordinal AS target, CASE WHEN p.working THEN p.tod ELSE 0 END AS at_tod"
            f" FROM {based} p LEFT JOIN days w ON w.working AND w.rank = CASE WHEN p.working THEN"
            f" p.rank + p.n ELSE p.rank_before + 1 + p.n END",
        )
        nominal_wall = f"((p.target - {EPOCH_ORDINAL}) * {DAY} + p.at_tod)"
        nominal = self.table(
            "nominal",
            f"SELECT p.*, {nominal_wall} - {self.offset} AS nominal,"
            f" {self._pos(nominal_wall, 'dn')} AS p_nominal FROM {target} p"
            f" LEFT JOIN days dn ON dn.ordinal = p.target",
        )
        if pauses is None:
            return self.table("due", f"SELECT p.*, p.nominal AS due FROM {nominal} p")
        moved = self._moved(nominal, pauses, "p.pos0", "p.p_nominal")
        at = self._at_position(moved)
        return self.table(
            "due",
            f"SELECT x.*, CASE WHEN x.p_end = x.p_nominal THEN x.nominal ELSE x.at_pos END AS due"
            f" FROM {at} x",
        )

    # -- conditions

    def condition(self, cond: Condition, columns: dict[str, str]) -> str:
        """A condition tree as a SQL boolean over fact columns (NULL: unknown, as in Python)."""
        if isinstance(cond, Compare):
            column = columns.get(cond.fact)
            if column is None:
                return "CAST(NULL AS BOOLEAN)"
            value = cond.value
            right = (
                str(value // timedelta(microseconds=1))
                if isinstance(value, timedelta)
                else lit(float(value))
            )
            op = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "=", "ne": "<>"}[cond.op]
            return f"({column} {op} {right})"
        if isinstance(cond, All):
            return "(" + " AND ".join(self.condition(i, columns) for i in cond.items) + ")"
        if isinstance(cond, Any_):
            return "(" + " OR ".join(self.condition(i, columns) for i in cond.items) + ")"
        assert isinstance(cond, Not)
        return f"(NOT {self.condition(cond.item, columns)})"

    def classify(self, columns: dict[str, str]) -> str:
        """The level the facts give (``Contract.classify``), as a CASE over the levels."""
        contract = self.contract
        levels = list(contract.levels)
        if contract.reading("severity_overlap") == "most_severe":
            levels.sort(key=lambda lv: lv.rank)
        parts = [
            f"WHEN COALESCE({self.condition(lv.when, columns)}, FALSE) THEN {lit(lv.id)}"
            for lv in levels
        ]
        gap = "NULL"
        if contract.reading("severity_gap") == "minor":
            gap = lit(max(contract.levels, key=lambda lv: lv.rank).id)
        return "CASE " + " ".join(parts) + f" ELSE {gap} END"
