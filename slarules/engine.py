"""Picks the obligations that apply to a case, runs their kind, stamps ids and clauses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import model as m
from .calendar import CalendarNotCovered
from .case import Case, ContentKey, content_key
from .durations import Duration
from .events import Event, RecordChecker, Rejection
from .kinds import KINDS, case_kinds, window_kinds
from .kinds.base import Watch
from .kinds.common import NOT_APPLICABLE, Context, pick_budget
from .kinds.window import Window, WindowContext, window_of
from .results import STATUSES, Msg, Result
from .timing import Clocks
from .zones import pinned


@dataclass(frozen=True)
class Unjudged:
    """A periodic or statistical duty that the logs hold no evidence of, so not judged."""

    obligation: str
    clause: str
    title: m.Text
    events: tuple[str, ...]  # the events any of which would have been its evidence


@dataclass(frozen=True)
class AuditWarning:
    """Something in the logs the audit could not use as it stands, counted."""

    code: str  # end_without_start: an interval's end with no start open
    event: str
    count: int
    cases: tuple[str, ...]  # the first few cases it was seen in


@dataclass(frozen=True)
class CaseNote:
    """Something in a case's log that no obligation uses as it stands (shown by explain)."""

    code: str  # undone: an event a later one undid | end_without_start
    event: Event
    by: Event | None = None  # the event that undid it


@dataclass(frozen=True)
class AuditReport:
    """Everything one audit says: the results and how every record was used.

    ``read = used + duplicates + after_as_of + rejected``.
    """

    as_of: datetime
    results: tuple[Result, ...]
    read: int
    rejected: tuple[Rejection, ...] = ()
    window: tuple[datetime, datetime] | None = None
    after_as_of: int = 0
    duplicates: int = 0
    unjudged: tuple[Unjudged, ...] = ()
    warnings: tuple[AuditWarning, ...] = ()
    cases: frozenset[str] = frozenset()  # the cases whose records were read
    # With explain: per case, what the audit set aside (undone events, unpaired ends).
    notes: Mapping[str, tuple[CaseNote, ...]] = field(default_factory=dict)

    @property
    def used(self) -> int:
        return self.read - len(self.rejected) - self.after_as_of - self.duplicates

    @property
    def breached(self) -> bool:
        return any(r.status == "breached" for r in self.results)

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts per obligation and status, in order of first appearance."""
        out: dict[str, dict[str, int]] = {}
        for result in self.results:
            row = out.setdefault(result.obligation, dict.fromkeys(STATUSES, 0))
            row[result.status] += 1
        return out

    def for_case(self, case: str) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.case == case)


@dataclass
class Engine:
    contract: m.Contract
    as_of: datetime
    explain: bool = False
    only: frozenset[str] | None = None  # obligation ids to evaluate (None: all)
    clocks: Clocks = field(init=False)

    def __post_init__(self) -> None:
        self.clocks = Clocks(self.contract)
        self.content = content_key(self.contract.fact_fields)
        # The clocks' comparisons with as-of run on the shared zones (slarules.zones).
        self.ctx = Context(self.contract, self.clocks, pinned(self.as_of), self.explain)
        # Period-level kinds are evaluated over the audit window, not per case.
        # Every case-level kind starts its clock at an event: a case without that
        # event has no result for the obligation, so it is not even asked.
        # Each obligation is compiled once into an evaluator of one case.
        kinds = case_kinds()
        self.plan = [
            (
                kinds[ob.type].starts(ob),
                kinds[ob.type].compile(self.ctx, ob),
                ob.id,
                ob.clause,
                ob.title,
            )
            for ob in self.contract.obligations
            if ob.type in kinds and (self.only is None or ob.id in self.only)
        ]

    def case(self, case_id: str, events: Iterable[Event]) -> Case:
        """The case of these events, with what the contract says undoes what."""
        return Case.of(case_id, events, self.contract.undo, self.content)

    def evaluate(self, case: Case) -> list[Result]:
        results: list[Result] = []
        append, as_of, case_id = results.append, self.as_of, case.id
        present = case.names
        for start, evaluate, ob_id, clause, title in self.plan:
            if start not in present:
                continue
            for n, finding in enumerate(evaluate(case), start=1):
                # tuple.__new__ skips Result's generated __new__: one result per
                # case and obligation makes that frame count.
                append(
                    _new_tuple(
                        Result,
                        (finding.case or case_id, ob_id, clause, title, finding, as_of, n, ()),
                    )
                )
        return results


_new_tuple = tuple.__new__


def group_events(events: Iterable[Event]) -> dict[str, list[Event]]:
    cases: dict[str, list[Event]] = {}
    for event in events:
        cases.setdefault(event.case, []).append(event)
    return cases


def audit_events(
    contract: m.Contract, events: Iterable[Event], as_of: datetime, explain: bool = False
) -> Iterator[Result]:
    """Results for every case, in case order; events may come in any order.

    ``explain`` also builds each result's step-by-step explanation.
    """
    engine = Engine(contract, as_of, explain)
    cases = group_events(e for e in events if e.at <= as_of)
    for case_id in sorted(cases):
        yield from engine.evaluate(engine.case(case_id, cases[case_id]))


Record = tuple[str, int, Mapping[str, Any] | Rejection]
Checked = tuple[str, int, Event | Rejection]  # a record checked already (see checked_records)


class NotGrouped(ValueError):
    """A case came again after the audit had taken it as complete."""


WARNING_CASES_KEPT = 5  # cases named with each warning


class Tally:
    """An audit's counts: records read and how each was used, results by obligation and
    status, warnings and the duties not judged.

    ``read = used + duplicates + after_as_of + rejected``.
    """

    read: int
    rejected: list[Rejection]
    counts: dict[str, dict[str, int]]
    after_as_of: int
    duplicates: int
    warned: dict[tuple[str, str], list[str]]  # (code, event) -> cases, one per occurrence
    unjudged: list[Unjudged]

    def _start_tally(self, contract: m.Contract) -> None:
        self.read = self.after_as_of = self.duplicates = 0
        self.rejected = []
        self.counts = {ob.id: dict.fromkeys(STATUSES, 0) for ob in contract.obligations}
        self.warned = {}
        self.unjudged = []

    @property
    def used(self) -> int:
        return self.read - len(self.rejected) - self.after_as_of - self.duplicates

    @property
    def breached(self) -> bool:
        return any(row["breached"] for row in self.counts.values())

    @property
    def warnings(self) -> tuple[AuditWarning, ...]:
        return tuple(
            AuditWarning(code, event, len(cases), tuple(dict.fromkeys(cases))[:WARNING_CASES_KEPT])
            for (code, event), cases in self.warned.items()
        )

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts per obligation that has results, in the contract's order."""
        return {ob: row for ob, row in self.counts.items() if any(row.values())}

    def add(self, other: Tally) -> None:
        """Count another tally's records, results and warnings too (parts of one audit)."""
        self.read += other.read
        self.after_as_of += other.after_as_of
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)
        for ob, row in other.counts.items():
            mine = self.counts.setdefault(ob, dict.fromkeys(STATUSES, 0))
            for status, n in row.items():
                mine[status] += n
        for key, cases in other.warned.items():
            self.warned.setdefault(key, []).extend(cases)


class Audit(Tally):
    """An audit in progress: iterate it for results; counts fill in as records are read.

    As of ``as_of`` the logs are what they were then: a record timed after it has
    not happened yet, so it is not used (it is counted in ``after_as_of``).

    With ``last_of`` (case id -> ordinal of its last record, counting every record
    read from 1) each case is evaluated as soon as its last record has been read,
    so memory holds only the cases in flight; results then come in order of
    completion. With ``grouped`` the records are taken to come grouped by case: a
    case is complete when a record of another case comes, and a case that comes
    again after that raises :class:`NotGrouped`. Without either, every case is held
    until the end and results come sorted by case id.

    A periodic or statistical duty none of whose events the logs hold is not judged
    (its absence there proves nothing) unless ``judge_all``; it is listed in
    ``unjudged``.

    With ``checked`` the records come checked already (``(source, line, Event or
    Rejection)``, as :func:`checked_records` gives them), so a caller that reads the
    events too (the monthly report) reads and checks each record once.
    """

    # What evaluates each case: a subclass of Engine sees every case with its results
    # (slarules.live keeps the clocks still running).
    engine_type: type[Engine] = Engine

    def __init__(
        self,
        contract: m.Contract,
        records: Iterable[Record] | Iterable[Checked],
        as_of: datetime,
        *,
        last_of: Mapping[str, int] | None = None,
        explain: bool = False,
        window: tuple[datetime | None, datetime | None] = (None, None),
        only: Iterable[str] | None = None,
        window_duties: bool = True,
        grouped: bool = False,
        judge_all: bool = False,
        checked: bool = False,
    ) -> None:
        self.contract = contract
        self._checked = checked
        self.window_duties = window_duties  # False: leave them to whoever joins the parts
        self.only = None if only is None else frozenset(only)
        self.as_of = as_of
        self.judge_all = judge_all
        self.requested_window = window
        self.window: Window | None = None
        self._start_tally(contract)
        self._records = records
        self._last_of = last_of
        self._grouped = grouped
        self.cases: set[str] = set()  # the cases evaluated so far
        self._engine = self.engine_type(contract, as_of, explain, self.only)
        self._watched = _watched_events(contract)
        self._pairs = contract.interval_pairs
        self.notes: dict[str, tuple[CaseNote, ...]] = {}
        self._window_events: dict[str, list[Event]] = {}
        self._first: datetime | None = None
        self._last: datetime | None = None

    def _evaluate(self, case_id: str, events: list[Event]) -> list[Result]:
        case = self._engine.case(case_id, events)
        self.duplicates += case.duplicates
        self._extend_span(case.events[0].at, case.events[-1].at)
        names = case.names
        notes: list[CaseNote] = []
        for begin, end in self._pairs:
            if end in names:
                for event in case.unpaired_ends(begin, end):
                    self.warned.setdefault(("end_without_start", end), []).append(case_id)
                    notes.append(CaseNote("end_without_start", event))
        if self._engine.explain:
            notes += [CaseNote("undone", undone, by) for undone, by in case.voided]
            if notes:
                self.notes[case_id] = tuple(sorted(notes, key=lambda n: n.event.at))
        results = self._engine.evaluate(case)
        counts = self.counts
        for result in results:
            counts[result.obligation][result.finding.status] += 1  # field access, no property
        return results

    def __iter__(self) -> Iterator[Result]:
        last_of, grouped = self._last_of, self._grouped
        open_cases: dict[str, list[Event]] = {}
        closed = self.cases
        ends: dict[int, str] = {}
        if last_of is not None:
            ends = {position: case for case, position in last_of.items()}
        watched, rejected = self._watched, self.rejected
        check = _as_checked if self._checked else RecordChecker(self.contract)
        strict = self.contract.calendar.fallback == "error"
        covered = _Coverage(self.contract) if strict and self._needs_calendar() else _no_check
        as_of = pinned(self.as_of)
        read = self.read
        for source, line, raw in self._records:
            read += 1
            checked = raw if type(raw) is Rejection else check(raw, source, line, read)  # type: ignore[arg-type]
            if type(checked) is Event:
                if checked.at > as_of:
                    self.after_as_of += 1  # it has not happened yet as of the audit
                else:
                    covered(checked.at)
                    case_id = checked.case
                    events = open_cases.get(case_id)
                    if events is not None:
                        events.append(checked)
                    elif case_id in closed:
                        raise NotGrouped(
                            f"{source}:{line}: case {case_id!r} came after its last record"
                        )
                    else:
                        if grouped and open_cases:  # another case: the one before is complete
                            complete, its_events = open_cases.popitem()
                            closed.add(complete)
                            self.read = read - 1
                            yield from self._evaluate(complete, its_events)
                        open_cases[case_id] = [checked]
                    if checked.name in watched:
                        self._watch(checked)
            else:
                rejected.append(checked)  # type: ignore[arg-type]
            if ends:
                finished = ends.pop(read, None)
                if finished is not None and finished in open_cases:
                    closed.add(finished)
                    self.read = read
                    yield from self._evaluate(finished, open_cases.pop(finished))
        self.read = read
        for case_id in sorted(open_cases):
            closed.add(case_id)
            yield from self._evaluate(case_id, open_cases[case_id])
        if self.window_duties:
            yield from self._evaluate_window()

    def _needs_calendar(self) -> bool:
        """Whether any obligation audited counts days (or periods) on the calendar."""
        for ob in self.contract.obligations:
            if self.only is not None and ob.id not in self.only:
                continue
            kind = KINDS[ob.type]
            if kind.counts_days(ob) and (kind.scope == "case" or self.window_duties):
                return True
        return False

    def window_inputs(self) -> tuple[dict[str, list[Event]], datetime | None, datetime | None]:
        """What the period duties read: the events they watch, and the log's time span."""
        return self._window_events, self._first, self._last

    def add_window_inputs(
        self,
        events: Mapping[str, list[Event]],
        first: datetime | None,
        last: datetime | None,
    ) -> None:
        """Judge the period duties on events read elsewhere (another part of the log) too."""
        for name, found in events.items():
            self._window_events.setdefault(name, []).extend(found)
        self._extend_span(first, last)

    def _extend_span(self, first: datetime | None, last: datetime | None) -> None:
        """The log's time span, for the default window of the periodic duties."""
        if first is not None and (self._first is None or first < self._first):
            self._first = first
        if last is not None and (self._last is None or last > self._last):
            self._last = last

    def _watch(self, event: Event) -> None:
        """Keep what the period-level duties need (all of a name, or what a filter keeps)."""
        filters = self._watched[event.name]
        if None in filters or any(keep(event) for keep in filters if keep is not None):
            self._window_events.setdefault(event.name, []).append(event)

    def _evaluate_window(self) -> Iterator[Result]:
        start, end = self.requested_window
        if (self._first is None or self._last is None) and (start is None or end is None):
            return
        ctx = self._engine.ctx
        default = window_of([self._first, self._last], ctx) if self._first and self._last else None
        self.window = Window(start or default.start, end or default.end)  # type: ignore[union-attr]
        content = self._engine.content
        events = {name: _distinct(found, content) for name, found in self._window_events.items()}
        wc = WindowContext(ctx, self.window, events, named=start is None)
        for ob in self.contract.obligations:
            kind = window_kinds().get(ob.type)
            if kind is None or (self.only is not None and ob.id not in self.only):
                continue
            evidence = kind.evidence(ob)
            if not self.judge_all and not any(name in events for name in evidence):
                self.unjudged.append(Unjudged(ob.id, ob.clause, ob.title, evidence))
                continue
            seen: dict[str, int] = {}
            for finding in kind.evaluate(wc, ob):
                case_id = finding.case or finding.period or "-"
                seen[case_id] = seen.get(case_id, 0) + 1
                result = Result(
                    case=case_id,
                    obligation=ob.id,
                    clause=ob.clause,
                    title=ob.title,
                    finding=finding,
                    as_of=self.as_of,
                    occurrence=seen[case_id],
                )
                self.counts[result.obligation][result.status] += 1
                yield result

    def finish(self) -> AuditReport:
        """Run to the end and keep every result."""
        results = tuple(self)
        window = (self.window.start, self.window.end) if self.window else None
        return AuditReport(
            self.as_of,
            results,
            self.read,
            tuple(self.rejected),
            window,
            self.after_as_of,
            self.duplicates,
            tuple(self.unjudged),
            self.warnings,
            frozenset(self.cases),
            self.notes,
        )


def _distinct(events: list[Event], content: ContentKey) -> list[Event]:
    """Events in time order, exact duplicates once (the case they belong to counts them)."""
    ordered = sorted(events, key=lambda e: (e.at, e.seq))
    out: list[Event] = []
    seen: set[tuple[object, ...]] = set()
    for event in ordered:
        key = (event.case, event.at, *content(event))
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out


def _no_check(at: datetime) -> None:
    pass


def _as_checked(raw: Event, source: str, line: int, seq: int) -> Event:
    return raw  # checked before it came (Audit(checked=True))


class _Coverage:
    """Stops the audit at the first used record the calendar cannot hold, as soon as it is
    read, rather than when its case is evaluated (after a long import, say)."""

    __slots__ = ("calendar", "end", "first", "tz")

    def __init__(self, contract: m.Contract) -> None:
        calendar = contract.calendar
        self.calendar = calendar
        tz = self.tz = contract.tz
        # The covered years' first and last instants, on the shared zones (fast to compare).
        self.first = pinned(datetime(calendar.first_year, 1, 1, tzinfo=tz))
        self.end = pinned(datetime(calendar.last_year + 1, 1, 1, tzinfo=tz))

    def __call__(self, at: datetime) -> None:
        if self.first <= at < self.end:
            return
        cal = self.calendar
        raise CalendarNotCovered(at.astimezone(self.tz).year, cal.first_year, cal.last_year)


def _watched_events(contract: m.Contract) -> dict[str, list[Watch]]:
    """The events that the period-level duties read, across all cases, with their filters."""
    watched: dict[str, list[Watch]] = {}
    kinds = window_kinds()
    for ob in contract.obligations:
        kind = kinds.get(ob.type)
        if kind is not None:
            for name, keep in kind.watches(ob).items():
                watched.setdefault(name, []).append(keep)
    return watched


def checked_records(
    contract: m.Contract, records: Iterable[tuple[str, int, Mapping[str, Any] | Rejection]]
) -> Iterator[Checked]:
    """(source, line, event-or-rejection) of each record, in order; an event's ``seq``
    counts every record from 1, as :class:`Audit` counts them."""
    check = RecordChecker(contract)
    for read, (source, line, raw) in enumerate(records, start=1):
        yield source, line, raw if isinstance(raw, Rejection) else check(raw, source, line, read)


def check_records(
    contract: m.Contract, records: Iterable[tuple[str, int, Mapping[str, Any] | Rejection]]
) -> tuple[list[Event], list[Rejection], int]:
    """(events, rejections, records read) from (source, line, record-or-rejection) triples."""
    events: list[Event] = []
    rejected: list[Rejection] = []
    read = 0
    for _, _, checked in checked_records(contract, records):
        read += 1
        if isinstance(checked, Rejection):
            rejected.append(checked)
        else:
            events.append(checked)
    return events, rejected, read


def audit_records(
    contract: m.Contract,
    records: Iterable[Mapping[str, Any]],
    as_of: datetime,
    source: str = "<records>",
    explain: bool = False,
    window: tuple[datetime | None, datetime | None] = (None, None),
    only: Iterable[str] | None = None,
    judge_all: bool = False,
) -> AuditReport:
    """Check and audit in-memory records; the library's entry point.

    ``explain`` also builds each result's step-by-step explanation; ``window``
    bounds the periods of the periodic duties (default: the months the records cover).
    """
    numbered = ((source, n, raw) for n, raw in enumerate(records, start=1))
    return Audit(
        contract, numbered, as_of, explain=explain, window=window, only=only, judge_all=judge_all
    ).finish()


@dataclass(frozen=True)
class Deadline:
    """One deadline that a case started at a time runs under."""

    obligation: str
    clause: str
    title: m.Text
    start: datetime
    start_event: str
    due: datetime | None
    clock: str
    budget: Duration | None
    source: Msg
    not_applicable: Msg | None = None


def due_for(
    contract: m.Contract,
    obligation: str,
    start: datetime,
    *,
    severity: str | None = None,
    site: str | None = None,
    distance_km: float | None = None,
) -> Deadline:
    """The due instant of one obligation whose clock starts at ``start``."""
    ob = contract.obligation(obligation)
    clocked = KINDS[ob.type].clocked(ob)
    if clocked is None:
        raise ValueError(f"{obligation} is not a clock with a budget ({ob.type})")
    facts: dict[str, Any] = {}
    if severity is not None:
        level = contract.level(severity)
        if level is None:
            raise ValueError(f"unknown severity {severity!r}")
        facts["severity"] = level.id
    if site is not None:
        found = contract.site(site)
        if found is None:
            raise ValueError(f"unknown site {site!r}")
        facts["site"] = found.id
    if distance_km is not None:
        facts["distance_km"] = float(distance_km)
    start_event, clock = clocked.start, clocked.clock
    report = Event("-", "reported", start, facts)
    case = Case.of("-", [report])
    engine = Engine(contract, start)
    pick = pick_budget(engine.ctx, case, clocked.budget, start, clocked.applies)
    due = None if pick.duration is None else engine.clocks.due(clock, start, pick.duration)
    return Deadline(
        obligation=ob.id,
        clause=ob.clause,
        title=ob.title,
        start=start,
        start_event=start_event,
        due=due,
        clock=clock,
        budget=pick.duration,
        source=pick.source,
        not_applicable=None if pick.duration is not None else pick.not_applicable or NOT_APPLICABLE,
    )
