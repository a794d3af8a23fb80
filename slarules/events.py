"""Event records: check one raw record against the contract's vocabulary.

Pure: takes a mapping (from any reader) and returns an :class:`Event` or a
:class:`Rejection` with the reason. Naive times are read in the contract's zone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any, NamedTuple

from . import model as m
from .zones import SHARED as _shared_zones

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")
_CORE_ORDER = ("case", "event", "at")  # the order errors are reported in
_CORE = frozenset(_CORE_ORDER)

# The instants the tool works with, by their local year: a limit of the tool, not
# of the contract. datetime holds years 1 to 9999; a margin of about 1,000 years on
# each side keeps every shift to UTC (at most a day) and every budget (the loader
# bounds durations to about 100 years) inside it, so no arithmetic can overflow.
MIN_YEAR, MAX_YEAR = 1000, 8999
TIME_RANGE = f"years {MIN_YEAR} to {MAX_YEAR}"


class Event(NamedTuple):
    """One checked record. A named tuple: immutable, and cheap to build by the million."""

    case: str
    name: str
    at: datetime
    facts: Mapping[str, Any]
    source: str = ""
    line: int = 0
    seq: int = 0  # order of reading, to keep ties stable

    def get(self, name: str, default: Any = None) -> Any:
        return self.facts.get(name, default)


@dataclass(frozen=True, slots=True)
class Rejection:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


def in_range(at: datetime) -> bool:
    """Whether ``at`` is an instant the tool works with (see :data:`MIN_YEAR`)."""
    return MIN_YEAR <= at.year <= MAX_YEAR


class TimeOutOfRange(ValueError):
    """A time outside :data:`TIME_RANGE`; ``text`` is the time as it was written."""

    def __init__(self, text: str) -> None:
        super().__init__(f"time {text!r} is outside the supported range ({TIME_RANGE})")
        self.text = text


def out_of_range(text: Any) -> TimeOutOfRange:
    """The error for a time outside :data:`TIME_RANGE`, naming it as it was written."""
    return TimeOutOfRange(text.isoformat() if isinstance(text, datetime) else str(text))


def parse_time(text: Any, tz: tzinfo) -> datetime:
    """ISO 8601 with or without offset; naive times are in ``tz``.

    ValueError for a time that does not parse or lies outside :data:`TIME_RANGE`.
    """
    if isinstance(text, datetime):
        value = text
    elif not isinstance(text, str) or not text.strip():
        raise ValueError(f"bad time {text!r}")
    else:
        raw = text.strip()
        if raw.endswith(("Z", "z")):  # Python 3.10's fromisoformat lacks "Z"
            raw = raw[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError(
                f"bad time {text!r} (ISO 8601 expected, e.g. 2026-10-09T14:05+08:00)"
            ) from None
    if not in_range(value):
        raise out_of_range(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value


def _number(value: Any, integer: bool) -> float | int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        number: float | int = value
    elif isinstance(value, str) and value.strip():
        number = float(value.strip())
    else:
        raise ValueError
    if not math.isfinite(number):
        raise ValueError  # nan and inf compare with nothing a contract says
    if integer:
        if float(number) != int(number):
            raise ValueError
        return int(number)
    return float(number)


def _convert(contract: m.Contract, spec: m.FieldSpec, value: Any) -> Any:
    kind = spec.type
    if kind == "severity":
        level = contract.level(str(value)) if isinstance(value, str) else None
        if level is None:
            names = ", ".join(f"{lv.id}/{lv.zh}" for lv in contract.levels)
            raise ValueError(f"unknown severity {value!r} (one of {names})")
        return level.id
    if kind == "site":
        site = contract.site(str(value)) if isinstance(value, str) else None
        if site is None:
            raise ValueError(
                f"unknown site {value!r} (a city of the sites registry, e.g. 大连 or dalian)"
            )
        return site.id
    if kind in ("number", "integer", "level"):
        try:
            number = _number(value, kind != "number")
        except (ValueError, TypeError, OverflowError):
            whole = "a whole number" if kind != "number" else "a number"
            raise ValueError(f"{spec.name} must be {whole}, got {value!r}") from None
        if kind == "level":
            known = {s.level for s in contract.support_levels}
            if known and number not in known:
                raise ValueError(f"unknown support level {value!r} (one of {sorted(known)})")
        elif spec.bounds is not None:
            _check_bounds(spec, number)
        return number
    if kind == "time":
        return parse_time(value, contract.tz)
    if kind == "sections":
        if isinstance(value, str):
            return tuple(s.strip() for s in value.split(";") if s.strip())
        if isinstance(value, list) and all(isinstance(s, str) for s in value):
            return tuple(value)
        raise ValueError(f"sections must be a list of names, got {value!r}")
    if kind == "period":
        if not isinstance(value, str) or not _PERIOD.match(value):
            raise ValueError(f"period must look like 2026-10 or 2026-Q3, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{spec.name} must be text, got {value!r}")
    return value


def _shown(number: float) -> str:
    return str(int(number)) if number == number and float(number).is_integer() else str(number)


def _check_bounds(spec: m.FieldSpec, number: float) -> None:
    """Raise ValueError unless ``number`` lies within the field's min and max."""
    if number != number:  # NaN: no bound holds or fails
        raise ValueError(f"{spec.name} must be a number, got {number}")
    if spec.min is not None and number < spec.min:
        raise ValueError(f"{spec.name} must be at least {_shown(spec.min)}, got {_shown(number)}")
    if spec.max is not None and number > spec.max:
        raise ValueError(f"{spec.name} must be at most {_shown(spec.max)}, got {_shown(number)}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_record(
    contract: m.Contract, raw: Mapping[str, Any], source: str, line: int, seq: int = 0
) -> Event | Rejection:
    """Turn one raw record into an :class:`Event`, or say why it cannot be used.

    For many records, build one :class:`RecordChecker` and call it instead.
    """
    return RecordChecker(contract)(raw, source, line, seq)


# Fact types whose text names something in the contract (a severity, a site):
# a log repeats a handful of names, so each is resolved once per checker.
_NAMED = frozenset({"severity", "site"})


class RecordChecker:
    """Checks records against one contract's vocabulary; call it with each record."""

    __slots__ = ("_events", "_levels", "_names", "_tz", "contract")

    def __init__(self, contract: m.Contract) -> None:
        self.contract = contract
        self._events = contract.events
        self._tz = contract.tz
        self._names: dict[tuple[str, str], Any] = {}
        self._levels = frozenset(s.level for s in contract.support_levels)

    def __call__(
        self, raw: Mapping[str, Any], source: str, line: int, seq: int = 0
    ) -> Event | Rejection:
        # Fast path for the common record: text case and time, a known event, facts
        # that convert cleanly. Anything unusual goes the slow way, which says why.
        contract = self.contract
        if type(raw) is not dict:
            return _check_slowly(contract, raw, source, line, seq)
        case, name, at_raw = raw.get("case"), raw.get("event"), raw.get("at")
        event_type = self._events.get(name) if type(name) is str else None
        if event_type is None or type(case) is not str or type(at_raw) is not str:
            return _check_slowly(contract, raw, source, line, seq)
        if not case or case.isspace():  # blank: the slow path says it is missing
            return _check_slowly(contract, raw, source, line, seq)
        try:
            at = datetime.fromisoformat(at_raw)
        except ValueError:
            return _check_slowly(contract, raw, source, line, seq)
        if not MIN_YEAR <= at.year <= MAX_YEAR:
            return _check_slowly(contract, raw, source, line, seq)
        zone = at.tzinfo
        if zone is None:
            at = at.replace(tzinfo=self._tz)
        else:
            common = _shared_zones.setdefault(zone, zone)  # see slarules.zones
            if common is not zone:
                # The same wall time with the shared (equal) zone, rebuilt as pickle
                # does: twice as fast as astimezone() on this hot path.
                at = datetime(at.__reduce__()[1][0], common)  # type: ignore[call-arg,arg-type]
        if len(raw) == 3:
            if event_type.required:
                return _check_slowly(contract, raw, source, line, seq)
            return _new_event(Event, (case, event_type.name, at, _NO_FACTS, source, line, seq))
        facts: dict[str, Any] = {}
        fields, names = event_type.fields, self._names
        try:
            for key, value in raw.items():
                if key in _CORE:
                    continue
                spec = fields.get(key)
                if spec is None:
                    if not _blank(value):
                        facts[key] = value
                    continue
                kind = spec.type
                if type(value) is str and kind in _NAMED:
                    known = names.get((kind, value))
                    if known is None:
                        if _blank(value):
                            continue
                        known = names[(kind, value)] = _convert(contract, spec, value)
                    facts[key] = known
                elif type(value) is int and kind == "integer":
                    bounds = spec.bounds
                    if bounds is not None and not bounds[0] <= value <= bounds[1]:
                        raise ValueError  # the slow path says which bound
                    if float(value) != value:  # beyond a float's exact integers, as there
                        raise ValueError
                    facts[key] = value
                elif kind == "number" and (type(value) is int or type(value) is float):
                    bounds = spec.bounds
                    if bounds is not None and not bounds[0] <= value <= bounds[1]:
                        raise ValueError  # the slow path says which bound (NaN fails both)
                    if value - value != 0:  # nan or inf: the slow path says why
                        raise ValueError
                    facts[key] = float(value)
                elif kind == "level" and type(value) is int and value in self._levels:
                    facts[key] = value
                elif not _blank(value):
                    facts[key] = _convert(contract, spec, value)
        except (ValueError, OverflowError):
            return _check_slowly(contract, raw, source, line, seq)
        for required in event_type.required:
            if required not in facts:
                return _check_slowly(contract, raw, source, line, seq)
        return _new_event(Event, (case, event_type.name, at, facts, source, line, seq))


_NO_FACTS: Mapping[str, Any] = MappingProxyType({})
_new_event = tuple.__new__  # Event without its generated __new__: one per record


def _check_slowly(
    contract: m.Contract, raw: Mapping[str, Any], source: str, line: int, seq: int
) -> Event | Rejection:
    if not isinstance(raw, Mapping):
        return Rejection(source, line, "the record is not an object")
    for name in _CORE_ORDER:
        if _blank(raw.get(name)):
            return Rejection(source, line, f"missing field {name!r}")
    name = raw["event"]
    event_type = contract.events.get(name) if isinstance(name, str) else None
    if event_type is None:
        import difflib

        close = difflib.get_close_matches(str(name), list(contract.events), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return Rejection(source, line, f"unknown event {name!r}{hint}")
    if not isinstance(raw["case"], str):
        # A number is refused, not taken as text: 1 and "1" would become one case unseen.
        return Rejection(source, line, f"case must be text (in quotes), got {raw['case']!r}")
    try:
        at = parse_time(raw["at"], contract.tz)
    except ValueError as exc:
        return Rejection(source, line, str(exc))
    facts: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _CORE or _blank(value):
            continue
        spec = event_type.fields.get(key)
        if spec is None:
            facts[key] = value  # extra facts are kept, as SPEC.md allows
            continue
        try:
            facts[key] = _convert(contract, spec, value)
        except ValueError as exc:
            return Rejection(source, line, f"{name}: {exc}")
    for spec in event_type.fields.values():
        if spec.required and spec.name not in facts:
            return Rejection(source, line, f"{name}: missing field {spec.name!r}")
    return Event(raw["case"], name, at, facts, source, line, seq)
