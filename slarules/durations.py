"""Durations as the rules files write them: a number and a unit.

One notation, no look-alikes: ``s``, ``min``, ``h`` are elapsed (24x7) time;
``d`` is calendar days counted under Civil Code arts. 201-203; ``wd`` is
working days on the contract's calendar. There is deliberately no ``m`` (minutes
or months?) and no ``M``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from .messages import Msg, Problem

Unit = Literal["s", "min", "h", "d", "wd"]

ELAPSED_UNITS: dict[str, int] = {"s": 1, "min": 60, "h": 3600}
DAY_UNITS = ("d", "wd")
UNITS: tuple[str, ...] = (*ELAPSED_UNITS, *DAY_UNITS)

_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$")

# The longest duration the tool takes, in any unit: 100 years of 365 days. A limit of the tool,
# not a contract term: no service term is that long, and it keeps every due time far inside
# what ``datetime`` can hold (a budget of 10**30 min would overflow it).
MAX_DAYS = 36_500
MAX_AMOUNT: dict[str, int] = {
    "s": MAX_DAYS * 86_400,
    "min": MAX_DAYS * 1_440,
    "h": MAX_DAYS * 24,
    "d": MAX_DAYS,
    "wd": MAX_DAYS,
}


class DurationError(Problem):
    """A duration string that does not follow the notation (a code and its values)."""


@dataclass(frozen=True, slots=True)
class Duration:
    amount: Decimal
    unit: Unit
    label: str = field(init=False, compare=False, repr=False)
    seconds: float = field(init=False, compare=False, repr=False)
    delta: timedelta = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Precomputed: durations are read on every clock of every case.
        object.__setattr__(self, "label", f"{self.amount.normalize():f} {self.unit}")
        factor = ELAPSED_UNITS.get(self.unit)
        object.__setattr__(self, "seconds", float(self.amount * factor) if factor else 0.0)
        object.__setattr__(self, "delta", timedelta(seconds=self.seconds))

    @property
    def is_elapsed(self) -> bool:
        return self.unit in ELAPSED_UNITS

    def as_timedelta(self) -> timedelta:
        """The elapsed length; only for ``s``, ``min`` and ``h``."""
        if self.unit not in ELAPSED_UNITS:
            raise DurationError("duration.not_elapsed", duration=self.label)
        return self.delta

    def as_days(self) -> int:
        """The whole number of days; only for ``d`` and ``wd``."""
        if self.unit not in DAY_UNITS:
            raise DurationError("duration.not_days", duration=self.label)
        return int(self.amount)

    def __str__(self) -> str:
        return self.label


def parse_duration(text: str) -> Duration:
    """Parse ``"30 min"``, ``"0.5 h"``, ``"2 d"``, ``"1 wd"``; at most 100 years in any unit."""
    match = _PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        raise DurationError("duration.bad", text=text, units=UNITS)
    number, unit = match.groups()
    if unit not in UNITS:
        minutes = unit in ("m", "mins", "minute", "minutes")
        raise DurationError(
            "duration.bad_unit",
            unit=unit,
            text=text,
            hint=Msg("duration.minutes_are_min") if minutes else None,
            units=UNITS,
        )
    try:
        amount = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise DurationError("duration.bad", text=text, units=UNITS) from exc
    if amount > MAX_AMOUNT[unit]:
        raise DurationError("duration.too_long", text=text, most=MAX_AMOUNT[unit], unit=unit)
    if unit in DAY_UNITS and amount != amount.to_integral_value():
        raise DurationError("duration.whole_days", text=text)
    return Duration(amount, unit)  # type: ignore[arg-type]
