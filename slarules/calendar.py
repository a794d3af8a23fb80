"""Working-day calendar: which dates are working days, and counting in working days.

Pure and stdlib-only: it receives ``date`` objects (the loader reads ``rules/calendar.yaml``).

A working day is a covered date that is either a listed make-up working day (调休上班) or a day
outside ``weekend`` that is not a listed rest day. Dates outside the covered years raise
:class:`CalendarNotCovered`, unless ``fallback == "weekdays"``: then every day outside
``weekend`` (Monday to Friday by default) is a working day there.

Counting has one rule for both directions, as python-holidays' ``get_nth_working_day`` does
forwards: the day you start from is never counted, the day you land on is. See
:meth:`WorkCalendar.add_working_days` and :meth:`WorkCalendar.working_days_between`.

Internally every working day has a *rank*: ``rank(o)`` is the number of working days in
``[first covered day, o]`` (zero or negative before the covered years). Ranks turn every
operation into a ``bisect`` over a sorted tuple of working-day ordinals plus an index step.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from .messages import Msg, Problem, Values

__all__ = ["FALLBACKS", "CalendarNotCovered", "WorkCalendar"]

FALLBACKS = ("error", "weekdays")


class CalendarNotCovered(Problem):
    """A date falls in a year the working-day calendar does not cover (a ValueError)."""

    def __init__(self, year: int, first_year: int, last_year: int) -> None:
        super().__init__("calendar.not_covered", year=year, first=first_year, last=last_year)
        self.year = year
        self.first_year = first_year
        self.last_year = last_year

    def __reduce__(self) -> tuple[type[CalendarNotCovered], tuple[int, int, int]]:
        # Picklable with its values (a watcher or a caller's worker may send it on).
        return type(self), (self.year, self.first_year, self.last_year)


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Working days over ``first_year``..``last_year`` inclusive.

    ``rest_days``: statutory rest days (holidays, and weekdays given off in exchange); listing
    one that is a weekend day anyway is harmless. ``workdays``: make-up working days, normally
    weekend days. ``weekend``: ``date.weekday()`` numbers of the usual rest days.
    ``fallback``: ``"error"`` or ``"weekdays"``, for dates outside the covered years.

    Raises :class:`~slarules.messages.Problem` (a ValueError) if a date is both a rest day and
    a working day, if a listed date lies outside the covered years, or if the settings make no
    sense.
    """

    first_year: int
    last_year: int
    rest_days: frozenset[date]
    workdays: frozenset[date]
    weekend: frozenset[int] = frozenset({5, 6})
    fallback: str = "error"
    # Derived in __post_init__; excluded from eq/hash/repr since they follow from the above.
    _lo: int = field(init=False, repr=False, compare=False)
    _hi: int = field(init=False, repr=False, compare=False)
    _ords: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _work: frozenset[int] = field(init=False, repr=False, compare=False)
    _plain: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _per_week: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        years = (("first", self.first_year), ("last", self.last_year))
        if self.first_year > self.last_year:
            raise Problem("calendar.empty", years)
        if self.fallback not in FALLBACKS:
            raise Problem("calendar.fallback", got=self.fallback, choices=FALLBACKS)
        if not self.weekend <= frozenset(range(7)) or len(self.weekend) == 7:
            raise Problem("calendar.weekend", got=tuple(sorted(self.weekend)))
        both = self.rest_days & self.workdays
        if both:
            raise Problem("calendar.both", _dates(both))
        outside = {
            d
            for d in self.rest_days | self.workdays
            if not self.first_year <= d.year <= self.last_year
        }
        if outside:
            raise Problem("calendar.outside", (*years, *_dates(outside)))
        lo = date(self.first_year, 1, 1).toordinal()
        hi = date(self.last_year, 12, 31).toordinal()
        rest = {d.toordinal() for d in self.rest_days}
        extra = {d.toordinal() for d in self.workdays}
        # Ordinal 1 (0001-01-01) is a Monday, so an ordinal's weekday is (o + 6) % 7.
        plain = tuple(wd not in self.weekend for wd in range(7))
        ords = tuple(
            o for o in range(lo, hi + 1) if o in extra or (plain[(o + 6) % 7] and o not in rest)
        )
        put = object.__setattr__  # frozen dataclass: set the derived fields once, here
        put(self, "_lo", lo)
        put(self, "_hi", hi)
        put(self, "_ords", ords)
        put(self, "_work", frozenset(ords))
        put(self, "_plain", plain)
        put(self, "_per_week", sum(plain))

    # -- public API ---------------------------------------------------------------------------

    def covers(self, d: date) -> bool:
        """Whether ``d`` lies in the covered years (the fallback does not count)."""
        return self._lo <= d.toordinal() <= self._hi

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day. Outside coverage: see ``fallback``."""
        o = d.toordinal()
        if self._lo <= o <= self._hi:
            return o in self._work
        self._uncovered(o)
        return self._plain[(o + 6) % 7]

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day strictly after ``d`` (``n >= 1``), or the ``|n|``-th working
        day strictly before ``d`` (``n <= -1``). ``n == 0`` returns ``d`` itself, working day or
        not. ``d`` need not be a working day: ``add_working_days(sat, 1)`` is the first working
        day after Saturday (Monday, usually), ``add_working_days(sat, -1)`` the last one before
        it (Friday, usually).

        Always ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        o = self._ordinal(d)
        if n > 0:
            return date.fromordinal(self._select(self._rank(o) + n))
        if n < 0:
            return date.fromordinal(self._select(self._rank(o - 1) + 1 + n))
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days passed going from ``a`` to ``b``, not counting ``a``, counting ``b``.

        For ``b >= a``: the number of working days in the half-open interval ``(a, b]``.
        For ``b < a``: minus the number of working days in ``[b, a)``.
        So ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n``. It is
        additive along one direction (``(a, b] + (b, c] == (a, c]`` for ``a <= b <= c``), but
        ``between(a, b) == -between(b, a)`` only when ``a`` and ``b`` are both working days or
        both rest days.
        """
        oa = self._ordinal(a)
        ob = self._ordinal(b)
        if ob >= oa:
            return self._rank(ob) - self._rank(oa)
        return self._rank(ob - 1) - self._rank(oa - 1)

    def next_working_day_on_or_after(self, d: date) -> date:
        """``d`` if it is a working day, else the first working day after it."""
        o = self._ordinal(d)
        return date.fromordinal(self._select(self._rank(o - 1) + 1))

    def working_days_before(self, d: date, n: int) -> date:
        """The ``n``-th working day strictly before ``d`` (``n >= 1``).

        The latest date on which something done "at least ``n`` working days before ``d``"
        still counts: ``[result, d)`` holds exactly ``n`` working days, so
        ``working_days_between(d, result) == -n``. Same as ``add_working_days(d, -n)``.
        """
        if n < 1:
            raise ValueError(f"working_days_before needs n >= 1, not {n}")
        return self.add_working_days(d, -n)

    # -- ordinal-level helpers, shared with slarules.clocks --------------------------------

    def _ordinal(self, d: date) -> int:
        o = d.toordinal()
        if not self._lo <= o <= self._hi:
            self._uncovered(o)
        return o

    def _uncovered(self, o: int) -> None:
        """Raise for an ordinal outside the covered years, unless the fallback allows it."""
        if self.fallback != "weekdays":
            raise CalendarNotCovered(date.fromordinal(o).year, self.first_year, self.last_year)

    def _is_working_ord(self, o: int) -> bool:
        if self._lo <= o <= self._hi:
            return o in self._work
        self._uncovered(o)
        return self._plain[(o + 6) % 7]

    def _rank(self, o: int) -> int:
        """Working days in ``[lo, o]``; for ``o < lo``, minus those in ``(o, lo - 1]``.

        ``rank(lo - 1) == 0`` needs no knowledge of the uncovered year, so it never raises.
        """
        if o < self._lo - 1 or o > self._hi:
            self._uncovered(o)
            if o > self._hi:
                return len(self._ords) + self._plain_count(self._hi, o)
            return -self._plain_count(o, self._lo - 1)
        return bisect_right(self._ords, o)

    def _select(self, k: int) -> int:
        """The ordinal of the working day whose rank is ``k``."""
        count = len(self._ords)
        if 1 <= k <= count:
            return self._ords[k - 1]
        if k > count:
            self._uncovered(self._hi + 1)
            return self._plain_after(self._hi, k - count)
        self._uncovered(self._lo - 1)
        return self._plain_before(self._lo, 1 - k)

    def _plain_count(self, x: int, y: int) -> int:
        """Non-weekend days in ``(x, y]``, ``x <= y``."""
        weeks, rest = divmod(y - x, 7)
        return weeks * self._per_week + sum(
            self._plain[(x + i + 6) % 7] for i in range(1, rest + 1)
        )

    def _plain_after(self, x: int, n: int) -> int:
        """The ``n``-th non-weekend day strictly after ordinal ``x`` (``n >= 1``)."""
        weeks = (n - 1) // self._per_week  # every 7 days hold exactly _per_week of them
        x += 7 * weeks
        n -= weeks * self._per_week
        while True:
            x += 1
            if self._plain[(x + 6) % 7]:
                n -= 1
                if n == 0:
                    return x

    def _plain_before(self, x: int, n: int) -> int:
        """The ``n``-th non-weekend day strictly before ordinal ``x`` (``n >= 1``)."""
        weeks = (n - 1) // self._per_week
        x -= 7 * weeks
        n -= weeks * self._per_week
        while True:
            x -= 1
            if self._plain[(x + 6) % 7]:
                n -= 1
                if n == 0:
                    return x


def _dates(days: frozenset[date] | set[date]) -> Values:
    """The first five days (ISO dates) and how many more there are."""
    shown = tuple(d.isoformat() for d in sorted(days)[:5])
    more = Msg("calendar.more", (("n", len(days) - 5),)) if len(days) > 5 else None
    return (("dates", shown), ("more", more))
