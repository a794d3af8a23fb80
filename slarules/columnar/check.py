"""The record check as SQL: which rows of a log the columnar loader takes as they are.

A *candidate* relation has one row per record read: ``seq`` (its place in reading
order), ``n`` (its line), ``plain`` (the reader found it plain enough to check here:
for JSON Lines, a flat object in the strict subset of JSON below), ``extra`` (the
other facts as the ``ev`` table keeps them, or NULL when only Python can say), and
for each field the contract names (:func:`field_names`: ``case``, ``event``, ``at``
and every fact, numbered ``0, 1, ...``) a type tag ``t_<i>`` and a text ``v_<i>``:

- ``s``: a string, ``v`` the string;
- ``n``: a number, ``v`` its decimal text;
- ``a``: a list of strings, ``v`` them joined by ``;`` (the events table's sections);
- ``t``: an instant, ``v`` its microseconds since the epoch (from Parquet);
- ``o``: anything else (the row goes to Python);
- NULL: absent (or null).

:meth:`RowCheck.sql` turns it into the ``ev`` columns and ``clean``: true only when
:class:`~slarules.events.RecordChecker` provably accepts the record and
:func:`~slarules.columnar.run.event_row` makes exactly these columns of it. Names
(severities, sites) are looked up in a table of the spellings the contract's own
lookups resolve; times, numbers and periods are taken in strict forms that Python
reads the same on every version. Anything else is not clean and goes to Python,
where the checker says what it makes of it (its rejections, its "did you mean").
No number of the contract is written here: bounds, levels and names come from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from .. import model as m
from ..events import MAX_YEAR, MIN_YEAR
from ..zones import LocalTimes
from .base import lit
from .run import FACT_TYPES

CORE = ("case", "event", "at")

# Python's whitespace: what str.strip() strips and str.isspace() sees (blank values are
# absent facts; sections are stripped of it). Listed, since finding them takes a scan of
# every code point (tests/test_columnar_load.py checks the list against that scan).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@cache
def ws_class() -> str:
    """The whitespace characters as a regular expression's class (RE2's ``\\x{..}``): a
    test by regexp is far quicker than DuckDB's trim with a set of characters."""
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"


def blank_sql(v: str) -> str:
    """Whether the text ``v`` is blank as Python sees it (empty or whitespace only)."""
    return f"regexp_full_match({v}, {lit(ws_class() + '*')})"


def strip_sql(v: str) -> str:
    """``v.strip()``."""
    ws = ws_class()
    return f"regexp_replace({v}, {lit(f'^{ws}+|{ws}+$')}, '', 'g')"


# -- strict forms (RE2, as DuckDB's regexp functions take them)

# A JSON string with neither escapes nor control characters: what a strict reader and
# DuckDB's JSON functions read alike, and what json.dumps writes back as it is.
STRING = r'"[^"\\\x00-\x1f]*"'
KEY = r'"[^"\\\x00-\x1f]+"'  # DuckDB's JSON paths cannot name the empty key
# A JSON number whose integer part a double holds exactly and whose exponent keeps it
# finite: orjson and DuckDB read the same value, and an integer prints as written.
NUMBER = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,20})?(?:[eE][+-]?[0-9]{1,2})?"
STRINGS = rf"\[ *(?:{STRING}(?: *, *{STRING})*)? *\]"
VALUE = rf"(?:{STRING}|{NUMBER}|true|false|null|{STRINGS})"
# A number written as text (CSV cells, quoted JSON): float() and DuckDB read it alike.
NUMBER_TEXT = r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,20})?"
# ISO 8601 as every supported Python's datetime.fromisoformat reads it (3 or 6 digits of
# fraction; an offset as +hh:mm or Z), within the tool's years (MIN_YEAR..MAX_YEAR).
_YEARS = (MIN_YEAR, MAX_YEAR)
assert _YEARS == (1000, 8999)  # the pattern's first digit [1-8]; change both together
TIME = (
    r"[1-8][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[T ]"
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{3}|\.[0-9]{6})?)?"
)
OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
PERIOD = r"[0-9]{4}-(?:0[1-9]|1[0-2]|Q[1-4])"  # events._PERIOD, in ASCII digits only
# A value of another fact in a JSON object, as json.dumps writes it back unchanged.
EXTRA_VALUE = rf"{STRING}|-?(?:0|[1-9][0-9]{{0,14}})|true|false|null"
EXACT = 2**53  # beyond, a double does not hold every integer


def regex(pattern: str) -> str:
    return lit(pattern)


def field_names(contract: m.Contract) -> tuple[str, ...]:
    """The fields a candidate row carries, in order: the core ones, then every fact."""
    return (*CORE, *(name for name, _ in contract.fact_fields))


def json_object(names: Sequence[str], ordered: bool) -> str:
    """A line that is a flat JSON object in the strict subset. ``ordered``: keys ``names``
    only, each once, the core first and in this order, facts in ``names``' order (no key
    twice, so no duplicate to resolve); otherwise any non-empty keys."""
    gap = " *"
    if ordered:
        core = f",{gap}".join(f'"{n}"{gap}:{gap}{STRING}' for n in names[:3])
        facts = "".join(f'(?:{gap},{gap}"{n}"{gap}:{gap}{VALUE})?' for n in names[3:])
        body = core + facts
    else:
        pair = f"{KEY}{gap}:{gap}{VALUE}"
        body = f"(?:{pair}(?:{gap},{gap}{pair})*)?"
    return rf"^{gap}\{{{gap}{body}{gap}\}}{gap}\r?$"


def _variants(texts: Iterable[str]) -> set[str]:
    out = set()
    for text in texts:
        out.update({text, text.lower(), text.upper(), text.title(), text.capitalize()})
    return out


def name_rows(contract: m.Contract) -> list[tuple[str, str, str]]:
    """(kind, spelling, id) of the severities and sites a log may name, each spelling
    resolved by the contract's own lookup (so the table says what Python says)."""
    rows = []
    levels = [lv.id for lv in contract.levels]
    for lv in contract.levels:
        levels += [lv.zh, lv.en, *lv.aliases]
    levels += list(contract._level_names)
    for text in sorted(_variants(levels)):
        level = contract.level(text)
        if level is not None:
            rows.append(("severity", text, level.id))
    sites = []
    for s in contract.sites:
        sites += [s.id, s.zh, s.pinyin, s.zh + "市"]
    sites += list(contract._site_names)
    for text in sorted(_variants(sites)):
        site = contract.site(text)
        if site is not None:
            rows.append(("site", text, site.id))
    return rows


class RowCheck:
    """The SQL that checks candidate rows against one contract (see the module)."""

    def __init__(self, contract: m.Contract, offset: int) -> None:
        self.contract = contract
        self.offset = offset  # the zone's steady UTC offset, µs (see run.steady_offset)
        self.since = LocalTimes(contract.tz).since  # naive times after it: that offset
        self.names = field_names(contract)
        self.kinds = dict(contract.fact_fields)

    # -- pieces

    def blank(self, v: str) -> str:
        return blank_sql(v)

    def time_us(self, t: str, v: str) -> str:
        """Microseconds since the epoch of a time the checker reads the same way, or NULL."""
        year = f"CAST(substr({v}, 1, 4) AS INTEGER)"
        # An instant (Parquet): inside the years with a year to spare, so that its year is
        # in range in whatever zone the reader gives it.
        instant = f"TRY_CAST({v} AS BIGINT)"
        utc_year = f"year(make_timestamp({instant}))"
        return (
            f"(CASE WHEN {t} = 's' AND regexp_full_match({v}, {regex(TIME + OFFSET)})"
            f" THEN epoch_us(TRY_CAST({v} AS TIMESTAMPTZ))"
            # Naive: in the zone, whose steady offset holds after `since` (LocalTimes).
            f" WHEN {t} = 's' AND regexp_full_match({v}, {regex(TIME)}) AND {year} > {self.since}"
            f" THEN epoch_us(TRY_CAST({v} AS TIMESTAMP)) - {self.offset}"
            f" WHEN {t} = 't' AND {utc_year} BETWEEN {MIN_YEAR + 1} AND {MAX_YEAR - 1}"
            f" THEN {instant} END)"
        )

    def number(self, t: str, v: str) -> str:
        return (
            f"(CASE WHEN {t} = 'n' THEN TRY_CAST({v} AS DOUBLE) WHEN {t} = 's' AND"
            f" regexp_full_match({v}, {regex(NUMBER_TEXT)}) THEN TRY_CAST({v} AS DOUBLE) END)"
        )

    def _bounded(self, x: str, spec: m.FieldSpec) -> str:
        conds = [f"isfinite({x})"]
        if spec.min is not None:
            conds.append(f"{x} >= {lit(float(spec.min))}")
        if spec.max is not None:
            conds.append(f"{x} <= {lit(float(spec.max))}")
        return " AND ".join(conds)

    def convert(self, t: str, v: str, nm: str, spec: m.FieldSpec) -> str:
        """The ``ev`` value of a field (tag ``t``, text ``v``, ``nm`` the id the names table
        gives it) under ``spec`` (its event's), or NULL if the checker would not take it as
        it is."""
        kind = spec.type
        if kind in ("severity", "site"):
            return f"(CASE WHEN {t} = 's' THEN {nm} END)"
        if kind == "string":
            return f"(CASE WHEN {t} = 's' THEN {v} END)"
        if kind == "period":
            return f"(CASE WHEN {t} = 's' AND regexp_full_match({v}, {regex(PERIOD)}) THEN {v} END)"
        if kind == "time":
            return self.time_us(t, v)
        if kind == "sections":
            parts = (
                f"list_filter(list_transform(string_split({v}, ';'), lambda p: {strip_sql('p')}),"
                " lambda p: p <> '')"
            )
            return (
                f"(CASE WHEN {t} = 'a' THEN {v} WHEN {t} = 's' THEN array_to_string({parts}, ';')"
                " END)"
            )
        x = self.number(t, v)
        if kind == "number":
            return f"(CASE WHEN {self._bounded(x, spec)} THEN {x} END)"
        whole = f"isfinite({x}) AND {x} = trunc({x}) AND abs({x}) < {EXACT}"
        if kind == "integer":
            return f"(CASE WHEN {whole} AND {self._bounded(x, spec)} THEN CAST({x} AS BIGINT) END)"
        assert kind == "level", kind
        known = sorted({s.level for s in self.contract.support_levels})
        among = f" AND {x} IN ({', '.join(lit(float(k)) for k in known)})" if known else ""
        return f"(CASE WHEN {whole}{among} THEN CAST({x} AS BIGINT) END)"

    # -- the queries

    def core_line(self) -> str:
        """A line with the core fields only, in order, that the checker provably takes: a
        case that is not blank, an event that requires no fact, a time in the strict form
        (:data:`TIME`). What the pattern proves, :meth:`core_sql` need not check again."""
        text = r'[^"\\\x00-\x1f]'
        solid = (  # a character of a string that is not whitespace
            r'[^"\\\x00-\x20'
            + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE if ord(c) > 0x20)
            + "]"
        )
        events = "|".join(
            re.escape(name) for name, et in self.contract.events.items() if not et.required
        )
        gap = " *"
        body = (
            f'"case"{gap}:{gap}"{text}*{solid}{text}*"{gap},{gap}"event"{gap}:{gap}"(?:{events})"'
            f'{gap},{gap}"at"{gap}:{gap}"{TIME}{OFFSET}?"'
        )
        return rf"^{gap}\{{{gap}{body}{gap}\}}{gap}\r?$"

    def core_sql(self, candidates: str) -> str:
        """The ``ev`` rows of ``candidates`` (``n``, ``seq``, ``v_0 .. v_2``: case, event,
        time) read from lines that match :meth:`core_line`; those the checker takes (a
        time that is a real day of the calendar, a naive one in the zone's steady years)."""
        v = "c.v_2"
        aware = f"(ends_with({v}, 'Z') OR substr({v}, -6, 1) IN ('+', '-'))"  # see TIME
        ts = (
            f"CASE WHEN {aware} THEN epoch_us(TRY_CAST({v} AS TIMESTAMPTZ))"
            f" WHEN CAST(substr({v}, 1, 4) AS INTEGER) > {self.since}"
            f" THEN epoch_us(TRY_CAST({v} AS TIMESTAMP)) - {self.offset} END"
        )
        facts = [
            f"CAST(NULL AS {FACT_TYPES[kind]}) AS {_q(fact)}"
            for fact, kind in self.contract.fact_fields
        ]
        return (
            f"SELECT case_id, name, ts, seq, {', '.join(facts)}, '' AS extra FROM (SELECT"
            f" c.v_0 AS case_id, c.v_1 AS name, {ts} AS ts, c.seq FROM {candidates} c) k"
            " WHERE ts IS NOT NULL"
        )

    def prepared(self, source: str, tv: Callable[[int], tuple[str, str]], keep: str) -> str:
        """``keep`` (columns of ``source``, alias ``r``) with the core checked: ``case_id``
        (NULL unless a text that is not blank) and ``ts`` (NULL unless a time the checker
        reads the same way), for :meth:`branches`."""
        (t0, v0), (t2, v2) = tv(0), tv(2)
        return (
            f"SELECT * EXCLUDE (t_0, v_0, t_2, v_2), CASE WHEN t_0 = 's' AND NOT"
            f" {self.blank('v_0')} THEN v_0 END AS case_id, {self.time_us('t_2', 'v_2')} AS ts"
            f" FROM (SELECT {keep}, {t0} AS t_0, {v0} AS v_0, {t2} AS t_2, {v2} AS v_2"
            f" FROM {source} r)"
        )

    def branches(
        self,
        relation: str,
        tv: Callable[[int], tuple[str, str]],
        absent: Callable[[int], str],
        present: Iterable[str],
    ) -> str:
        """The ``ev`` rows of the clean rows of ``relation`` (``n``, ``seq``, ``plain``,
        ``extra``, ``ev`` the event's name when it is a string, ``case_id`` and ``ts`` as
        :meth:`prepared` makes them, and what ``tv`` and ``absent`` read): a branch for the
        events of ``present`` that declare the same facts alike, checking those only (any
        other must be absent). ``tv(i)``: SQL for the tag and the text of fact ``i`` (see
        the module) over the relation's columns (alias ``r``); ``absent(i)``: whether it is
        absent."""
        groups: dict[tuple[tuple[Any, ...], ...], list[str]] = {}
        for name in sorted(set(present) & set(self.contract.events)):
            et = self.contract.events[name]
            if any(et.fields[f].type != self.kinds[f] for f in et.required):
                continue  # a required fact of another type than its column's: Python
            own = tuple(
                (i, spec.type, spec.min, spec.max, spec.required)
                for i in range(3, len(self.names))
                if (spec := et.fields.get(self.names[i])) is not None
                and spec.type == self.kinds[self.names[i]]
            )
            groups.setdefault(own, []).append(name)
        parts = [self._branch(relation, tv, absent, own, names) for own, names in groups.items()]
        columns = ", ".join(n for n, _ in self._ev_columns())
        return " UNION ALL ".join(parts) if parts else f"SELECT {columns} FROM ev WHERE FALSE"

    def _ev_columns(self) -> list[tuple[str, str]]:
        from .run import event_columns

        return list(event_columns(self.contract))

    def _branch(
        self,
        relation: str,
        tv: Callable[[int], tuple[str, str]],
        absent: Callable[[int], str],
        own: tuple[tuple[Any, ...], ...],
        names: list[str],
    ) -> str:
        """The branch of events ``names``, which declare the facts ``own`` alike."""
        specs = {
            i: m.FieldSpec(self.names[i], kind, required, low, high)
            for i, kind, low, high, required in own
        }
        # 1. the rows whose core is fine: tags and texts of the own facts; whether each
        # other fact is absent
        first = ["r.n", "r.seq", "r.extra", "r.case_id", "r.ts", "r.ev AS name"]
        for i in specs:
            t, v = tv(i)
            first += [f"{t} AS t_{i}", f"{v} AS v_{i}"]
        others = []
        for i in range(3, len(self.names)):
            if i not in specs:
                first.append(f"{absent(i)} AS z_{i}")
                others.append(f"z_{i}")
        where = (
            f"r.ev IN ({', '.join(lit(n) for n in names)}) AND r.plain AND r.extra IS NOT NULL"
            " AND r.case_id IS NOT NULL AND r.ts IS NOT NULL"
        )
        rows = f"(SELECT {', '.join(first)} FROM {relation} r WHERE {where})"
        joins, ids = "", []
        for i, spec in specs.items():
            if spec.type in ("severity", "site"):
                joins += (
                    f" LEFT JOIN ld_names nm_{i} ON nm_{i}.kind = {lit(spec.type)}"
                    f" AND nm_{i}.name = c.v_{i}"
                )
                ids.append(f"nm_{i}.id AS id_{i}")
        # 2. each own fact present (not blank); 3. its value (NULL if the checker would
        # not take it as it is), where present
        second = [
            "*",
            *(
                f"(t_{i} IS NOT NULL AND NOT (t_{i} = 's' AND {self.blank(f'v_{i}')})) AS p_{i}"
                for i in specs
            ),
        ]
        third = ["*"]
        oks = []
        for i, spec in specs.items():
            conv = self.convert(f"t_{i}", f"v_{i}", f"id_{i}", spec)
            third.append(f"CASE WHEN p_{i} THEN {conv} END AS x_{i}")
            oks.append(
                f"x_{i} IS NOT NULL" if spec.required else f"(NOT p_{i} OR x_{i} IS NOT NULL)"
            )
        columns = ["case_id", "name", "ts", "seq"]
        for i in range(3, len(self.names)):
            fact = self.names[i]
            kind = FACT_TYPES[self.kinds[fact]]
            columns.append(
                f"x_{i} AS {_q(fact)}" if i in specs else f"CAST(NULL AS {kind}) AS {_q(fact)}"
            )
        columns.append("extra")
        clean = " AND ".join(["TRUE", *oks, *others])
        return (
            f"SELECT {', '.join(columns)} FROM (SELECT {', '.join(third)} FROM (SELECT"
            f" {', '.join(second)} FROM (SELECT c.*{''.join(', ' + x for x in ids)} FROM {rows} c"
            f"{joins}) k1) k2) k3 WHERE COALESCE({clean}, FALSE)"
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


__all__ = ["CORE", "RowCheck", "blank_sql", "field_names", "json_object", "name_rows", "strip_sql"]
