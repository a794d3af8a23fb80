"""One case's events, in a canonical order, with the facts the obligations ask about.

The order never depends on how the records came: events are sorted by time, and
events at the same instant by their content (name, then facts), so a log read
newest-first or shuffled gives the same case. An exact duplicate (same event,
instant and facts) is kept once and counted in :attr:`Case.duplicates`.

Events that a later one undoes (``reopened`` undoes the restoration before it,
as ``rules/events.yaml`` says) are set aside in :attr:`Case.voided`: the
obligations never see them, an explanation does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from operator import attrgetter

from . import model as m
from .conditions import Value
from .events import Event, fits

Interval = tuple[datetime, datetime | None]
_ORDER = attrgetter("at", "seq")  # time, then the order read (made canonical below)
_NAME = attrgetter("name")
_ZERO = timedelta(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


ContentKey = Callable[[Event], tuple[object, ...]]


def content_key(fields: Sequence[tuple[str, str]]) -> ContentKey:
    """What orders events of one instant, whatever order they came in: the name, then each
    fact of the vocabulary in turn (absent first), then any other fact as sorted JSON.

    Both engines order by it (the columnar engine's ORDER BY is the same tuple), so their
    ties break alike.
    """

    def key(event: Event) -> tuple[object, ...]:
        facts = event.facts
        parts: list[object] = [event.name]
        typed = set()
        for name, kind in fields:
            value = facts.get(name)
            if value is None or not fits(kind, value):
                parts.append((0, ""))  # absent, or kept as written: with the other facts
            else:
                typed.add(name)
                parts.append((1, _comparable(value)))
        extra = {k: v for k, v in facts.items() if k not in typed}
        parts.append(_extra_text(extra) if extra else "")
        return tuple(parts)

    return key


def _comparable(value: object) -> object:
    if isinstance(value, (tuple, list)):
        return ";".join(map(str, value))
    if isinstance(value, datetime):
        return (value - _EPOCH) // _MICROSECOND  # exact, as the events table holds it
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return float(value)


def _extra_text(extra: Mapping[str, object]) -> str:
    import json

    return json.dumps(extra, sort_keys=True, ensure_ascii=False, default=str)


def _all_facts(event: Event) -> tuple[object, ...]:
    """The content key without a vocabulary: the name, then every fact, sorted."""
    return (event.name, _extra_text(dict(event.facts)))


def _canonical(ordered: list[Event], content: ContentKey) -> tuple[list[Event], int]:
    """Events at one instant in content order, exact duplicates dropped (and counted)."""
    ties = any(a.at == b.at for a, b in pairwise(ordered))  # rare: cheap check first
    if not ties:
        return ordered, 0
    out: list[Event] = []
    duplicates = 0
    i = 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and ordered[j].at == ordered[i].at:
            j += 1
        if j - i == 1:
            out.append(ordered[i])
        elif len({e.name for e in ordered[i:j]}) == j - i:
            # Distinct names: their order is the names' (and no two can be duplicates).
            out.extend(sorted(ordered[i:j], key=_NAME))
        else:
            # sorted() is stable: among equal contents the first read is kept.
            group = sorted(ordered[i:j], key=content)
            previous: tuple[object, ...] | None = None
            for event in group:
                key = content(event)
                if key == previous:
                    duplicates += 1
                    continue
                out.append(event)
                previous = key
        i = j
    return out, duplicates


@dataclass(frozen=True)
class Case:
    id: str
    events: tuple[Event, ...]
    _by_name: dict[str, list[Event]] = field(default_factory=dict, repr=False, compare=False)
    # (undone event, the event that undid it), in time order.
    voided: tuple[tuple[Event, Event], ...] = field(default=(), compare=False)
    duplicates: int = field(default=0, compare=False)
    _pauses: dict[tuple[str, ...], list[Interval]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # What several obligations ask of the same case (its severity, its band),
    # worked out once; the kind modules own the keys.
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(
        cls,
        case_id: str,
        events: Iterable[Event],
        undo: Mapping[str, Sequence[str]] | None = None,
        content: ContentKey | None = None,
    ) -> Case:
        """The case of these events; ``undo`` maps an event to those it undoes; ``content``
        orders events of one instant (see :func:`content_key`; default: every fact)."""
        ordered, duplicates = _canonical(sorted(events, key=_ORDER), content or _all_facts)
        by_name: dict[str, list[Event]] = {}
        for event in ordered:
            by_name.setdefault(event.name, []).append(event)
        voided: list[tuple[Event, Event]] = []
        if undo:
            for undoer, names in undo.items():
                undoings = by_name.get(undoer)
                if undoings:
                    _void(by_name, undoings, names, voided)
            voided.sort(key=lambda pair: pair[0].at)
        return cls(case_id, tuple(ordered), by_name, tuple(voided), duplicates)

    @property
    def names(self) -> Mapping[str, Sequence[Event]]:
        """The case's events by name (a name is present only if it occurred)."""
        return self._by_name

    @property
    def start(self) -> datetime:
        return self.events[0].at

    def all(self, name: str) -> Sequence[Event]:
        return self._by_name.get(name, ())

    def first(self, name: str, after: datetime | None = None) -> Event | None:
        for event in self._by_name.get(name, ()):
            if after is None or event.at >= after:
                return event
        return None

    @property
    def report(self) -> Event | None:
        reports = self._by_name.get("reported")
        return reports[0] if reports else None

    def declared_severity(self) -> str | None:
        report = self.report
        return None if report is None else report.get("severity")

    def severity_at(self, instant: datetime, policy: str) -> tuple[str | None, Event | None]:
        """The level in force for a clock started at ``instant``, and the event that set it.

        ``from_change``: the last reclassification at or before the instant;
        ``retroactive``: the last reclassification in the case, from the report on.
        """
        changes = self.all("reclassified")
        if not changes:
            return self.declared_severity(), self.report
        if policy == "retroactive":
            chosen = changes[-1] if changes else None
        else:
            earlier = [e for e in changes if e.at <= instant]
            chosen = earlier[-1] if earlier else None
        if chosen is not None:
            return chosen.get("severity"), chosen
        return self.declared_severity(), self.report

    def location(self, contract: m.Contract) -> tuple[str | None, float | None]:
        """(site id, distance in km) from the report; ``distance_km`` overrides the registry."""
        report = self.report
        if report is None:
            return None, None
        site_id = report.get("site")
        distance = report.get("distance_km")
        if distance is None and site_id is not None:
            site = next((s for s in contract.sites if s.id == site_id), None)
            distance = None if site is None else site.distance_km
        return site_id, None if distance is None else float(distance)

    def intervals(self, begin: str, end: str) -> list[Interval]:
        """The union of the ``begin``/``end`` intervals: open while any begin is unanswered.

        A counter of open begins: two plans awaiting approval at once pause from the
        first proposal to the last approval. At one instant begins count before ends,
        so an interval that ends as another begins is one. A begin never answered
        leaves the last interval open (end None); an end with nothing open pairs with
        nothing (see :meth:`unpaired_ends`).
        """
        if begin not in self._by_name:
            return []  # the common case: nothing to pair
        return self._pair(begin, end)[0]

    def unpaired_ends(self, begin: str, end: str) -> list[Event]:
        """The ``end`` events logged while no ``begin`` was open."""
        if end not in self._by_name:
            return []
        return self._pair(begin, end)[1]

    def _pair(self, begin: str, end: str) -> tuple[list[Interval], list[Event]]:
        key = f"pair:{begin}:{end}"
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _union(self.all(begin), self.all(end))
        return found  # type: ignore[return-value]

    def pauses(self, contract: m.Contract, pause_ids: tuple[str, ...]) -> list[Interval]:
        """The case's pause intervals of these kinds (computed once per case)."""
        cached = self._pauses.get(pause_ids)
        if cached is None:
            cached = []
            for pid in pause_ids:
                pause = contract.pauses[pid]
                cached.extend(self.intervals(pause.start_event, pause.end_event))
            self._pauses[pause_ids] = cached
        return cached

    def interval_facts(
        self, spec: m.IntervalSpec, as_of: datetime
    ) -> list[tuple[dict[str, Value | None], bool]]:
        """Each interval's facts (its length, the largest recorded values) and whether it
        is still open; an open one is measured to ``as_of``."""
        out: list[tuple[dict[str, Value | None], bool]] = []
        marks = [*self.all(spec.start), *self.all(spec.end)]
        for begin, stop in self.intervals(spec.start, spec.end):
            until = as_of if stop is None else stop
            facts: dict[str, Value | None] = {}
            if spec.duration_fact:
                facts[spec.duration_fact] = max(until - begin, _ZERO)
            for name in spec.max_facts:
                values = [
                    float(e.get(name))
                    for e in marks
                    if begin <= e.at <= until and e.get(name) is not None
                ]
                facts[name] = max(values) if values else None
            out.append((facts, stop is None))
        return out


def _void(
    by_name: dict[str, list[Event]],
    undoings: list[Event],
    names: Sequence[str],
    voided: list[tuple[Event, Event]],
) -> None:
    """Set aside every event of ``names`` logged at or before an undoing event."""
    for name in names:
        events = by_name.get(name)
        if not events:
            continue
        kept = []
        for event in events:
            # The first undoing at or after the event is the one that undid it.
            undoer = next((u for u in undoings if u.at >= event.at), None)
            if undoer is None:
                kept.append(event)
            else:
                voided.append((event, undoer))
        if kept:
            by_name[name] = kept
        else:
            del by_name[name]


def _union(begins: Sequence[Event], ends: Sequence[Event]) -> tuple[list[Interval], list[Event]]:
    marks = sorted(
        [(e.at, 0, e) for e in begins] + [(e.at, 1, e) for e in ends],
        key=lambda t: (t[0], t[1]),
    )
    out: list[Interval] = []
    unpaired: list[Event] = []
    depth = 0
    open_at: datetime | None = None
    for at, is_end, event in marks:
        if not is_end:
            if depth == 0:
                open_at = at
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                assert open_at is not None
                out.append((open_at, at))
        else:
            unpaired.append(event)
    if depth:
        assert open_at is not None
        out.append((open_at, None))
    return out, unpaired
