"""Laws that the fast paths agree with the plain ones (hypothesis).

Two places take a short path for the common case: the compiled evaluators of
the clocks (``deadline`` and ``solve_or_escalate`` skip the explanation's
bookkeeping unless explaining) and the record checker (a fast path for the
common record, falling back to :func:`slarules.events._check_slowly`, which also
says why a record is refused). On random logs and records, each gives what the
plain path gives.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

import slarules
from slarules import model as m
from slarules.case import Case
from slarules.engine import AuditReport
from slarules.events import Event, RecordChecker, Rejection, _check_slowly
from slarules.kinds import KINDS, case_kinds
from slarules.kinds.common import Context
from slarules.results import Finding, Result
from slarules.timing import Clocks

TZ = ZoneInfo("Asia/Shanghai")
BASE = slarules.load()


def _with(contract: m.Contract, **readings: str) -> slarules.Contract:
    changed = {
        name: dataclasses.replace(reading, value=readings.get(name, reading.value))
        for name, reading in contract.readings.items()
    }
    return dataclasses.replace(contract, readings=changed)  # type: ignore[return-value]


# The readings that change which path a clock takes or what it reads of a case.
CONTRACTS = [
    BASE,
    _with(BASE, reclassification="retroactive", minor_response_conflict="specific_prevails"),
    _with(BASE, severity_source="derived", solved_means="resolved"),
    _with(BASE, working_day_budget="end_of_nth_working_day", severity_overlap="first_listed"),
]

SEVERITIES = ["critical", "major", "serious", "minor", "特大", "一般", "重大故障", "Serious"]
SITES = ["沈阳", "dalian", "Anshan", "锦州市", "抚顺"]
SECTIONS = ["times", "engineers", "impact", "process", "cause", "solution", "prevention"]
DEVICES = [d.id for d in BASE.devices]

# The events of one case, with what each carries (a drawn value, or none).
CASE_EVENTS = [
    "reported",
    "outage_started",
    "outage_ended",
    "responded",
    "remote_started",
    "plan_proposed",
    "plan_approved",
    "remote_failed",
    "onsite_requested",
    "onsite_arrived",
    "workaround_issued",
    "spare_needed",
    "spare_arrived",
    "restored",
    "resolved",
    "report_submitted",
    "escalated",
    "status_updated",
    "reclassified",
    "completed",
    "callback",
    "writeup_submitted",
    "closed",
    "reopened",
    "complaint_received",
    "complaint_replied",
    "complaint_resolved",
    "question_received",
    "question_answered",
    "inspection_problem_solved",
    "inspection_feedback",
]
WORK_EVENTS = [
    "call",
    "inspection",
    "inspection_notified",
    "inspection_confirmed",
    "daily_check",
    "monthly_summary_submitted",
    "quarterly_report_submitted",
    "tech_exchange",
    "training_requested",
]

starts = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2026, 8, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ)
)
offsets = st.integers(min_value=0, max_value=4 * 24 * 60)  # minutes: up to four days


def _facts(draw: st.DrawFn, name: str, at: datetime) -> dict[str, object]:
    """What an event of ``name`` carries (sometimes less than the full report)."""
    if name in ("reported", "reclassified"):
        facts: dict[str, object] = {"severity": draw(st.sampled_from(SEVERITIES))}
        if name == "reported" and draw(st.booleans()):
            facts["site"] = draw(st.sampled_from(SITES))
        if name == "reported" and draw(st.booleans()):
            facts["distance_km"] = draw(st.sampled_from([0, 42.5, "120", 450, 600]))
        return facts
    if name in ("outage_started", "outage_ended"):
        return {"affected_users_pct": draw(st.sampled_from([10, 35, "50"]))}
    if name == "report_submitted":
        return {"sections": draw(st.sampled_from([SECTIONS, SECTIONS[:4], "times;cause"]))}
    if name == "escalated":
        return {"level": draw(st.integers(1, 4))}
    if name == "call":
        return {"wait_seconds": draw(st.sampled_from([3, 29.5, 30, 45]))}
    if name == "inspection":
        return {"device": draw(st.sampled_from(DEVICES))}
    if name in ("inspection_notified", "inspection_confirmed", "training_requested"):
        ahead = draw(st.integers(0, 60 * 24 * 40))
        return {"planned_for": (at + timedelta(minutes=ahead)).isoformat()}
    if name == "tech_exchange":
        return {"until": (at + timedelta(minutes=draw(st.integers(10, 120)))).isoformat()}
    if name in ("monthly_summary_submitted", "quarterly_report_submitted"):
        month = at.month - draw(st.integers(0, 1))
        if name == "monthly_summary_submitted":
            return {"period": f"2026-{month:02d}"}
        return {"period": f"2026-Q{(month - 1) // 3 + 1}"}
    return {}


@st.composite
def cases(draw: st.DrawFn, case: str, names: list[str], first: str | None) -> list[dict[str, Any]]:
    """One case's records: maybe a first event at its start, then events at random offsets
    (repeats and overlaps included)."""
    start = draw(starts)
    picked = draw(st.lists(st.tuples(st.sampled_from(names), offsets), max_size=10))
    if first is not None and draw(st.integers(0, 3)):
        picked.insert(0, (first, 0))
    records = []
    for name, offset in picked:
        at = start + timedelta(minutes=offset)
        records.append(
            {"case": case, "event": name, "at": at.isoformat(), **_facts(draw, name, at)}
        )
    return records


firsts = st.one_of(st.just("reported"), st.sampled_from(CASE_EVENTS))


@st.composite
def logs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], datetime]:
    """Some incidents (or complaints, questions ...), maybe the periodic work, and an as-of
    time: soon after one of the records (so clocks are still running), or long after."""
    count = draw(st.integers(1, 4))
    records = [r for i in range(count) for r in draw(cases(f"INC-{i}", CASE_EVENTS, draw(firsts)))]
    if draw(st.booleans()):
        records += draw(cases("WORK", WORK_EVENTS, None))
    if not records or draw(st.integers(0, 3)) == 0:
        return records, datetime(2026, 10, 31, 12, tzinfo=TZ)
    some = datetime.fromisoformat(draw(st.sampled_from(records))["at"])
    return records, some + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))


def _without_steps(result: Result) -> Result:
    return result._replace(finding=result.finding._replace(steps=()), steps=())


def _counts(report: AuditReport) -> tuple[object, ...]:
    return (
        report.read,
        report.rejected,
        report.window,
        report.after_as_of,
        report.duplicates,
        report.unjudged,
        report.warnings,
        report.cases,
    )


@settings(max_examples=60, deadline=None)
@given(logs(), st.sampled_from(CONTRACTS))
def test_an_audit_says_the_same_with_and_without_explaining(
    log: tuple[list[dict[str, Any]], datetime], contract: slarules.Contract
) -> None:
    """Every field of every result but the steps: status, code, values, start, due, done,
    clock, budget, period, case, details, occurrence; and every count."""
    records, as_of = log
    plain = contract.audit(records, as_of, explain=False)
    explained = contract.audit(records, as_of, explain=True)
    assert not plain.rejected
    assert plain.results == tuple(map(_without_steps, explained.results))
    assert _counts(plain) == _counts(explained)
    assert all(not r.finding.steps for r in plain.results)


def _kind_paths() -> list[tuple[str, Callable[..., list[Finding]]]]:
    """(obligation type, its plain evaluator ``_each(ctx, ob, case)``) for each kind that
    has a short path besides it."""
    found = []
    for name, kind in case_kinds().items():
        plain = getattr(importlib.import_module(type(kind).__module__), "_each", None)
        if plain is not None:
            found.append((name, plain))
    return found


PATHS = dict(_kind_paths())


def test_the_kinds_with_a_short_path_are_the_clocks() -> None:
    assert set(PATHS) == {"deadline", "solve_or_escalate"}


def _cases(contract: m.Contract, records: list[dict[str, Any]]) -> dict[str, list[Event]]:
    check = RecordChecker(contract)
    grouped: dict[str, list[Event]] = {}
    for n, raw in enumerate(records, start=1):
        event = check(raw, "<log>", n, n)
        assert isinstance(event, Event), event
        grouped.setdefault(event.case, []).append(event)
    return grouped


@settings(max_examples=60, deadline=None)
@given(logs(), st.sampled_from(CONTRACTS))
def test_the_short_path_of_a_clock_is_its_plain_path(
    log: tuple[list[dict[str, Any]], datetime], contract: slarules.Contract
) -> None:
    """``compile`` without explaining gives what ``_each`` gives, explaining or not."""
    records, as_of = log
    clocks = Clocks(contract)
    short = Context(contract, clocks, as_of)
    explaining = Context(contract, clocks, as_of, explain=True)
    for case_id, events in _cases(contract, records).items():
        for ob in contract.obligations:
            plain = PATHS.get(ob.type)
            if plain is None:
                continue
            # A case each time: what one path works out once per case is not the other's.
            fresh = [e for e in events if e.at <= as_of]
            got = KINDS[ob.type].compile(short, ob)(Case.of(case_id, fresh, contract.undo))
            want = plain(short, ob, Case.of(case_id, fresh, contract.undo))
            assert got == want, (case_id, ob.id)
            told = plain(explaining, ob, Case.of(case_id, fresh, contract.undo))
            assert got == [f._replace(steps=()) for f in told], (case_id, ob.id)


# ---------------------------------------------------------------- the record checker

# A test event with the field types and bounds the bundled vocabulary lacks.
PROBE = m.EventType(
    "probe",
    "探针",
    "probe",
    MappingProxyType(
        {
            "count": m.FieldSpec("count", "integer", False, 0, 10),
            "tally": m.FieldSpec("tally", "integer", False),
            "ratio": m.FieldSpec("ratio", "number", False, -1, 1),
            "plain": m.FieldSpec("plain", "number", False),
            "label": m.FieldSpec("label", "string", True),
        }
    ),
)
CHECKED = dataclasses.replace(BASE, events={**BASE.events, "probe": PROBE})

# Per field type: values a log may well hold, and odd ones (wrong types, blanks, out of
# bounds, names the contract does not know, numbers as text).
GOOD: dict[str, list[object]] = {
    "severity": [*SEVERITIES, "CRITICAL", "特大故障", " minor "],
    "site": [*SITES, "SHENYANG", "沈阳市", " dalian "],
    "number": [0, 3, 10, 0.5, -0.5, 2.0, -0.0, "7", " 2.5 ", "1e1"],
    "integer": [0, 3, 10, 2.0, "7", " 4 "],
    "level": [1, 2, 4, 2.0, "3", " 1 "],
    "time": ["2026-10-09T14:05+08:00", "2026-10-09", "2026-10-09T06:05Z", datetime(2026, 10, 9)],
    "sections": [SECTIONS, SECTIONS[:2], "times; cause", []],
    "period": ["2026-10", "2026-Q3"],
    "string": ["SY-CORE-01", "x"],
}
BAD_TEXTS = ["x", "nan", "inf", "1e400", "", " "]
ODD: dict[str, list[object]] = {
    "severity": ["bogus", 3, True, "", " ", None],
    "site": ["nowhere", 4, "", None],
    "number": [11, -1, -2.5, math.nan, math.inf, -math.inf, 10**400, True, *BAD_TEXTS, None, [1]],
    "level": [5, 0, 2.5, "x", True, None, "", -1],
    "time": ["0999-12-31T00:00", "soon", "", 5, "2026-10-09T25:00"],
    "sections": ["", [1, "a"], 5, {"a": 1}],
    "period": ["2026-13", "2026-Q5", 202610, "", "2026-1"],
    "string": ["", " ", 5, None, 2.5],
}
ODD["integer"] = [*ODD["number"], 2.5, 1.0000001, 2**53 + 1, -(2**60) - 1]
TIMES = [
    "2026-10-09T14:05:00+08:00",
    "2026-10-09T14:05:00",
    "2026-10-09T06:05:00Z",
    "2026-10-09T06:05:00+00:00",
    "2026-10-09T14:05:00.123456+09:30",
    "2026-10-09T14:05:00-03:00",
    "2026-10-09 14:05",
    "2026-10-09",
    "1000-01-01T00:00:00",
    "8999-12-31T23:59:59+14:00",
]
ODD_TIMES = [
    " 2026-10-09T14:05+08:00 ",
    "2026-10-09T14:05z",
    "0999-12-31T23:00:00+08:00",
    "9000-01-01T00:00:00",
    "yesterday",
    "",
    " ",
    None,
    20261009,
    datetime(2026, 10, 9, 14, 5),
    datetime(2026, 10, 9, 14, 5, tzinfo=TZ),
]
# The events that carry facts, most often; then any name, known or not.
FIELDED = [name for name, e in CHECKED.events.items() if e.fields]
ODD_EVENTS = [*CHECKED.events, "reportd", "Reported", "", " ", None, 7]
CASE_IDS = ["INC-1", "事件-7", " INC-2"]
ODD_CASES = ["", " ", "\t", None, 12, ["INC"]]


def _mostly(draw: st.DrawFn, good: list[Any], odd: list[Any], one_in: int = 4) -> Any:
    return draw(st.sampled_from(odd if draw(st.integers(1, one_in)) == 1 else good))


@st.composite
def raw_records(draw: st.DrawFn) -> Mapping[str, Any]:
    record: dict[str, Any] = {}
    core = {
        "case": (CASE_IDS, ODD_CASES),
        "event": (FIELDED, ODD_EVENTS),
        "at": (TIMES, ODD_TIMES),
    }
    for key, (good, odd) in core.items():
        if draw(st.integers(0, 15)):  # now and then a core field is left out
            record[key] = _mostly(draw, good, odd, 6)
    event_type = CHECKED.events.get(record.get("event"))  # type: ignore[arg-type]
    fields = list(event_type.fields.values()) if event_type is not None else []
    for spec in fields:
        if draw(st.integers(0, 5)):  # a field, required or not, is left out now and then
            record[spec.name] = _mostly(draw, GOOD[spec.type], ODD[spec.type])
    for _ in range(draw(st.integers(0, 2))):  # facts the vocabulary does not name
        record[draw(st.sampled_from(["note", "ticket", "severity"]))] = draw(
            st.sampled_from(["text", "", " ", None, 3, 2.5, ["a"]])
        )
    if draw(st.integers(0, 19)) == 0:
        return MappingProxyType(record)  # a mapping that is not a dict
    return record


def _exact(found: Event | Rejection) -> object:
    """Everything an event is, down to the types of its facts and its time's offset."""
    if isinstance(found, Rejection):
        return found
    facts = {k: (type(v), repr(v)) for k, v in found.facts.items()}
    return (found._replace(facts={}), found.at.isoformat(), found.at.utcoffset(), facts)


@settings(max_examples=300, deadline=None)
@given(st.lists(raw_records(), min_size=1, max_size=6))
def test_the_record_checkers_fast_path_is_its_slow_path(records: list[Mapping[str, Any]]) -> None:
    """The same event (facts of the same types), or the same rejection with the same reason.
    One checker for all records, as an audit has: what it learnt of a name is reused."""
    check = RecordChecker(CHECKED)
    for n, raw in enumerate(records, start=1):
        assert _exact(check(raw, "log.jsonl", n, n)) == _exact(
            _check_slowly(CHECKED, raw, "log.jsonl", n, n)
        ), raw
