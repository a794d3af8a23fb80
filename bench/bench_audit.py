"""The audit against merely parsing the log: time and peak memory, one core.

    python bench/bench_audit.py [N_INCIDENTS] [--log PATH] [--repeat K] [--python]
                                [--spark] [--big N_EVENTS]

Generates an interleaved log of N incidents (default 100,000: about 1.1 million events,
cases interleaved by time as real exports are) with bench/gen_log.py if it is not
there, then runs each of these in a fresh process pinned to one core
(``taskset -c 0``), K times (default 3), and prints the median wall time, the ratio
to the floor measured in the same run, and the largest peak memory (max RSS):

- floor: orjson.loads every line and group the records by case in a dict;
- ``slarules audit --format json`` (a reason on every row), ``--format csv
  --no-reasons`` and ``--format parquet`` (verdict tables), ``--format json
  --only-breaches``: the command line as a user runs it (the columnar engine,
  DuckDB), output written to a file;
- with ``--python``: the same JSON audit on the Python engine (``--engine python``),
  the reference, for the record.

Reported apart, never as the ratio: ``--format json`` on two cores (``taskset -c
0,1``, DuckDB's two threads); with ``--spark`` the Spark path in local mode
(``local[2]``) on the log's events in their Parquet form by month (the import to
Parquet is timed apart); with ``--big N`` an audit of a generated log of about N
events (``--format csv --no-reasons``, DuckDB spilling to disk past its memory
limit), to show it completes and how long it takes.

Times include the interpreter's start (about 0.5 s for slarules, 0.05 s for the
floor): what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-12-31T00:00:00+08:00"
FLOOR = """
import orjson, sys
cases = {}
with open(sys.argv[1], "rb") as stream:
    for line in stream:
        record = orjson.loads(line)
        cases.setdefault(record["case"], []).append(record)
print(sum(len(v) for v in cases.values()))
"""
SPARK = """
import sys, time
from datetime import datetime
import slarules
from slarules.columnar.spark import spark_audit
contract = slarules.load()
started = time.perf_counter()
audit = spark_audit(contract, datetime.fromisoformat(sys.argv[2]), sys.argv[1], master="local[2]")
((rows,),) = audit.database.fetchall("SELECT COUNT(*) FROM results")
print(rows, time.perf_counter() - started)
"""


def pinned(cores: str) -> list[str]:
    return ["taskset", "-c", cores] if shutil.which("taskset") else []


def measure(command: list[str]) -> dict[str, float]:
    """One run in a fresh process: wall seconds, CPU seconds, peak memory in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    err = process.stderr.read().decode() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    # 1: breaches found, 3: records rejected; anything else (or a traceback) is a failure
    if process.returncode not in (0, 1, 3) or "Traceback" in err:
        raise SystemExit(f"{' '.join(command)}: exit {process.returncode}\n{err}")
    return {
        "seconds": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "mib": usage.ru_maxrss / 1024,
    }


def repeated(command: list[str], repeat: int) -> dict[str, float]:
    runs = [measure(command) for _ in range(repeat)]
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "spread": max(r["seconds"] for r in runs) - min(r["seconds"] for r in runs),
        "mib": max(r["mib"] for r in runs),
    }


def audit_command(log: str, out: str, *options: str) -> list[str]:
    return [sys.executable, "-m", "slarules", "audit", log, "--as-of", AS_OF, "-o", out, *options]


def generate(incidents: int, path: str) -> None:
    if not Path(path).exists():
        gen = [sys.executable, str(ROOT / "bench" / "gen_log.py"), str(incidents), path]
        subprocess.run([*gen, "--interleave"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("incidents", nargs="?", type=int, default=100_000)
    parser.add_argument("--log", help="a log to use instead of a generated one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", action="store_true", help="also the Python engine")
    parser.add_argument("--spark", action="store_true", help="also the Spark path (local[2])")
    parser.add_argument("--big", type=int, default=0, help="also a log of about N events")
    args = parser.parse_args()
    path = args.log or f"/tmp/slarules-bench-{args.incidents}-interleaved.jsonl"
    generate(args.incidents, path)
    with open(path, "rb") as stream:
        lines = sum(1 for _ in stream)
    print(f"log: {path}: {lines:,} events, {Path(path).stat().st_size / 2**20:.0f} MiB")
    one = pinned("0")
    work = tempfile.mkdtemp(prefix="slarules-bench-")
    out = str(Path(work) / "out")
    floor = repeated([*one, sys.executable, "-c", FLOOR, path], args.repeat)
    rows = [("floor: orjson parse + group by case", floor)]
    runs = [
        ("audit --format json", ("--format", "json")),
        ("audit --format csv --no-reasons", ("--format", "csv", "--no-reasons")),
        ("audit --format parquet", ("--format", "parquet")),
        ("audit --format json --only-breaches", ("--format", "json", "--only-breaches")),
    ]
    if args.python:
        runs.append(("audit --engine python --format json", ("--engine", "python")))
    for label, options in runs:
        rows.append((label, repeated([*one, *audit_command(path, out, *options)], args.repeat)))
    print(f"\none core (taskset -c 0), median of {args.repeat}; the ratio is to the floor")
    print(f"{'run':40} {'wall s':>7} {'cpu s':>7} {'x floor':>8} {'peak MiB':>9}")
    for label, r in rows:
        ratio = r["seconds"] / floor["seconds"]
        print(f"{label:40} {r['seconds']:7.2f} {r['cpu']:7.2f} {ratio:8.2f} {r['mib']:9.0f}")
    two = repeated([*pinned("0,1"), *audit_command(path, out, "--format", "json")], args.repeat)
    gain = rows[1][1]["seconds"] / two["seconds"]
    print(
        f"\napart: audit --format json on two cores (taskset -c 0,1): {two['seconds']:.2f} s"
        f" wall, {gain:.2f}x the one-core speed, peak {two['mib']:.0f} MiB"
    )
    if args.spark:
        months = str(Path(work) / "events")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", IMPORT, path, months], check=True, capture_output=True
        )
        converted = time.perf_counter() - started
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", SPARK, months, AS_OF], check=True, capture_output=True, text=True
        )
        results, audit_seconds = done.stdout.split()
        print(
            f"apart: Spark local[2]: {float(audit_seconds):.1f} s for the audit"
            f" ({time.perf_counter() - started:.1f} s with the session's start),"
            f" {int(results):,} results; the log to Parquet by month: {converted:.1f} s"
        )
    if args.big:
        incidents = max(1, args.big * 100_000 // max(lines, 1)) if args.log is None else 0
        big = f"/tmp/slarules-bench-{incidents}-interleaved.jsonl"
        generate(incidents, big)
        r = measure([*pinned("0,1"), *audit_command(big, out, "--format", "csv", "--no-reasons")])
        with open(big, "rb") as stream:
            events = sum(1 for _ in stream)
        print(
            f"apart: {events:,} events ({incidents:,} incidents), csv --no-reasons on two cores:"
            f" {r['seconds']:.0f} s wall, {r['cpu']:.0f} s CPU, peak {r['mib']:.0f} MiB"
        )
    shutil.rmtree(work, ignore_errors=True)


# The log's events in their Parquet form by month (what `slarules import --by-month`
# writes from an export), for the Spark run.
IMPORT = """
import sys
from datetime import datetime
import slarules
from slarules.columnar.load import load_logs
from slarules.columnar.parquet import copy_sql
from slarules.columnar.run import ColumnarAudit
contract = slarules.load()
audit = ColumnarAudit(contract, datetime.now(contract.tz))
load_logs(audit, [sys.argv[1]], None)
audit.database.execute(copy_sql(contract, audit.offset, sys.argv[2], True))
"""


if __name__ == "__main__":
    main()
