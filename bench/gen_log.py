#!/usr/bin/env python3
"""Generate a large synthetic incident log for benchmarks.

    python bench/gen_log.py N OUT.jsonl [--seed S] [--interleave]

Writes N incidents as JSON Lines (``-`` for standard output), about eleven
events each: ``reported`` (severity, site), ``responded``, ``workaround_issued``,
``onsite_requested`` / ``onsite_arrived``, ``restored``, ``resolved``,
``report_submitted`` (sections), ``completed``, ``callback``,
``writeup_submitted``, plus ``outage_started`` / ``outage_ended`` for every
incident that is not minor (so the derived level agrees with the declared one),
and ``escalated`` / ``status_updated`` / ``spare_needed`` / ``spare_arrived`` /
``plan_proposed`` / ``plan_approved`` where the story needs them.

Gaps are random but drawn so that roughly one obligation in eight is late
(tuned against the bundled contract's terms; see ``P_LATE``). Report times are
spread uniformly over 2019-01-01 .. 2026-11-30 (so every deadline, a week's
write-up included, falls inside the calendar's covered years), all written with a ``+08:00``
offset. By default each incident's events are consecutive and in time order,
incidents in order of report time; ``--interleave`` sorts all events of all
incidents by time, as a real export would be.

Pure standard library; 100,000 incidents take a few seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timedelta

MIN = 60
HOUR = 3600
DAY = 86400

# Chance that a given deadline is drawn late (before pauses and other luck).
P_LATE = 0.20

SEVERITIES = [  # (declared spellings, share)
    (("critical", "特大"), 0.04),
    (("major", "重大"), 0.11),
    (("serious", "严重"), 0.30),
    (("minor", "一般"), 0.55),
]
RESPONSE_MIN = {"critical": 5, "major": 5, "serious": 10, "minor": 60}
WORKAROUND_MIN = {"critical": 30, "major": 30, "serious": 60}
CITIES = [  # (Chinese, pinyin, km from Shenyang)
    ("沈阳", "shenyang", 0),
    ("大连", "dalian", 397),
    ("鞍山", "anshan", 90),
    ("抚顺", "fushun", 50),
    ("本溪", "benxi", 80),
    ("丹东", "dandong", 240),
    ("锦州", "jinzhou", 230),
    ("营口", "yingkou", 180),
    ("阜新", "fuxin", 170),
    ("辽阳", "liaoyang", 70),
    ("盘锦", "panjin", 160),
    ("铁岭", "tieling", 75),
    ("朝阳", "chaoyang", 330),
    ("葫芦岛", "huludao", 280),
]
SECTIONS = ["times", "engineers", "impact", "process", "cause", "solution", "prevention"]
SECTIONS_JSON = json.dumps(SECTIONS)

EPOCH = datetime(2019, 1, 1)  # local (+08:00) time zero
# Starts end a month before the calendar's last covered day: deadlines must stay inside it.
SPAN = int((datetime(2026, 12, 1) - EPOCH).total_seconds())


def band_seconds(km: float) -> int | None:
    if km == 0:
        return 30 * MIN
    if km <= 100:
        return HOUR
    if km <= 300:
        return 3 * HOUR
    if km <= 500:
        return 5 * HOUR
    return None


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.sev_names = [s for s, _ in SEVERITIES]
        self.sev_weights = [w for _, w in SEVERITIES]

    def within(self, budget: int, low: float = 0.15) -> int:
        """A delay for a deadline of `budget` seconds: usually inside, sometimes late."""
        r = self.r
        if r.random() < P_LATE:
            return budget + r.randint(60, max(120, budget // 2))
        return r.randint(int(budget * low), budget)

    def incident(self, t0: int) -> list[tuple[int, str, str]]:
        """Events (time, event, extra JSON members) of one incident reported at t0."""
        r = self.r
        ev: list[tuple[int, str, str]] = []
        names = r.choices(self.sev_names, self.sev_weights)[0]
        sev = names[0]
        declared = names[r.random() < 0.5]
        zh, py, km = r.choice(CITIES)
        site = zh if r.random() < 0.5 else py
        extra = f', "severity": "{declared}", "site": "{site}"'
        if r.random() < 0.04:
            km = r.choice((100, 101, 120, 350, 520, 620))
            extra += f', "distance_km": {km}'
        ev.append((t0, "reported", extra))

        # First phone response: the general 30 min term binds minor faults too.
        resp_budget = min(RESPONSE_MIN[sev], 30) * MIN
        t_resp = t0 + self.within(resp_budget, 0.05)
        ev.append((t_resp, "responded", ""))

        # Optional approval pause right after the response.
        pause = 0
        t = t_prop = t_resp
        if r.random() < 0.10:
            t_prop = t_resp + r.randint(5, 20) * MIN
            pause = r.randint(10, 60) * MIN
            ev.append((t_prop, "plan_proposed", ""))
            ev.append((t_prop + pause, "plan_approved", ""))
            t = t_prop + pause

        # When service comes back, chosen to fit the level's outage definition.
        if sev == "minor":
            t_rest = t_resp + int(r.expovariate(1 / (50 * MIN))) + 10 * MIN
        else:
            lead = r.randint(0, 30) * MIN  # outage began before the report
            if sev == "critical":
                dur = 24 * HOUR + r.randint(10 * MIN, 14 * HOUR)
                pct = r.randint(30, 90)
            elif sev == "major":
                dur = 4 * HOUR + r.randint(10 * MIN, 12 * HOUR)
                pct = r.randint(30, 90)
            else:
                dur = 2 * HOUR + r.randint(0, 5 * HOUR)
                pct = r.randint(5, 29)
            if sev == "serious" and r.random() < 0.02:  # declared too low: mismatch
                dur, pct = 4 * HOUR + r.randint(30 * MIN, 8 * HOUR), r.randint(30, 60)
            dur = max(dur, lead + (t - t0) + 30 * MIN)
            t_out = t0 - lead
            t_rest = t_out + dur
            ev.append((t_out, "outage_started", f', "affected_users_pct": {pct}'))
            ev.append((t_rest, "outage_ended", f', "affected_users_pct": {pct}'))
            t_wa = t0 + self.within(WORKAROUND_MIN[sev] * MIN, 0.3)
            if pause and t_wa > t_prop:  # the approval pause stops the clock
                t_wa += pause
            ev.append((t_wa, "workaround_issued", ""))

        # On-site visit for half of the non-minor faults, when it fits before restoration.
        band = band_seconds(km)
        arrived = None
        if sev != "minor" and r.random() < 0.5:
            t_req = t + r.randint(10, 40) * MIN
            need = band if band is not None else 7 * HOUR
            t_arr = t_req + (self.within(need, 0.4) if band is not None else need)
            if t_arr + 20 * MIN < t_rest:
                ev.append((t_req, "onsite_requested", ""))
                ev.append((t_arr, "onsite_arrived", ""))
                arrived = t_arr
                if r.random() < 0.2:
                    t_need = t_arr + r.randint(5, 30) * MIN
                    t_spare = t_need + self.within(4 * HOUR, 0.25)
                    if t_spare + 10 * MIN < t_rest:
                        ev.append((t_need, "spare_needed", ""))
                        ev.append((t_spare, "spare_arrived", ""))
        ev.append((t_rest, "restored", ""))

        # Escalations when the fault outlives each threshold.
        if t_rest > t_resp + pause + 2 * HOUR:
            ev.append((t_resp + self.within(2 * HOUR, 0.6) + pause, "escalated", ', "level": 2'))
        if arrived is not None and t_rest > arrived + 4 * HOUR:
            ev.append((arrived + self.within(4 * HOUR, 0.7), "escalated", ', "level": 3'))
        if t_rest > t0 + 20 * HOUR:
            late = r.random() < P_LATE
            t_l4 = t0 + (r.randint(30, 40) * HOUR if late else r.randint(12, 23) * HOUR)
            if t_l4 < t_rest:
                ev.append((t_l4, "escalated", ', "level": 4'))

        # Status updates every few hours while open.
        last = t0
        while t_rest - last > 4 * HOUR:
            gap = self.within(4 * HOUR, 0.5)
            if last + gap >= t_rest:
                break
            last += gap
            ev.append((last, "status_updated", ""))

        # After the repair: report, completion, call-back, write-up.
        t_res = t_rest + r.randint(0, 3 * HOUR)
        ev.append((t_res, "resolved", ""))
        t_rep = t_res + self.within(24 * HOUR, 0.05)
        sections = SECTIONS_JSON
        if r.random() < 0.04:
            sections = json.dumps([s for s in SECTIONS if s != r.choice(SECTIONS)])
        ev.append((t_rep, "report_submitted", f', "sections": {sections}'))
        t_done = t_res + r.randint(10 * MIN, 2 * HOUR)
        ev.append((t_done, "completed", ""))
        if r.random() < P_LATE:
            t_cb = t_done + r.randint(4 * DAY, 6 * DAY)
        else:
            t_cb = t_done + r.randint(2 * HOUR, 40 * HOUR)
        ev.append((t_cb, "callback", ""))
        if r.random() < P_LATE:
            t_wu = t_done + r.randint(11 * DAY, 16 * DAY)
        else:
            t_wu = t_done + r.randint(1 * DAY, 6 * DAY)
        ev.append((t_wu, "writeup_submitted", ""))
        ev.sort(key=lambda e: e[0])
        return ev


class Stamp:
    """Seconds since EPOCH -> 'YYYY-MM-DDTHH:MM:SS+08:00', with a per-day cache."""

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def __call__(self, sec: int) -> str:
        day, rest = divmod(sec, DAY)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
            self.days[day] = prefix
        h, rest = divmod(rest, HOUR)
        m, s = divmod(rest, MIN)
        return f"{prefix}{h:02d}:{m:02d}:{s:02d}+08:00"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic incidents as JSON Lines.")
    parser.add_argument("n", type=int, metavar="N", help="number of incidents")
    parser.add_argument("out", metavar="OUT.jsonl", help="output file, - for standard output")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--interleave", action="store_true", help="sort all events by time across incidents"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("N must be >= 0")

    gen = Gen(args.seed)
    starts = sorted(gen.r.randrange(SPAN // MIN) * MIN for _ in range(args.n))
    width = max(6, len(str(args.n)))
    stamp = Stamp()

    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    lines = 0
    try:
        if args.interleave:
            rows: list[tuple[int, int, int, str]] = []
            for i, t0 in enumerate(starts, 1):
                head = f'{{"case": "INC-{i:0{width}d}", "event": "'
                for k, (t, name, extra) in enumerate(gen.incident(t0)):
                    line = f'{head}{name}", "at": "{stamp(t)}"{extra}}}\n'
                    rows.append((t, i, k, line))
            rows.sort()
            out.writelines(row[3] for row in rows)
            lines = len(rows)
        else:
            buf: list[str] = []
            for i, t0 in enumerate(starts, 1):
                head = f'{{"case": "INC-{i:0{width}d}", "event": "'
                for t, name, extra in gen.incident(t0):
                    buf.append(f'{head}{name}", "at": "{stamp(t)}"{extra}}}\n')
                if len(buf) >= 50_000:
                    out.writelines(buf)
                    lines += len(buf)
                    buf.clear()
            out.writelines(buf)
            lines += len(buf)
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"wrote {args.n} incidents, {lines} events", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
