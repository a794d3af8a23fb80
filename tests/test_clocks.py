"""Clocks, by worked examples (the laws are in test_clock_laws.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import slarules
from slarules.calendar import CalendarNotCovered, WorkCalendar
from slarules.clocks import (
    MODES,
    CalendarDayClock,
    ElapsedClock,
    WorkingDayClock,
    WorkingTimeClock,
    merge_pauses,
    period_end,
    period_label,
    period_start,
)

ROOT = Path(__file__).resolve().parent.parent
SH = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def load_calendar() -> WorkCalendar:
    """The bundled contract's calendar, as the loader builds it from rules/calendar.yaml."""
    return slarules.load().calendar


CAL = load_calendar()
ELAPSED = ElapsedClock()
DAYS = CalendarDayClock(CAL, SH)
WORKDAYS = WorkingDayClock(CAL, SH)
TIME = {mode: WorkingTimeClock(CAL, SH, mode) for mode in MODES}


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


# -- 24 x 7 -------------------------------------------------------------------------------------


def test_24_hours_is_exact() -> None:
    start = sh(2026, 3, 6, 14, 7, 30)
    due = ELAPSED.due(start, 24 * H)
    assert due == sh(2026, 3, 7, 14, 7, 30)
    assert due.tzinfo is SH
    assert ELAPSED.used(start, due) == 24 * H
    # A report at 24 h exactly is in time ("N小时内": at or before start + N).
    assert sh(2026, 3, 7, 14, 7, 30) <= due < sh(2026, 3, 7, 14, 7, 30, 1)


def test_pause_inside_the_window() -> None:
    start = sh(2024, 5, 6, 9)
    pause = (sh(2024, 5, 6, 9, 10), sh(2024, 5, 6, 9, 40))  # customer approving a plan
    assert ELAPSED.due(start, 60 * MIN, [pause]) == sh(2024, 5, 6, 10, 30)
    assert ELAPSED.used(start, sh(2024, 5, 6, 10, 30), [pause]) == 60 * MIN
    # A pause after the due time, or before the start, changes nothing.
    late = (sh(2024, 5, 6, 10, 0), sh(2024, 5, 6, 11, 0))
    early = (sh(2024, 5, 6, 7, 0), sh(2024, 5, 6, 8, 0))
    assert ELAPSED.due(start, 60 * MIN, [late, early]) == sh(2024, 5, 6, 10, 0)
    # Straddling the start: only the part after the start counts.
    straddle = (sh(2024, 5, 6, 8, 30), sh(2024, 5, 6, 9, 15))
    assert ELAPSED.due(start, 60 * MIN, [straddle]) == sh(2024, 5, 6, 10, 15)


def test_pause_that_starts_before_due_and_runs_past_it() -> None:
    start = sh(2024, 5, 6, 9)
    pause = (sh(2024, 5, 6, 9, 50), sh(2024, 5, 6, 12, 0))
    # 50 min counted before the pause, the last 10 min after it.
    assert ELAPSED.due(start, 60 * MIN, [pause]) == sh(2024, 5, 6, 12, 10)


def test_overlapping_and_nested_pauses_are_merged() -> None:
    a = (sh(2024, 5, 6, 10), sh(2024, 5, 6, 11))
    nested = (sh(2024, 5, 6, 10, 15), sh(2024, 5, 6, 10, 45))
    overlapping = (sh(2024, 5, 6, 10, 30), sh(2024, 5, 6, 11, 30))
    touching = (sh(2024, 5, 6, 11, 30), sh(2024, 5, 6, 12))
    apart = (sh(2024, 5, 6, 13), sh(2024, 5, 6, 13, 5))
    merged = merge_pauses([apart, touching, overlapping, nested, a])
    assert merged == [
        (sh(2024, 5, 6, 10).astimezone(UTC), sh(2024, 5, 6, 12).astimezone(UTC)),
        (sh(2024, 5, 6, 13).astimezone(UTC), sh(2024, 5, 6, 13, 5).astimezone(UTC)),
    ]
    start = sh(2024, 5, 6, 9)
    # 2 h + 5 min of pause, each minute counted once.
    assert ELAPSED.due(start, 5 * H, [a, nested, overlapping, touching, apart]) == sh(
        2024, 5, 6, 16, 5
    )
    assert merge_pauses([a], start=sh(2024, 5, 6, 10, 40)) == [
        (sh(2024, 5, 6, 10, 40).astimezone(UTC), sh(2024, 5, 6, 11).astimezone(UTC))
    ]
    # Given in other zones, the same instants merge all the same.
    assert merge_pauses([(a[0].astimezone(UTC), a[1]), nested]) == merge_pauses([a])


def test_open_pause_stops_the_clock_at_as_of() -> None:
    start = sh(2024, 5, 6, 9)
    as_of = sh(2024, 5, 6, 15)
    open_pause = (sh(2024, 5, 6, 10), None)
    due = ELAPSED.due(start, 4 * H, [open_pause], as_of=as_of)
    # 1 h ran before the pause; the clock stood still to as_of; 3 h remain from then.
    assert due == sh(2024, 5, 6, 18)
    assert due == ELAPSED.due(start, 4 * H, [(open_pause[0], as_of)])
    assert ELAPSED.used(start, as_of, [open_pause], as_of=as_of) == H
    # A pause that had not begun as of as_of is no pause yet.
    assert ELAPSED.due(start, 4 * H, [(sh(2024, 5, 6, 16), None)], as_of=as_of) == sh(
        2024, 5, 6, 13
    )
    with pytest.raises(ValueError, match="open"):
        ELAPSED.due(start, 4 * H, [open_pause])


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="naive"):
        ELAPSED.due(datetime(2024, 5, 6, 9), H)
    with pytest.raises(ValueError, match="naive"):
        WORKDAYS.due(datetime(2024, 5, 6, 9), 1)
    with pytest.raises(ValueError, match="before it begins"):
        merge_pauses([(sh(2024, 5, 6, 10), sh(2024, 5, 6, 9))])
    with pytest.raises(ValueError):
        DAYS.due(sh(2024, 5, 6, 9), -1)
    with pytest.raises(ValueError, match="mode"):
        WorkingTimeClock(CAL, SH, "business_hours")


def test_elapsed_across_a_dst_change_is_exact() -> None:
    ny = ZoneInfo("America/New_York")
    start = datetime(2024, 3, 9, 12, tzinfo=ny)  # the clocks go forward on 03-10
    due = ELAPSED.due(start, 24 * H)
    assert due.astimezone(UTC) == start.astimezone(UTC) + 24 * H
    assert due == datetime(2024, 3, 10, 13, tzinfo=ny)


# -- calendar days (Civil Code arts. 201-203) -------------------------------------------------


def test_terms_md_within_2_days() -> None:
    # TERMS.md: from Fri 2026-03-06 14:00, 2 days end Sun 03-08 24:00, a rest day, so the
    # period ends Mon 03-09 24:00.
    due = DAYS.due(sh(2026, 3, 6, 14), 2)
    assert due == sh(2026, 3, 10, 0, 0)
    assert due.tzinfo is SH
    # "Within 1 day" would do as well: its last day, Saturday, moves to Monday too.
    assert DAYS.used(sh(2026, 3, 6, 14), sh(2026, 3, 9, 23, 59)) == 1
    assert DAYS.used(sh(2026, 3, 6, 14), sh(2026, 3, 6, 23, 59)) == 0
    assert DAYS.used(sh(2026, 3, 6, 14), sh(2026, 3, 10, 0, 0, 1)) == 4


def test_calendar_days_examples() -> None:
    assert DAYS.due(sh(2026, 3, 3, 9), 2) == sh(2026, 3, 6)  # Tue -> Thu 24:00
    assert DAYS.due(sh(2026, 3, 3, 23, 59), 2) == sh(2026, 3, 6)  # the hour does not matter
    assert DAYS.due(sh(2026, 3, 3, 0, 0), 2) == sh(2026, 3, 5)  # 00:00 is 24:00 of 03-02
    # Half a month, 15 days, ending in the 2024 National Day break: moved to 10-08 24:00.
    assert DAYS.due(sh(2024, 9, 20, 10), 15) == sh(2024, 10, 9)
    # Ending on a make-up Saturday (2024-10-12), which is a working day: stays.
    assert DAYS.due(sh(2024, 10, 10, 10), 2) == sh(2024, 10, 13)
    # One week written up: 7 days.
    assert DAYS.due(sh(2024, 5, 6, 17), 7) == sh(2024, 5, 14)
    assert DAYS.due(sh(2024, 5, 6, 17), 0) == sh(2024, 5, 7)


def test_calendar_days_with_pauses() -> None:
    start = sh(2026, 3, 2, 14)  # Monday; 2 days end Wed 03-04 24:00
    assert DAYS.due(start, 2) == sh(2026, 3, 5)
    # A pause during the start day is uncounted time anyway: no change.
    assert DAYS.due(start, 2, [(sh(2026, 3, 2, 15), sh(2026, 3, 2, 20))]) == sh(2026, 3, 5)
    # A whole counted day paused: one more day.
    assert DAYS.due(start, 2, [(sh(2026, 3, 3), sh(2026, 3, 4))]) == sh(2026, 3, 6)
    # Three hours paused push the running-out moment to Thu 03:00: Thu 24:00.
    assert DAYS.due(start, 2, [(sh(2026, 3, 3, 9), sh(2026, 3, 3, 12))]) == sh(2026, 3, 6)
    # A pause that runs into the weekend: out at Sat 02:00, a rest day, so Mon 24:00.
    assert DAYS.due(start, 2, [(sh(2026, 3, 3), sh(2026, 3, 5, 2))]) == sh(2026, 3, 10)


# -- working days ------------------------------------------------------------------------------


def test_five_working_days_after_end_of_september_2024() -> None:
    # The monthly summary: within 5 working days after the month ends. September 2024 ends
    # at 10-01 00:00 (= 09-30 24:00); 10-01..07 are the National Day break; 10-08..11 and the
    # make-up Saturday 10-12 are the five days.
    month_end = period_end(sh(2024, 9, 15, 12), "month", SH)
    assert month_end == sh(2024, 10, 1)
    assert WORKDAYS.due(month_end, 5) == sh(2024, 10, 13)
    assert WORKDAYS.due(sh(2024, 9, 30, 18), 5) == sh(2024, 10, 13)
    # October 2024 ends at 11-01 00:00, read as 10-31 24:00: 11-01 is the first of the five.
    assert WORKDAYS.due(period_end(sh(2024, 10, 9), "month", SH), 5) == sh(2024, 11, 8)
    assert WORKDAYS.used(month_end, sh(2024, 10, 12, 23)) == 5
    assert WORKDAYS.used(month_end, sh(2024, 10, 13, 0, 0, 1)) == 6
    assert WORKDAYS.used(month_end, sh(2024, 10, 7, 12)) == 1  # past 09-30 24:00
    assert WORKDAYS.used(month_end, sh(2024, 9, 30, 23)) == 0


def test_working_days_examples() -> None:
    assert WORKDAYS.due(sh(2024, 2, 2, 10), 1) == sh(2024, 2, 5)  # Fri -> Sun 02-04 (make-up)
    assert WORKDAYS.due(sh(2024, 2, 3, 10), 1) == sh(2024, 2, 5)  # Sat -> Sun 02-04
    assert WORKDAYS.due(sh(2024, 2, 3, 10), 0) == sh(2024, 2, 5)  # rest day: next working day
    assert WORKDAYS.due(sh(2024, 2, 5, 10), 0) == sh(2024, 2, 6)
    # Inspection feedback within 2 working days after a Friday: Monday and Tuesday.
    assert WORKDAYS.due(sh(2026, 3, 6, 16), 2) == sh(2026, 3, 11)
    # 3 working days' notice before an inspection on Thu 2026-03-12: by Mon 03-09.
    assert WORKDAYS.before(date(2026, 3, 12), 3) == date(2026, 3, 9)
    # ...and before one on Mon 2024-10-14: Sat 10-12 (make-up), Fri 10-11, Thu 10-10.
    assert WORKDAYS.before(date(2024, 10, 14), 3) == date(2024, 10, 10)
    # 30 working days ahead of a training on 2024-10-31: [latest, 10-31) holds 30 of them.
    latest = WORKDAYS.before(date(2024, 10, 31), 30)
    assert CAL.working_days_between(date(2024, 10, 31), latest) == -30
    assert CAL.is_working_day(latest)


def test_working_days_with_pauses() -> None:
    start = sh(2026, 3, 5, 10)  # Thursday; 2 working days: Fri, Mon -> Mon 24:00
    assert WORKDAYS.due(start, 2) == sh(2026, 3, 10)
    # Paused over the weekend only: weekends are not counted, nothing to give back.
    assert WORKDAYS.due(start, 2, [(sh(2026, 3, 7), sh(2026, 3, 9))]) == sh(2026, 3, 10)
    # Paused Friday afternoon: the two days run out on Tuesday.
    assert WORKDAYS.due(start, 2, [(sh(2026, 3, 6, 12), sh(2026, 3, 6, 18))]) == sh(2026, 3, 11)
    # Paused on the start day: not counted anyway.
    assert WORKDAYS.due(start, 2, [(sh(2026, 3, 5, 11), sh(2026, 3, 6))]) == sh(2026, 3, 10)


@pytest.mark.parametrize(
    "start,expected",
    [
        # Friday 14:00, Monday working.
        (
            sh(2026, 3, 6, 14),
            {
                "next_working_day_same_time": sh(2026, 3, 9, 14),
                "end_of_nth_working_day": sh(2026, 3, 10),
                "working_hours_24": sh(2026, 3, 9, 14),
            },
        ),
        # Friday 2024-10-11 14:00, the next day a make-up Saturday.
        (
            sh(2024, 10, 11, 14),
            {
                "next_working_day_same_time": sh(2024, 10, 12, 14),
                "end_of_nth_working_day": sh(2024, 10, 13),
                "working_hours_24": sh(2024, 10, 12, 14),
            },
        ),
        # Friday 2024-09-27 14:00: Sunday 09-29 is a make-up working day.
        (
            sh(2024, 9, 27, 14),
            {
                "next_working_day_same_time": sh(2024, 9, 29, 14),
                "end_of_nth_working_day": sh(2024, 9, 30),
                "working_hours_24": sh(2024, 9, 29, 14),
            },
        ),
        # Saturday 10:00 (a rest day): counting starts Monday 00:00.
        (
            sh(2026, 3, 7, 10),
            {
                "next_working_day_same_time": sh(2026, 3, 10),
                "end_of_nth_working_day": sh(2026, 3, 10),
                "working_hours_24": sh(2026, 3, 10),
            },
        ),
        # Friday 00:00 exactly: where the modes part.
        (
            sh(2026, 3, 6),
            {
                "next_working_day_same_time": sh(2026, 3, 9),
                "end_of_nth_working_day": sh(2026, 3, 7),  # 00:00 is Thursday 24:00
                "working_hours_24": sh(2026, 3, 7),
            },
        ),
        # Monday 2024-09-30 09:00, then the National Day break.
        (
            sh(2024, 9, 30, 9),
            {
                "next_working_day_same_time": sh(2024, 10, 8, 9),
                "end_of_nth_working_day": sh(2024, 10, 9),
                "working_hours_24": sh(2024, 10, 8, 9),
            },
        ),
    ],
)
def test_one_working_day_in_each_mode(start: datetime, expected: dict[str, datetime]) -> None:
    for mode, clock in TIME.items():
        assert clock.due(start, 1) == expected[mode], mode
        assert clock.due(start.astimezone(UTC), 1) == expected[mode], mode


def test_working_time_with_pauses() -> None:
    start = sh(2026, 3, 6, 14)  # Friday
    weekend = (sh(2026, 3, 6, 20), sh(2026, 3, 9, 2))  # Fri 20:00 to Mon 02:00
    # Only the working part of the pause counts: Fri 4 h + Mon 2 h.
    assert TIME["working_hours_24"].due(start, 1, [weekend]) == sh(2026, 3, 9, 20)
    assert TIME["next_working_day_same_time"].due(start, 1, [weekend]) == sh(2026, 3, 9, 20)
    assert TIME["end_of_nth_working_day"].due(start, 1, [weekend]) == sh(2026, 3, 11)
    assert TIME["working_hours_24"].used(start, sh(2026, 3, 9, 20), [weekend]) == 24 * H
    assert TIME["working_hours_24"].used(start, sh(2026, 3, 9, 14)) == 24 * H
    assert TIME["end_of_nth_working_day"].used(start, sh(2026, 3, 10)) == 24 * H


def test_beyond_the_calendar() -> None:
    with pytest.raises(CalendarNotCovered, match="2027"):
        WORKDAYS.due(sh(2026, 12, 28, 9), 5)
    assert DAYS.due(sh(2026, 12, 30, 9), 1) == sh(2027, 1, 1)  # Thu 12-31 24:00: no 2027 needed
    with pytest.raises(CalendarNotCovered, match="2027"):
        DAYS.due(sh(2026, 12, 31, 9), 1)  # is Fri 2027-01-01 a rest day? Unknown.
    assert DAYS.due(sh(2026, 12, 29, 9), 1) == sh(2026, 12, 31)
    for clock in TIME.values():
        with pytest.raises(CalendarNotCovered, match="2027"):
            clock.due(sh(2026, 12, 31, 9), 1)


def test_fallback_weekdays_runs_past_the_calendar() -> None:
    cal = WorkCalendar(
        CAL.first_year, CAL.last_year, CAL.rest_days, CAL.workdays, fallback="weekdays"
    )
    # Mon 2026-12-28 + 5 working days: 12-29, 12-30, 12-31, then Mon-Fri of 2027: 01-01, 01-04.
    assert WorkingDayClock(cal, SH).due(sh(2026, 12, 28, 9), 5) == sh(2027, 1, 5)
    assert CalendarDayClock(cal, SH).due(sh(2026, 12, 31, 9), 1) == sh(2027, 1, 2)
    hours = WorkingTimeClock(cal, SH, "working_hours_24")
    assert hours.due(sh(2026, 12, 31, 9), 2) == sh(2027, 1, 4, 9)
    assert hours.due(sh(2026, 12, 31, 9), 2, [(sh(2027, 1, 2), sh(2027, 1, 4, 1))]) == sh(
        2027, 1, 4, 10
    )


# -- periods -----------------------------------------------------------------------------------


def test_month_quarter_year_in_shanghai() -> None:
    # 2026-09-30 17:00 UTC is 10-01 01:00 in Shanghai: October, Q4.
    t = datetime(2026, 9, 30, 17, tzinfo=UTC)
    assert period_label(t, "month", SH) == "2026-10"
    assert period_label(t, "quarter", SH) == "2026-Q4"
    assert period_label(t, "half", SH) == "2026-H2"
    assert period_label(t, "year", SH) == "2026"
    assert period_label(t, "day", SH) == "2026-10-01"
    assert period_start(t, "month", SH) == sh(2026, 10, 1)
    assert period_end(t, "month", SH) == sh(2026, 11, 1)
    assert period_start(t, "quarter", SH) == sh(2026, 10, 1)
    assert period_end(t, "quarter", SH) == sh(2027, 1, 1)
    assert period_end(t, "year", SH) == sh(2027, 1, 1)
    assert period_end(sh(2026, 8, 15), "quarter", SH) == sh(2026, 10, 1)
    assert period_label(sh(2026, 8, 15), "quarter", SH) == "2026-Q3"
    assert period_end(sh(2026, 12, 31, 23, 59), "month", SH) == sh(2027, 1, 1)
    assert period_end(sh(2026, 2, 1), "month", SH) == sh(2026, 3, 1)
    assert period_end(sh(2026, 1, 1), "half", SH) == sh(2026, 7, 1)
    # The instant at which a month ends belongs to the next month.
    assert period_label(sh(2026, 11, 1), "month", SH) == "2026-11"
    assert period_end(t, "month", SH).tzinfo is SH
    with pytest.raises(ValueError, match="period"):
        period_end(t, "week", SH)
