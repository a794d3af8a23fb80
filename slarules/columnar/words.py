"""Words in SQL: the reasons of many result rows made by the database, as
:class:`~slarules.wording.Wording` makes one.

A reason is its code's template filled with values. Most values are the same for
many rows (the obligation's names, a level, a band, a budget); the ones that
differ row by row are the result's own times and lengths (``start``, ``due``,
``done``, ``as_of``, ``late``, ``spare``, ``overdue``) and one time a reason may
name (``v_time``). So the rows are grouped by everything else; each group's
template is filled in Python (:meth:`Wording.partial`, the same words), leaving
markers for the per-row values; and SQL puts the row's times and lengths, formatted
as :meth:`Wording.time` and :meth:`Wording.duration` do, in their place. A group
whose words would name such a time in a way SQL cannot fill (inside a list, say)
is written row by row in Python instead. ``tests/test_columnar_output.py`` holds
that the bytes equal the Python reporters' on random logs, in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import model as m
from ..kinds import KINDS
from ..results import Finding, Result
from ..wording import Wording
from .base import US, fdiv, from_us, lit

# A time no log holds (year 1, odd seconds): a reason's value equal to it is the
# row's ``v_time``, filled by SQL.
PROBE_US = -62_135_405_054_321_987
PROBE = from_us(PROBE_US)
ROW_TIME = "v_time"

# The columns a reason's values are read from besides the times (see Kind.row_values):
# the rows of one value of all these are one group, their words made once.
GROUP_COLUMNS = (
    "obligation",
    "code",
    "clock",
    "budget",
    "period",
    "v_level",
    "v_level2",
    "v_band",
    "v_site",
    "v_km",
    "v_missing",
    "v_count",
    "v_within",
    "v_share",
    "v_text",
    "timed",
)


def _split(template: str) -> tuple[str, str]:
    """A unit's form ('{n}小时') as the text before and after its number."""
    if template.count("{n}") != 1 or template.replace("{n}", "").count("{") > 0:
        raise ValueError(f"a duration unit's form must name {{n}} once: {template!r}")
    before, after = template.split("{n}")
    return before, after


class SqlWords:
    """One language's formats as SQL expressions over microsecond columns."""

    def __init__(self, words: Wording, offset: int) -> None:
        self.words = words
        self.offset = offset
        fmt = words.data["format"]
        self.none = lit(str(fmt["none"]))
        self._time = str(fmt["time"])
        self._weekdays = [str(w) for w in fmt["weekdays"]]
        units = fmt["duration"]
        self._units = {k: _split(str(units[k])) for k in ("days", "hours", "minutes", "seconds")}
        self._join = str(units["join"])

    def time(self, micros: str) -> str:
        """:meth:`Wording.time` of an instant column: '2026-10-11 10:00 周日'."""
        local = f"make_timestamp({micros} + {self.offset})"
        weekday = (
            "CASE isodow("
            + local
            + ") "
            + " ".join(f"WHEN {n} THEN {lit(w)}" for n, w in enumerate(self._weekdays, start=1))
            + " END"
        )
        values = {
            "date": f"strftime({local}, '%Y-%m-%d')",
            "hm": f"strftime({local}, '%H:%M')",
            "weekday": weekday,
        }
        return _fill(self._time, values)

    def duration(self, micros: str) -> str:
        """:meth:`Wording.duration` of a length in microseconds: '10小时0分'."""
        seconds = f"CAST(TRUNC(({micros}) / 1000000.0) AS BIGINT)"
        size = f"ABS({seconds})"
        days = fdiv(size, 86_400)
        hours = f"({fdiv(size, 3600)} % 24)"
        minutes = f"({fdiv(size, 60)} % 60)"
        secs = f"({size} % 60)"

        def unit(name: str, value: str) -> str:
            before, after = self._units[name]
            return f"{lit(before)} || CAST({value} AS VARCHAR) || {lit(after)}"

        parts = [
            f"CASE WHEN {days} > 0 THEN {unit('days', days)} END",
            f"CASE WHEN {days} > 0 OR {hours} > 0 THEN {unit('hours', hours)} END",
            unit("minutes", minutes),
            f"CASE WHEN {secs} > 0 THEN {unit('seconds', secs)} END",
        ]
        sign = f"CASE WHEN {seconds} < 0 THEN '-' ELSE '' END"
        return f"({sign} || concat_ws({lit(self._join)}, {', '.join(parts)}))"

    def marker(self, name: str, as_of: int, alias: str = "r") -> str:
        """The SQL of one per-row value of a reason (NULL-safe: the none sign)."""
        times = {
            n: f"{alias}.{c}"
            for n, c in (("start", "start_us"), ("due", "due_us"), ("done", "done_us"))
        }
        times[ROW_TIME] = f"{alias}.v_time"
        due, done = times["due"], times["done"]
        if name in times:
            value = self.time(times[name])
            return f"CASE WHEN {times[name]} IS NULL THEN {self.none} ELSE {value} END"
        if name == "as_of":
            return self.time(str(as_of))
        lengths = {
            "late": (f"COALESCE({done}, {as_of}) - {due}", f"{due} IS NULL"),
            "spare": (f"{due} - {done}", f"{due} IS NULL OR {done} IS NULL"),
            "overdue": (f"{as_of} - {due}", f"{due} IS NULL"),
        }
        length, missing = lengths[name]
        return f"CASE WHEN {missing} THEN {self.none} ELSE {self.duration(length)} END"


def _fill(template: str, values: Mapping[str, str]) -> str:
    import string

    out = []
    for literal, field, _spec, _ in string.Formatter().parse(template):
        if literal:
            out.append(lit(literal))
        if field is not None:
            out.append(values[field])
    return "(" + " || ".join(out or ["''"]) + ")"


class Parts:
    """Each group's reason as literal text and markers, made with a result of the group."""

    def __init__(self, contract: m.Contract, words: Wording, as_of: datetime) -> None:
        self.contract = contract
        self.words = words
        self.as_of = as_of
        self.obligations = {ob.id: ob for ob in contract.obligations}
        self._probe_text = words.time(PROBE)

    def of(self, row: Mapping[str, Any]) -> tuple[tuple[str, str | None], ...] | None:
        """The parts of a row's group (its times stand for every row's), or None when
        its words must be made row by row."""
        ob = self.obligations[row["obligation"]]
        kind = KINDS[ob.type]
        probe = dict(row)
        if probe["v_time"] is not None:
            probe["v_time"] = PROBE_US
        values = kind.row_values(self.contract, ob, row["code"], probe)
        shown: list[tuple[str, object]] = []
        for name, value in values:
            if isinstance(value, datetime) and value == PROBE:
                shown.append((name, _RowTime()))
            else:
                shown.append((name, value))
        parts = self.words.partial(row["code"], shown)
        if any(self._probe_text in text for text, _ in parts):
            return None  # the probe time went into the words where SQL cannot fill it
        return parts


class _RowTime:
    """Stands for the row's ``v_time`` in a reason's values."""

    marker = ROW_TIME


def result_of(contract: m.Contract, row: Mapping[str, Any], as_of: datetime) -> Result:
    """A result row as the Python engine's :class:`Result` (for words made row by row,
    and the reporters that take results)."""
    from ..durations import parse_duration

    ob = {o.id: o for o in contract.obligations}[row["obligation"]]
    kind = KINDS[ob.type]
    code = row["code"]
    budget = parse_duration(row["budget"]) if row["budget"] else None

    def at(value: Any) -> datetime | None:
        return None if value is None else from_us(value)

    finding = Finding(
        row["status"],
        code,
        at(row["start_us"]),
        at(row["due_us"]),
        at(row["done_us"]),
        row["clock"] or "",
        budget,
        (),
        row["period"],
        None,
        kind.row_details(ob, row),
        bool(row["timed"]),
        kind.row_values(contract, ob, code, row),
    )
    return Result(row["case_id"], ob.id, ob.clause, ob.title, finding, as_of, row["occurrence"])


def seconds_sql(micros: str) -> str:
    """``int(timedelta.total_seconds())`` of a length in microseconds."""
    return f"CAST(TRUNC(({micros}) / 1000000.0) AS BIGINT)"


def iso_sql(micros: str, offset: int) -> str:
    """The ISO 8601 text of an instant in the contract's steady offset, to the second, as
    the reporters write times ('2026-10-01T08:00:00+08:00')."""
    sign = "+" if offset >= 0 else "-"
    minutes = abs(offset) // (60 * US)
    suffix = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    local = f"make_timestamp({micros} + {offset})"
    return f"(strftime({local}, '%Y-%m-%dT%H:%M:%S') || {lit(suffix)})"
