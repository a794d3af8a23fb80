#!/usr/bin/env python3
"""How fast the clocks are: calls per second, next to a bare stdlib loop doing the same sum.

    python bench/bench_clocks.py [--n 300000]

Each row times one clock's ``due`` over a list of varied start instants (Asia/Shanghai, within
the calendar's years), and a loop that does the same arithmetic inline with no checks: ``start
+ budget``, or a ``bisect`` on a prebuilt list of working-day ordinals. "ratio" is how many times
slower the clock is than its bare loop. Targets: working-day deadlines >= 200,000/s, 24x7 ones
>= 1,000,000/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import slarules  # noqa: E402
from slarules.calendar import WorkCalendar  # noqa: E402
from slarules.clocks import (  # noqa: E402
    MODES,
    CalendarDayClock,
    ElapsedClock,
    WorkingDayClock,
    WorkingTimeClock,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = timedelta(days=1)


def load_calendar() -> WorkCalendar:
    """The bundled contract's calendar, as the loader builds it from rules/calendar.yaml."""
    return slarules.load().calendar


def add(s: datetime, b: timedelta) -> datetime:
    return s + b


def rates(fn: Callable[[], None], bare: Callable[[], None], n: int, repeat: int = 5) -> Any:
    """Calls per second of ``fn`` and of ``bare``: best of ``repeat`` runs each, taken in turns
    so that a busy machine slows both alike.
    """
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, f in enumerate((fn, bare)):
            t = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - t)
    return n / best[0], n / best[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000, help="calls per row")
    n = parser.parse_args(argv).n

    cal = load_calendar()
    # Varied starts over 2019-2025 (budgets never run past the calendar), minutes apart.
    base = datetime(2019, 1, 2, 9, 0, tzinfo=TZ)
    step = timedelta(minutes=37)
    starts = [base + (i % 90_000) * step for i in range(n)]
    budget = timedelta(hours=24)
    # Two pauses (1 h and 2 h) inside each start's 24 h window.
    paused = [[(s + timedelta(hours=1), s + timedelta(hours=2)),
               (s + timedelta(hours=3), s + timedelta(hours=5))] for s in starts[: n // 10]]  # fmt: skip

    elapsed = ElapsedClock()
    days = CalendarDayClock(cal, TZ)
    wdays = WorkingDayClock(cal, TZ)
    wtime = {mode: WorkingTimeClock(cal, TZ, mode) for mode in MODES}
    ords = list(cal._ords)
    work = set(ords)

    def bare_add() -> None:
        for s in starts:
            s + budget

    def bare_add_pauses() -> None:
        for s, ps in zip(starts, paused, strict=False):
            due = s + budget
            for b, e in ps:
                if b < due:
                    due += e - b

    def bare_days() -> None:  # local date + n, rest-day check, midnight
        for s in starts:
            o = s.toordinal() + 2
            if o not in work:
                o = ords[bisect_right(ords, o)]
            d = date.fromordinal(o + 1)
            datetime(d.year, d.month, d.day, tzinfo=TZ)

    def bare_working_days() -> None:  # bisect to the n-th working day, midnight after it
        for s in starts:
            d = date.fromordinal(ords[bisect_right(ords, s.toordinal()) + 4] + 1)
            datetime(d.year, d.month, d.day, tzinfo=TZ)

    spans = [k * DAY for k in range(1024)]

    def bare_same_time() -> None:
        for s in starts:
            o = s.toordinal()
            s + spans[ords[bisect_right(ords, o)] - o]

    def timed(call: Callable[[datetime], object]) -> Callable[[], None]:
        def run() -> None:
            for s in starts:
                call(s)

        return run

    def timed_paused(call: Callable[[datetime, Any], object]) -> Callable[[], None]:
        def run() -> None:
            for s, ps in zip(starts, paused, strict=False):
                call(s, ps)

        return run

    fixed = [s.astimezone(timezone(timedelta(hours=8))) for s in starts]

    def bare_dst_safe() -> None:  # the sum checked for an offset change, as the clock does
        for s in starts:
            e = s + budget
            if e.utcoffset() != s.utcoffset():
                raise AssertionError

    def bare_call() -> None:  # the floor for any clock: one Python call doing the sum
        for s in starts:
            add(s, budget)

    def fixed_offset() -> None:
        for s in fixed:
            elapsed.due(s, budget)

    rows: list[tuple[str, int, Callable[[], None], Callable[[], None]]] = [
        ("ElapsedClock.due (no pauses)", n, timed(lambda s: elapsed.due(s, budget)), bare_add),
        ("  same, vs a bare function call", n, timed(lambda s: elapsed.due(s, budget)), bare_call),
        (
            "  same, vs an inline DST-safe sum",
            n,
            timed(lambda s: elapsed.due(s, budget)),
            bare_dst_safe,
        ),
        ("  same, start at a fixed +08:00 offset", n, fixed_offset, bare_add),
        (
            "ElapsedClock.due (2 pauses)",
            len(paused),
            timed_paused(lambda s, p: elapsed.due(s, budget, p)),
            bare_add_pauses,
        ),
        ("CalendarDayClock.due (2 days)", n, timed(lambda s: days.due(s, 2)), bare_days),
        ("WorkingDayClock.due (5 wd)", n, timed(lambda s: wdays.due(s, 5)), bare_working_days),
    ]
    bare_for_mode = {
        "next_working_day_same_time": bare_same_time,
        "end_of_nth_working_day": bare_working_days,
        "working_hours_24": bare_same_time,
    }
    for mode, clock in wtime.items():
        k = 5 if mode == "end_of_nth_working_day" else 1
        rows.append(
            (f"WorkingTimeClock.due {mode}", n, timed(lambda s, c=clock, k=k: c.due(s, k)),
             bare_for_mode[mode])
        )  # fmt: skip
    rows.append(
        (
            "WorkingDayClock.due (5 wd, 2 pauses)",
            len(paused),
            timed_paused(lambda s, p: wdays.due(s, 5, p)),
            bare_add_pauses,
        )
    )

    print(f"{'clock':45s} {'calls/s':>12s} {'bare loop/s':>12s} {'ratio':>6s}")
    print("-" * 78)
    for name, count, fn, bare in rows:
        got, ref = rates(fn, bare, count)
        print(f"{name:45s} {got:12,.0f} {ref:12,.0f} {ref / got:6.2f}")
    print(f"\n{n:,} starts per row ({len(paused):,} for the paused rows), best of 5; Python "
          f"{sys.version.split()[0]}.")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
