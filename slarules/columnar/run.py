"""The columnar audit: events into DuckDB, the contract's queries, results out.

:class:`ColumnarAudit` takes checked events (from :mod:`.load`, or any iterable of
:class:`~slarules.events.Event`), builds the shared tables, asks every kind for
its queries and runs them in one in-process DuckDB database. Its results are
the Python engine's, row for row (tests/test_columnar.py); they can be read as
:class:`~slarules.results.Result` objects (:meth:`results`) or as an Arrow
table (:meth:`arrow`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .. import model as m
from ..calendar import CalendarNotCovered
from ..durations import parse_duration
from ..events import Event, fits
from ..kinds import KINDS
from ..results import Finding, Result
from ..zones import LocalTimes
from .base import RESULT_COLUMNS, RESULT_NAMES, from_us, ident, lit, rows_sql, us
from .database import Database, DuckDatabase
from .sql import Plan
from .tables import Tables


class NotColumnar(Exception):
    """What the columnar engine does not take (the Python engine does): said why."""


def steady_offset(contract: m.Contract) -> int:
    """The contract zone's UTC offset in microseconds, when it is the same all through the
    calendar's years and after (the engine reads local days as instant + offset)."""
    local = LocalTimes(contract.tz)
    if local.steady is None or contract.calendar.first_year <= local.since:
        raise NotColumnar(
            f"the time zone {contract.tz} changes its offset within the calendar's years"
        )
    return local.steady // timedelta(microseconds=1)


FACT_TYPES = {
    "severity": "VARCHAR",
    "site": "VARCHAR",
    "string": "VARCHAR",
    "period": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "level": "BIGINT",
    "time": "BIGINT",
    "sections": "VARCHAR",
}


# The days table's margin (see ColumnarAudit._day_range): calendar days per working day
# of the longest budget, and days more for the holiday runs around it.
DAYS_PER_WORKING_DAY = 2
HOLIDAY_MARGIN_DAYS = 60


def event_columns(contract: m.Contract) -> tuple[tuple[str, str], ...]:
    """The events table: case, name, time, reading order, a column per fact, other facts."""
    facts = tuple((name, FACT_TYPES[kind]) for name, kind in contract.fact_fields)
    return (
        ("case_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("ts", "BIGINT"),
        ("seq", "BIGINT"),
        *facts,
        ("extra", "VARCHAR"),
    )


def event_row(event: Event, fields: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    facts = event.facts
    values: list[Any] = [event.case, event.name, us(event.at), event.seq]
    known = set()
    for name, kind in fields:
        value = facts.get(name)
        if value is None:
            values.append(None)
            continue
        if not fits(kind, value):
            values.append(None)  # undeclared here, kept as written: with the other facts
            continue
        known.add(name)
        if kind == "time":
            values.append(us(value))
        elif kind == "sections":
            values.append(";".join(value))
        elif kind in ("number",):
            values.append(float(value))
        elif kind in ("integer", "level"):
            values.append(int(value))
        else:
            values.append(str(value))
    extra = {k: v for k, v in facts.items() if k not in known}
    values.append(
        json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str) if extra else ""
    )
    return tuple(values)


@dataclass
class ColumnarAudit:
    """One audit on the columnar engine (see the module)."""

    contract: m.Contract
    as_of: datetime
    only: frozenset[str] | None = None
    db: Database | None = None
    threads: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.offset = steady_offset(self.contract)
        if self.db is None:
            self.db = DuckDatabase(self.threads)
        self.fields = self.contract.fact_fields
        self.columns = event_columns(self.contract)

    @property
    def database(self) -> Database:
        assert self.db is not None
        return self.db

    # -- input

    def load_events(self, events: Iterable[Event]) -> None:
        """Put checked events into the ``ev`` table (through Arrow, in batches)."""
        self.create_events()
        self.add_events(events)

    def create_events(self) -> None:
        """The ``ev`` table, empty (for :meth:`add_events` and :mod:`.load`)."""
        self.database.execute(
            "CREATE OR REPLACE TABLE ev (" + ", ".join(f"{n} {t}" for n, t in self.columns) + ")"
        )

    def add_events(self, events: Iterable[Event]) -> int:
        """Add checked events to the ``ev`` table; returns how many."""
        import pyarrow as pa

        names = [name for name, _ in self.columns]
        types = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64()}
        schema = pa.schema([(n, types[t]) for n, t in self.columns])
        db = self.database
        batch: list[tuple[Any, ...]] = []
        added = 0

        def flush() -> None:
            if batch:
                arrays = list(zip(*batch, strict=True))
                table = pa.Table.from_arrays(
                    [pa.array(col, type=schema.field(i).type) for i, col in enumerate(arrays)],
                    names=names,
                )
                db.put_arrow("ev", table, append=True)
                batch.clear()

        for event in events:
            batch.append(event_row(event, self.fields))
            added += 1
            if len(batch) >= 100_000:
                flush()
        flush()
        return added

    # -- the plan

    def _plan(self, first: date, last: date) -> Plan:
        statements: list[str] = []
        tables = Tables(self.contract, statements, self.offset, put=self.put_rows)
        plan = Plan(self.contract, us(self.as_of), self.offset, tables, statements)
        plan.fetch = self.database.fetchall
        tables.days(first, last)  # first: every clock reads it
        self._base(plan, self._names())
        return plan

    @property
    def as_of_us(self) -> int:
        return us(self.as_of)

    def put_rows(
        self, name: str, columns: Sequence[tuple[str, str]], rows: list[tuple[Any, ...]]
    ) -> None:
        """A small table of rows into the database at once (by Arrow)."""
        import pyarrow as pa

        types = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64()}
        types["BOOLEAN"] = pa.bool_()
        arrays = [
            pa.array([row[i] for row in rows], type=types[t]) for i, (_, t) in enumerate(columns)
        ]
        self.database.put_arrow(name, pa.Table.from_arrays(arrays, names=[n for n, _ in columns]))

    def _queries(self, plan: Plan, scope: str) -> None:
        """Every audited obligation of a scope (case or window) adds its queries; a clock
        whose start event the log does not hold has no result and is left out."""
        present = self._names()
        for ob in self.contract.obligations:
            kind = KINDS[ob.type]
            if kind.scope != scope or (self.only is not None and ob.id not in self.only):
                continue
            if scope == "window" and ob.id in self.unjudged_ids:
                continue
            if scope == "case" and kind.starts(ob) not in present:
                continue
            plan.begin(f"o_{len(plan.results)}_{ident(ob.id)}")
            kind.query(plan, ob)
            plan.finish()

    def _base(self, plan: Plan, present: set[str]) -> None:
        """The tables every obligation reads: the events used, distinct and live, in
        order; each case's facts; the outage; the levels."""
        contract, as_of = self.contract, plan.as_of
        facts = [name for name, _ in self.fields]
        keys = ", ".join(["case_id", "name", "ts", *facts, "extra"])
        order = ", ".join([*(f"e.{f} ASC NULLS FIRST" for f in facts), "e.extra"])
        # Each case's events in the order of time and content (``Case.of``): by time,
        # then name, then, for the few events of one case, instant and name (``ev_ties``),
        # their rank ``tr`` in the content order (0 for the others; queries order by
        # ``ts, tr`` within a name). Exact duplicates are next to each other in that order:
        # the first read is kept. Sorting every event by all its facts would cost more
        # than the whole audit.
        used = f"ev.ts <= {as_of}"
        tied = (
            f"SELECT case_id, ts, name FROM ev WHERE {used} GROUP BY case_id, ts, name"
            " HAVING COUNT(*) > 1"
        )
        over = f"OVER (PARTITION BY e.case_id, e.ts, e.name ORDER BY {order}, e.seq)"
        same = " AND ".join(
            f"LAG(e.{c}) {over} IS NOT DISTINCT FROM e.{c}" for c in (*facts, "extra")
        )
        plan.statements.append(
            f"CREATE TEMP TABLE ev_ties AS SELECT e.seq, ROW_NUMBER() {over} AS tr,"
            f" COALESCE({same}, FALSE) AS dup FROM ev e JOIN ({tied}) t ON t.case_id ="
            f" e.case_id AND t.ts = e.ts AND t.name = e.name"
        )
        self._execute(plan)
        ((ties,),) = self.database.fetchall("SELECT COUNT(*) FROM ev_ties")
        columns = ", ".join(f"ev.{c}" for c in (*keys.split(", "), "seq"))
        if ties:
            dist = (
                f"SELECT {columns}, COALESCE(t.tr, 0) AS tr FROM ev LEFT JOIN ev_ties t ON"
                f" t.seq = ev.seq WHERE {used} AND t.dup IS NOT TRUE"
            )
        else:
            dist = f"SELECT {columns}, 0 AS tr FROM ev WHERE {used}"
        plan.statements.append(f"CREATE OR REPLACE TEMP VIEW ev_dist AS {dist}")
        # What a later event undoes (``reopened`` the restoration before it) is set aside.
        live = "SELECT d.* FROM ev_dist d"
        for undoer, names in contract.undo.items():
            if undoer not in present:
                continue
            live = (
                f"SELECT x.* FROM ({live}) x LEFT JOIN (SELECT case_id, MAX(ts) AS last_undo FROM"
                f" ev_dist WHERE name = {lit(undoer)} GROUP BY case_id) u ON u.case_id = x.case_id"
                f" WHERE NOT (x.name IN ({', '.join(lit(n) for n in names)}) AND u.last_undo IS NOT"
                f" NULL AND x.ts <= u.last_undo)"
            )
        # Nothing undone: the events used are the live ones (a view costs nothing).
        kind = "TABLE" if live != "SELECT d.* FROM ev_dist d" else "VIEW"
        plan.statements.append(f"CREATE OR REPLACE TEMP {kind} ev_live AS {live}")
        self._cases(plan)
        plan.statements.append(
            "CREATE TEMP TABLE levels AS "
            + rows_sql(
                (("id", "VARCHAR"), ("rank", "BIGINT")),
                [(lv.id, lv.rank) for lv in contract.levels],
            )
        )
        self._outage(plan)

    def _cases(self, plan: Plan) -> None:
        contract = self.contract
        sites = rows_sql(
            (("id", "VARCHAR"), ("km", "DOUBLE")),
            [(s.id, s.distance_km) for s in contract.sites],
        )
        band = ["CASE"]
        for b in contract.bands:
            if b.sites:
                cond = f"r.site IN ({', '.join(lit(s) for s in b.sites)})"
            elif b.max_km is not None:
                cond = f"r.distance <= {lit(float(b.max_km))}"
            else:
                continue
            band.append(f"WHEN {cond} THEN {lit(b.id)}")
        band.append("END")
        report = (
            "SELECT case_id, severity, site, distance_km FROM (SELECT case_id, severity, site,"
            " distance_km, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY ts, tr) AS n FROM ev_live"
            " WHERE name = 'reported') x WHERE n = 1"
        )
        located = (
            f"SELECT r.case_id, r.severity, r.site, COALESCE(r.distance_km, s.km) AS distance"
            f" FROM ({report}) r LEFT JOIN ({sites}) s ON s.id = r.site"
        )
        plan.statements.append(
            f"CREATE TEMP TABLE cases AS SELECT c.case_id, c.start0, r.severity AS declared,"
            f" r.site, r.distance, CASE WHEN r.distance IS NULL THEN NULL ELSE"
            f" {' '.join(band).replace('r.site', 'r.site').replace('r.distance', 'r.distance')}"
            f" END AS band FROM (SELECT case_id, MIN(ts) AS start0 FROM ev_dist GROUP BY case_id) c"
            f" LEFT JOIN ({located}) r ON r.case_id = c.case_id"
        )

    def _outage(self, plan: Plan) -> None:
        """Each case's outage as ``outage_facts`` sees it: the most severe interruption's
        derived level (the longest among equals), and whether any is still open."""
        contract = self.contract
        spec = contract.outage
        if spec is None:
            plan.statements.append(
                "CREATE TEMP TABLE outage AS SELECT CAST(NULL AS VARCHAR) AS case_id,"
                " CAST(NULL AS VARCHAR) AS derived, CAST(NULL AS BOOLEAN) AS still_open WHERE FALSE"
            )
            return
        iv = plan.tables.intervals(spec.start, spec.end)
        as_of = plan.as_of
        columns: dict[str, str] = {}
        select = ["i.case_id", "i.b", "i.e"]
        if spec.duration_fact:
            select.append(f"GREATEST(COALESCE(i.e, {as_of}) - i.b, 0) AS f_duration")
            columns[spec.duration_fact] = "f_duration"
        for n, name in enumerate(spec.max_facts):
            # The largest value recorded within the interval, its ends included.
            select.append(f"MAX(x.{name}) AS f_max{n}")
            columns[name] = f"f_max{n}"
        facts = (
            f"SELECT {', '.join(select)} FROM {iv} i LEFT JOIN ev_live x ON x.case_id = i.case_id"
            f" AND x.name IN ({lit(spec.start)}, {lit(spec.end)}) AND x.ts >= i.b AND x.ts <="
            f" COALESCE(i.e, {as_of}) GROUP BY i.case_id, i.b, i.e"
        )
        lowest = len(contract.levels)
        ranked = f"SELECT f.*, {plan.classify(columns)} AS derived FROM ({facts}) f"
        worst = (
            f"SELECT r.case_id, r.derived, ROW_NUMBER() OVER (PARTITION BY r.case_id ORDER BY"
            f" COALESCE(l.rank, {lowest}), {'-r.f_duration' if spec.duration_fact else 'r.b'}) AS n"
            f" FROM ({ranked}) r LEFT JOIN levels l ON l.id = r.derived"
        )
        plan.statements.append(
            f"CREATE TEMP TABLE outage AS SELECT w.case_id, w.derived, o.still_open FROM"
            f" ({worst}) w JOIN (SELECT case_id, BOOL_OR(e IS NULL) AS still_open FROM {iv}"
            f" GROUP BY case_id) o ON o.case_id = w.case_id WHERE w.n = 1"
        )

    # -- running

    def run(
        self,
        window: tuple[datetime | None, datetime | None] = (None, None),
        judge_all: bool = False,
    ) -> None:
        """Run every query: the ``results`` table holds every result row, and the counts,
        the unjudged duties and the warnings are read."""
        db = self.database
        as_of = us(self.as_of)
        ((total, low, high),) = db.fetchall(
            f"SELECT COUNT(*), MIN(ts), MAX(ts) FROM ev WHERE ts <= {as_of}"
        )
        self._covered()
        first, last = self._day_range((low, high))
        self._present = None
        self._done = 0
        plan = self._plan(first, last)
        self._queries(plan, "case")
        self._execute(plan)
        self._window(plan, window, judge_all)
        self._execute(plan)
        union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in plan.results) or (
            "SELECT "
            + ", ".join(f"CAST(NULL AS {t}) AS {n}" for n, t in RESULT_COLUMNS)
            + " WHERE FALSE"
        )
        # A view: written out once, it need not be copied.
        db.execute(f"CREATE OR REPLACE TEMP VIEW results AS {union}")
        self._check_calendar()
        ((everything,),) = db.fetchall("SELECT COUNT(*) FROM ev")
        ((distinct,),) = db.fetchall("SELECT COUNT(*) FROM ev_dist")  # a view: one count
        self.counts = {
            "events": int(everything),
            "after_as_of": int(everything - total),
            "duplicates": int(total - distinct),
        }
        self.warned = self._warnings(plan)

    unjudged_ids: frozenset[str] = frozenset()

    def _window(
        self, plan: Plan, requested: tuple[datetime | None, datetime | None], judge_all: bool
    ) -> None:
        """The duties over the window: the window (asked for, or the months the log
        covers), which duties the logs hold evidence of, and their queries."""
        from ..kinds.common import Context
        from ..kinds.window import Window, window_of
        from ..timing import Clocks

        (span,) = self.database.fetchall("SELECT MIN(ts), MAX(ts) FROM ev_dist")
        begin, end = requested
        have = span is not None and span[0] is not None
        self.window = None
        self.unjudged: list[tuple[str, tuple[str, ...]]] = []
        if not have and (begin is None or end is None):
            return
        ctx = Context(self.contract, Clocks(self.contract), self.as_of)
        default = window_of([from_us(span[0]), from_us(span[1])], ctx) if have else None
        self.window = Window(begin or default.start, end or default.end)  # type: ignore[union-attr]
        plan.window, plan.named = self.window, begin is None
        present = self._names()
        skipped = set()
        for ob in self.contract.obligations:
            kind = KINDS[ob.type]
            if kind.scope != "window" or (self.only is not None and ob.id not in self.only):
                continue
            evidence = kind.evidence(ob)
            if not judge_all and not any(name in present for name in evidence):
                self.unjudged.append((ob.id, evidence))
                skipped.add(ob.id)
        self.unjudged_ids = frozenset(skipped)
        self._queries(plan, "window")

    def _names(self) -> set[str]:
        """The event names the log holds (as of the audit), read once per run."""
        if self._present is None:
            rows = self.database.fetchall(
                f"SELECT DISTINCT name FROM ev WHERE ts <= {us(self.as_of)}"
            )
            self._present = {str(row[0]) for row in rows}
        return self._present

    _present: set[str] | None = None

    def _execute(self, plan: Plan) -> None:
        """Run the statements added since the last call."""
        for statement in plan.statements[self._done :]:
            self.database.execute(statement)
        self._done = len(plan.statements)

    def _warnings(self, plan: Plan) -> dict[tuple[str, str], list[str]]:
        """Ends with no open start, by pair: the cases, once per occurrence."""
        out: dict[tuple[str, str], list[str]] = {}
        for begin, end in self.contract.interval_pairs:
            plan.tables.intervals(begin, end)
        self._execute(plan)
        for begin, end in self.contract.interval_pairs:
            rows = self.database.fetchall(
                f"SELECT case_id FROM unpaired_{ident(begin)}__{ident(end)} ORDER BY case_id"
            )
            if rows:
                out[("end_without_start", end)] = [str(r[0]) for r in rows]
        return out

    def _day_range(self, span: Sequence[Any] | None) -> tuple[date, date]:
        """The days the clocks may need: from the first event (less the longest notice)
        to the later of the last event and the as-of time (plus the longest budget)."""
        tz = self.contract.tz
        longest = 0
        for ob in self.contract.obligations:
            for value in KINDS[ob.type].terms(ob, self.as_of).values():
                if value is not None and not value.is_elapsed:
                    longest = max(longest, value.as_days())
        # Limits of the tool, not terms: a working day may be two calendar days apart
        # (a weekend between), and the longest holiday runs add a margin on top.
        room = timedelta(days=DAYS_PER_WORKING_DAY * longest + HOLIDAY_MARGIN_DAYS)
        low = from_us(span[0]) if span and span[0] is not None else self.as_of
        high = max(from_us(span[1]) if span and span[1] is not None else self.as_of, self.as_of)
        return (low - room).astimezone(tz).date(), (high + room).astimezone(tz).date()

    def _covered(self) -> None:
        """As the Python engine, a used record the calendar cannot hold stops the audit
        (with a strict calendar and a clock that counts days): the first one read."""
        contract = self.contract
        cal = contract.calendar
        if cal.fallback != "error":
            return
        if not any(
            KINDS[ob.type].counts_days(ob)
            for ob in contract.obligations
            if self.only is None or ob.id in self.only
        ):
            return
        tz = contract.tz
        begin = us(datetime(cal.first_year, 1, 1, tzinfo=tz))
        end = us(datetime(cal.last_year + 1, 1, 1, tzinfo=tz))
        rows = self.database.fetchall(
            f"SELECT ts FROM ev WHERE ts <= {us(self.as_of)} AND (ts < {begin} OR ts >= {end})"
            " ORDER BY seq LIMIT 1"
        )
        if rows:
            year = from_us(rows[0][0]).astimezone(tz).year
            raise CalendarNotCovered(year, cal.first_year, cal.last_year)

    def _check_calendar(self) -> None:
        """A clock that needed a day the calendar cannot hold: the Python engine's error."""
        ((missing,),) = self.database.fetchall("SELECT MIN(start_us) FROM results WHERE uncovered")
        if missing is not None:
            cal = self.contract.calendar
            year = cal.last_year + 1
            raise CalendarNotCovered(year, cal.first_year, cal.last_year)

    # -- output

    def rows(self) -> Iterator[dict[str, Any]]:
        sql = f"SELECT {', '.join(RESULT_NAMES)} FROM results ORDER BY case_id, obligation, occurrence"
        for chunk in self.database.batches(sql):
            for values in chunk:
                yield dict(zip(RESULT_NAMES, values, strict=True))

    def results(self) -> list[Result]:
        """The results as the Python engine's objects (for tests, explain and small logs)."""
        contract = self.contract
        titles = {ob.id: ob for ob in contract.obligations}
        out = []
        for row in self.rows():
            ob = titles[row["obligation"]]
            kind = KINDS[ob.type]
            code = row["code"]
            budget = parse_duration(row["budget"]) if row["budget"] else None
            finding = Finding(
                row["status"],
                code,
                None if row["start_us"] is None else from_us(row["start_us"]),
                None if row["due_us"] is None else from_us(row["due_us"]),
                None if row["done_us"] is None else from_us(row["done_us"]),
                row["clock"] or "",
                budget,
                (),
                row["period"],
                None,
                kind.row_details(ob, row),
                bool(row["timed"]),
                kind.row_values(contract, ob, code, row),
            )
            out.append(
                Result(
                    row["case_id"],
                    ob.id,
                    ob.clause,
                    ob.title,
                    finding,
                    self.as_of,
                    row["occurrence"],
                )
            )
        return out


def audit_events(
    contract: m.Contract,
    events: Iterable[Event],
    as_of: datetime,
    only: Iterable[str] | None = None,
) -> list[Result]:
    """The columnar engine's results for checked events (the library's one call)."""
    audit = ColumnarAudit(contract, as_of, None if only is None else frozenset(only))
    audit.load_events(events)
    audit.run()
    return audit.results()


__all__ = ["ColumnarAudit", "NotColumnar", "audit_events", "steady_offset"]
