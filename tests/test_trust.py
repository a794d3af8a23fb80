"""Verdicts an auditor can trust (issue 10): as-of, lateness, overlapping intervals,
reopened and reclassified tickets, row order, evidence, explain ids, output zone.

Each rule has a boundary test; rules 1, 2 and 5 are also laws (hypothesis).
"""

from __future__ import annotations

import csv
import json
import random
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slarules
from slarules.cli import main
from slarules.engine import audit_events, check_records
from slarules.importer import import_export, load_mapping
from slarules.wording import Wording

TZ = ZoneInfo("Asia/Shanghai")
CONTRACT = slarules.load()
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "october-2026.jsonl"
SERVICENOW = ROOT / "examples" / "servicenow-export.csv"
SN_MAPPING = load_mapping(ROOT / "mappings" / "servicenow.yaml", CONTRACT)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def rec(case: str, event: str, at: str, **facts: Any) -> dict[str, Any]:
    return {"case": case, "event": event, "at": t(at).isoformat(), **facts}


def audit(records: Iterable[Mapping[str, Any]], as_of: str, **options: Any) -> Any:
    report = CONTRACT.audit(list(records), as_of=t(as_of), **options)
    assert not report.rejected, report.rejected
    return report


def by(report: Any) -> dict[tuple[str, str, int], Any]:
    return {(r.case, r.obligation, r.occurrence): r for r in report.results}


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def verdicts(report: Any) -> dict[tuple[str, str, int], tuple[Any, ...]]:
    return {
        (r.case, r.obligation, r.occurrence): (
            r.status,
            r.finding.start,
            r.finding.due,
            r.finding.done,
            r.late_by,
        )
        for r in report.results
    }


# ---------------------------------------------------------------- 1. as of T


INCIDENT = [
    rec("A", "reported", "2026-10-09 09:00", severity="serious", site="沈阳"),
    rec("A", "responded", "2026-10-09 09:12"),
    rec("A", "escalated", "2026-10-09 11:50", level=2),
    rec("B", "reported", "2026-10-09 12:00", severity="minor", site="沈阳"),
]


def test_records_after_the_as_of_time_are_not_used_and_are_counted_apart() -> None:
    report = audit(INCIDENT, "2026-10-09 09:05", only=["remote_response", "escalate_l2"])
    # The response at 09:12 has not happened yet at 09:05: due 09:10, so pending.
    (result,) = report.results
    assert (result.case, result.obligation, result.status) == ("A", "remote_response", "pending")
    assert result.finding.done is None
    assert (report.read, report.used, report.after_as_of, len(report.rejected)) == (4, 1, 3, 0)
    # As of 11:00, the escalation at 11:50 has not happened: escalate_l2 is pending.
    later = by(audit(INCIDENT, "2026-10-09 11:00", only=["escalate_l2"]))
    assert later["A", "escalate_l2", 1].status == "pending"
    assert later["A", "escalate_l2", 1].finding.done is None
    # The case reported after the as-of time has no result at all.
    assert all(case != "B" for case, _, _ in later)


def test_the_records_line_and_json_reconcile_with_records_after_as_of(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(r) for r in INCIDENT) + "\n", "utf-8")
    table = cli("audit", str(log), "--as-of", "2026-10-09 09:05", "--lang", "en")
    assert "records: read 4 = used 1 + after as-of 3 + rejected 0" in table.output
    doc = json.loads(
        cli("audit", str(log), "--as-of", "2026-10-09 09:05", "--format", "json").output
    )
    assert doc["records"] == {
        "read": 4,
        "used": 1,
        "duplicates": 0,
        "after_as_of": 3,
        "rejected": 0,
    }


def test_periods_that_begin_after_the_as_of_time_have_no_result() -> None:
    checks = [rec("D", "daily_check", f"2026-10-{day:02d} 08:30") for day in range(1, 11)]
    report = audit(checks, "2026-10-05 12:00", only=["daily_check"])
    assert sorted(r.case for r in report.results) == [f"2026-10-0{d}" for d in range(1, 6)]
    assert by(report)["2026-10-05", "daily_check", 1].status == "met"


EVENT_NAMES = [
    "responded",
    "onsite_requested",
    "onsite_arrived",
    "workaround_issued",
    "restored",
    "resolved",
    "reopened",
    "completed",
    "callback",
    "plan_proposed",
    "plan_approved",
    "outage_started",
    "outage_ended",
    "status_updated",
    "escalated",
    "reclassified",
]


@st.composite
def logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few incidents (ties, overlaps, reopenings and all), plus some periodic work."""
    records: list[dict[str, Any]] = []
    base = datetime(2026, 10, 5, 8, 0, tzinfo=TZ)
    for n in range(draw(st.integers(1, 3))):
        start = base + timedelta(minutes=draw(st.integers(0, 5 * 24 * 60)))
        case = f"INC-{n}"
        records.append(
            {
                "case": case,
                "event": "reported",
                "at": start.isoformat(),
                "severity": draw(st.sampled_from(["critical", "major", "serious", "minor"])),
                "site": draw(st.sampled_from(["沈阳", "大连", "丹东"])),
            }
        )
        for _ in range(draw(st.integers(0, 10))):
            name = draw(st.sampled_from(EVENT_NAMES))
            at = start + timedelta(minutes=draw(st.integers(0, 48 * 60)))
            event: dict[str, Any] = {"case": case, "event": name, "at": at.isoformat()}
            if name == "escalated":
                event["level"] = draw(st.integers(2, 4))
            if name == "reclassified":
                event["severity"] = draw(st.sampled_from(["critical", "major", "serious"]))
            if name in ("outage_started", "outage_ended") and draw(st.booleans()):
                event["affected_users_pct"] = draw(st.sampled_from([10, 30, 40]))
            records.append(event)
    for day in draw(st.lists(st.integers(1, 20), max_size=4)):
        records.append(rec("DAILY", "daily_check", f"2026-10-{day:02d} 08:30"))
    return records


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs(), st.integers(0, 12 * 24 * 60))
def test_law_auditing_as_of_t_equals_auditing_the_log_cut_at_t(
    records: list[dict[str, Any]], minutes: int
) -> None:
    as_of = datetime(2026, 10, 5, 8, 0, tzinfo=TZ) + timedelta(minutes=minutes)
    whole = CONTRACT.audit(records, as_of=as_of)
    cut = [r for r in records if datetime.fromisoformat(r["at"]) <= as_of]
    alone = CONTRACT.audit(cut, as_of=as_of)
    assert verdicts(whole) == verdicts(alone)
    assert [u.obligation for u in whole.unjudged] == [u.obligation for u in alone.unjudged]
    assert whole.after_as_of == len(records) - len(cut)
    assert whole.read == whole.used + whole.duplicates + whole.after_as_of + len(whole.rejected)


# ---------------------------------------------------------------- 2. lateness


def test_an_escalation_clock_ended_by_a_late_solution_is_late_by_exactly_that() -> None:
    records = [
        rec("A", "reported", "2016-03-01 09:00", severity="major", site="沈阳"),
        rec("A", "responded", "2016-03-01 09:03"),
        rec("A", "restored", "2016-03-22 15:05"),
    ]
    for as_of in ("2016-04-01 00:00", "2017-02-28 00:00"):
        result = by(audit(records, as_of, only=["escalate_l2"]))["A", "escalate_l2", 1]
        assert result.status == "breached"
        assert result.finding.done == t("2016-03-22 15:05")  # the solving event ended it
        assert result.late_by == t("2016-03-22 15:05") - t("2016-03-01 11:03")
        assert "2016-03-22 15:05" in Wording(CONTRACT, "en").reason(result)


def test_the_earlier_of_solution_and_escalation_ends_the_clock() -> None:
    records = [
        rec("A", "reported", "2026-10-09 09:00", severity="major", site="沈阳"),
        rec("A", "responded", "2026-10-09 09:00"),
        rec("A", "escalated", "2026-10-09 12:00", level=2),  # late: due 11:00
        rec("A", "restored", "2026-10-09 14:00"),
    ]
    result = by(audit(records, "2026-11-01 00:00", only=["escalate_l2"]))["A", "escalate_l2", 1]
    assert result.status == "breached" and result.finding.done == t("2026-10-09 12:00")
    assert result.late_by == timedelta(hours=1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs(), st.integers(0, 70 * 24 * 60))  # within the calendar's years
def test_law_lateness_is_done_minus_due_and_does_not_grow_with_as_of(
    records: list[dict[str, Any]], later: int
) -> None:
    as_of = datetime(2026, 10, 20, tzinfo=TZ)
    first = CONTRACT.audit(records, as_of=as_of)
    second = by(CONTRACT.audit(records, as_of=as_of + timedelta(minutes=later)))
    for r in first.results:
        f = r.finding
        if f.done is None or f.due is None or not f.timed:
            continue
        assert r.late_by == (None if r.status == "met" else f.done - f.due), r
        again = second[(r.case, r.obligation, r.occurrence)]
        assert (again.status, again.finding.done, again.late_by) == (r.status, f.done, r.late_by)


# ---------------------------------------------------------------- 3. intervals that overlap


def test_two_plans_awaiting_approval_pause_from_the_first_proposal_to_the_last_approval() -> None:
    records = [
        rec("A", "reported", "2026-10-09 09:00", severity="serious", site="大连"),
        rec("A", "onsite_requested", "2026-10-09 09:00"),
        rec("A", "plan_proposed", "2026-10-09 09:20"),
        rec("A", "plan_proposed", "2026-10-09 09:40"),
        rec("A", "plan_approved", "2026-10-09 10:10"),
        rec("A", "plan_approved", "2026-10-09 10:30"),
        # Dalian is within 500 km (5 h), as from 09:00 plus 70 min paused: due 15:10.
        rec("A", "onsite_arrived", "2026-10-09 15:05"),
    ]
    report = audit(records, "2026-11-01 00:00", only=["onsite_arrival"])
    result = by(report)["A", "onsite_arrival", 1]
    assert result.finding.due == t("2026-10-09 15:10") and result.status == "met"
    assert report.warnings == ()  # every approval answered a proposal


def test_an_end_without_a_start_is_a_warning_and_a_note_in_explain(tmp_path: Path) -> None:
    records = [
        rec("A", "reported", "2026-10-09 09:00", severity="serious", site="大连"),
        rec("A", "plan_approved", "2026-10-09 09:30"),
        rec("A", "responded", "2026-10-09 09:05"),
    ]
    report = audit(records, "2026-11-01 00:00")
    (warning,) = report.warnings
    assert (warning.code, warning.event, warning.count, warning.cases) == (
        "end_without_start",
        "plan_approved",
        1,
        ("A",),
    )
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    table = cli("audit", str(log), "--as-of", "2026-11-01", "--lang", "en")
    assert "warning: 1 plan_approved" in table.output
    doc = json.loads(cli("audit", str(log), "--as-of", "2026-11-01", "--format", "json").output)
    assert doc["warnings"] == [
        {"code": "end_without_start", "event": "plan_approved", "count": 1, "cases": ["A"]}
    ]
    explained = cli("explain", str(log), "A", "--as-of", "2026-11-01", "--lang", "en")
    assert "plan_approved" in explained.output and "no open" in explained.output


def test_overlapping_outages_are_one_interruption_with_its_largest_share() -> None:
    records = [
        rec("A", "reported", "2026-10-09 08:00", severity="major", site="沈阳"),
        rec("A", "outage_started", "2026-10-09 08:00", affected_users_pct=40),
        rec("A", "outage_started", "2026-10-09 09:00", affected_users_pct=20),
        rec("A", "outage_ended", "2026-10-09 10:00"),
        rec("A", "outage_ended", "2026-10-09 14:00"),
    ]
    report = audit(records, "2026-11-01 00:00", only=["severity_mismatch"])
    # 08:00-14:00 is one outage of 6 h at 40 %: major (> 4 h and >= 30 %), as declared.
    assert by(report)["A", "severity_mismatch", 1].status == "met"


def test_separate_outages_are_separate_interruptions() -> None:
    records = [
        rec("A", "reported", "2026-10-09 08:00", severity="serious", site="沈阳"),
        rec("A", "outage_started", "2026-10-09 08:00"),
        rec("A", "outage_ended", "2026-10-09 09:30"),
        rec("A", "outage_started", "2026-10-09 11:00"),
        rec("A", "outage_ended", "2026-10-09 12:00"),
    ]
    # Neither lasts 2 h: no level (the contract's gap), not serious by adding them up.
    result = by(audit(records, "2026-11-01 00:00"))["A", "severity_mismatch", 1]
    assert result.status == "not_applicable"


# ---------------------------------------------------------------- 4. reopened, reclassified


def test_a_restoration_followed_by_a_reopening_does_not_solve_the_fault() -> None:
    records = [
        rec("A", "reported", "2026-10-12 09:00", severity="major", site="沈阳"),
        rec("A", "responded", "2026-10-12 09:02"),
        rec("A", "restored", "2026-10-12 10:00"),  # in time for escalate_l2 (due 11:02)
        rec("A", "reopened", "2026-10-12 10:30"),
        rec("A", "restored", "2026-10-12 12:00"),  # the one that counts: late
    ]
    report = audit(records, "2026-11-01 00:00")
    result = by(report)["A", "escalate_l2", 1]
    assert result.status == "breached" and result.finding.done == t("2026-10-12 12:00")
    assert result.late_by == timedelta(minutes=58)
    # Without the reopening the first restoration solves it in time.
    plain = by(audit([r for r in records if r["event"] != "reopened"], "2026-11-01 00:00"))
    assert plain["A", "escalate_l2", 1].status == "met"


def test_servicenow_reopened_and_reprioritised_ticket() -> None:
    run = import_export(SN_MAPPING, [SERVICENOW], CONTRACT)
    events, rejected, _ = check_records(CONTRACT, run)
    assert not rejected
    mine = [(e.name, e.at, dict(e.facts)) for e in events if e.case == "INC0010016"]
    assert ("reclassified", t("2026-11-25 09:34"), {"severity": "critical"}) in mine
    assert ("reopened", t("2026-11-25 14:00"), {}) in mine
    results = by_case_obligation(audit_events(CONTRACT, events, t("2026-12-01 00:00")))
    # The restoration at 11:20 was undone by the reopening at 14:00: the ticket's
    # updates are judged to the restoration at 16:00.
    updates = results["INC0010016", "status_updates"]
    assert updates.status == "met" and updates.finding.done == t("2026-11-25 16:00")
    # The second line was called in at 09:34: escalate_l2 met by the escalation.
    l2 = results["INC0010016", "escalate_l2"]
    assert l2.status == "met" and l2.finding.done == t("2026-11-25 09:34")


def by_case_obligation(results: Iterable[Any]) -> dict[tuple[str, str], Any]:
    return {(r.case, r.obligation): r for r in results}


# ---------------------------------------------------------------- 5. row order


def test_records_at_the_same_instant_give_the_same_case_in_any_order() -> None:
    records = [
        rec("A", "reported", "2026-10-09 09:00", severity="serious", site="沈阳"),
        rec("A", "responded", "2026-10-09 09:14"),
        rec("A", "plan_proposed", "2026-10-09 09:14"),
        rec("A", "plan_approved", "2026-10-09 09:52"),
        rec("A", "reclassified", "2026-10-09 09:14", severity="critical"),
        rec("A", "reclassified", "2026-10-09 09:14", severity="major"),
    ]
    first = verdicts(audit(records, "2026-11-01 00:00"))
    assert verdicts(audit(list(reversed(records)), "2026-11-01 00:00")) == first


def test_exact_duplicate_records_are_counted_once() -> None:
    records = [
        rec("A", "reported", "2026-10-09 09:00", severity="serious", site="沈阳"),
        rec("A", "responded", "2026-10-09 09:14"),
    ]
    report = audit(records + records, "2026-11-01 00:00")
    assert (report.read, report.used, report.duplicates) == (4, 2, 2)
    assert verdicts(report) == verdicts(audit(records, "2026-11-01 00:00"))


SN_HEADER = ["number", "incident_state", "sys_updated_at", "sys_mod_count", "opened_at"]
SN_HEADER += ["priority", "assignment_group"]
SN_STATES = ["New", "Active", "Awaiting User Info", "Awaiting Problem", "Awaiting Evidence"]
SN_STATES += ["Awaiting Vendor", "Resolved", "Closed", "-100"]


@st.composite
def sn_exports(draw: st.DrawFn) -> list[list[str]]:
    """Status histories with many rows in the same minute, told apart by sys_mod_count."""
    rows: list[list[str]] = []
    for n in range(draw(st.integers(1, 3))):
        minute = 0
        for count in range(draw(st.integers(1, 8))):
            minute += draw(st.sampled_from([0, 0, 1, 30]))
            at = datetime(2026, 11, 2, 9, 0) + timedelta(minutes=minute)
            rows.append(
                [
                    f"INC{n}",
                    draw(st.sampled_from(SN_STATES)),
                    at.strftime("%d/%m/%Y %H:%M"),
                    str(count),
                    "?",
                    draw(st.sampled_from(["1 - Critical", "2 - High", "3 - Moderate"])),
                    draw(st.sampled_from(["Service Desk", "Network L2", "DBA L3"])),
                ]
            )
    return rows


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sn_exports(), st.randoms(use_true_random=False))
def test_law_shuffling_an_export_ties_included_changes_no_event_and_no_verdict(
    rows: list[list[str]], rnd: random.Random
) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    got = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in (("a.csv", rows), ("b.csv", shuffled)):
            path = Path(tmp) / name
            with path.open("w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows([SN_HEADER, *body])
            events, rejected, _ = check_records(
                CONTRACT, import_export(SN_MAPPING, [path], CONTRACT)
            )
            assert not rejected
            as_of = t("2026-11-30 00:00")
            got.append(
                (
                    sorted((e.case, e.name, e.at, sorted(e.facts.items())) for e in events),
                    sorted(
                        (
                            r.case,
                            r.obligation,
                            r.occurrence,
                            r.status,
                            r.finding.due,
                            r.finding.done,
                        )
                        for r in audit_events(CONTRACT, events, as_of)
                    ),
                )
            )
    assert got[0] == got[1]


# ---------------------------------------------------------------- 6. what the import says


def test_the_import_lists_statuses_the_mapping_names_nowhere(tmp_path: Path) -> None:
    export = tmp_path / "x.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [
                SN_HEADER,
                ["INC1", "New", "02/11/2026 09:00", "0", "?", "2 - High", "Service Desk"],
                ["INC1", "On Hold", "02/11/2026 09:10", "1", "?", "2 - High", "Service Desk"],
                ["INC1", "On Hold", "02/11/2026 09:20", "2", "?", "2 - High", "Service Desk"],
            ]
        )
    result = cli("import", "--mapping", "servicenow", str(export))
    assert "statuses the mapping names nowhere" in result.stderr
    assert "'On Hold'" in result.stderr and "       2  'On Hold'" in result.stderr


# ---------------------------------------------------------------- 8. evidence


def test_an_incident_only_log_judges_no_periodic_duty_unless_asked() -> None:
    records = [r for r in read_example() if r["case"].startswith(("INC", "CMP", "Q-"))]
    report = audit(records, "2026-11-01 00:00")
    periodic = {"daily_check", "monthly_inspection", "monthly_summary", "quarterly_report"}
    assert not [r for r in report.results if r.obligation in periodic]
    assert periodic <= {u.obligation for u in report.unjudged}
    everything = audit(records, "2026-11-01 00:00", judge_all=True)
    assert any(r.obligation == "daily_check" for r in everything.results)
    assert everything.unjudged == ()


def test_a_summary_submitted_later_names_the_period_it_is_judged_for() -> None:
    records = [rec("S", "monthly_summary_submitted", "2026-02-06 10:00", period="2026-01")]
    result = by(audit(records, "2026-03-01 00:00"))["2026-01", "monthly_summary", 1]
    assert result.status == "met" and result.finding.period == "2026-01"


def read_example() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLE.read_text("utf-8").splitlines() if line]


def test_unjudged_duties_are_listed_in_every_format() -> None:
    records = [r for r in read_example() if r["case"].startswith("INC")]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "inc.jsonl"
        log.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
        doc = json.loads(cli("audit", str(log), "--as-of", "2026-11-01", "--format", "json").output)
        assert "daily_check" in {u["obligation"] for u in doc["unjudged"]}
        table = cli("audit", str(log), "--as-of", "2026-11-01", "--lang", "en").output
        assert "not judged: daily_check" in table
        rows = cli("audit", str(log), "--as-of", "2026-11-01", "--format", "csv").output
        assert "daily_check,3/4.2.3,not_judged" in rows
        summary = cli("report", "--month", "2026-10", str(log), "--as-of", "2026-11-01")
        unjudged = summary.output.split("### 未评判的义务 (日志中无相关记录)")[1].split("##")[0]
        assert "| 驻场日常检查 " in unjudged  # by its title, as the customer reads it


# ---------------------------------------------------------------- 9. explain any case id


def test_explain_takes_periods_devices_and_the_hotline_month() -> None:
    for case, obligation in (
        ("2026-10-04", "daily_check"),
        ("SY-CORE-01 2026-10", "monthly_inspection"),
        ("2026-10", "hotline_service_level"),
    ):
        result = cli("explain", str(EXAMPLE), case, "--as-of", "2026-11-01", "--lang", "en")
        assert result.exit_code in (0, 1), result.output
        assert obligation in result.output


def test_explain_a_mistyped_case_says_did_you_mean() -> None:
    result = cli("explain", str(EXAMPLE), "INC-2610-0011", "--as-of", "2026-11-01", "--lang", "en")
    assert result.exit_code == 2
    assert "did you mean 'INC-2610-011'" in result.stderr
    chinese = cli("explain", str(EXAMPLE), "INC-2610-0011", "--as-of", "2026-11-01")
    assert chinese.stderr.startswith("slarules: 错误: ")
    assert "中没有案件 'INC-2610-0011' (是否是 'INC-2610-011'?)" in chinese.stderr


# ---------------------------------------------------------------- 10. output zone


def test_times_logged_in_utc_come_out_in_the_contracts_zone(tmp_path: Path) -> None:
    log = tmp_path / "utc.jsonl"
    log.write_text(
        json.dumps(
            {"case": "A", "event": "reported", "at": "2026-10-09T01:00Z", "severity": "serious"}
        )
        + "\n"
        + json.dumps({"case": "A", "event": "responded", "at": "2026-10-09T01:05:00+00:00"})
        + "\n",
        "utf-8",
    )
    doc = json.loads(cli("audit", str(log), "--as-of", "2026-11-01", "--format", "json").output)
    row = next(r for r in doc["results"] if r["obligation"] == "remote_response")
    assert row["start"] == "2026-10-09T09:00:00+08:00"
    assert row["done"] == "2026-10-09T09:05:00+08:00"
    csv_out = cli("audit", str(log), "--as-of", "2026-11-01", "--format", "csv").output
    assert "+00:00" not in csv_out
