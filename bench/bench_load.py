"""Loading a log into the columnar engine's events table: vectorised against Python.

    python bench/bench_load.py LOG [--repeat K] [--only floor,python,columnar]

Runs, each in a fresh process (so memory is its own), pinned to one core when
``taskset`` is there:

- floor: orjson.loads every line and group the records by case (bench_audit's baseline);
- python: the Python readers + RecordChecker + ColumnarAudit.load_events (what the
  columnar audit did before slarules.columnar.load);
- columnar: slarules.columnar.load.load_logs (one thread).

Each is timed from when the contract is loaded and the database made. Prints the
median wall and CPU seconds of K runs (default 3), the ratio to the
floor, and each run's peak memory. The machine's other work makes wall times
noisy; CPU seconds are steadier.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-12-31T00:00:00+08:00"


def floor(path: str) -> dict[str, float]:
    import orjson

    started()
    cases: dict[str, list[object]] = {}
    with open(path, "rb") as stream:
        for line in stream:
            record = orjson.loads(line)
            cases.setdefault(record["case"], []).append(record)
    return {"records": sum(len(v) for v in cases.values())}


def python(path: str) -> dict[str, float]:
    from datetime import datetime

    import slarules
    from slarules.columnar.run import ColumnarAudit
    from slarules.engine import checked_records
    from slarules.events import Rejection
    from slarules.readers import read_logs

    contract = slarules.load()
    audit = ColumnarAudit(contract, datetime.fromisoformat(AS_OF), threads=1)
    rejected = 0
    started()

    def events():  # type: ignore[no-untyped-def]
        nonlocal rejected
        for _, _, checked in checked_records(contract, read_logs([path])):
            if isinstance(checked, Rejection):
                rejected += 1
            else:
                yield checked

    audit.load_events(events())
    ((rows,),) = audit.database.fetchall("SELECT count(*) FROM ev")
    return {"records": rows, "rejected": rejected}


def columnar(path: str) -> dict[str, float]:
    from datetime import datetime

    import slarules
    from slarules.columnar.load import load_logs
    from slarules.columnar.run import ColumnarAudit

    contract = slarules.load()
    audit = ColumnarAudit(contract, datetime.fromisoformat(AS_OF), threads=1)
    started()
    loaded = load_logs(audit, [path], None)
    return {"records": loaded.events, "rejected": len(loaded.rejected)}


CLOCKS: list[float] = []


def started() -> None:
    """The measured part starts here (the contract and the database are ready)."""
    CLOCKS[:] = [time.process_time(), time.perf_counter()]


KINDS = {"floor": floor, "python": python, "columnar": columnar}


def child(kind: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    if kind != "floor":
        import slarules.columnar.load  # noqa: F401  (imports are not what is measured)
    out = KINDS[kind](path)
    out["cpu"] = time.process_time() - CLOCKS[0]
    out["wall"] = time.perf_counter() - CLOCKS[1]
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("log")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="floor,python,columnar")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.log)
        return
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    results: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.repeat):
        for kind in args.only.split(","):
            done = subprocess.run(
                [*pin, sys.executable, __file__, args.log, "--child", kind],
                check=True,
                capture_output=True,
                text=True,
            )
            results.setdefault(kind, []).append(json.loads(done.stdout))
    base = statistics.median(r["cpu"] for r in results.get("floor", [{"cpu": float("nan")}]))
    for kind, runs in results.items():
        cpu = statistics.median(r["cpu"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        rss = max(r["rss_mb"] for r in runs)
        print(
            f"{kind:9} cpu {cpu:6.2f} s  wall {wall:6.2f} s  x{cpu / base:4.2f} of the floor (cpu)"
            f"  peak {rss:6.0f} MB  records {runs[0]['records']:.0f}"
        )


if __name__ == "__main__":
    main()
