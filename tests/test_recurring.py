"""The recurring and planned duties, judged over the audit window (rules/recurring.yaml,
rules/hotline.yaml): real outcomes at their boundaries, and a law (a compliant record
never makes things worse).

Dates used (rules/calendar.yaml, State Council schedules):

- 2026-05-01..05 rest (Labour Day), **Sat 2026-05-09 a make-up working day**;
- 2025-10-01..08 rest (National Day), **Sat 2025-10-11 a make-up working day**;
- 2026-01-01..03 rest, **Sun 2026-01-04 a make-up working day**;
- 2026-10-01..07 rest (National Day), **Sat 2026-10-10 a make-up working day**;
- 2026-02-15..23 rest (Spring Festival), **Sat 2026-02-14 a make-up working day**.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import slarules
from slarules.cli import main
from slarules.kinds import window_kinds
from slarules.wording import Wording

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Shanghai")
CONTRACT = slarules.load()
DEVICES = [d.id for d in CONTRACT.devices]
OCTOBER = (datetime(2026, 10, 1, tzinfo=TZ), datetime(2026, 11, 1, tzinfo=TZ))


def t(text: str) -> datetime:
    """A local time, ``2026-10-09 10:00`` or ``2026-10-09 10:00:30``."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def month(label: str) -> tuple[datetime, datetime]:
    year, number = map(int, label.split("-"))
    start = datetime(year, number, 1, tzinfo=TZ)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=TZ)
    return start, end


def rec(case: str, event: str, at: str | datetime, **facts: Any) -> dict[str, Any]:
    stamp = at if isinstance(at, str) else at.isoformat()
    out: dict[str, Any] = {"case": case, "event": event, "at": stamp}
    for key, value in facts.items():
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def audit(
    records: Iterable[Mapping[str, Any]],
    as_of: datetime,
    window: tuple[datetime, datetime],
    *only: str,
    judge_all: bool = False,
) -> slarules.AuditReport:
    report = CONTRACT.audit(
        list(records), as_of=as_of, window=window, only=only or None, judge_all=judge_all
    )
    assert not report.rejected, report.rejected
    return report


def by_case(report: slarules.AuditReport, obligation: str) -> dict[str, slarules.Result]:
    found = [r for r in report.results if r.obligation == obligation]
    out = {r.case: r for r in found}
    assert len(out) == len(found), f"two {obligation} results with one case"
    return out


def one(report: slarules.AuditReport, obligation: str) -> slarules.Result:
    (result,) = [r for r in report.results if r.obligation == obligation]
    return result


# -- monthly_summary: 5 working days after the month, make-up days count -----------------

MAKE_UP_MONTHS = [
    # month, the 5th working day after it, the working days counted
    ("2026-04", "2026-05-11", "05-06, 05-07, 05-08, Sat 05-09 (make-up), Mon 05-11"),
    ("2025-09", "2025-10-14", "10-09, 10-10, Sat 10-11 (make-up), 10-13, 10-14"),
    ("2025-12", "2026-01-08", "Sun 01-04 (make-up), 01-05, 01-06, 01-07, 01-08"),
]


@pytest.mark.parametrize(("label", "fifth", "counted"), MAKE_UP_MONTHS)
def test_calendar_has_the_make_up_day(label: str, fifth: str, counted: str) -> None:
    make_up = [part.split()[1] for part in counted.split(", ") if "make-up" in part]
    (day,) = make_up
    year = int(fifth[:4])
    d = date(year, int(day[:2]), int(day[3:]))
    assert d.weekday() >= 5 and CONTRACT.calendar.is_working_day(d)


@pytest.mark.parametrize(("label", "fifth", "counted"), MAKE_UP_MONTHS)
def test_summary_on_the_fifth_working_day_with_a_make_up_day(
    label: str, fifth: str, counted: str
) -> None:
    window = month(label)
    last_day = t(f"{fifth} 00:00")
    due = last_day + timedelta(days=1)
    as_of = due + timedelta(days=30)

    def summary_at(at: datetime) -> slarules.Result:
        report = audit(
            [rec("SUM", "monthly_summary_submitted", at, period=label)],
            as_of,
            window,
            "monthly_summary",
        )
        result = one(report, "monthly_summary")
        assert result.case == label and result.finding.period == label
        assert result.finding.due == due
        return result

    assert summary_at(last_day + timedelta(hours=17)).status == "met"
    assert summary_at(due).status == "met"  # 24:00 of the 5th working day
    late = summary_at(due + timedelta(hours=9))  # the next day, 09:00
    assert late.status == "breached"
    assert late.late_by == timedelta(hours=9)


def test_a_summary_for_another_period_does_not_count() -> None:
    report = audit(
        [rec("SUM", "monthly_summary_submitted", "2026-05-08T10:00", period="2026-03")],
        t("2026-06-01 00:00"),
        month("2026-04"),
        "monthly_summary",
    )
    result = one(report, "monthly_summary")
    assert result.status == "breached" and result.finding.done is None


def _cli_audit(tmp_path: Path, records: list[dict[str, Any]], *args: str) -> Any:
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    result = CliRunner().invoke(main, ["audit", str(log), "--format", "json", *args])
    return result.exit_code, json.loads(result.output)


SUMMARIES = [
    # 2026-03: 5 working days after Tue 03-31 skip Qingming (04-05 Sun, 04-06 Mon):
    # 04-01, 04-02, 04-03, 04-07, 04-08.
    rec("SUM-03", "monthly_summary_submitted", "2026-04-08T18:00:00+08:00", period="2026-03"),
    # 2026-04: none at all.
    # 2026-05: due 06-05 24:00 (06-01..06-05); submitted Monday 06-08 10:00.
    rec("SUM-05", "monthly_summary_submitted", "2026-06-08T10:00:00+08:00", period="2026-05"),
]


def test_a_month_without_a_summary_is_a_breach_one_result_per_month(tmp_path: Path) -> None:
    code, out = _cli_audit(
        tmp_path,
        SUMMARIES,
        "--as-of",
        "2026-07-03T00:00+08:00",
        "--from",
        "2026-03",
        "--to",
        "2026-06",
        "-O",
        "monthly_summary",
    )
    assert code == 1
    rows = {r["case"]: r for r in out["results"]}
    assert list(rows) == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert all(r["obligation"] == "monthly_summary" for r in rows.values())
    assert {case: r["period"] for case, r in rows.items()} == {c: c for c in rows}
    assert {case: r["status"] for case, r in rows.items()} == {
        "2026-03": "met",
        "2026-04": "breached",
        "2026-05": "breached",
        "2026-06": "pending",
    }
    assert rows["2026-03"]["due"] == "2026-04-09T00:00:00+08:00"
    assert rows["2026-04"]["due"] == "2026-05-12T00:00:00+08:00"
    assert rows["2026-04"]["done"] is None
    assert rows["2026-05"]["due"] == "2026-06-06T00:00:00+08:00"
    assert rows["2026-05"]["late_by_seconds"] == (2 * 24 + 10) * 3600
    # June: 07-01, 07-02, 07-03, 07-06, 07-07: due 07-08 00:00, not yet at the as-of time.
    assert rows["2026-06"]["due"] == "2026-07-08T00:00:00+08:00"
    assert out["summary"]["monthly_summary"] == {
        "met": 1,
        "breached": 2,
        "pending": 1,
        "not_applicable": 0,
    }


def test_the_default_window_is_the_months_the_log_covers(tmp_path: Path) -> None:
    _code, out = _cli_audit(
        tmp_path, SUMMARIES, "--as-of", "2026-07-03T00:00+08:00", "-O", "monthly_summary"
    )
    # The records fall in April and June: the window is April..June, and March too,
    # which a summary names.
    assert [r["case"] for r in out["results"]] == ["2026-03", "2026-04", "2026-05", "2026-06"]


# -- hotline_service_level: >= 95 % of calls under 30 s -------------------------------------


def calls(waits: Iterable[float], start: str = "2026-10-01 00:00") -> list[dict[str, Any]]:
    """One call a minute from ``start``."""
    first = t(start)
    return [
        rec("HOTLINE", "call", first + timedelta(minutes=i), wait_seconds=wait)
        for i, wait in enumerate(waits)
    ]


HOTLINE = "hotline_service_level"


def hotline(waits: Iterable[float], as_of: datetime = OCTOBER[1]) -> slarules.Result:
    return one(
        audit(calls(waits), as_of, OCTOBER, "hotline_service_level"), "hotline_service_level"
    )


@pytest.mark.parametrize(
    ("good", "total", "status"),
    [
        (19, 20, "met"),  # exactly 95 %
        (57, 60, "met"),
        (950, 1000, "met"),
        (20, 20, "met"),
        (949, 1000, "breached"),  # 94.9 %
        (1899, 2000, "breached"),  # 94.95 %
        (189, 199, "breached"),  # 94.97 %
        (18, 20, "breached"),
    ],
)
def test_hotline_share_at_the_95_percent_boundary(good: int, total: int, status: str) -> None:
    result = hotline([5] * good + [45] * (total - good))
    assert result.status == status
    assert result.case == "2026-10" and result.finding.period == "2026-10"
    details = dict(result.finding.details)
    assert (details["count"], details["within"]) == (total, good)


def test_a_call_waiting_exactly_30_s_is_not_within() -> None:
    assert hotline([30]).status == "breached"
    assert dict(hotline([30]).finding.details)["within"] == 0
    assert hotline([29.999]).status == "met"
    assert hotline([5] * 19 + [30]).status == "met"  # 19/20 = 95 %
    assert hotline([5] * 18 + [30, 30]).status == "breached"  # 18/20 = 90 %


def test_hotline_period_boundaries() -> None:
    # Running month: pending; over exactly at the as-of time: judged.
    assert hotline([45], as_of=t("2026-10-31 23:59")).status == "pending"
    assert hotline([45], as_of=OCTOBER[1]).status == "breached"
    # No calls in a month of the window: no term to judge.
    two_months = (OCTOBER[0], t("2026-12-01 00:00"))
    report = audit(calls([5], "2026-10-31 23:59"), two_months[1], two_months, HOTLINE)
    levels = by_case(report, "hotline_service_level")
    assert levels["2026-10"].status == "met"
    assert levels["2026-11"].status == "not_applicable"
    # A call at 2026-11-01 00:00 belongs to November.
    report = audit(calls([45], "2026-11-01 00:00"), two_months[1], two_months, HOTLINE)
    levels = by_case(report, "hotline_service_level")
    assert (levels["2026-10"].status, levels["2026-11"].status) == ("not_applicable", "breached")


@settings(max_examples=60, deadline=None)
@given(total=st.integers(1, 250), data=st.data())
def test_hotline_share_is_exact_integer_arithmetic(total: int, data: st.DataObject) -> None:
    good = data.draw(st.integers(0, total))
    expected = "met" if 100 * good >= 95 * total else "breached"
    assert hotline([0] * good + [30] * (total - good)).status == expected


# -- inspection_notice: 3 working days, across holidays -------------------------------------


@pytest.mark.parametrize(
    ("notified", "planned", "status", "due"),
    [
        # Fri 10-09: the 3 working days before are 10-08, 09-30, 09-29 (10-01..07 rest).
        ("2026-09-29 17:00", "2026-10-09 10:00", "met", "2026-09-30 00:00"),
        ("2026-09-30 09:00", "2026-10-09 10:00", "breached", "2026-09-30 00:00"),
        # Mon 10-12: Sat 10-10 (make-up), 10-09, 10-08; a notice on a rest day of the holiday.
        ("2026-10-07 16:00", "2026-10-12 10:00", "met", "2026-10-09 00:00"),
        ("2026-10-08 23:59", "2026-10-12 10:00", "met", "2026-10-09 00:00"),
        ("2026-10-09 08:00", "2026-10-12 10:00", "breached", "2026-10-09 00:00"),
        # Tue 2026-02-24 after the Spring Festival: Sat 02-14 (make-up), 02-13, 02-12.
        ("2026-02-12 18:00", "2026-02-24 09:00", "met", "2026-02-13 00:00"),
        ("2026-02-13 09:00", "2026-02-24 09:00", "breached", "2026-02-13 00:00"),
    ],
)
def test_inspection_notice_three_working_days(
    notified: str, planned: str, status: str, due: str
) -> None:
    planned_at = t(planned)
    window = month(planned[:7])
    report = audit(
        [rec("INSP", "inspection_notified", t(notified), planned_for=planned_at)],
        window[1] + timedelta(days=10),
        window,
        "inspection_notice",
    )
    result = one(report, "inspection_notice")
    assert result.case == "INSP"
    assert (result.status, result.finding.due) == (status, t(due))


def test_every_inspection_needs_a_notice_for_its_day() -> None:
    records = [
        rec("A", "inspection_notified", "2026-10-12T09:00", planned_for=t("2026-10-15 14:00")),
        rec("A", "inspection", "2026-10-15T14:00", device="SY-CORE-01"),
        rec("B", "inspection", "2026-10-16T10:00", device="SY-CORE-02"),  # no notice
    ]
    report = audit(records, OCTOBER[1], OCTOBER, "inspection_notice")
    results = by_case(report, "inspection_notice")
    assert results["A"].status == "met"
    assert results["B"].status == "breached" and results["B"].finding.done is None
    # 3 working days before Fri 10-16: 10-15, 10-14, 10-13.
    assert results["B"].finding.due == t("2026-10-14 00:00")


def test_a_notice_planned_outside_the_window_is_judged_in_its_own_window() -> None:
    record = rec("N", "inspection_notified", "2026-10-26T09:00", planned_for=t("2026-11-03 10:00"))
    assert audit([record], t("2026-12-01 00:00"), OCTOBER, "inspection_notice").results == ()
    november = audit([record], t("2026-12-01 00:00"), month("2026-11"), "inspection_notice")
    assert one(november, "inspection_notice").status == "met"


# -- inspection_confirm: 2 calendar days --------------------------------------------------


@pytest.mark.parametrize(
    ("confirmed", "status"),
    [
        ("2026-10-18 10:00", "met"),  # Sunday, exactly 2 days before Tue 10-20: rest days count
        ("2026-10-18 23:59", "met"),
        ("2026-10-17 09:00", "met"),
        ("2026-10-19 00:01", "breached"),
        ("2026-10-19 09:00", "breached"),
    ],
)
def test_inspection_confirm_two_calendar_days(confirmed: str, status: str) -> None:
    planned = t("2026-10-20 10:00")
    records = [
        rec("I", "inspection_confirmed", t(confirmed), planned_for=planned),
        rec("I", "inspection", planned, device="DL-AGG-01"),
    ]
    result = one(audit(records, OCTOBER[1], OCTOBER, "inspection_confirm"), "inspection_confirm")
    assert (result.status, result.finding.due) == (status, t("2026-10-19 00:00"))


def test_an_inspection_never_confirmed_is_a_breach() -> None:
    records = [rec("I", "inspection", "2026-10-20T10:00", device="DL-AGG-01")]
    result = one(audit(records, OCTOBER[1], OCTOBER, "inspection_confirm"), "inspection_confirm")
    assert result.status == "breached" and result.finding.due == t("2026-10-19 00:00")


# -- tech_exchange: at least 1 h ----------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "status"),
    [
        ("2026-10-14T15:00:00+08:00", "met"),  # exactly 1 h: 不少于 includes it
        ("2026-10-14T07:00:00+00:00", "met"),  # the same instant, in UTC
        ("2026-10-14T15:00:01+08:00", "met"),
        ("2026-10-14T14:59:59+08:00", "breached"),
        ("2026-10-14T14:50:00+08:00", "breached"),
    ],
)
def test_tech_exchange_lasts_at_least_an_hour(until: str, status: str) -> None:
    record = rec("TX", "tech_exchange", "2026-10-14T14:00:00+08:00", until=until)
    result = one(audit([record], OCTOBER[1], OCTOBER, "tech_exchange"), "tech_exchange")
    assert result.status == status and result.case == "TX"
    assert result.finding.due == t("2026-10-14 15:00")


def test_tech_exchange_reports_its_length_not_a_lateness() -> None:
    def exchange(minutes: int) -> slarules.Result:
        start = t("2026-10-14 14:00")
        record = rec("TX", "tech_exchange", start, until=start + timedelta(minutes=minutes))
        return one(audit([record], OCTOBER[1], OCTOBER, "tech_exchange"), "tech_exchange")

    short, long = exchange(50), exchange(70)
    assert (short.status, long.status) == ("breached", "met")
    # A minimum is not a deadline: no lateness or margin, the length is in the details.
    assert short.late_by is None and short.margin is None and long.margin is None
    assert dict(short.finding.details)["lasted_seconds"] == 50 * 60
    assert dict(long.finding.details)["lasted_seconds"] == 70 * 60


def test_two_notices_of_one_case_are_two_occurrences() -> None:
    records = [
        rec("I", "inspection_notified", "2026-10-05T10:00", planned_for=t("2026-10-15 10:00")),
        rec("I", "inspection_notified", "2026-10-14T10:00", planned_for=t("2026-10-20 10:00")),
    ]
    report = audit(records, OCTOBER[1], OCTOBER, "inspection_notice")
    assert [r.status for r in report.results] == ["met", "met"]
    assert sorted(r.occurrence for r in report.results) == [1, 2]


# -- training_notice: 30 working days ahead, except after major faults ---------------------

# Tue 2026-12-15: the 30th working day before it is Tue 11-03 (12-14..12-01: 10,
# 11-30..11-09: 16, 11-06..11-03: 4), so a request is due by 11-03 24:00.
TRAINING = t("2026-12-15 09:00")
TRAINING_DUE = t("2026-11-04 00:00")
DECEMBER = month("2026-12")


def training(asked: str, *faults: tuple[str, str]) -> slarules.Result:
    records = [rec("TRN", "training_requested", t(asked), planned_for=TRAINING)]
    records += [
        rec(f"INC-{i}", "reported", t(at), severity=level, site="沈阳")
        for i, (at, level) in enumerate(faults)
    ]
    report = audit(records, t("2027-01-01 00:00"), DECEMBER, "training_notice")
    result = one(report, "training_notice")
    assert result.case == "TRN"
    return result


def test_training_asked_30_working_days_ahead() -> None:
    assert training("2026-11-03 17:00").status == "met"
    assert training("2026-11-03 17:00").finding.due == TRAINING_DUE
    assert training("2026-11-04 09:00").status == "breached"


@pytest.mark.parametrize("level", ["critical", "特大", "major", "重大"])
def test_a_major_fault_shortly_before_excuses_a_late_request(level: str) -> None:
    late = training("2026-11-20 10:00", ("2026-11-19 15:00", level))
    assert late.status == "not_applicable"
    assert "INC-0" in Wording(CONTRACT, "en").reason(late)


@pytest.mark.parametrize(
    "fault",
    [
        ("2026-11-19 15:00", "serious"),  # not a major or critical fault
        ("2026-11-19 15:00", "一般"),
        ("2026-10-20 15:00", "critical"),  # before the notice period (which starts 11-03)
        ("2026-12-16 15:00", "critical"),  # after the training
    ],
)
def test_other_faults_do_not_excuse_a_late_request(fault: tuple[str, str]) -> None:
    assert training("2026-11-20 10:00", fault).status == "breached"


def test_a_fault_after_a_timely_request_does_not_undo_it() -> None:
    assert training("2026-11-02 10:00", ("2026-11-10 09:00", "major")).status == "met"


def test_the_examples_timely_training_request_is_met() -> None:
    records = [
        json.loads(line)
        for line in (ROOT / "examples" / "october-2026.jsonl").read_text("utf-8").splitlines()
    ]
    report = audit(records, t("2026-11-01 00:00"), (OCTOBER[0], DECEMBER[1]), "training_notice")
    assert by_case(report, "training_notice")["TRN-2610-01"].status == "met"


# -- monthly_inspection: every device, every month -----------------------------------------


def test_monthly_inspection_per_device() -> None:
    november = month("2026-11")
    records = [
        rec(f"I-{i}", "inspection", t(f"2026-11-{10 + i:02d} 10:00"), device=device)
        for i, device in enumerate(DEVICES[:4])
    ]
    last = DEVICES[4]
    records += [
        rec("I-before", "inspection", "2026-10-31T23:59", device=last),  # October's
        rec("I-after", "inspection", "2026-12-01T00:00", device=last),  # December's
        rec("I-unknown", "inspection", "2026-11-12T10:00", device="XX-999"),  # not in scope
    ]
    report = audit(records, t("2026-12-02 00:00"), november, "monthly_inspection")
    results = by_case(report, "monthly_inspection")
    assert sorted(results) == sorted(f"{d} 2026-11" for d in DEVICES)
    for i, device in enumerate(DEVICES[:4]):
        result = results[f"{device} 2026-11"]
        assert result.status == "met" and result.finding.period == "2026-11"
        assert result.finding.done == t(f"2026-11-{10 + i:02d} 10:00")
    missed = results[f"{last} 2026-11"]
    assert missed.status == "breached" and missed.finding.done is None
    assert missed.finding.due == november[1]
    # At the month's end exactly, the missing inspection is still pending.
    at_end = audit(records, november[1], november, "monthly_inspection")
    assert by_case(at_end, "monthly_inspection")[f"{last} 2026-11"].status == "pending"


def test_monthly_inspection_two_months_give_one_result_per_device_and_month() -> None:
    records = [rec("I", "inspection", "2026-10-12T10:00", device=DEVICES[0])]
    window = (OCTOBER[0], t("2026-12-01 00:00"))
    report = audit(records, t("2026-12-02 00:00"), window, "monthly_inspection")
    results = by_case(report, "monthly_inspection")
    assert len(results) == 2 * len(DEVICES)
    assert Counter(r.status for r in results.values()) == {"met": 1, "breached": 9}


# -- daily_check: every day --------------------------------------------------------------


def test_daily_check_per_day() -> None:
    records = [
        rec("D", "daily_check", "2026-10-05T23:59:59"),
        rec("D", "daily_check", "2026-10-07T00:00:00"),
    ]
    window = (t("2026-10-05 00:00"), t("2026-10-08 00:00"))
    report = audit(records, t("2026-10-08 00:00"), window, "daily_check")
    results = by_case(report, "daily_check")
    assert {day: r.status for day, r in results.items()} == {
        "2026-10-05": "met",
        "2026-10-06": "breached",  # the 23:59:59 check is the 5th's, 00:00 the 7th's
        "2026-10-07": "met",
    }
    assert all(r.finding.period == day for day, r in results.items())
    assert results["2026-10-06"].finding.due == t("2026-10-07 00:00")


def test_daily_check_window_from_the_cli(tmp_path: Path) -> None:
    records = [rec("D", "daily_check", "2026-10-06T08:30:00+08:00")]
    code, out = _cli_audit(
        tmp_path,
        records,
        "--as-of",
        "2026-10-08T00:00+08:00",
        "--from",
        "2026-10-05",
        "--to",
        "2026-10-07",  # a date as the end: its 24:00
        "-O",
        "daily_check",
    )
    assert code == 1
    got = {r["case"]: (r["status"], r["period"]) for r in out["results"]}
    assert got == {
        "2026-10-05": ("breached", "2026-10-05"),
        "2026-10-06": ("met", "2026-10-06"),
        "2026-10-07": ("pending", "2026-10-07"),  # due 10-08 00:00 = the as-of time
    }


# -- the law: a compliant record never makes things worse ----------------------------------

WINDOW_DUTIES = [ob.id for ob in CONTRACT.obligations if ob.type in window_kinds()]
OCT_DAYS = [date(2026, 10, d) for d in range(1, 32)]


def _at(day: date, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(minutes=minute)


@st.composite
def base_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A month of recurring work, some of it missing or late."""
    out: list[dict[str, Any]] = []
    minutes = st.integers(0, 24 * 60 - 1)
    for i, day in enumerate(draw(st.lists(st.sampled_from(OCT_DAYS), max_size=12))):
        out.append(rec(f"D-{i}", "daily_check", _at(day, draw(minutes))))
    for i, (day, wait) in enumerate(
        draw(st.lists(st.tuples(st.sampled_from(OCT_DAYS), st.integers(0, 60)), max_size=25))
    ):
        out.append(rec(f"C-{i}", "call", _at(day, draw(minutes)), wait_seconds=wait))
    devices = st.sampled_from([*DEVICES, "XX-999"])
    for i in range(draw(st.integers(0, 4))):
        day = draw(st.sampled_from(OCT_DAYS))
        planned = _at(day, 10 * 60)
        out.append(rec(f"I-{i}", "inspection", planned, device=draw(devices)))
        if draw(st.booleans()):
            notice = planned - timedelta(days=draw(st.integers(0, 9)))
            out.append(rec(f"I-{i}", "inspection_notified", notice, planned_for=planned))
        if draw(st.booleans()):
            confirm = planned - timedelta(days=draw(st.integers(0, 4)))
            out.append(rec(f"I-{i}", "inspection_confirmed", confirm, planned_for=planned))
    for i in range(draw(st.integers(0, 2))):
        start = _at(draw(st.sampled_from(OCT_DAYS)), 9 * 60)
        until = start + timedelta(minutes=draw(st.integers(0, 90)))
        out.append(rec(f"X-{i}", "tech_exchange", start, until=until))
    if draw(st.booleans()):
        out.append(
            rec(
                "S",
                "monthly_summary_submitted",
                _at(date(2026, 11, draw(st.integers(1, 12))), 600),
                period="2026-10",
            )
        )
    for i in range(draw(st.integers(0, 2))):
        planned = _at(draw(st.sampled_from(OCT_DAYS)), 9 * 60)
        asked = planned - timedelta(days=draw(st.integers(1, 60)))
        out.append(rec(f"T-{i}", "training_requested", asked, planned_for=planned))
    if draw(st.booleans()):
        out.append(
            rec("F", "reported", _at(draw(st.sampled_from(OCT_DAYS)), 600), severity="critical")
        )
    return out


@st.composite
def compliant_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One piece of work done as the contract asks (a few records for an inspection)."""
    kind = draw(st.sampled_from(["daily_check", "call", "inspection", "tech_exchange", "summary"]))
    day = draw(st.sampled_from(OCT_DAYS))
    when = _at(day, draw(st.integers(0, 24 * 60 - 1)))
    if kind == "daily_check":
        return [rec("NEW", "daily_check", when)]
    if kind == "call":
        return [rec("NEW", "call", when, wait_seconds=0)]
    if kind == "tech_exchange":
        return [rec("NEW", "tech_exchange", when, until=when + timedelta(minutes=60 + day.day))]
    if kind == "summary":
        on_time = _at(date(2026, 11, draw(st.integers(2, 6))), 600)  # 11-02..11-06: working
        return [rec("NEW", "monthly_summary_submitted", on_time, period="2026-10")]
    planned = _at(day, 10 * 60)
    last_notice_day = CONTRACT.calendar.working_days_before(day, 3)
    notice = _at(last_notice_day, 17 * 60) - timedelta(days=draw(st.integers(0, 5)))
    confirm = _at(day - timedelta(days=2), 9 * 60) - timedelta(days=draw(st.integers(0, 3)))
    return [
        rec("NEW", "inspection_notified", notice, planned_for=planned),
        rec("NEW", "inspection_confirmed", confirm, planned_for=planned),
        rec("NEW", "inspection", planned, device=draw(st.sampled_from(DEVICES))),
    ]


def _statuses(report: slarules.AuditReport) -> dict[tuple[str, str, int], str]:
    """Status by (case, obligation, n-th result of that case and obligation)."""
    seen: Counter[tuple[str, str]] = Counter()
    out = {}
    for r in report.results:
        seen[(r.case, r.obligation)] += 1
        out[(r.case, r.obligation, seen[(r.case, r.obligation)])] = r.status
    return out


@settings(max_examples=80, deadline=None)
@given(
    base=base_records(),
    extra=compliant_records(),
    as_of=st.sampled_from([t("2026-11-01 00:00"), t("2026-11-20 00:00"), t("2026-12-31 00:00")]),
)
def test_a_compliant_record_never_makes_things_worse(
    base: list[dict[str, Any]], extra: list[dict[str, Any]], as_of: datetime
) -> None:
    # On the complete record (every duty judged): a duty's first event makes it judged,
    # which by itself may show breaches elsewhere; that is the law of evidence below.
    before = _statuses(audit(base, as_of, OCTOBER, *WINDOW_DUTIES, judge_all=True))
    after = _statuses(audit([*base, *extra], as_of, OCTOBER, *WINDOW_DUTIES, judge_all=True))
    added_breaches = {k for k, s in after.items() if s == "breached" and before.get(k) != s}
    assert not added_breaches
    lost = {k: after.get(k) for k, s in before.items() if s == "met" and after.get(k) != "met"}
    assert not lost


def test_a_notice_naming_a_device_does_not_cover_another_device() -> None:
    planned = t("2026-10-20 10:00")
    records = [
        rec(
            "N", "inspection_notified", "2026-10-12T10:00", planned_for=planned, device="SY-CORE-01"
        ),
        rec("A", "inspection", "2026-10-20T10:00", device="SY-CORE-01"),
        rec("B", "inspection", "2026-10-20T14:00", device="SY-CORE-02"),
    ]
    report = audit(records, OCTOBER[1], OCTOBER, "inspection_notice")
    by_case = {r.case: r.status for r in report.results}
    assert by_case == {"N": "met", "B": "breached"}
