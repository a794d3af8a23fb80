"""The columnar engine against the Python engine: the same results on random logs.

The Python engine is the reference (explain, due, test use it); the columnar one
computes the same audit as queries. The law: on random logs exercising every
kind (pauses overlapping and open, reclassification, reopening, repeated clocks,
make-up days, 00:00 starts) under every reading, both give identical results:
status, start, due, done, late_by, occurrence, and the reason's code and values;
and the same duties not judged, duplicates, records after as-of and warnings.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fast_paths import CONTRACTS, logs

import slarules
from slarules import model as m
from slarules.columnar.run import ColumnarAudit
from slarules.engine import check_records
from slarules.readers import read_log

TZ = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parent.parent
BASE = slarules.load()


def _with(contract: m.Contract, **readings: str) -> slarules.Contract:
    changed = {
        name: dataclasses.replace(reading, value=readings.get(name, reading.value))
        for name, reading in contract.readings.items()
    }
    return dataclasses.replace(contract, readings=changed)  # type: ignore[return-value]


# Every reading the engines read, each value at least once.
READINGS = [
    *CONTRACTS,
    _with(BASE, working_day_budget="working_hours_24", severity_gap="minor"),
    _with(BASE, reclassification="retroactive", severity_source="derived"),
]


def key(result: slarules.Result) -> tuple[str, str, int]:
    return (result.case, result.obligation, result.occurrence)


def value(result: slarules.Result) -> tuple[Any, ...]:
    f = result.finding
    return (
        result.status,
        f.start,
        f.due,
        f.done,
        result.late_by,
        f.code,
        f.values,
        f.clock,
        None if f.budget is None else f.budget.label,
        f.period,
        f.timed,
        f.details,
    )


def both(
    contract: slarules.Contract, records: list[dict[str, Any]], as_of: datetime
) -> tuple[Any, Any]:
    python = slarules.api.Contract.of(contract).audit(records, as_of=as_of)
    events, _, _ = check_records(
        contract, (("<records>", n, r) for n, r in enumerate(records, start=1))
    )
    columnar = ColumnarAudit(contract, as_of)
    columnar.load_events(events)
    columnar.run()
    return python, columnar


def assert_same(python: Any, columnar: Any) -> None:
    mine = {key(r): value(r) for r in columnar.results()}
    theirs = {key(r): value(r) for r in python.results}
    assert mine.keys() == theirs.keys()
    for k in theirs:
        assert mine[k] == theirs[k], k
    assert [(u.obligation, u.events) for u in python.unjudged] == columnar.unjudged
    assert (python.duplicates, python.after_as_of) == (
        columnar.counts["duplicates"],
        columnar.counts["after_as_of"],
    )
    assert {(w.code, w.event): w.count for w in python.warnings} == {
        k: len(v) for k, v in columnar.warned.items()
    }


midnight = st.sampled_from([0, 1])
# Minutes after a case's first record where the contract's budgets end (5, 10, 30, 60 min,
# 2 h, 4 h, a day ...) and either side of them: boundaries are where engines differ.
BOUNDARIES = [0, 1, 4, 5, 6, 9, 10, 11, 29, 30, 31, 59, 60, 61, 119, 120, 121, 239, 240, 241]
BOUNDARIES += [1439, 1440, 1441, 2880, 4320]


@st.composite
def logs_near_boundaries(draw: st.DrawFn) -> tuple[list[dict[str, Any]], datetime]:
    """The fast-path laws' logs, with some records moved to a budget's boundary."""
    records, as_of = draw(logs())
    first: dict[str, datetime] = {}
    out = []
    for r in records:
        at = datetime.fromisoformat(r["at"])
        start = first.setdefault(r["case"], at)
        if draw(st.booleans()):
            at = start + timedelta(minutes=draw(st.sampled_from(BOUNDARIES)))
        out.append({**r, "at": at.isoformat()})
    if draw(st.booleans()) and out:
        as_of = first[out[0]["case"]] + timedelta(minutes=draw(st.sampled_from(BOUNDARIES)))
    return out, as_of


@st.composite
def merged_logs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], datetime]:
    """A few random logs as one (their cases kept apart): more cases per audit, as the
    engines' start-up is what a small audit costs."""
    parts = draw(st.lists(logs_near_boundaries(), min_size=1, max_size=4))
    records = [{**r, "case": f"L{n}-{r['case']}"} for n, (log, _) in enumerate(parts) for r in log]
    return records, parts[0][1]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(merged_logs(), st.sampled_from(READINGS), midnight)
def test_law_the_columnar_engine_gives_the_python_engines_results(
    log: tuple[list[dict[str, Any]], datetime], contract: slarules.Contract, at_midnight: int
) -> None:
    records, as_of = log
    if at_midnight and records:
        # Starts at 00:00 (the day before, for the day-based clocks) and on make-up days.
        shift = datetime.fromisoformat(records[0]["at"])
        moved = shift.replace(hour=0, minute=0) - shift
        records = [
            {**r, "at": (datetime.fromisoformat(r["at"]) + moved).isoformat()} for r in records
        ]
        as_of += moved
    python, columnar = both(contract, records, as_of)
    assert_same(python, columnar)


@pytest.mark.parametrize("name", ["october-2026.jsonl", "october-2026-with-errors.jsonl"])
def test_the_example_month_is_the_same_on_both_engines(name: str) -> None:
    records = list(read_log(str(ROOT / "examples" / name)))
    as_of = datetime(2026, 11, 1, tzinfo=TZ)
    python = BASE.audit(
        [r[2] for r in records if isinstance(r[2], dict)],
        as_of=as_of,
    )
    events, _, _ = check_records(BASE, records)
    columnar = ColumnarAudit(BASE, as_of)
    columnar.load_events(events)
    columnar.run()
    assert_same(python, columnar)
    assert len(columnar.results()) == len(python.results) > 250


def test_a_make_up_saturday_and_a_holiday_on_both_engines() -> None:
    """2026-10-10 (a Saturday) was a working day; 10-01..07 rest days."""
    records = [
        {"case": "A", "event": "reported", "at": "2026-09-30T16:00+08:00", "severity": "major"},
        {"case": "A", "event": "completed", "at": "2026-10-09T00:00+08:00"},
        {"case": "B", "event": "reported", "at": "2026-10-09T15:00+08:00", "severity": "serious"},
        {"case": "B", "event": "plan_proposed", "at": "2026-10-09T16:00+08:00"},
    ]
    as_of = datetime(2026, 10, 20, tzinfo=TZ)
    for contract in READINGS:
        python, columnar = both(contract, records, as_of)
        assert_same(python, columnar)
    due = {key(r): r.finding.due for r in columnar.results()}
    assert due[("B", "escalate_l4", 1)] is None or due[("B", "escalate_l4", 1)] > datetime(
        2026, 10, 10, tzinfo=TZ
    ) - timedelta(days=1)


def _clock_cases() -> list[tuple[str, str, str]]:
    """(obligation, the event that starts it, the event that ends it) of every clock."""
    from slarules.kinds import KINDS

    out = []
    for ob in BASE.obligations:
        clocked = KINDS[ob.type].clocked(ob)
        if clocked is None:
            continue
        stop = getattr(ob, "stop", None) or getattr(ob, "solved", None)
        assert isinstance(stop, str)
        out.append((ob.id, clocked.start, stop))
    return out


@pytest.mark.parametrize("contract", [BASE, READINGS[4]], ids=["bundled", "hours_24"])
def test_a_stop_exactly_at_the_due_time_and_just_after_on_both_engines(
    contract: slarules.Contract,
) -> None:
    """Met exactly when done at or before the due time: the boundary, on every clock (one
    case per clock and ending, in one log)."""
    t0 = datetime(2026, 9, 30, 16, 7, tzinfo=TZ)  # the eve of the National Day holidays
    as_of = datetime(2026, 12, 1, tzinfo=TZ)

    def opening(case: str, start: str) -> list[dict[str, Any]]:
        records = [
            {"case": case, "event": "reported", "at": t0.isoformat(), "severity": "major"},
            {"case": case, "event": "plan_proposed", "at": (t0 + timedelta(minutes=8)).isoformat()},
            {
                "case": case,
                "event": "plan_approved",
                "at": (t0 + timedelta(minutes=20)).isoformat(),
            },
        ]
        records[0]["site"] = "大连"
        if start != "reported":
            records.append(
                {"case": case, "event": start, "at": (t0 + timedelta(minutes=7)).isoformat()}
            )
        return records

    clocks = _clock_cases()
    opened = [r for ob, start, _ in clocks for r in opening(ob, start)]
    python, _ = both(contract, opened, as_of)
    dues = {r.case: r.finding.due for r in python.results if r.case == r.obligation}
    ended: list[dict[str, Any]] = []
    for ob, start, stop in clocks:
        facts: dict[str, Any] = {}
        if stop == "report_submitted":
            facts["sections"] = ["times", "engineers", "impact", "process", "cause", "solution"]
            facts["sections"].append("prevention")
        due = dues[ob]
        assert due is not None, ob
        for suffix, done in (("at", due), ("after", due + timedelta(minutes=1))):
            case = f"{ob} {suffix}"
            ended += [{**r, "case": case} for r in opening(ob, start)]
            ended.append({"case": case, "event": stop, "at": done.isoformat(), **facts})
    python, columnar = both(contract, ended, as_of)
    assert_same(python, columnar)
    got = {r.case: r.status for r in columnar.results() if r.case.startswith(r.obligation + " ")}
    for ob, _, _ in clocks:
        assert (got[f"{ob} at"], got[f"{ob} after"]) == ("met", "breached"), ob
