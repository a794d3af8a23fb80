"""A standing audit: the events read so far, judged again as time goes on (pure core).

Each pass judges, as of its time, the cases that got new events and the cases whose
results can still change with time alone (a clock running, an interval such as a pause
or an outage still open), and every duty over the window; a case that is settled (every
result met, late, not applicable, nothing open) says the same until it gets an event,
so it is not judged again. An event timed after the pass's time has not happened yet:
it waits for its time, as the as-of rule says.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import model as m
from ..engine import Audit, Engine, _watched_events
from ..events import Event, RecordChecker, Rejection
from ..kinds import window_kinds
from ..live import RUNNING_STATUSES, OpenClock, open_clock
from ..results import Result
from ..zones import pinned


@dataclass(frozen=True)
class Judged:
    """One result of a pass, with its clock if it is still running."""

    result: Result
    clock: OpenClock | None

    @property
    def key(self) -> tuple[str, str, int]:
        r = self.result
        return r.case, r.obligation, r.occurrence


class Standing:
    """The events of the logs so far, and their judgement at each pass."""

    def __init__(self, contract: m.Contract, judge_all: bool = False) -> None:
        self.contract = contract
        self.judge_all = judge_all
        self.check = RecordChecker(contract)
        self.read = 0
        self.cases: dict[str, list[Event]] = {}
        self.later: list[tuple[datetime, int, Event]] = []  # not happened yet, by time
        self.dirty: set[str] = set()
        self.live: set[str] = set()  # cases whose results may change with time alone
        self.window_events: dict[str, list[Event]] = {}
        self.first: datetime | None = None
        self.last: datetime | None = None
        self._watched = _watched_events(contract)
        self._duties = tuple(ob.id for ob in contract.obligations if ob.type in window_kinds())
        self._by_id = {ob.id: ob for ob in contract.obligations}

    def add(self, records: Iterable[tuple[str, int, Any]]) -> list[Rejection]:
        """Check records (``(source, line, record or Rejection)``); the rejected ones back."""
        rejected = []
        for source, line, raw in records:
            self.read += 1
            checked = (
                raw if isinstance(raw, Rejection) else self.check(raw, source, line, self.read)
            )
            if isinstance(checked, Rejection):
                rejected.append(checked)
            else:
                heapq.heappush(self.later, (checked.at, self.read, checked))
        return rejected

    def _admit(self, now: datetime) -> None:
        """The events that have happened by ``now``."""
        later = self.later
        while later and later[0][0] <= now:
            _, _, event = heapq.heappop(later)
            self.cases.setdefault(event.case, []).append(event)
            self.dirty.add(event.case)
            if self.first is None or event.at < self.first:
                self.first = event.at
            if self.last is None or event.at > self.last:
                self.last = event.at
            filters = self._watched.get(event.name)
            if filters is not None and (
                None in filters or any(keep(event) for keep in filters if keep is not None)
            ):
                self.window_events.setdefault(event.name, []).append(event)

    def judge(self, now: datetime) -> list[Judged]:
        """The results that may have changed since the last pass, as of ``now``."""
        self._admit(pinned(now))
        engine = Engine(self.contract, now)
        ctx, by_id, pairs = engine.ctx, self._by_id, self.contract.interval_pairs
        out: list[Judged] = []
        for case_id in sorted(self.dirty | self.live):
            case = engine.case(case_id, self.cases[case_id])
            live = any(end is None for b, e in pairs for _, end in case.intervals(b, e))
            for result in engine.evaluate(case):
                clock = None
                if result.finding.done is None and result.status in RUNNING_STATUSES:
                    live = True
                    clock = open_clock(ctx, by_id[result.obligation], result, case)
                out.append(Judged(result, clock))
            if live:
                self.live.add(case_id)
            else:
                self.live.discard(case_id)
        self.dirty.clear()
        if self._duties and self.first is not None:
            audit = Audit(
                self.contract, (), now, only=self._duties, checked=True, judge_all=self.judge_all
            )
            audit.add_window_inputs(self.window_events, self.first, self.last)
            for result in audit:
                clock = open_clock(ctx, by_id[result.obligation], result, None)
                out.append(Judged(result, clock))
        return out
