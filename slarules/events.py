"""Event records: check one raw record against the contract's vocabulary.

Pure: takes a mapping (from any reader) and returns an :class:`Event` or a
:class:`Rejection` with the reason, a code and its values (the words are
:mod:`slarules.wording`'s). Naive times are read in the contract's zone.
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
from .messages import Coded, Msg, Problem, Ref, Values, describe
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
    """A record that cannot be used: where it is, and why as a code and its values.

    The codes are the ``reject:`` section of the wording catalogues;
    ``Words(lang).rejection(r)`` gives the reason in words. ``str()`` is the
    rejection without words: ``file:line: code (name=value, ...)``.
    """

    source: str
    line: int
    code: str
    values: Values = ()

    @property
    def msg(self) -> Msg:
        return Msg(self.code, self.values)

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {describe(self.code, self.values)}"


def in_range(at: datetime) -> bool:
    """Whether ``at`` is an instant the tool works with (see :data:`MIN_YEAR`)."""
    return MIN_YEAR <= at.year <= MAX_YEAR


def fits(kind: str, value: object) -> bool:
    """Whether a fact's value has the form its vocabulary type gives it once checked.

    A fact the vocabulary names but an event does not declare is kept as it was written
    (a string where the type says number, say); both engines then hold it with the other
    facts, not in its typed column, so they order and compare it alike.
    """
    if kind == "time":
        return isinstance(value, datetime)
    if kind == "sections":
        return isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value)
    if isinstance(value, bool):
        return False
    if kind == "number":
        return isinstance(value, (int, float))
    if kind in ("integer", "level"):
        return isinstance(value, int)
    return isinstance(value, str)


class TimeOutOfRange(Problem):
    """A time outside :data:`TIME_RANGE`; ``text`` is the time as it was written."""

    def __init__(self, text: str) -> None:
        super().__init__("time.out_of_range", text=text, first=MIN_YEAR, last=MAX_YEAR)
        self.text = text

    def __reduce__(self) -> tuple[type[TimeOutOfRange], tuple[str]]:
        return type(self), (self.text,)


def out_of_range(text: Any) -> TimeOutOfRange:
    """The error for a time outside :data:`TIME_RANGE`, naming it as it was written."""
    return TimeOutOfRange(text.isoformat() if isinstance(text, datetime) else str(text))


def parse_time(text: Any, tz: tzinfo) -> datetime:
    """ISO 8601 with or without offset; naive times are in ``tz``.

    :class:`~slarules.messages.Problem` (a ValueError) for a time that does not parse
    or lies outside :data:`TIME_RANGE`.
    """
    if isinstance(text, datetime):
        value = text
    elif not isinstance(text, str) or not text.strip():
        raise Problem("time.bad", text=text)
    else:
        raw = text.strip()
        if raw.endswith(("Z", "z")):  # Python 3.10's fromisoformat lacks "Z"
            raw = raw[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise Problem("time.not_iso", text=text) from None
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
            names = tuple(f"{lv.id}/{lv.zh}" for lv in contract.levels)
            raise Problem("value.unknown_severity", got=value, choices=names)
        return level.id
    if kind == "site":
        site = contract.site(str(value)) if isinstance(value, str) else None
        if site is None:
            raise Problem("value.unknown_site", got=value)
        return site.id
    if kind in ("number", "integer", "level"):
        try:
            number = _number(value, kind != "number")
        except (ValueError, TypeError, OverflowError):
            code = "value.not_whole" if kind != "number" else "value.not_number"
            raise Problem(code, field=spec.name, got=value) from None
        if kind == "level":
            known = {s.level for s in contract.support_levels}
            if known and number not in known:
                raise Problem("value.unknown_level", got=value, known=tuple(sorted(known)))
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
        raise Problem("value.not_sections", field=spec.name, got=value)
    if kind == "period":
        if not isinstance(value, str) or not _PERIOD.match(value):
            raise Problem("value.not_period", field=spec.name, got=value)
        return value
    if not isinstance(value, str):
        raise Problem("value.not_text", field=spec.name, got=value)
    return value


def _shown(number: float) -> int | float:
    """A number as it is shown: a whole one as an int (``0``, not ``0.0``)."""
    return int(number) if number == number and float(number).is_integer() else number


def _check_bounds(spec: m.FieldSpec, number: float) -> None:
    """Raise :class:`Problem` unless ``number`` lies within the field's min and max."""
    if number != number:  # NaN: no bound holds or fails
        raise Problem("value.not_number", field=spec.name, got=number)
    if spec.min is not None and number < spec.min:
        raise Problem("value.below_min", field=spec.name, min=_shown(spec.min), got=_shown(number))
    if spec.max is not None and number > spec.max:
        raise Problem("value.above_max", field=spec.name, max=_shown(spec.max), got=_shown(number))


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
        return Rejection(source, line, "record.not_object")
    for name in _CORE_ORDER:
        if _blank(raw.get(name)):
            return Rejection(source, line, "record.missing", (("field", name),))
    name = raw["event"]
    event_type = contract.events.get(name) if isinstance(name, str) else None
    if event_type is None:
        import difflib

        close = difflib.get_close_matches(str(name), list(contract.events), n=1)
        return Rejection(
            source,
            line,
            "record.unknown_event",
            (("event", name), ("close", next(iter(close), None))),
        )
    if not isinstance(raw["case"], str):
        # A number is refused, not taken as text: 1 and "1" would become one case unseen.
        return Rejection(source, line, "record.case_not_text", (("got", raw["case"]),))
    try:
        at = parse_time(raw["at"], contract.tz)
    except ValueError as exc:
        return Rejection(source, line, *_problem(exc))
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
            problem = Msg(*_problem(exc))
            return Rejection(
                source, line, "record.fact", (("event", _event_ref(name)), ("problem", problem))
            )
    for spec in event_type.fields.values():
        if spec.required and spec.name not in facts:
            return Rejection(
                source,
                line,
                "record.missing_fact",
                (("event", _event_ref(name)), ("field", spec.name)),
            )
    return Event(raw["case"], name, at, facts, source, line, seq)


def _event_ref(event: str) -> Ref:
    """An event's name as a message names it."""
    return Ref("event", event)


def _problem(exc: ValueError) -> tuple[str, Values]:
    """A conversion's error as a code and values (any ValueError without one: its text)."""
    if isinstance(exc, Coded):
        return exc.code, exc.values
    return "value.unreadable", (("why", str(exc)),)
