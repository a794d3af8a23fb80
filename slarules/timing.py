"""The contract's clocks by name, built once per contract (pure core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from . import model as m
from .clocks import CalendarDayClock, ElapsedClock, Interval, WorkingDayClock, WorkingTimeClock
from .durations import Duration


class Clocks:
    def __init__(self, contract: m.Contract) -> None:
        self.contract = contract
        self.elapsed = ElapsedClock()
        self.calendar_days = CalendarDayClock(contract.calendar, contract.tz)
        self.working_days = WorkingDayClock(contract.calendar, contract.tz)
        self.working_day_mode = contract.reading("working_day_budget")
        self.working_time = WorkingTimeClock(contract.calendar, contract.tz, self.working_day_mode)
        # Working time after the start day: what a "within N working days" clock counts.
        self._working_days_time = WorkingTimeClock(
            contract.calendar, contract.tz, "end_of_nth_working_day"
        )

    def due(
        self,
        clock: str,
        start: datetime,
        budget: Duration,
        pauses: Sequence[Interval] = (),
        as_of: datetime | None = None,
    ) -> datetime:
        """The due instant; a pause still open at ``as_of`` stops the clock there."""
        if clock == "elapsed":
            return self.elapsed.due(start, budget.delta, pauses, as_of=as_of)
        if clock == "calendar_days":
            return self.calendar_days.due(start, budget.as_days(), pauses, as_of=as_of)
        if clock == "working_days":
            return self.working_days.due(start, budget.as_days(), pauses, as_of=as_of)
        if clock == "working_time":
            return self.working_time.due(start, budget.as_days(), pauses, as_of=as_of)
        raise ValueError(f"unknown clock {clock!r}")

    def used(
        self,
        clock: str,
        start: datetime,
        end: datetime,
        pauses: Sequence[Interval] = (),
        as_of: datetime | None = None,
    ) -> timedelta:
        """The time a clock counts from ``start`` to ``end``, paused time excluded: the
        budget used by ``end``. Elapsed time on the 24x7 clock; on the day clocks the time
        from 00:00 after the start day (working days only, for the working-day clocks).
        Negative before counting begins; ``used(start, due)`` is the whole budget (for the
        day clocks, as art. 203 may have lengthened it).
        """
        if clock == "elapsed":
            return self.elapsed.used(start, end, pauses, as_of=as_of)
        if clock == "calendar_days":
            return self.calendar_days.counted(start, end, pauses, as_of=as_of)
        if clock == "working_days":
            return self._working_days_time.used(start, end, pauses, as_of=as_of)
        if clock == "working_time":
            return self.working_time.used(start, end, pauses, as_of=as_of)
        raise ValueError(f"unknown clock {clock!r}")
