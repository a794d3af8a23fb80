"""The contract's clocks by name, built once per contract (pure core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
