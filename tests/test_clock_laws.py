"""The laws every clock keeps, over random instants, budgets and pauses (hypothesis)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

import slarules
from slarules.calendar import WorkCalendar
from slarules.clocks import (
    MODES,
    CalendarDayClock,
    ElapsedClock,
    Interval,
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
DAY = timedelta(days=1)
ZONES = [UTC, ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata"),
         ZoneInfo("Pacific/Chatham"), timezone(timedelta(hours=-3, minutes=-30))]  # fmt: skip


def load_calendar() -> WorkCalendar:
    """The bundled contract's calendar, as the loader builds it from rules/calendar.yaml."""
    return slarules.load().calendar


CAL = load_calendar()
ELAPSED = ElapsedClock()
DAYS = CalendarDayClock(CAL, SH)
WORKDAYS = WorkingDayClock(CAL, SH)
TIME = {mode: WorkingTimeClock(CAL, SH, mode) for mode in MODES}

# Every clock as (name, due(start, budget:int, pauses), the budget's unit as elapsed time).
# Budgets stay small and instants end in September 2026, so no result runs past the calendar.
Due = Callable[[datetime, int, list[Interval]], datetime]
CLOCKS: list[tuple[str, Due]] = [
    ("elapsed_hours", lambda s, n, p: ELAPSED.due(s, n * timedelta(hours=1), p)),
    ("calendar_days", lambda s, n, p: DAYS.due(s, n, p)),
    ("working_days", lambda s, n, p: WORKDAYS.due(s, n, p)),
    *[(mode, (lambda c: lambda s, n, p: c.due(s, n, p))(TIME[mode])) for mode in MODES],
]
clocks = st.sampled_from(CLOCKS)
# From 01-02: a start at 2008-01-01 00:00 is 2007-12-31 24:00, whose year is not covered.
instants = st.datetimes(datetime(2008, 1, 2), datetime(2026, 9, 30, 23, 59), timezones=st.just(SH))
budgets = st.integers(0, 20)
lengths = st.timedeltas(timedelta(0), timedelta(days=6))
offsets = st.timedeltas(timedelta(hours=-12), timedelta(days=20))
zones = st.sampled_from(ZONES)
SETTINGS = settings(max_examples=150, deadline=None, database=None)


@st.composite
def pause_lists(draw: st.DrawFn, start: datetime) -> list[Interval]:
    out: list[Interval] = []
    for _ in range(draw(st.integers(0, 3))):
        b = start + draw(offsets)
        out.append((b, b + draw(lengths)))
    return out


@SETTINGS
@given(clocks, instants, budgets, st.data())
def test_due_is_not_before_start(
    clock: tuple[str, Due], start: datetime, n: int, data: Any
) -> None:
    _, due = clock
    pauses = data.draw(pause_lists(start))
    assert due(start, n, []) >= start
    assert due(start, n, pauses) >= start


@SETTINGS
@given(clocks, st.one_of(instants, instants.map(lambda t: t.replace(hour=0, minute=0))), budgets)
def test_fast_path_agrees_with_the_general_one(
    clock: tuple[str, Due], start: datetime, n: int
) -> None:
    _, due = clock
    # An empty pause is dropped, but sends the call down the general (pause-aware) path.
    assert due(start, n, []) == due(start, n, [(start, start)])


@SETTINGS
@given(clocks, instants, budgets, budgets, st.data())
def test_monotone_in_budget(
    clock: tuple[str, Due], start: datetime, a: int, b: int, data: Any
) -> None:
    _, due = clock
    pauses = data.draw(pause_lists(start))
    lo, hi = sorted((a, b))
    assert due(start, lo, pauses) <= due(start, hi, pauses)


@SETTINGS
@given(clocks, instants, budgets, st.data(), offsets, lengths, lengths)
def test_a_longer_pause_never_makes_the_deadline_earlier(
    clock: tuple[str, Due],
    start: datetime,
    n: int,
    data: Any,
    offset: timedelta,
    short: timedelta,
    extra: timedelta,
) -> None:
    _, due = clock
    others = data.draw(pause_lists(start))
    b = start + offset
    without = due(start, n, others)
    shorter = due(start, n, [*others, (b, b + short)])
    longer = due(start, n, [*others, (b, b + short + extra)])
    earlier_begin = due(start, n, [*others, (b - extra, b + short)])
    assert without <= shorter <= longer
    assert shorter <= earlier_begin


@SETTINGS
@given(clocks, instants, budgets, st.data(), zones)
def test_the_time_zone_of_the_start_does_not_matter(
    clock: tuple[str, Due], start: datetime, n: int, data: Any, zone: Any
) -> None:
    _, due = clock
    pauses = data.draw(pause_lists(start))
    moved = [(b.astimezone(zone), None if e is None else e.astimezone(UTC)) for b, e in pauses]
    here = due(start, n, pauses)
    there = due(start.astimezone(zone), n, moved)
    # Compared in UTC: Python never finds a time in a DST fold equal to one in another zone.
    assert here.astimezone(UTC) == there.astimezone(UTC)


@SETTINGS
@given(
    st.datetimes(datetime(2019, 1, 1), datetime(2026, 12, 31), timezones=zones),
    st.timedeltas(timedelta(0), timedelta(days=40)),
    st.data(),
)
def test_elapsed_used_undoes_due(start: datetime, budget: timedelta, data: Any) -> None:
    pauses = data.draw(pause_lists(start))
    assert ELAPSED.used(start, ELAPSED.due(start, budget)) == budget
    due = ELAPSED.due(start, budget, pauses)
    assert ELAPSED.used(start, due, pauses) == budget
    # Exact elapsed time, whatever the zone's DST: start + budget + the pauses inside.
    paused = sum((e - b for b, e in merge_pauses(pauses, start=start) if b < due), timedelta(0))
    assert due.astimezone(UTC) - start.astimezone(UTC) == budget + paused


@SETTINGS
@given(instants, st.timedeltas(timedelta(0), timedelta(days=3)), offsets, lengths)
def test_a_pause_inside_the_window_moves_24x7_by_its_length(
    start: datetime, budget: timedelta, offset: timedelta, length: timedelta
) -> None:
    plain = ELAPSED.due(start, budget)
    b = start + abs(offset) % (budget or timedelta(1))  # somewhere in [start, due)
    if not start <= b < plain:
        return
    assert ELAPSED.due(start, budget, [(b, b + length)]) == plain + length


@SETTINGS
@given(instants, budgets, st.data())
def test_working_time_used_undoes_due(start: datetime, n: int, data: Any) -> None:
    pauses = data.draw(pause_lists(start))
    for mode in ("working_hours_24", "next_working_day_same_time"):
        clock = TIME[mode]
        assert clock.used(start, clock.due(start, n, pauses), pauses) == n * DAY, mode
    clock = TIME["end_of_nth_working_day"]
    # n = 0 from a rest day still ends at 24:00 of the next working day: more than nothing.
    assert clock.used(start, clock.due(start, n)) == n * DAY or n == 0
    assert clock.used(start, clock.due(start, n, pauses), pauses) >= n * DAY


@SETTINGS
@given(instants, budgets, st.datetimes(datetime(2019, 1, 1), datetime(2026, 12, 1)))
def test_day_clocks_used_is_the_inverse_of_due(start: datetime, n: int, naive: datetime) -> None:
    end = naive.replace(tzinfo=SH)
    for clock in (DAYS, WORKDAYS):
        # end is in time for n days exactly when it needs at most n of them.
        assert (end <= clock.due(start, n)) == (clock.used(start, end) <= n)
        assert clock.used(start, clock.due(start, n)) <= n


@SETTINGS
@given(instants, st.integers(1, 20))
def test_add_n_working_days_then_count_back(start: datetime, n: int) -> None:
    due = WORKDAYS.due(start, n)
    last = (due - timedelta(microseconds=1)).date()  # the n-th working day: due is its 24:00
    first = (start - timedelta(microseconds=1)).date()  # the start day (00:00 is 24:00)
    assert due.time().isoformat() == "00:00:00"
    assert CAL.is_working_day(last)
    assert CAL.working_days_between(first, last) == n
    assert WORKDAYS.used(start, due) <= n


@SETTINGS
@given(instants, st.integers(0, 20))
def test_calendar_days_end_at_24h_of_a_working_day(start: datetime, n: int) -> None:
    due = DAYS.due(start, n)
    last = (due - timedelta(microseconds=1)).date()
    nominal = (start - timedelta(microseconds=1)).date() + timedelta(n)
    assert due.time().isoformat() == "00:00:00" and due.tzinfo is SH
    assert CAL.is_working_day(last)
    # Art. 203: moved only over rest days.
    assert last >= nominal
    assert not any(CAL.is_working_day(nominal + timedelta(i)) for i in range((last - nominal).days))


@SETTINGS
@given(instants, budgets, st.data())
def test_pauses_on_rest_days_do_not_move_working_day_clocks(
    start: datetime, n: int, data: Any
) -> None:
    # A pause never counts twice: the working-day clocks do not count rest days, so pausing
    # them gives nothing back.
    day = data.draw(st.dates(start.date(), start.date() + timedelta(40)))
    if CAL.is_working_day(day):
        return
    b = datetime(day.year, day.month, day.day, tzinfo=SH)
    pause = [(b, b + DAY)]
    assert WORKDAYS.due(start, n, pause) == WORKDAYS.due(start, n)
    assert TIME["working_hours_24"].due(start, n, pause) == TIME["working_hours_24"].due(start, n)
    same = TIME["next_working_day_same_time"]
    assert same.due(start, n, pause) == same.due(start, n)


@SETTINGS
@given(st.lists(st.tuples(instants, lengths), max_size=6), st.none() | instants)
def test_merged_pauses_are_sorted_disjoint_and_cover_the_same_time(
    raw: list[tuple[datetime, timedelta]], start: datetime | None
) -> None:
    pauses: list[Interval] = [(b, b + length) for b, length in raw]
    merged = merge_pauses(pauses, start=start)
    assert all(b < e for b, e in merged)
    assert all(e1 < b2 for (_, e1), (b2, _) in itertools.pairwise(merged))
    assert merge_pauses(merged) == merged

    def inside(t: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
        return any(b <= t < e for b, e in spans)

    clipped = [
        (max(b, start) if start else b, e) for b, e in pauses if e is not None
    ]  # what the clock may not count
    for b, _ in clipped + merged:
        for t in (b, b + timedelta(minutes=1)):
            assert inside(t, merged) == inside(t, [(x, y) for x, y in clipped if x < y])


@settings(max_examples=100, deadline=None, database=None)
@given(st.datetimes(datetime(2019, 1, 1), datetime(2030, 12, 31), timezones=zones))
def test_periods_contain_their_instant(instant: datetime) -> None:
    for period in ("day", "month", "quarter", "half", "year"):
        start, end = period_start(instant, period, SH), period_end(instant, period, SH)
        assert start <= instant < end
        assert period_start(end, period, SH) == end  # the next period begins where this ends
        assert period_label(start, period, SH) == period_label(instant, period, SH)
        assert period_label(end, period, SH) != period_label(instant, period, SH)
