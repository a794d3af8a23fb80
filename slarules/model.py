"""The contract as frozen value objects. Built by the loader; read by everything else."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from .calendar import WorkCalendar
from .conditions import Condition, Value
from .durations import Duration

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def both(self) -> str:
        return self.en if self.zh == self.en else f"{self.zh} {self.en}"


@dataclass(frozen=True, slots=True)
class Dated(Generic[T]):
    """A value that may change on dates of effect: ``(from, value)`` in order.

    The first entry's ``from`` is None (in force since the beginning).
    """

    starts: tuple[datetime | None, ...]
    values: tuple[T, ...]

    @classmethod
    def always(cls, value: T) -> Dated[T]:
        return cls((None,), (value,))

    def at(self, instant: datetime) -> T:
        """The value in force at ``instant``."""
        if len(self.values) == 1:
            return self.values[0]
        keys = [s for s in self.starts if s is not None]
        offset = 1 if self.starts[0] is None else 0
        index = bisect.bisect_right(keys, instant) - 1 + offset
        if index < 0:
            raise LookupError(f"no value in force at {instant.isoformat()}")
        return self.values[index]

    @property
    def current(self) -> T:
        return self.values[-1]


@dataclass(frozen=True, slots=True)
class Reading:
    name: str
    value: str
    clause: str


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    zh: str
    en: str
    rank: int  # 0 is the most severe
    aliases: tuple[str, ...]
    clause: str
    definition: str
    when: Condition

    def label(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    zh: str
    pinyin: str
    distance_km: float


@dataclass(frozen=True, slots=True)
class Band:
    id: str
    zh: str
    en: str
    max_km: float | None
    sites: tuple[str, ...]

    def matches(self, site_id: str | None, distance_km: float) -> bool:
        if self.sites:
            return site_id in self.sites
        return self.max_km is not None and distance_km <= self.max_km


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A fact an event may carry. ``min``/``max`` bound a number or integer field."""

    name: str
    type: str
    required: bool
    min: float | None = None
    max: float | None = None
    # (min, max) with open ends as infinities, or None: the record check tests only fields
    # that have bounds.
    bounds: tuple[float, float] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        bounded = self.min is not None or self.max is not None
        low = -math.inf if self.min is None else self.min
        high = math.inf if self.max is None else self.max
        object.__setattr__(self, "bounds", (low, high) if bounded else None)


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    zh: str
    en: str
    fields: Mapping[str, FieldSpec]
    # Events this one undoes when logged after them (a reopening undoes a restoration).
    undoes: tuple[str, ...] = ()
    title: Text = field(init=False, compare=False, repr=False)
    required: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", Text(self.zh, self.en))
        object.__setattr__(
            self, "required", tuple(f.name for f in self.fields.values() if f.required)
        )


@dataclass(frozen=True, slots=True)
class IntervalSpec:
    """A start/end pair of events: open while any of its starts is unanswered.

    ``duration_fact`` names the fact that each interval's length gives (the outage
    length the severity definitions read); ``max_facts`` the event fields whose
    largest value recorded within an interval is a fact of it.
    """

    id: str
    start: str
    end: str
    duration_fact: str | None = None
    max_facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pause:
    id: str
    clause: str
    title: Text
    start_event: str
    end_event: str


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    site: str | None
    title: Text


@dataclass(frozen=True, slots=True)
class SupportLevel:
    level: int
    title: Text


@dataclass(frozen=True, slots=True)
class Budget:
    """A budget that is one value, or a table keyed by severity or by band.

    A key that maps to None is the contract's 不适用: no term there.
    """

    by: str | None
    cells: Mapping[str, Dated[Duration] | None]
    dated: bool = field(init=False, repr=False, compare=False)  # any cell changes on a date

    def __post_init__(self) -> None:
        changes = any(cell is not None and len(cell.values) > 1 for cell in self.cells.values())
        object.__setattr__(self, "dated", changes)

    def lookup(self, key: str | None) -> tuple[bool, Dated[Duration] | None]:
        """(key found, value): the value is None where the contract sets no term."""
        if self.by is None:
            return True, self.cells[""]
        if key is None or key not in self.cells:
            return False, None
        return True, self.cells[key]


@dataclass(frozen=True, slots=True)
class Obligation:
    """What every obligation has. ``type`` names its kind module."""

    id: str
    clause: str
    title: Text
    type: str
    stated: bool
    source: str  # file:line of its definition
    # Its own warning thresholds (percent of the budget used, increasing), or None for
    # the contract's; keyword-only so that the kinds' fields may follow without defaults.
    warn_at: tuple[float, ...] | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class Charge:
    """What one breach of an obligation costs the provider: per breach, per hour late, at
    most (the customer's assessment, 2.3.4.4)."""

    obligation: str  # an obligation id, or ``*``: every obligation without its own charge
    per_breach: Dated[Decimal]
    per_hour_late: Dated[Decimal]
    at_most: Dated[Decimal] | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """The customer's assessment (2.3.4.4): the charges, and each month's full score, cap
    and floor; scored by :mod:`slarules.assessment`."""

    id: str
    title: Text
    clause: str
    unit: str  # points | yuan
    charges: tuple[Charge, ...]
    late_hours: str = "started"  # started: each hour begun counts | exact: to the second
    full: Dated[Decimal] | None = None  # the score before deductions (points)
    cap: Dated[Decimal] | None = None  # at most this much deducted in a month
    floor: Dated[Decimal] | None = None  # the score is never below this
    source: str = ""

    def charge_for(self, obligation: str) -> Charge | None:
        default = None
        for charge in self.charges:
            if charge.obligation == obligation:
                return charge
            if charge.obligation == "*":
                default = charge
        return default


@dataclass(frozen=True)
class Contract:
    """The whole contract, as loaded. Immutable; ``with_*`` style changes return new ones."""

    id: str
    title: Text
    tz: ZoneInfo
    readings: Mapping[str, Reading]
    levels: tuple[Level, ...]
    sites: tuple[Site, ...]
    origin: str
    bands: tuple[Band, ...]
    events: Mapping[str, EventType]
    pauses: Mapping[str, Pause]
    obligations: tuple[Obligation, ...]
    support_levels: tuple[SupportLevel, ...]
    devices: tuple[Device, ...]
    calendar: WorkCalendar
    source: str = ""
    intervals: tuple[IntervalSpec, ...] = ()
    # Warning thresholds, percent of a clock's budget used, increasing (``open``, ``watch``).
    warn_at: tuple[float, ...] = ()
    assessment: Assessment | None = None  # the customer's assessment (2.3.4.4), if given
    _level_names: Mapping[str, str] = field(default_factory=dict, repr=False)
    _site_names: Mapping[str, str] = field(default_factory=dict, repr=False)

    def reading(self, name: str) -> str:
        return self.readings[name].value

    @cached_property
    def fact_fields(self) -> tuple[tuple[str, str], ...]:
        """Every fact the vocabulary names, (name, type), in the order the events file first
        names them: the columns of an events table, and the order events of one instant take."""
        seen: dict[str, str] = {}
        for event in self.events.values():
            for spec in event.fields.values():
                seen.setdefault(spec.name, spec.type)
        return tuple(seen.items())

    @cached_property
    def undo(self) -> Mapping[str, tuple[str, ...]]:
        """Event name -> the events it undoes (``reopened`` -> restored, resolved ...)."""
        return {name: e.undoes for name, e in self.events.items() if e.undoes}

    @cached_property
    def interval_pairs(self) -> tuple[tuple[str, str], ...]:
        """Every start/end pair: the declared intervals and the pauses."""
        pairs = [(i.start, i.end) for i in self.intervals]
        pairs += [(p.start_event, p.end_event) for p in self.pauses.values()]
        return tuple(dict.fromkeys(pairs))

    @cached_property
    def outage(self) -> IntervalSpec | None:
        """The interval whose length is a fact (the business interruption of 2.2.2)."""
        return next((i for i in self.intervals if i.duration_fact), None)

    def level(self, name: str) -> Level | None:
        """A level by id, Chinese name, English name or alias (case-insensitive)."""
        for level in self.levels:  # the ids themselves are the common case
            if level.id == name:
                return level
        level_id = self._level_names.get(name.strip().casefold())
        return None if level_id is None else self.level_by_id(level_id)

    def level_by_id(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def site(self, name: str) -> Site | None:
        """A site by id, Chinese name or pinyin (case-insensitive; 沈阳市 finds 沈阳)."""
        key = name.strip().casefold()
        site_id = self._site_names.get(key) or self._site_names.get(key.removesuffix("市"))
        if site_id is None:
            return None
        return next(s for s in self.sites if s.id == site_id)

    def band_for(self, site_id: str | None, distance_km: float) -> Band | None:
        """The first band that matches; None beyond the last band."""
        for band in self.bands:
            if band.matches(site_id, distance_km):
                return band
        return None

    def thresholds(self, ob: Obligation) -> tuple[float, ...]:
        """The warning thresholds of an obligation: its own, else the contract's."""
        return self.warn_at if ob.warn_at is None else ob.warn_at

    def obligation(self, obligation_id: str) -> Obligation:
        for ob in self.obligations:
            if ob.id == obligation_id:
                return ob
        raise KeyError(obligation_id)

    def matching_levels(self, facts: Mapping[str, Value | None]) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if level.when.evaluate(facts))

    def classify(
        self, facts: Mapping[str, Value | None] | None = None, **named: Value | None
    ) -> Level | None:
        """The level the outage facts give, resolving overlaps and the gap as the readings say.

        ``contract.classify(outage_duration=timedelta(hours=5), affected_users_pct=40)``
        """
        facts = {**(facts or {}), **named}
        matches = self.matching_levels(facts)
        if matches:
            if self.reading("severity_overlap") == "most_severe":
                return min(matches, key=lambda lv: lv.rank)
            return matches[0]
        if self.reading("severity_gap") == "minor":
            return max(self.levels, key=lambda lv: lv.rank)
        return None
