"""The working-day calendar: rules/calendar.yaml against the State Council schedules."""

from __future__ import annotations

import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.calendar import CalendarNotCovered, WorkCalendar
from slarules.cli import main
from slarules.wording import Words

ROOT = Path(__file__).resolve().parent.parent
CALENDAR_YAML = ROOT / "rules" / "calendar.yaml"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _day(value: Any) -> date:
    # safe_load turns unquoted dates into `date`; the package's loader keeps strings. Take both.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def load_calendar(fallback: str | None = None) -> WorkCalendar:
    doc = yaml.safe_load(CALENDAR_YAML.read_text(encoding="utf-8"))
    rest = {_day(v) for year in doc["years"].values() for v in year["rest_days"]}
    work = {_day(v) for year in doc["years"].values() for v in year["workdays"]}
    return WorkCalendar(
        first_year=doc["covers"]["from"],
        last_year=doc["covers"]["to"],
        rest_days=frozenset(rest),
        workdays=frozenset(work),
        weekend=frozenset(WEEKDAYS.index(d) for d in doc["weekend"]),
        fallback=fallback or doc.get("fallback", "error"),
    )


CAL = load_calendar()
WEEKDAYS_CAL = load_calendar("weekdays")


def days(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(i) for i in range((b - a).days + 1)]


# -- the data ---------------------------------------------------------------------------------


def test_file_shape() -> None:
    doc = yaml.safe_load(CALENDAR_YAML.read_text(encoding="utf-8"))
    assert doc["apiVersion"] == "slarules/v1"
    assert doc["kind"] == "Calendar"
    assert doc["timezone"] == "Asia/Shanghai"
    assert doc["weekend"] == ["sat", "sun"]
    # 2008: the first year of the current holiday system; 2026: the last notice published.
    assert doc["covers"] == {"from": 2008, "to": 2026}
    assert doc["fallback"] == "error"
    assert sorted(doc["years"]) == list(range(2008, 2027))
    for year, data in doc["years"].items():
        assert set(data) == {"source", "rest_days", "workdays"}
        assert all(_day(d).year == year for d in data["rest_days"] + data["workdays"])
        # Every year names its notice, and every notice since 2008 moves some weekend day.
        assert str(year) in data["source"] or "国办发明电" in data["source"], year
        assert data["workdays"], year
    assert doc["years"][2024]["source"] == "国办发明电〔2023〕7号"
    assert doc["years"][2016]["source"] == "国办发明电〔2015〕18号"
    assert "国发明电〔2015〕1号" in doc["years"][2015]["source"]


# Days on which rules/calendar.yaml (from `holidays`) and `chinese_calendar` disagree, each with
# the State Council notice that settles it: {date: (is it a working day, why)}. None found for
# 2008-2026 with holidays 0.109 and chinesecalendar 1.11, including the mid-year changes (2015's
# 抗战胜利70周年 day, 09-03..05 off and Sunday 09-06 worked; 2019's 劳动节 made four days, so
# 2019-05-05 Sunday worked; 2020's 春节 extended to 02-02, so Saturday 2020-02-01 was no longer a
# working day) and the days a notice sets in the year before (2011-12-31, 2018-12-29/31).
KNOWN_DISAGREEMENTS: dict[date, tuple[bool, str]] = {}


def years_both_cover(chinese_calendar: Any) -> range:
    """The years rules/calendar.yaml and chinesecalendar both have (its range grows by release)."""
    theirs = chinese_calendar.constants.holidays
    first = max(CAL.first_year, min(theirs).year)
    last = min(CAL.last_year, max(theirs).year)
    return range(first, last + 1)


def test_every_day_matches_chinese_calendar() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    years = years_both_cover(chinese_calendar)
    # chinesecalendar has 2004 on (1.11: to 2026), so the check starts where ours does.
    assert years[0] == CAL.first_year and len(years) >= 18
    mismatches = []
    for d in days(f"{years[0]}-01-01", f"{years[-1]}-12-31"):
        expected = chinese_calendar.is_workday(d)
        if d in KNOWN_DISAGREEMENTS:
            truth, _why = KNOWN_DISAGREEMENTS[d]
            assert expected != truth, f"{d} is no longer a disagreement"
            expected = truth
        if CAL.is_working_day(d) != expected:
            mismatches.append(d)
    assert mismatches == []


def test_the_two_changed_schedules() -> None:
    # 国务院办公厅关于调整2019年劳动节假期安排的通知:
    # 05-01..04 off, 04-28 and 05-05 (Sundays) worked.
    assert [CAL.is_working_day(d) for d in days("2019-04-28", "2019-05-05")] == [
        True, True, True, False, False, False, False, True,
    ]  # fmt: skip
    # 国务院办公厅关于延长2020年春节假期的通知: off to 02-02, so Saturday 02-01 is not worked.
    assert not any(CAL.is_working_day(d) for d in days("2020-01-24", "2020-02-02"))
    assert CAL.is_working_day(date(2020, 2, 3))


# Every make-up working day (调休上班) in the notices for 2008 (国务院办公厅关于2008年部分节假日
# 安排的通知; its Saturday 2007-12-29 lies before the calendar), 2016 (国办发明电〔2015〕18号), 2024
# (国办发明电〔2023〕7号), 2025 (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号), typed in
# from the notices.
MAKE_UP_DAYS = {
    2008: ["2008-02-02", "2008-02-03", "2008-05-04", "2008-09-27", "2008-09-28"],
    2016: ["2016-02-06", "2016-02-14", "2016-06-12", "2016-09-18", "2016-10-08", "2016-10-09"],
    2024: ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
           "2024-09-29", "2024-10-12"],
    2025: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    2026: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
}  # fmt: skip


@pytest.mark.parametrize("day", [d for ds in MAKE_UP_DAYS.values() for d in ds])
def test_make_up_working_day(day: str) -> None:
    d = date.fromisoformat(day)
    assert d.weekday() >= 5, "a make-up working day falls on a weekend"
    assert CAL.is_working_day(d)


@pytest.mark.parametrize("year", sorted(MAKE_UP_DAYS))
def test_no_other_weekend_is_worked(year: int) -> None:
    worked = [
        d.isoformat()
        for d in days(f"{year}-01-01", f"{year}-12-31")
        if d.weekday() >= 5 and CAL.is_working_day(d)
    ]
    assert worked == MAKE_UP_DAYS[year]


def test_2024_02_04_sunday_is_a_working_day() -> None:
    # The example in TERMS.md.
    assert date(2024, 2, 4).weekday() == 6
    assert CAL.is_working_day(date(2024, 2, 4))


# (first, last) rest day of the National Day and Spring Festival breaks, from the notices.
BREAKS = {
    "national day 2008": ("2008-09-29", "2008-10-05"),
    "spring festival 2016": ("2016-02-07", "2016-02-13"),
    "dragon boat 2016": ("2016-06-09", "2016-06-11"),
    "national day 2016": ("2016-10-01", "2016-10-07"),
    "national day 2024": ("2024-10-01", "2024-10-07"),
    "national day 2025 (with mid-autumn)": ("2025-10-01", "2025-10-08"),
    "national day 2026": ("2026-10-01", "2026-10-07"),
    "spring festival 2024": ("2024-02-10", "2024-02-17"),
    "spring festival 2025": ("2025-01-28", "2025-02-04"),
    "spring festival 2026": ("2026-02-15", "2026-02-23"),
}


@pytest.mark.parametrize("first,last", BREAKS.values(), ids=list(BREAKS))
def test_holiday_breaks_are_rest_days(first: str, last: str) -> None:
    run = days(first, last)
    assert not any(CAL.is_working_day(d) for d in run)
    # ...and the break is exactly that long: working days on both sides.
    assert CAL.is_working_day(run[0] - timedelta(1))
    assert CAL.is_working_day(run[-1] + timedelta(1))


def test_generated_file_is_up_to_date() -> None:
    pytest.importorskip("holidays")
    spec = importlib.util.spec_from_file_location("gen_calendar", ROOT / "scripts/gen_calendar.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    fresh = gen.render(2008, 2026)
    # The header names the package version; the data must be what the script writes.
    strip = [line for line in fresh.splitlines() if "Generated by" not in line]
    have = [
        line
        for line in CALENDAR_YAML.read_text(encoding="utf-8").splitlines()
        if "Generated by" not in line
    ]
    assert have == strip, "rules/calendar.yaml was edited by hand: re-run scripts/gen_calendar.py"


# -- counting ---------------------------------------------------------------------------------


def test_add_and_between_semantics() -> None:
    fri, sat, sun, mon = (date(2024, 3, d) for d in (8, 9, 10, 11))
    assert CAL.add_working_days(fri, 1) == mon
    assert CAL.add_working_days(sat, 1) == mon
    assert CAL.add_working_days(sat, -1) == fri
    assert CAL.add_working_days(mon, -1) == fri
    assert CAL.add_working_days(sat, 0) == sat
    assert CAL.working_days_between(fri, mon) == 1  # (fri, mon]
    assert CAL.working_days_between(fri, sun) == 0
    assert CAL.working_days_between(sat, sun) == 0
    assert CAL.working_days_between(mon, fri) == -1  # [fri, mon)
    assert CAL.working_days_between(sat, fri) == -1  # [fri, sat)
    assert CAL.working_days_between(fri, fri) == 0
    # Across the 2024 National Day break: 09-29 (Sun) worked, 10-01..07 off, 10-12 (Sat) worked.
    assert CAL.add_working_days(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert CAL.add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert CAL.add_working_days(date(2024, 9, 30), 5) == date(2024, 10, 12)
    assert CAL.working_days_between(date(2024, 9, 30), date(2024, 10, 12)) == 5
    assert CAL.next_working_day_on_or_after(date(2024, 10, 1)) == date(2024, 10, 8)
    assert CAL.next_working_day_on_or_after(date(2024, 10, 8)) == date(2024, 10, 8)
    assert CAL.working_days_before(date(2024, 10, 8), 1) == date(2024, 9, 30)
    assert CAL.working_days_before(date(2024, 10, 8), 3) == date(2024, 9, 27)
    with pytest.raises(ValueError):
        CAL.working_days_before(date(2024, 10, 8), 0)


covered = st.dates(date(2008, 1, 1), date(2026, 12, 31))


@settings(max_examples=300, deadline=None, database=None)
@given(covered, st.integers(-60, 60))
def test_between_undoes_add(d: date, n: int) -> None:
    try:
        landed = CAL.add_working_days(d, n)
    except CalendarNotCovered:
        return
    assert CAL.working_days_between(d, landed) == n
    if n:
        assert CAL.is_working_day(landed)
        lo, hi = sorted((d, landed))
        inside = sum(CAL.is_working_day(x) for x in days(lo.isoformat(), hi.isoformat()))
        assert inside - CAL.is_working_day(d) == abs(n)  # the start is never counted


@settings(max_examples=200, deadline=None, database=None)
@given(st.dates(date(2006, 1, 1), date(2029, 12, 31)), st.integers(-400, 400))
def test_fallback_weekdays_across_the_edges(d: date, n: int) -> None:
    cal = WEEKDAYS_CAL
    landed = cal.add_working_days(d, n)
    assert cal.working_days_between(d, landed) == n
    # The slow way, a day at a time: (d, landed] forwards, [landed, d) backwards.
    if n > 0:
        assert (
            sum(cal.is_working_day(d + timedelta(i)) for i in range(1, (landed - d).days + 1)) == n
        )
    elif n < 0:
        assert (
            sum(cal.is_working_day(landed + timedelta(i)) for i in range((d - landed).days)) == -n
        )


# -- coverage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,year",
    [
        (lambda: CAL.is_working_day(date(2027, 1, 4)), 2027),
        (lambda: CAL.is_working_day(date(2007, 12, 31)), 2007),
        (lambda: CAL.add_working_days(date(2026, 12, 30), 5), 2027),
        (lambda: CAL.add_working_days(date(2026, 12, 31), 1), 2027),
        (lambda: CAL.add_working_days(date(2008, 1, 2), -1), 2007),
        (lambda: CAL.working_days_before(date(2008, 1, 2), 1), 2007),
        (lambda: CAL.working_days_between(date(2026, 6, 1), date(2027, 1, 1)), 2027),
        (lambda: CAL.next_working_day_on_or_after(date(2027, 1, 1)), 2027),
    ],
)
def test_uncovered_year_raises_naming_it(call: Any, year: int) -> None:
    with pytest.raises(CalendarNotCovered) as err:
        call()
    assert err.value.year == year
    assert err.value.code == "calendar.not_covered"
    assert Words("en").problem(err.value) == (
        f"no working-day calendar for {year} (rules cover 2008-2026); "
        "add the year to calendar.yaml or set fallback: weekdays"
    )
    assert str(err.value) == f"calendar.not_covered (year={year}, first=2008, last=2026)"
    assert isinstance(err.value, ValueError)


def test_last_covered_days_still_work() -> None:
    assert CAL.add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert CAL.working_days_between(date(2026, 12, 1), date(2026, 12, 31)) == 22
    assert CAL.add_working_days(date(2008, 1, 3), -1) == date(2008, 1, 2)


def test_fallback_weekdays() -> None:
    cal = WEEKDAYS_CAL
    assert cal.is_working_day(date(2027, 1, 1))  # a Friday; 2027's holidays are not known
    assert not cal.is_working_day(date(2027, 1, 2))
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert cal.add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
    # Monday 2007-12-31 was a rest day by the 2008 notice, but 2007 is not covered: the fallback.
    assert cal.add_working_days(date(2008, 1, 2), -1) == date(2007, 12, 31)
    assert cal.add_working_days(date(2008, 1, 2), -2) == date(2007, 12, 28)
    assert cal.working_days_between(date(2026, 12, 25), date(2027, 1, 8)) == 10
    # (12-28, 01-02]: 12-31 by the fallback, 01-01 a holiday, 01-02.
    assert cal.working_days_between(date(2007, 12, 28), date(2008, 1, 2)) == 2
    assert cal.add_working_days(date(2029, 12, 31), 261) == date(2030, 12, 31)  # 261 weekdays
    assert cal.add_working_days(date(2007, 1, 8), -5) == date(2007, 1, 1)


def test_constructor_checks() -> None:
    d = date(2024, 1, 1)
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(2024, 2024, frozenset({d}), frozenset({d}))
    with pytest.raises(ValueError, match="outside"):
        WorkCalendar(2024, 2024, frozenset({date(2025, 1, 1)}), frozenset())
    with pytest.raises(ValueError, match="fallback"):
        WorkCalendar(2024, 2024, frozenset(), frozenset(), fallback="guess")
    with pytest.raises(ValueError, match="empty"):
        WorkCalendar(2025, 2024, frozenset(), frozenset())
    with pytest.raises(ValueError, match="weekend"):
        WorkCalendar(2024, 2024, frozenset(), frozenset(), weekend=frozenset(range(7)))


def test_custom_weekend_and_value_semantics() -> None:
    # A Friday-Saturday weekend: Sunday is a working day.
    cal = WorkCalendar(2024, 2024, frozenset(), frozenset(), weekend=frozenset({4, 5}))
    assert cal.is_working_day(date(2024, 3, 10))
    assert not cal.is_working_day(date(2024, 3, 8))
    assert cal.add_working_days(date(2024, 3, 7), 1) == date(2024, 3, 10)
    assert load_calendar() == CAL and hash(load_calendar()) == hash(CAL)
    assert CAL.covers(date(2026, 12, 31)) and not CAL.covers(date(2027, 1, 1))


# -- logs of past years audit with the bundled rules --------------------------------------------


def test_a_2016_log_audits_on_the_2016_notice(tmp_path: Path) -> None:
    # 国办发明电〔2015〕18号: 春节 02-07..13 off, Saturday 02-06 and Sunday 02-14 worked. One
    # working day from Friday 15:00 is the make-up Saturday; from that Saturday, the Sunday after.
    log = tmp_path / "2016.jsonl"
    log.write_text(
        "".join(
            json.dumps({"case": case, "event": "reported", "at": at, "severity": "严重",
                        "site": "沈阳"}) + "\n"
            for case, at in [("FRI", "2016-02-05T15:00+08:00"), ("SAT", "2016-02-06T15:00+08:00")]
        ),
        encoding="utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(
        main, ["audit", str(log), "--as-of", "2016-03-01", "-O", "escalate_l4", "--format", "json"]
    )
    assert result.exit_code == 1, result.output  # both breached: never solved nor escalated
    got = {r["case"]: r["due"] for r in json.loads(result.stdout)["results"]}
    assert got == {"FRI": "2016-02-06T15:00:00+08:00", "SAT": "2016-02-14T15:00:00+08:00"}


def test_a_year_beyond_the_calendar_is_an_error_naming_it(tmp_path: Path) -> None:
    log = tmp_path / "2027.jsonl"
    log.write_text(
        json.dumps({"case": "NYE", "event": "reported", "at": "2026-12-31T15:00+08:00",
                    "severity": "严重", "site": "沈阳"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(
        main, ["audit", str(log), "--as-of", "2027-03-01", "-O", "escalate_l4", "--lang", "en"]
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "slarules: error: no working-day calendar for 2027 (rules cover 2008-2026); "
        "add the year to calendar.yaml or set fallback: weekdays"
    )
