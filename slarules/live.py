"""What is running now: every clock not done by a time, with its due time, the time left,
the share of its budget used and the warning threshold it has passed (``slarules open``).

A clock is *open* at T when its result as of T is pending, or breached with nothing done
yet (overdue), and something can still end it: its kind says how it runs
(:meth:`~slarules.kinds.base.Kind.running`): since when it counts, what it waits for, the
pauses it does not count. A duty due within its period (a daily check) closes with the
period; one due after its period (the monthly summary) runs from the period's end, so
it is open only from then on.

The share used is the time the clock has counted by T over the time it counts from its
start to its due time, pauses excluded (:meth:`slarules.timing.Clocks.used`): on the 24x7
clock that is the budget itself; on the day clocks the days counted from 00:00 after the
start day (working days only for the working-day clocks), so 100 % is the due time
exactly, rest days that art. 203 adds included. A threshold is passed once the share
reaches it; the rules set them (``warn_at`` in ``contract.yaml``, or an obligation's own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import model as m
from .case import Case
from .durations import Duration
from .engine import Audit, AuditWarning, Engine, Unjudged
from .events import Rejection
from .kinds import KINDS, window_kinds
from .kinds.common import Context
from .results import Msg, Ref, Result

_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class OpenClock:
    """One clock still running at ``as_of``: the row ``slarules open`` prints."""

    case: str
    obligation: str
    clause: str
    title: m.Text
    occurrence: int
    status: str  # pending, or breached: overdue, still not done
    start: datetime  # when it began counting
    due: datetime
    as_of: datetime
    left: timedelta  # due - as_of: negative once overdue
    used_percent: float  # share of the budget used (pauses excluded); over 100 once overdue
    threshold: float | None  # the highest warning threshold reached (percent), if any
    step: Ref | Msg  # what ends it: the step someone has to take (words: Wording.value)
    awaits: tuple[str, ...]  # the events that would end it
    clock: str
    budget: Duration | None
    period: str | None = None

    @property
    def at_risk(self) -> bool:
        """Past a warning threshold, or overdue."""
        return self.threshold is not None or self.status == "breached"

    @property
    def key(self) -> tuple[str, str, int]:
        """What names the clock from one judgement to the next."""
        return self.case, self.obligation, self.occurrence


RUNNING_STATUSES = frozenset(("pending", "breached"))


def open_clock(
    ctx: Context, ob: m.Obligation, result: Result, case: Case | None
) -> OpenClock | None:
    """The result's clock if it is still running as of ``ctx.as_of``, else None."""
    f = result.finding
    if f.done is not None or f.due is None or not f.timed or f.status not in RUNNING_STATUSES:
        return None
    running = KINDS[ob.type].running(ctx, ob, f, case)
    as_of = ctx.as_of
    if running is None or running.start > as_of:
        return None  # nothing can end it any more, or it has not begun counting
    clocks = ctx.clocks
    used = clocks.used(f.clock, running.start, as_of, running.pauses, as_of)
    whole = clocks.used(f.clock, running.start, f.due, running.pauses, as_of)
    used_us, whole_us = max(used // _TICK, 0), whole // _TICK
    if whole_us <= 0:  # due when it starts: all of it is used at once
        share = 100.0 if as_of >= f.due else 0.0
        used_us, whole_us = (1, 1) if as_of >= f.due else (0, 1)
    else:
        share = 100.0 * used_us / whole_us
    # Compared exactly: 45 min of 60 reaches 75 %.
    passed = [t for t in ctx.contract.thresholds(ob) if used_us * 100 >= t * whole_us]
    return OpenClock(
        case=result.case,
        obligation=result.obligation,
        clause=result.clause,
        title=result.title,
        occurrence=result.occurrence,
        status=f.status,
        start=running.start,
        due=f.due,
        as_of=as_of,
        left=f.due - as_of,
        used_percent=share,
        threshold=max(passed) if passed else None,
        step=running.step,
        awaits=running.awaits,
        clock=f.clock,
        budget=f.budget,
        period=f.period,
    )


def order(clocks: Iterable[OpenClock]) -> list[OpenClock]:
    """By time left (the most overdue first), then case, obligation and occurrence."""
    return sorted(clocks, key=lambda c: (c.left, c.case, c.obligation, c.occurrence))


class _RunningEngine(Engine):
    """The engine that also keeps, of each case it evaluates, the clocks still running."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.found: list[OpenClock] = []
        self.by_id = {ob.id: ob for ob in self.contract.obligations}

    def evaluate(self, case: Case) -> list[Result]:
        results = super().evaluate(case)
        ctx, by_id, found = self.ctx, self.by_id, self.found
        for result in results:
            f = result.finding
            if f.done is None and f.status in RUNNING_STATUSES:  # cheap test first
                clock = open_clock(ctx, by_id[result.obligation], result, case)
                if clock is not None:
                    found.append(clock)
        return results


class OpenAudit(Audit):
    """An audit that keeps only the clocks still running (see :meth:`report`)."""

    engine_type = _RunningEngine

    def report(self) -> OpenReport:
        """Run the audit to its end; the open clocks sorted by time left, and the counts."""
        engine = self._engine
        assert isinstance(engine, _RunningEngine)
        duties = {ob.id for ob in self.contract.obligations if ob.type in window_kinds()}
        for result in self:  # the case kinds' clocks are kept by the engine
            if result.obligation in duties:
                clock = open_clock(engine.ctx, engine.by_id[result.obligation], result, None)
                if clock is not None:
                    engine.found.append(clock)
        return OpenReport(
            as_of=self.as_of,
            clocks=tuple(order(engine.found)),
            read=self.read,
            rejected=tuple(self.rejected),
            after_as_of=self.after_as_of,
            duplicates=self.duplicates,
            unjudged=tuple(self.unjudged),
            warnings=self.warnings,
        )


@dataclass(frozen=True)
class OpenReport:
    """The open clocks as of a time (iterate it for them) and how every record was used:
    ``read = used + duplicates + after_as_of + rejected``."""

    as_of: datetime
    clocks: tuple[OpenClock, ...]
    read: int = 0
    rejected: tuple[Rejection, ...] = ()
    after_as_of: int = 0
    duplicates: int = 0
    unjudged: tuple[Unjudged, ...] = ()
    warnings: tuple[AuditWarning, ...] = field(default=())

    def __iter__(self) -> Iterator[OpenClock]:
        return iter(self.clocks)

    def __len__(self) -> int:
        return len(self.clocks)

    @property
    def used(self) -> int:
        return self.read - len(self.rejected) - self.after_as_of - self.duplicates

    @property
    def at_risk(self) -> bool:
        """Whether any clock is past a threshold or overdue (``open`` exits 1)."""
        return any(c.at_risk for c in self.clocks)


def open_records(
    contract: m.Contract,
    records: Iterable[Mapping[str, Any]],
    as_of: datetime,
    *,
    source: str = "<records>",
    judge_all: bool = False,
) -> OpenReport:
    """The open clocks of in-memory records (mappings shaped like SPEC.md's log lines)."""
    numbered = ((source, n, raw) for n, raw in enumerate(records, start=1))
    return OpenAudit(contract, numbered, as_of, judge_all=judge_all).report()


def soonest(clocks: Sequence[OpenClock]) -> OpenClock | None:
    """The clock due first (an overdue one before any other), or None."""
    return min(clocks, key=lambda c: (c.due, c.obligation, c.occurrence), default=None)
