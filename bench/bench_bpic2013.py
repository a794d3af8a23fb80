#!/usr/bin/env python3
"""Import and audit the real BPI Challenge 2013 log (Volvo IT incidents), CSV and XES.

    python bench/bench_bpic2013.py [--data ../shared/data/bpic2013] [--no-tracemalloc]

Each file is read through ``mappings/bpic2013.yaml`` with ``import_export``, checked
with ``check_records`` and audited with ``audit_events`` against the bundled
contract, as of the log's last time + 1 day. BPIC runs 2010-2012, inside the bundled
calendar's years (2008-2026), so the bundled rules are used as they are: working days
are China's, holidays and make-up days included.

Printed: wall time of import and of audit (timed without tracemalloc), peak memory
(tracemalloc, in a second pass: the streaming import alone, and import + audit;
and the process's maximum resident set size), the row counts (read = imported +
skipped + rejected), events, incidents, whether CSV and XES gave the same events,
and per obligation the share of incidents breached. Verdicts on this log are only
as right as the mapping's assumptions (see the mapping's comments): Volvo's
contract is not ours.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import slarules  # noqa: E402
from slarules.engine import audit_events, check_records  # noqa: E402
from slarules.events import Event  # noqa: E402
from slarules.importer import ExportMapping, ImportCounts, import_export, load_mapping  # noqa: E402
from slarules.loader import bundled_rules_dir  # noqa: E402
from slarules.results import Result  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bpic2013"
FILES = {
    "CSV": "bpi_challenge_2013_incidents.csv.gz",
    "XES": "bpi_challenge_2013_incidents.xes.gz",
}
MAPPING = ROOT / "mappings" / "bpic2013.yaml"
MB = 1024 * 1024


def peak(work: Callable[[], object]) -> int:
    """Peak bytes traced by tracemalloc while ``work`` runs."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Measured:
    """One file imported and audited, timed."""

    def __init__(self, contract: slarules.Contract, mapping: ExportMapping, path: Path) -> None:
        t0 = time.perf_counter()
        run = import_export(mapping, [path], contract)
        self.events, self.rejected, self.records = check_records(contract, run)
        t1 = time.perf_counter()
        self.counts: ImportCounts = run.counts
        assert self.counts.latest is not None, "no rows read"
        self.as_of = self.counts.latest + timedelta(days=1)
        self.results: list[Result] = list(audit_events(contract, self.events, self.as_of))
        t2 = time.perf_counter()
        self.import_s = t1 - t0
        self.audit_s = t2 - t1
        self.import_peak: int | None = None
        self.pipeline_peak: int | None = None

    def trace(self, contract: slarules.Contract, mapping: ExportMapping, path: Path) -> None:
        def stream() -> None:
            for _ in import_export(mapping, [path], contract):
                pass

        def pipeline() -> None:
            events, _, _ = check_records(contract, import_export(mapping, [path], contract))
            for _ in audit_events(contract, events, self.as_of):
                pass

        self.import_peak = peak(stream)
        self.pipeline_peak = peak(pipeline)


def event_key(event: Event) -> tuple[Any, ...]:
    return (event.case, event.name, event.at, tuple(sorted(event.facts.items())))


def shares(results: list[Result], incidents: int) -> list[list[str]]:
    """Per obligation: clocks started, statuses, incidents breached and their share."""
    rows: dict[str, dict[str, Any]] = {}
    for r in results:
        row = rows.setdefault(
            r.obligation,
            {"cases": set(), "breached_cases": set(), "met": 0, "breached": 0, "pending": 0,
             "not_applicable": 0},
        )  # fmt: skip
        row["cases"].add(r.case)
        row[r.status] += 1
        if r.status == "breached":
            row["breached_cases"].add(r.case)
    out = []
    for ob, row in rows.items():
        started = len(row["cases"])
        breached = len(row["breached_cases"])
        out.append(
            [
                ob,
                str(started),
                str(row["met"]),
                str(row["breached"]),
                str(row["pending"]),
                str(row["not_applicable"]),
                f"{100 * breached / incidents:.1f} %",
                f"{100 * breached / started:.1f} %" if started else "-",
            ]
        )
    return out


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in
                       enumerate(zip(header, widths, strict=True)))]  # fmt: skip
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the BPIC 2013 files")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the (slower) memory passes"
    )
    args = parser.parse_args()
    contract = slarules.load()
    mapping = load_mapping(MAPPING, contract)
    cal = contract.calendar
    print("BPI Challenge 2013, Volvo IT incidents (4TU.ResearchData, CC-BY terms of 4TU)")
    print(f"mapping: {MAPPING.relative_to(ROOT)}")
    print(
        f"rules:   the bundled contract ({bundled_rules_dir()}), as it is: its calendar\n"
        f"         covers {cal.first_year}-{cal.last_year} (China's rest days and make-up working days),\n"
        "         BPIC runs 2010-2012"
    )
    runs: dict[str, Measured] = {}
    for label, name in FILES.items():
        path = args.data / name
        runs[label] = Measured(contract, mapping, path)
        if not args.no_tracemalloc:
            runs[label].trace(contract, mapping, path)
    csv_run = runs["CSV"]
    print(f"as of:   {csv_run.as_of.isoformat()} (the log's last time + 1 day)")
    print()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    def both(get: Callable[[Measured], object]) -> list[str]:
        return [str(get(runs[label])) for label in FILES]

    def mb(value: int | None) -> str:
        return "-" if value is None else f"{value / MB:.1f} MB"

    rows = [
        ["import (s), incl. check_records", *both(lambda r: f"{r.import_s:.2f}")],
        ["audit (s)", *both(lambda r: f"{r.audit_s:.2f}")],
        ["rows read", *both(lambda r: r.counts.read)],
        ["  imported (became events)", *both(lambda r: r.counts.imported)],
        ["  skipped by the mapping", *both(lambda r: r.counts.skipped)],
        ["  rejected", *both(lambda r: r.counts.rejected)],
        ["  read = imported + skipped + rejected", *both(lambda r: r.counts.reconciles)],
        ["events", *both(lambda r: r.counts.events)],
        ["records rejected by check_records", *both(lambda r: len(r.rejected))],
        ["incidents (cases reported)", *both(lambda r: r.counts.cases)],
        ["results", *both(lambda r: len(r.results))],
        ["rows/s imported", *both(lambda r: f"{r.counts.read / r.import_s:,.0f}")],
        ["peak, streaming import alone", *both(lambda r: mb(r.import_peak))],
        ["peak, import + audit", *both(lambda r: mb(r.pipeline_peak))],
    ]
    print(table(rows, ["", *[f"{k} ({v.split('.', 1)[1]})" for k, v in FILES.items()]]))
    print(f"process max RSS (both runs, all passes): {rss:.0f} MB")
    same = sorted(map(event_key, runs["CSV"].events)) == sorted(map(event_key, runs["XES"].events))
    print(f"CSV and XES give the same events: {'yes' if same else 'NO'}")
    print()
    print("skipped rows, by reason (CSV):")
    print("\n".join(csv_run.counts.skip_lines(8)))
    print()
    incidents = csv_run.counts.cases
    print(f"per obligation (CSV import; {incidents} incidents):")
    header = [
        "obligation",
        "started",
        "met",
        "breached",
        "pending",
        "n/a",
        "breached/incidents",
        "breached/started",
    ]
    print(table(shares(csv_run.results, incidents), header))
    return 0 if same and all(r.counts.reconciles for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
