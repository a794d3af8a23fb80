"""Audit speed and memory against merely parsing the log with orjson and grouping it by case.

    python bench/bench_audit.py [N_INCIDENTS] [--log PATH] [--repeat K]

Generates a log of N incidents (default 100,000; about 11 events each) grouped by
case with bench/gen_log.py if it does not exist, then runs, each in a fresh
process so peak memory (max RSS) is its own:

- baseline: orjson.loads every line and group the records by case in a dict;
- audit, streaming: slarules' audit as the CLI runs it (a first pass finds each
  case's last record, then every case is evaluated as soon as it is complete);
- audit, buffered: the same audit holding every case until the end (what
  standard input gets);
- audit --jobs N (N = the CPUs): the log cut at case boundaries into N parts,
  each audited in a process of its own, the period duties judged on the parts'
  events together (slarules.parallel). Its peak memory is this process's; each
  worker's is about the streaming run's.

Results are counted, not kept or printed, in every run (in the workers, for --jobs). Prints the times, the
ratio to the baseline (target <= 3) and each run's peak memory; run it with a
smaller N too to see that the streaming audit's memory does not grow with the log.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-12-31T00:00:00+08:00"


def baseline(path: str) -> dict[str, float]:
    import orjson

    started = time.perf_counter()
    cases: dict[str, list[object]] = {}
    with open(path, "rb") as stream:
        for line in stream:
            record = orjson.loads(line)
            cases.setdefault(record["case"], []).append(record)
    return {"seconds": time.perf_counter() - started, "cases": len(cases)}


def audit(path: str, streaming: bool) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from datetime import datetime

    import slarules
    from slarules.engine import Audit
    from slarules.readers import last_positions, read_logs

    contract = slarules.load()
    as_of = datetime.fromisoformat(AS_OF)
    started = time.perf_counter()
    last_of = last_positions([path]) if streaming else None
    run = Audit(contract, read_logs([path]), as_of, last_of=last_of)
    results = sum(1 for _ in run)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "results": results,
        "read": run.read,
        "rejected": len(run.rejected),
        "breached": sum(r["breached"] for r in run.counts.values()),
    }


def parallel(path: str) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from datetime import datetime

    import slarules
    from slarules.parallel import audit_in_parts

    contract = slarules.load()
    as_of = datetime.fromisoformat(AS_OF)
    jobs = os.cpu_count() or 1
    started = time.perf_counter()
    joined = audit_in_parts(contract, path, as_of, jobs)
    seconds = time.perf_counter() - started
    if joined is None:
        raise SystemExit("the log could not be cut into parts")
    return {
        "seconds": seconds,
        "results": sum(sum(row.values()) for row in joined.counts.values()),
        "read": joined.read,
        "rejected": len(joined.rejected),
        "breached": sum(row["breached"] for row in joined.counts.values()),
        "jobs": joined.parts,
    }


def child(kind: str, path: str) -> None:
    if kind == "parallel":
        out = parallel(path)
    else:
        out = baseline(path) if kind == "baseline" else audit(path, kind == "streaming")
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_child(kind: str, path: str, repeat: int) -> dict[str, float]:
    """The run ``repeat`` times, each in a fresh process: the median time, the largest peak."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, "--log", path],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(done.stdout))
    out = dict(runs[0])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["spread"] = max(r["seconds"] for r in runs) - min(r["seconds"] for r in runs)
    out["max_rss_mb"] = max(r["max_rss_mb"] for r in runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("incidents", nargs="?", type=int, default=100_000)
    parser.add_argument("--log")
    parser.add_argument("--child")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each, the median reported (this machine's "
        "timings vary by 20%% or more from run to run)",
    )
    args = parser.parse_args()
    path = args.log or f"/tmp/slarules-bench-{args.incidents}.jsonl"
    if args.child:
        child(args.child, path)
        return
    if not Path(path).exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_log.py"), str(args.incidents), path],
            check=True,
        )
    with open(path, "rb") as stream:
        lines = sum(1 for _ in stream)
    print(
        f"log: {path}: {args.incidents:,} incidents, {lines:,} events, "
        f"{Path(path).stat().st_size / 2**20:.0f} MiB"
    )
    base = run_child("baseline", path, args.repeat)
    rows = [("orjson parse + group by case", base, None)]
    for kind, label in (
        ("streaming", "slarules audit (streaming)"),
        ("buffered", "slarules audit (buffered)"),
        ("parallel", f"slarules audit --jobs {os.cpu_count() or 1}"),
    ):
        result = run_child(kind, path, args.repeat)
        rows.append((label, result, result["seconds"] / base["seconds"]))
    what = f"median of {args.repeat}" if args.repeat > 1 else "seconds"
    print(f"{'run':32} {what:>11} {'x base':>7} {'peak MiB':>9}  notes")
    for label, result, ratio in rows:
        notes = ""
        if "results" in result:
            notes = (
                f"{result['results']:,} results, {result['breached']:,} breached, "
                f"read {result['read']:,}, rejected {result['rejected']:,}"
            )
        shown = f"{ratio:7.2f}" if ratio else f"{'1.00':>7}"
        if args.repeat > 1:
            notes = f"(runs within {result['spread']:.2f} s) {notes}"
        print(f"{label:32} {result['seconds']:11.2f} {shown} {result['max_rss_mb']:9.0f}  {notes}")


if __name__ == "__main__":
    main()
