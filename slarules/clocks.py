"""Clocks: from a start, a budget and pauses to a due instant, and back.

Small, pure, stdlib-only components; every budget comes in as an argument (the contract's
numbers live in the rules files). All datetimes are aware; a naive one raises ``ValueError``.

The laws every clock keeps:

* paused time never counts, and a pause never counts twice: overlapping pauses are merged,
  and a clock that counts only some time (working days, days after the start day) only loses
  the part of a pause that it would have counted;
* a longer pause, or a larger budget, never makes the due time earlier;
* the result depends on the instant ``start`` names, not on the time zone it is written in.

Pauses are ``(begin, end)`` pairs; ``end=None`` is a pause still open, which runs until the
``as_of`` keyword (the clock is stopped there; without ``as_of`` an open pause is an error).

Day-based clocks (:class:`CalendarDayClock`, :class:`WorkingDayClock`,
:class:`WorkingTimeClock`) read dates and times on the wall clock of their ``tz`` and measure
paused time there too, every day being 24 h long: in a zone without daylight saving time
(Asia/Shanghai since 1991) that is exactly elapsed time. They return aware datetimes in ``tz``;
"24:00 of a day" is returned as 00:00 of the next day, and a start or end at exactly 00:00 is
read as 24:00 of the day before (so ``WorkingDayClock.due(period_end(...), 5)`` counts the
first day of the next month). :class:`ElapsedClock` counts true elapsed time in any zone and
returns datetimes in the zone of ``start``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TypeAlias

from .calendar import WorkCalendar

__all__ = [
    "MODES",
    "PERIODS",
    "CalendarDayClock",
    "ElapsedClock",
    "Interval",
    "WorkingDayClock",
    "WorkingTimeClock",
    "merge_pauses",
    "period_end",
    "period_from_label",
    "period_label",
    "period_start",
]

Interval: TypeAlias = tuple[datetime, datetime | None]
Span: TypeAlias = tuple[datetime, datetime]

UTC = timezone.utc
DAY = timedelta(days=1)
ZERO = timedelta(0)
_TICK = timedelta(microseconds=1)  # the resolution of datetime: "just before" an instant
_MIDNIGHT = time(0)
_CACHE_LIMIT = 1 << 16  # bounds the per-clock memo of local midnights
# timedelta(days=k) for small k, prebuilt: making a timedelta costs more than the rest of a
# fast-path deadline.
_SPANS = tuple(timedelta(days=k) for k in range(1024))

MODES = ("next_working_day_same_time", "end_of_nth_working_day", "working_hours_24")
PERIODS = ("day", "month", "quarter", "half", "year")


def _span(days: int) -> timedelta:
    return _SPANS[days] if days < 1024 else days * DAY


def _utc(d: datetime) -> datetime:
    if d.tzinfo is None or d.utcoffset() is None:
        raise ValueError(f"naive datetime {d.isoformat()}: clocks need aware datetimes")
    return d.astimezone(UTC)


def merge_pauses(
    pauses: Iterable[Interval],
    as_of: datetime | None = None,
    *,
    start: datetime | None = None,
) -> list[Span]:
    """Pauses as sorted, disjoint ``(begin, end)`` pairs in UTC.

    Overlapping, touching and nested pauses are merged into one. An open pause (``end is
    None``) ends at ``as_of``; one that begins at or after ``as_of`` has not started and is
    dropped. With ``start``, the part of every pause before ``start`` is cut off (the clock was
    not running then). Empty pauses are dropped; one that ends before it begins is an error.
    """
    s = None if start is None else _utc(start)
    cut = None if as_of is None else _utc(as_of)
    spans: list[Span] = []
    for begin, end in pauses:
        b = _utc(begin)
        if end is None:
            if cut is None:
                raise ValueError(f"pause from {begin.isoformat()} is still open: pass as_of")
            e = cut
        else:
            e = _utc(end)
            if e < b:
                raise ValueError(f"pause ends {end.isoformat()} before it begins")
        if s is not None and b < s:
            b = s
        if e > b:
            spans.append((b, e))
    spans.sort()
    merged: list[Span] = []
    for b, e in spans:
        if merged and b <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((b, e))
    return merged


class ElapsedClock:
    """24 x 7 elapsed time ("within 24 hours" is exact: start + 24 h; Civil Code art. 201)."""

    __slots__ = ()

    def due(
        self,
        start: datetime,
        budget: timedelta,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> datetime:
        """``start + budget``, moved later by every paused stretch that begins before the
        (moving) due time: a pause inside the window moves the due by exactly its length.

        Returned in the zone of ``start``.
        """
        if not pauses:
            end = start + budget
            if type(start.tzinfo) is timezone:  # a fixed offset, as parsed from ISO 8601
                return end
            off = end.utcoffset()
            # Aware "+" is wall-clock arithmetic; it is the exact instant when the UTC offset
            # is the same at both ends, which is every case in a zone without DST. (In the
            # spring-forward gap the result keeps the old offset: the right instant still.)
            if off is not None and off == start.utcoffset():
                return end
            return (_utc(start) + budget).astimezone(start.tzinfo)
        s = _utc(start)
        due = s + budget
        for b, e in merge_pauses(pauses, as_of, start=s):
            if b >= due:
                break
            due += e - b
        return due.astimezone(start.tzinfo)

    def used(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> timedelta:
        """Budget consumed from ``start`` to ``end``: elapsed time minus paused time.

        ``used(start, due(start, b, p), p) == b``. Negative when ``end`` precedes ``start``.
        """
        s = _utc(start)
        e = _utc(end)
        total = e - s
        if total <= ZERO:
            return total
        for pb, pe in merge_pauses(pauses, as_of, start=s):
            if pb >= e:
                break
            total -= min(pe, e) - pb
        return total


class _LocalClock:
    """Shared machinery of the day-based clocks: local dates, midnights, working-time positions.

    A *position* is the working time (a timedelta) from the calendar's first covered day to a
    wall-clock moment: ``rank(day before) * 24 h``, plus the time since midnight when the day is
    a working day. It stands still on rest days, so the gaps between positions are working time.
    """

    __slots__ = ("_midnights", "calendar", "tz")

    def __init__(self, calendar: WorkCalendar, tz: tzinfo) -> None:
        self.calendar = calendar
        self.tz = tz
        self._midnights: dict[int, datetime] = {}

    def __repr__(self) -> str:
        cal = self.calendar
        return f"{type(self).__name__}({cal.first_year}-{cal.last_year}, {self.tz})"

    def _local(self, d: datetime) -> datetime:
        if d.tzinfo is None:
            raise ValueError(f"naive datetime {d.isoformat()}: clocks need aware datetimes")
        return d.astimezone(self.tz)

    def _wall(self, d: datetime) -> datetime:
        return self._local(d).replace(tzinfo=None)

    def _midnight(self, o: int) -> datetime:
        """00:00 local of the day with ordinal ``o``, aware; memoised, as most deadlines are."""
        m = self._midnights.get(o)
        if m is None:
            d = date.fromordinal(o)
            m = datetime(d.year, d.month, d.day, tzinfo=self.tz)
            if len(self._midnights) >= _CACHE_LIMIT:
                self._midnights.clear()
            self._midnights[o] = m
        return m

    def _aware(self, wall: datetime) -> datetime:
        return wall.replace(tzinfo=self.tz)

    def _wall_pauses(
        self, pauses: Iterable[Interval], as_of: datetime | None, start: datetime
    ) -> list[Span]:
        return [(self._wall(b), self._wall(e)) for b, e in merge_pauses(pauses, as_of, start=start)]

    def _next_working(self, o: int) -> int:
        """The ordinal of the first working day on or after ``o``."""
        cal = self.calendar
        return cal._select(cal._rank(o - 1) + 1)

    def _beyond(self, wall: datetime) -> bool:
        """Past the covered years with no fallback: after any position the clock can reach."""
        cal = self.calendar
        return cal.fallback == "error" and wall.toordinal() > cal._hi

    def _pos(self, wall: datetime) -> timedelta:
        cal = self.calendar
        o = wall.toordinal()
        p = cal._rank(o - 1) * DAY
        if cal._is_working_ord(o):
            p += wall - datetime(wall.year, wall.month, wall.day)
        return p

    def _at(self, p: timedelta) -> datetime:
        """The earliest wall-clock moment at position ``p``."""
        cal = self.calendar
        k, x = divmod(p, DAY)
        if x:
            return datetime.combine(date.fromordinal(cal._select(k + 1)), _MIDNIGHT) + x
        # A whole number of working days: the end (24:00) of the k-th working day.
        return datetime.combine(date.fromordinal(cal._select(k) + 1), _MIDNIGHT)

    def _extend(self, p_end: timedelta, origin: timedelta, pauses: list[Span]) -> timedelta:
        """Move the end position past the working time paused before it (from ``origin`` on)."""
        for b, e in pauses:
            if self._beyond(b):
                break
            pb = max(self._pos(b), origin)
            if pb >= p_end:
                break
            pe = self._pos(e)
            if pe > pb:
                p_end += pe - pb
        return p_end

    def _paused(self, origin: timedelta, p_end: timedelta, pauses: list[Span]) -> timedelta:
        """Working time paused between positions ``origin`` and ``p_end``."""
        total = ZERO
        for b, e in pauses:
            if self._beyond(b):
                break
            pb = max(self._pos(b), origin)
            if pb >= p_end:
                break
            pe = p_end if self._beyond(e) else min(self._pos(e), p_end)
            if pe > pb:
                total += pe - pb
        return total

    def _start_day(self, start: datetime) -> int:
        """The ordinal of the start day, which art. 201 does not count. 00:00 is read as 24:00
        of the day before, so a period that starts where another ends (a month's end, say)
        counts from that next day in full.
        """
        return (self._local(start) - _TICK).toordinal()

    def _last_day_of(self, end: datetime) -> int:
        """The local day whose 24:00 is the first at or after ``end`` (00:00 is the day before)."""
        return (self._wall(end) - _TICK).toordinal()


class CalendarDayClock(_LocalClock):
    """Calendar days ("within N days") under the PRC Civil Code, arts. 201-203.

    The start day is not counted; counting starts at 00:00 of the next local day (art. 201;
    a start at exactly 00:00 is 24:00 of the day before, so its day counts in full).
    The period's last day is the start's local date + N; it ends at 24:00 (art. 203), and if the
    last day is a rest day (not a working day on the calendar) the period ends at 24:00 of the
    next working day (art. 203). "Within 2 days" from Fri 2026-03-06 14:00: the last day is
    Sun 03-08, a rest day, so it ends Mon 03-09 24:00 = 2026-03-10 00:00.

    Pauses: the budget is N whole days of *counted* time, i.e. time from 00:00 after the start
    day on. Paused time there does not count: the moment the N days run out moves later by
    each paused stretch that begins before it (pauses during the start day change nothing, as
    that day is not counted anyway). The last day is the day on which the N days then run out,
    and art. 203's 24:00 and rest-day rules apply to it. A pause of a few hours can so move
    the end by a whole day, but only when it pushes the running-out moment past midnight:
    partial days of pause are never rounded up on their own.
    """

    __slots__ = ()

    def due(
        self,
        start: datetime,
        days: int,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> datetime:
        """When a period of ``days`` days (``>= 0``) from ``start`` ends; see the class."""
        if days < 0:
            raise ValueError(f"a period of {days} days")
        o0 = self._start_day(start)
        if pauses:
            counted = datetime.combine(date.fromordinal(o0 + 1), _MIDNIGHT)
            end = counted + days * DAY
            for b, e in self._wall_pauses(pauses, as_of, start):
                b = max(b, counted)
                if b >= end:
                    break
                if e > b:
                    end += e - b
            last = (end - _TICK).toordinal()
        else:
            last = o0 + days
        if last in self.calendar._work:  # holds covered working days only
            return self._midnight(last + 1)
        return self._midnight(self._next_working(last) + 1)

    def counted(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> timedelta:
        """The time counted from ``start`` to ``end``: from 00:00 after the start day
        (art. 201) on, paused time excluded; negative before counting begins. Continuous,
        where :meth:`used` counts whole days: ``counted(start, due(start, n, p), p)`` is
        at least ``n`` days (more when art. 203 moves the end past rest days).
        """
        begin = datetime.combine(date.fromordinal(self._start_day(start) + 1), _MIDNIGHT)
        stop = self._wall(end)
        total = stop - begin
        if total <= ZERO or not pauses:
            return total
        for b, e in self._wall_pauses(pauses, as_of, start):
            b, e = max(b, begin), min(e, stop)
            if e > b:
                total -= e - b
        return total

    def used(self, start: datetime, end: datetime) -> int:
        """The fewest days a period from ``start`` needs for ``end`` to fall within it:
        ``end <= due(start, n)`` exactly when ``used(start, end) <= n``. That is the days
        counted under art. 201 up to ``end``'s local day (00:00 counting as the day before),
        except rest days just before that day, which art. 203 adds anyway. Zero for an ``end``
        on the start day.
        """
        o0 = self._start_day(start)
        last = self._last_day_of(end)
        if last <= self._next_working(o0):
            return 0
        cal = self.calendar
        latest_working = cal._select(cal._rank(last - 1))  # last working day before `last`
        return latest_working + 1 - o0


class WorkingDayClock(_LocalClock):
    """Working days ("within N working days after" an instant): ends at 24:00 of the N-th
    working day after the instant's local date (the start day is not counted, as under
    art. 201). N = 0 ends at 24:00 of the start day, or of the next working day if the start
    day is a rest day.

    Pauses: the budget is N whole working days of counted time (working days after the start
    day); paused time on those days does not count, paused rest days and paused time on the
    start day change nothing. The period ends at 24:00 of the working day on which the budget
    then runs out.
    """

    __slots__ = ()

    def due(
        self,
        start: datetime,
        n: int,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> datetime:
        """24:00 of the ``n``-th working day after ``start``'s local date; see the class."""
        if n < 0:
            raise ValueError(f"a period of {n} working days")
        o0 = self._start_day(start)
        cal = self.calendar
        if n == 0:
            return self._midnight(self._next_working(o0) + 1)
        if not pauses:
            if cal._lo <= o0 <= cal._hi:
                i = bisect_right(cal._ords, o0) + n - 1
                if i < len(cal._ords):
                    return self._midnight(cal._ords[i] + 1)
            return self._midnight(cal._select(cal._rank(o0) + n) + 1)
        origin = cal._rank(o0) * DAY  # position of 00:00 after the start day
        p_end = self._extend(origin + n * DAY, origin, self._wall_pauses(pauses, as_of, start))
        k, x = divmod(p_end, DAY)
        return self._midnight(cal._select(k + 1 if x else k) + 1)

    def used(self, start: datetime, end: datetime) -> int:
        """The fewest working days a period from ``start`` needs for ``end`` to fall within it:
        ``end <= due(start, n)`` exactly when ``used(start, end) <= n``. For an ``end`` after
        the start day, that is one more than the working days after the start day and before
        ``end``'s local day (00:00 counting as the day before).
        """
        o0 = self._start_day(start)
        last = self._last_day_of(end)
        if last <= self._next_working(o0):
            return 0
        cal = self.calendar
        return cal._rank(last - 1) + 1 - cal._rank(o0)

    def before(self, d: date, n: int) -> date:
        """The latest date on which a notice given "at least ``n`` working days before ``d``"
        still counts: the ``n``-th working day strictly before ``d`` (``n >= 1``).
        """
        return self.calendar.working_days_before(d, n)


class WorkingTimeClock(_LocalClock):
    """Working days as an elapsed budget ("1 working day"). ``mode`` chooses the reading:

    ``"next_working_day_same_time"``
        N working days after the start's local date, at the start's local clock time. A start
        on a rest day counts from 00:00 of the next working day (so N = 1 from Saturday 10:00
        ends at 00:00 of the working day after Monday). Pauses remove working time: the due
        moves later by the paused time on working days that lies before it.
    ``"end_of_nth_working_day"``
        24:00 of the N-th working day after the start's local date: :class:`WorkingDayClock`.
    ``"working_hours_24"``
        Only time on working days counts, 24 h of it per working day, from the start instant
        on: N working days of it. From Friday 14:00, N = 1 ends Monday 14:00 (Friday's 10 h
        plus Monday's first 14 h); from a rest day, at 24:00 of the N-th working day after.
        Differs from the first mode at midnight: from Friday 00:00 it ends at Friday 24:00.
        Pauses remove working time only.

    ``used`` returns working time (a timedelta) in every mode.
    """

    __slots__ = ("_days", "mode")

    def __init__(self, calendar: WorkCalendar, tz: tzinfo, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"working-time mode must be one of {MODES}, not {mode!r}")
        super().__init__(calendar, tz)
        self.mode = mode
        self._days = WorkingDayClock(calendar, tz)

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, {self.mode!r})"

    def due(
        self,
        start: datetime,
        n: int,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> datetime:
        """When a budget of ``n`` working days (``>= 0``) from ``start`` runs out; see the
        class for the three modes.
        """
        mode = self.mode
        if mode == "end_of_nth_working_day":
            return self._days.due(start, n, pauses, as_of=as_of)
        if n < 0:
            raise ValueError(f"a budget of {n} working days")
        local = self._local(start)
        o = local.toordinal()
        cal = self.calendar
        if mode == "working_hours_24":
            if n == 0:
                return local
            if not pauses and cal._lo <= o <= cal._hi:
                ords = cal._ords
                if o in cal._work and local.time() != _MIDNIGHT:
                    # From within a working day: n working days later at the same wall time.
                    i = bisect_right(ords, o) + n - 1
                    if i < len(ords):
                        return local + _span(ords[i] - o)
                else:
                    # From a rest day or 00:00: 24:00 of the n-th working day from then.
                    i = bisect_left(ords, o) + n - 1
                    if i < len(ords):
                        return self._midnight(ords[i] + 1)
            wall = local.replace(tzinfo=None)
            origin = self._pos(wall)
            p_end = origin + n * DAY
            if pauses:
                p_end = self._extend(p_end, origin, self._wall_pauses(pauses, as_of, start))
            return self._aware(self._at(p_end))
        # next_working_day_same_time
        if not pauses and cal._lo <= o <= cal._hi:
            ords = cal._ords
            if o in cal._work:
                i = bisect_right(ords, o) + n - 1
                if i < len(ords):
                    return local + _span(ords[i] - o)
            else:  # from a rest day: as if from 00:00 of the next working day
                i = bisect_right(ords, o) + n
                if i < len(ords):
                    return self._midnight(ords[i])
        wall = local.replace(tzinfo=None)
        if cal._is_working_ord(o):
            target, at = cal._select(cal._rank(o) + n), wall.time()
        else:
            target, at = cal._select(cal._rank(o - 1) + 1 + n), _MIDNIGHT
        nominal = datetime.combine(date.fromordinal(target), at)
        if pauses:
            p_nominal = self._pos(nominal)
            p_end = self._extend(
                p_nominal, self._pos(wall), self._wall_pauses(pauses, as_of, start)
            )
            if p_end != p_nominal:
                return self._aware(self._at(p_end))
        return self._aware(nominal)

    def used(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[Interval] = (),
        *,
        as_of: datetime | None = None,
    ) -> timedelta:
        """Working time counted from ``start`` to ``end``, paused working time excluded.

        Counting starts at ``start`` (at 00:00 after the start day in mode
        ``end_of_nth_working_day``). ``used(start, due(start, n, p), p)`` is ``n`` days exactly
        in the other two modes, and at least ``n`` days in ``end_of_nth_working_day`` (whose
        due is rounded up to 24:00). Negative when ``end`` precedes the start of counting.
        """
        if self.mode == "end_of_nth_working_day":
            origin = self.calendar._rank(self._start_day(start)) * DAY
        else:
            origin = self._pos(self._wall(start))
        p_end = self._pos(self._wall(end))
        total = p_end - origin
        if total <= ZERO or not pauses:
            return total
        return total - self._paused(origin, p_end, self._wall_pauses(pauses, as_of, start))


# -- calendar periods ------------------------------------------------------------------------


def _bounds(d: date, period: str) -> tuple[date, date]:
    """First day of the period containing ``d``, and first day of the next one."""
    if period == "day":
        return d, date.fromordinal(d.toordinal() + 1)
    if period == "year":
        return date(d.year, 1, 1), date(d.year + 1, 1, 1)
    months = {"month": 1, "quarter": 3, "half": 6}.get(period)
    if months is None:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    first = (d.month - 1) // months * months + 1
    nxt = first + months
    return date(d.year, first, 1), (
        date(d.year, nxt, 1) if nxt <= 12 else date(d.year + 1, nxt - 12, 1)
    )


def _local_date(instant: datetime, tz: tzinfo) -> date:
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: periods need aware datetimes")
    return instant.astimezone(tz).date()


def period_start(instant: datetime, period: str, tz: tzinfo) -> datetime:
    """00:00 local (in ``tz``) of the first day of the period containing ``instant``.

    ``period`` is one of ``day``, ``month``, ``quarter``, ``half``, ``year``.
    """
    first, _ = _bounds(_local_date(instant, tz), period)
    return datetime(first.year, first.month, first.day, tzinfo=tz)


def period_end(instant: datetime, period: str, tz: tzinfo) -> datetime:
    """When the period containing ``instant`` ends: 00:00 local of the next period's first
    day (the period is the half-open ``[period_start, period_end)``).
    """
    _, nxt = _bounds(_local_date(instant, tz), period)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)


def period_label(instant: datetime, period: str, tz: tzinfo) -> str:
    """The period's name: ``2026-10-05``, ``2026-10``, ``2026-Q3``, ``2026-H2``, ``2026``."""
    d = _local_date(instant, tz)
    _bounds(d, period)  # validates `period`
    if period == "day":
        return d.isoformat()
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if period == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if period == "half":
        return f"{d.year:04d}-H{(d.month - 1) // 6 + 1}"
    return f"{d.year:04d}"


_LABELS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "year": re.compile(r"^(\d{4})()$"),
}


def period_from_label(label: str, period: str, tz: tzinfo) -> datetime | None:
    """The start of the period a label names (``2026-10``, ``2026-Q3``), or None when the
    label does not name a period of this kind."""
    pattern = _LABELS.get(period)
    found = pattern.match(label) if pattern else None
    if found is None:
        return None
    year = int(found[1])
    number = int(found[2]) if found[2] else 1
    month = {"month": number, "quarter": 3 * number - 2, "half": 6 * number - 5}.get(period, 1)
    return datetime(year, month, 1, tzinfo=tz)
