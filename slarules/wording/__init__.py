"""The only place words are made: codes and values -> Chinese or English.

The message catalogues are data, one file per language (``zh.yaml``,
``en.yaml`` beside this module), with named placeholders, so a translator or a
contract manager changes wording without Python. Times, durations, budgets and
the contract's names are formatted here and only here, one way per language.

Text is made only for what is written out: reporters call :meth:`Wording.reason`
for the rows they write, so an audit written as a verdict table builds no words.

:class:`Words` needs no contract: the words of rules errors (the rules may not
load), of files that cannot be read and of rejected records.
:class:`Wording` adds the contract's names (an event's title, a level's name)
and its time zone.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from ..conditions import All, Any_, Compare, Condition, Not
from ..durations import Duration
from ..errors import RuleError, short_repr
from ..kinds import KINDS
from ..messages import Coded, Msg, Ref
from ..model import Contract, Text
from ..results import Result, Step
from ..zones import LocalTimes

if TYPE_CHECKING:
    from ..events import Rejection

LANGUAGES = ("zh", "en")
SECTIONS = ("reason", "words", "step")  # where codes of findings and steps live
# Where the codes of errors live: rejected records, rules errors (and validate's
# warnings), inputs that cannot be read. A code is in one section only.
ERROR_SECTIONS = ("reject", "rules", "lint", "input")
CODE_SECTIONS = SECTIONS + ERROR_SECTIONS
# Kinds of names that are words of the catalogue (a section each), not the contract's.
_WORD_KINDS = ("clock", "party", "op", "fact", "type", "status", "packed")


@cache
def catalogue(lang: str) -> dict[str, Any]:
    """A language's catalogue, as data (``zh`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no wording for language {lang!r} (one of {', '.join(LANGUAGES)})")
    text = resources.files(__name__).joinpath(f"{lang}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def _parts(template: str) -> tuple[tuple[str, str | None, str, str], ...]:
    """A template as (literal, field or None, format spec, conversion) parts, parsed once."""
    return tuple(
        (literal, field, spec or "", conversion or "")
        for literal, field, spec, conversion in string.Formatter().parse(template)
    )


def _is_pair(item: object) -> bool:
    """A (name, value) pair, as a finding's facts; a Ref or a Msg is one value."""
    return isinstance(item, tuple) and len(item) == 2 and not isinstance(item, (Ref, Msg))


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in _parts(template) if field}


def _as_duration(delta: timedelta) -> Duration:
    """A length in the largest unit it is whole in, as the rules write it ('4 h')."""
    seconds = Decimal(str(delta.total_seconds())).normalize()
    if seconds % 3600 == 0:
        return Duration(seconds / 3600, "h")
    if seconds % 60 == 0:
        return Duration(seconds / 60, "min")
    return Duration(seconds, "s")


# The values every reason may name that its result holds (times and lengths).
IMPLICIT = ("start", "due", "done", "as_of", "late", "spare", "overdue")


@dataclass(frozen=True)
class _Implicit:
    """The values every reason may name, read off its result."""

    result: Result | None

    def get(self, name: str) -> object:
        r = self.result
        if r is None:
            return None
        f = r.finding
        if name == "start":
            return f.start
        if name == "due":
            return f.due
        if name == "done":
            return f.done
        if name == "as_of":
            return r.as_of
        if name == "late" and f.due is not None:
            return (f.done or r.as_of) - f.due
        if name == "spare" and f.due is not None and f.done is not None:
            return f.due - f.done
        if name == "overdue" and f.due is not None:
            return r.as_of - f.due
        return None


class Words:
    """Words in one language, for what needs no contract: errors and their values.

    A name of the contract (a :class:`Ref`) is shown by its id here; times in their own
    offset. :class:`Wording` shows them as the contract names them, in its zone.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.data = catalogue(lang)
        fmt = self.data["format"]
        self._weekdays: Sequence[str] = fmt["weekdays"]
        self._units: Mapping[str, str] = fmt["duration"]
        self._budget: Mapping[str, Any] = fmt["budget"]
        self._list: str = str(fmt["list"])
        self._none: str = str(fmt["none"])
        self._pair: str = str(fmt["pair"])
        self._hint: str = str(fmt["did_you_mean"])

    # -- codes

    def template(self, code: str) -> str:
        for section in CODE_SECTIONS:
            found = self.data[section].get(code)
            if found is not None:
                return str(found)
        raise KeyError(f"no wording for {code!r} in {self.lang}.yaml")

    def text(
        self, code: str, values: Sequence[tuple[str, object]] = (), result: Result | None = None
    ) -> str:
        """The words of a code with its values (and a result's own times)."""
        given = dict(values)
        implicit = _Implicit(result)
        out = []
        for literal, field, spec, conversion in _parts(self.template(code)):
            out.append(literal)
            if field is None:
                continue
            value = given[field] if field in given else implicit.get(field)
            out.append(self._formatted(value, spec, conversion))
        return "".join(out)

    def partial(
        self, code: str, values: Sequence[tuple[str, object]] = ()
    ) -> tuple[tuple[str, str | None], ...]:
        """The words of a code as :meth:`text` makes them, but the result's own times and
        lengths (and a value with a ``marker``) left as markers: (text, marker or None)
        parts, for words a database finishes row by row (:mod:`slarules.columnar.words`)."""
        given = dict(values)
        parts: list[tuple[str, str | None]] = []
        pending: list[str] = []
        for literal, field, spec, conversion in _parts(self.template(code)):
            pending.append(literal)
            if field is None:
                continue
            value = given.get(field) if field in given else None
            marker = getattr(value, "marker", None) if field in given else None
            if marker is None and field not in given and field in IMPLICIT:
                marker = field
            if marker is not None:
                parts.append(("".join(pending), str(marker)))
                pending = []
            else:
                pending.append(self._formatted(value, spec, conversion))
        parts.append(("".join(pending), None))
        return tuple(parts)

    def _formatted(self, value: object, spec: str, conversion: str = "") -> str:
        """A value by its placeholder: ``!r`` quotes it as written (``'x'``); a spec is a
        number's format (``{share:.2f}``), for an id the kind of name it is
        (``{measure:fact}``, ``{op:op}``), ``id`` for a name's id, ``hint`` for a
        "did you mean" (nothing when there is no close name), ``opt`` for a piece that
        may be missing (nothing then), ``or`` for a list that is a choice."""
        if spec == "hint":
            return "" if not value else self.text_of(self._hint, {"name": _quoted(value)})
        if spec == "opt":
            return "" if value is None else self.value(value)
        if spec == "or" and isinstance(value, (tuple, list)):
            return str(self.data["format"]["or"]).join(self.value(item) for item in value)
        if conversion == "r":
            return (
                _quoted(value)
                if not isinstance(value, (tuple, list))
                else self._list.join(_quoted(item) for item in value)
            )
        if spec == "id" and isinstance(value, Ref):
            return value.id
        if spec and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return format(value, spec)
        if spec and isinstance(value, str):
            return self.name(Ref(spec, value))
        return self.value(value)

    def step(self, step: Step, result: Result | None = None) -> str:
        return self.text(step.code, step.values, result)

    def label(self, key: str, **values: object) -> str:
        template = str(self.data["label"][key])
        if not values:
            return template
        return self.text_of(template, values)

    def text_of(self, template: str, values: Mapping[str, object]) -> str:
        out = []
        for literal, field, spec, conversion in _parts(template):
            out.append(literal)
            if field is not None:
                out.append(self._formatted(values.get(field), spec, conversion))
        return "".join(out)

    def status(self, status: str) -> str:
        return str(self.data["status"][status])

    # -- errors

    def rejection(self, rejection: Rejection) -> str:
        """Why a record was rejected (a :class:`~slarules.events.Rejection`), in words."""
        return self.text(rejection.code, rejection.values)

    def rejected(self, rejection: Rejection) -> str:
        """``file:line: reason``, the rejection's one line."""
        return f"{rejection.source}:{rejection.line}: {self.rejection(rejection)}"

    def rules_message(self, error: RuleError) -> str:
        """A rules error's (or warning's) message, without its place."""
        return self.text(error.code, error.values)

    def rules_error(self, error: RuleError) -> str:
        """``file:line:column: message`` (``warning: ...`` for a warning)."""
        message = self.rules_message(error)
        if error.severity != "error":
            message = self.label("warning_of", message=message)
        return f"{error.location}: {message}"

    def problem(self, error: Coded) -> str:
        """The words of an error that is a code and values (a file that cannot be read,
        a year the calendar does not cover, a bad time or duration)."""
        return self.text(error.code, error.values)

    # -- values

    def value(self, value: object) -> str:
        if value is None:
            return str(self._none)
        if isinstance(value, str):
            return value
        if isinstance(value, datetime):
            return self.time(value)
        if isinstance(value, timedelta):
            return self.duration(value)
        if isinstance(value, Duration):
            return self.budget(value)
        if isinstance(value, Ref):
            return self.name(value)
        if isinstance(value, Msg):
            return self.text(value.code, value.values)
        if isinstance(value, Result):  # a finding named in a message: its reason
            return self.text(value.finding.code, value.finding.values, value)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, (int, Decimal)):
            return str(value)
        if isinstance(value, (tuple, list)):
            items = list(value)
            if items and all(_is_pair(i) for i in items):
                facts = self.data["fact"]
                return self._list.join(
                    self.text_of(self._pair, {"name": facts.get(a, a), "value": b})
                    if isinstance(a, str)
                    else self.text_of(self._pair, {"name": a, "value": b})
                    for a, b in items
                )
            return self._list.join(self.value(item) for item in items)
        return str(value)

    def local(self, at: datetime) -> datetime:
        """``at`` where it is shown: in its own offset (a contract's words: its zone)."""
        return at

    def time(self, at: datetime) -> str:
        """'2026-10-11 10:00 周日' / '2026-10-11 10:00 Sun', in the contract's zone."""
        t = self.local(at)
        return self.text_of(
            str(self.data["format"]["time"]),
            {
                "date": f"{t.year:04d}-{t.month:02d}-{t.day:02d}",
                "hm": f"{t.hour:02d}:{t.minute:02d}",
                "weekday": self._weekdays[t.weekday()],
            },
        )

    def duration(self, delta: timedelta) -> str:
        """'10小时0分' / '10 h 0 min': days shown past 24 h, seconds when there are some."""
        seconds = int(delta.total_seconds())  # toward zero, as the minutes shown
        sign = "-" if seconds < 0 else ""
        days, rest = divmod(abs(seconds), 86_400)
        hours, rest = divmod(rest, 3_600)
        minutes, secs = divmod(rest, 60)
        units = self._units
        parts = []
        if days:
            parts.append(units["days"].format(n=days))
        if days or hours:
            parts.append(units["hours"].format(n=hours))
        parts.append(units["minutes"].format(n=minutes))
        if secs:
            parts.append(units["seconds"].format(n=secs))
        return sign + str(units["join"]).join(parts)

    def budget(self, duration: Duration) -> str:
        """A term of the rules ('10 min', '1 wd') in words: '10分钟', '1 working day'."""
        form = self._budget[duration.unit]
        n = f"{duration.amount.normalize():f}"
        if isinstance(form, Mapping):
            form = form["one"] if duration.amount == 1 else form["other"]
        return str(form).format(n=n)

    def name(self, ref: Ref) -> str:
        """A name: a word of the catalogue (a clock, an operator ...) or the name's id."""
        if ref.kind in _WORD_KINDS:
            return str(self.data[ref.kind].get(ref.id, ref.id))
        return ref.id


def _quoted(value: object) -> str:
    """A value as written, quoted (``'x'``), cut short to keep a message one line."""
    if isinstance(value, Ref):
        value = value.id
    elif isinstance(value, datetime):
        value = value.isoformat()
    return short_repr(value)


class Wording(Words):
    """Words for one contract in one language."""

    def __init__(self, contract: Contract, lang: str) -> None:
        super().__init__(lang)
        self.contract = contract
        self._local = LocalTimes(contract.tz)
        self._sections = {
            key: labels
            for ob in contract.obligations
            for key, labels in KINDS[ob.type].sections(ob).items()
        }

    def reason(self, result: Result) -> str:
        f = result.finding
        return self.text(f.code, f.values, result)

    def local(self, at: datetime) -> datetime:
        return self._local(at)

    def condition(self, condition: Condition) -> str:
        """A condition of the rules in words: 'outage length over 4 h and ...'."""
        fmt = self.data["format"]
        if isinstance(condition, Compare):
            value = condition.value
            return self.text_of(
                str(fmt["compare"]),
                {
                    "fact": self.name(Ref("fact", condition.fact)),
                    "op": self.name(Ref("op", condition.op)),
                    "value": self.budget(_as_duration(value))
                    if isinstance(value, timedelta)
                    else f"{value:g}",
                },
            )
        if isinstance(condition, Not):
            return self.text_of(str(fmt["not"]), {"item": self.condition(condition.item)})
        joiner = str(fmt["and"] if isinstance(condition, All) else fmt["or"])
        parts = [
            self.text_of(str(fmt["group"]), {"item": self.condition(item)})
            if isinstance(item, (All, Any_))
            else self.condition(item)
            for item in condition.items
        ]
        return joiner.join(parts)

    def name_of_event(self, name: str) -> str:
        return self.name(Ref("event", name))

    def name(self, ref: Ref) -> str:
        """A name the contract gives, in this language."""
        c, kind, key = self.contract, ref.kind, ref.id
        zh = self.lang == "zh"
        if kind == "event":
            event = c.events.get(key)
            return key if event is None else event.title.pick(self.lang)
        if kind == "obligation":
            try:
                return c.obligation(key).title.pick(self.lang)
            except KeyError:
                return key
        if kind == "level":
            level = c.level(key)
            return key if level is None else (level.zh if zh else level.en)
        if kind == "definition":
            level = c.level(key)
            return (
                key if level is None else (level.definition if zh else self.condition(level.when))
            )
        if kind == "band":
            band = next((b for b in c.bands if b.id == key), None)
            return key if band is None else (band.zh if zh else band.en)
        if kind == "site":
            site = c.site(key)
            return key if site is None else (site.zh if zh else site.pinyin.title())
        if kind == "device":
            device = next((d for d in c.devices if d.id == key), None)
            return key if device is None else device.title.pick(self.lang)
        if kind == "section":
            labels: Text | None = self._sections.get(key)
            return key if labels is None else labels.pick(self.lang)
        return super().name(ref)
