"""Laws of the audit, as property tests (hypothesis)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

import slarules

TZ = ZoneInfo("Asia/Shanghai")
CONTRACT = slarules.load()
AS_OF = datetime(2026, 12, 31, tzinfo=TZ)
SEVERITIES = ["critical", "major", "serious", "minor", "特大", "重大", "严重", "一般"]
SITES = [s.zh for s in CONTRACT.sites] + [s.pinyin for s in CONTRACT.sites]

minutes = st.integers(min_value=0, max_value=600)
starts = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2026, 11, 30)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ)
)


@st.composite
def incidents(draw: st.DrawFn, case: str = "INC") -> list[dict[str, object]]:
    start = draw(starts)
    events: list[dict[str, object]] = [
        {
            "case": case,
            "event": "reported",
            "at": start.isoformat(),
            "severity": draw(st.sampled_from(SEVERITIES)),
            "site": draw(st.sampled_from(SITES)),
        }
    ]
    for name in (
        "responded",
        "onsite_requested",
        "onsite_arrived",
        "workaround_issued",
        "restored",
        "resolved",
        "report_submitted",
        "completed",
        "callback",
        "plan_proposed",
        "plan_approved",
        "status_updated",
        "escalated",
    ):
        if draw(st.booleans()):
            event: dict[str, object] = {
                "case": case,
                "event": name,
                "at": (start + timedelta(minutes=draw(minutes))).isoformat(),
            }
            if name == "report_submitted":
                event["sections"] = [
                    "times",
                    "engineers",
                    "impact",
                    "process",
                    "cause",
                    "solution",
                    "prevention",
                ]
            if name == "escalated":
                event["level"] = draw(st.integers(2, 4))
            events.append(event)
    return events


def verdicts(
    records: list[dict[str, object]],
) -> dict[tuple[str, str, int], tuple[str, object, object]]:
    report = CONTRACT.audit(records, as_of=AS_OF)
    assert not report.rejected
    return {
        (r.case, r.obligation, r.occurrence): (r.status, r.finding.due, r.finding.done)
        for r in report.results
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(incidents(), min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_shuffling_or_splitting_records_never_changes_a_verdict(
    cases: list[list[dict[str, object]]], rnd: random.Random
) -> None:
    records = [dict(r, case=f"INC-{i}") for i, case in enumerate(cases) for r in case]
    expected = verdicts(records)
    shuffled = records[:]
    rnd.shuffle(shuffled)
    assert verdicts(shuffled) == expected
    # Splitting across "files" is reading them one after the other in any order.
    cut = rnd.randrange(len(shuffled) + 1)
    assert verdicts(shuffled[cut:] + shuffled[:cut]) == expected


@settings(max_examples=80, deadline=None)
@given(
    incidents(),
    st.sampled_from(
        ["responded", "onsite_arrived", "workaround_issued", "callback", "report_submitted"]
    ),
    st.integers(1, 3000),
)
def test_a_later_stop_never_turns_breached_into_met(
    records: list[dict[str, object]], stop: str, delay: int
) -> None:
    before = verdicts(records)
    later = []
    for r in records:
        if r["event"] == stop:
            r = dict(
                r, at=(datetime.fromisoformat(str(r["at"])) + timedelta(minutes=delay)).isoformat()
            )
        later.append(r)
    after = verdicts(later)
    stopped_by = {ob.id for ob in CONTRACT.obligations if getattr(ob, "stop", None) == stop}
    for key, (status, _, _) in before.items():
        if status == "breached" and key[1] in stopped_by and key in after:
            assert after[key][0] != "met", key


@settings(max_examples=80, deadline=None)
@given(incidents(), st.integers(1, 600))
def test_a_longer_pause_never_makes_a_deadline_earlier(
    records: list[dict[str, object]], extra: int
) -> None:
    start = datetime.fromisoformat(str(records[0]["at"]))
    base = [r for r in records if r["event"] not in ("plan_proposed", "plan_approved")]
    short = [
        *base,
        {"case": "INC", "event": "plan_proposed", "at": (start + timedelta(minutes=1)).isoformat()},
        {
            "case": "INC",
            "event": "plan_approved",
            "at": (start + timedelta(minutes=30)).isoformat(),
        },
    ]
    long = [
        *short[:-1],
        {
            "case": "INC",
            "event": "plan_approved",
            "at": (start + timedelta(minutes=30 + extra)).isoformat(),
        },
    ]
    a, b = verdicts(short), verdicts(long)
    for key, (_, due, _) in a.items():
        if due is not None and key in b and b[key][1] is not None:
            assert b[key][1] >= due, key


@settings(max_examples=80, deadline=None)
@given(incidents())
def test_met_exactly_when_the_stop_is_at_or_before_the_due_time(
    records: list[dict[str, object]],
) -> None:
    report = CONTRACT.audit(records, as_of=AS_OF)
    for r in report.results:
        f = r.finding
        if (
            f.due is None
            or f.done is None
            or r.obligation in ("escalate_l2", "escalate_l3", "escalate_l4")
        ):
            continue
        assert (r.status == "met") == (f.done <= f.due), (r.obligation, f)
