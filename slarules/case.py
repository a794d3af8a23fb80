"""One case's events, sorted, with the facts the obligations ask about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from . import model as m
from .conditions import Value
from .events import Event

Interval = tuple[datetime, datetime | None]
_ORDER = attrgetter("at", "seq")  # time, then the order read: ties stay stable


@dataclass(frozen=True)
class Case:
    id: str
    events: tuple[Event, ...]
    _by_name: dict[str, list[Event]] = field(default_factory=dict, repr=False, compare=False)
    _pauses: dict[tuple[str, ...], list[Interval]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # What several obligations ask of the same case (its severity, its band),
    # worked out once; the kind modules own the keys.
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, case_id: str, events: Iterable[Event]) -> Case:
        ordered = tuple(sorted(events, key=_ORDER))
        by_name: dict[str, list[Event]] = {}
        for event in ordered:
            by_name.setdefault(event.name, []).append(event)
        return cls(case_id, ordered, by_name)

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
        """Pair each ``begin`` event with the next ``end``; an unmatched begin stays open."""
        if begin not in self._by_name:
            return []  # the common case: nothing to pair
        marks = sorted(
            [(e.at, 0, e) for e in self.all(begin)] + [(e.at, 1, e) for e in self.all(end)],
            key=lambda t: (t[0], t[1]),
        )
        out: list[Interval] = []
        open_at: datetime | None = None
        for at, is_end, _ in marks:
            if not is_end and open_at is None:
                open_at = at
            elif is_end and open_at is not None:
                out.append((open_at, at))
                open_at = None
        if open_at is not None:
            out.append((open_at, None))
        return out

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

    def outage_facts(self, as_of: datetime) -> tuple[dict[str, Value | None], bool]:
        """(facts, still open). Facts are empty when the log records no outage."""
        spans = self.intervals("outage_started", "outage_ended")
        if not spans:
            return {}, False
        total = timedelta(0)
        still_open = False
        for begin, end in spans:
            if end is None:
                still_open = True
                end = max(as_of, begin)
            total += end - begin
        pcts = [
            float(e.get("affected_users_pct"))
            for name in ("outage_started", "outage_ended")
            for e in self.all(name)
            if e.get("affected_users_pct") is not None
        ]
        facts: dict[str, Value | None] = {
            "outage_duration": total,
            "affected_users_pct": max(pcts) if pcts else None,
        }
        return facts, still_open
