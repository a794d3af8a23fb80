"""One large JSON Lines log audited in several processes (``slarules audit --jobs N``).

The log is cut into byte ranges, three for each process, each cut where one
case's lines end and another's begin (a log grouped by case, as exports are,
cuts cleanly). The processes take the ranges in turn. Each range is read once
and taken as grouped by case (a case is complete when the next one begins);
its results go through the chosen format's body to a file of their own, or
are only counted. This process then joins the bodies in order between the
format's head and tail, and judges the period duties, which need events from
every part.

The results are those of one process, in the same order. If a case turns out
not to be grouped (it comes again within a part, or has lines in two parts), or
a worker dies, the parts are thrown away and :func:`audit_in_parts` returns
None: the caller audits in one process.

Processes are forked (they share the loaded contract); where the platform
cannot fork, there is no parallel audit. A worker dies quietly on Ctrl-C or
SIGTERM (the signals' default action, no traceback); this process, on its way
out by whatever exception, kills the workers that are left and removes the
parts' files.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection, wait
from typing import IO, Any, cast

from . import model as m
from .engine import Audit, NotGrouped, Tally
from .events import Event, Rejection
from .readers import undecodable
from .readers.jsonl import cases_of, line_chunks, read_jsonl_bytes
from .readers.lines import bounded_lines, length
from .reporters import Format
from .results import STATUSES, Result

# More parts than processes: a process that is done early takes the next part,
# so one slow part does not keep the others waiting.
_PARTS_PER_JOB = 3
# How far past a byte-range cut to look for a line where the case changes.
_LOOKAHEAD_LINES = 100_000
# Window events are ordered by (time, reading order): part k's order counts from here.
_SEQ_SPAN = 1 << 40


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True)
class Part:
    """A byte range of the log and the number of its first line."""

    start: int
    end: int | None
    first_line: int


def cut(path: str, jobs: int) -> list[Part]:
    """Up to ``jobs`` parts, each starting on a line whose case differs from the line before."""
    size = os.path.getsize(path)
    starts = [0]
    with open(path, "rb") as stream:
        for k in range(1, jobs):
            stream.seek(max(size * k // jobs, starts[-1]))
            next(bounded_lines(stream), None)  # to the start of the next whole line
            at = _case_change(stream)
            if at is not None and at > starts[-1]:
                starts.append(at)
    ends: list[int | None] = [*starts[1:], None]
    lines = _line_numbers(path, starts)
    return [Part(s, e, n) for s, e, n in zip(starts, ends, lines, strict=True)]


def _case_change(stream: IO[bytes]) -> int | None:
    """The offset of the first line, from here on, whose case differs from the line before."""
    offset = stream.tell()
    previous: str | None = None
    for n, line in enumerate(bounded_lines(stream)):  # a huge line is not held
        if n > _LOOKAHEAD_LINES:
            return None
        case = next(cases_of([line]), None)
        if case is not None:
            if previous is not None and case != previous:
                return offset
            previous = case
        offset += length(line)
    return None


def _line_numbers(path: str, starts: list[int]) -> list[int]:
    """The line number of each start offset (counting every line, blank ones too)."""
    numbers, line, at = [], 1, 0
    with open(path, "rb") as stream:
        for start in starts:
            while at < start:  # in blocks: a part may be gigabytes long
                block = stream.read(min(start - at, 1 << 20))
                if not block:
                    break
                line += block.count(b"\n")
                at += len(block)
            numbers.append(line)
    return numbers


@dataclass
class PartReport:
    """What one process sends back: counts, the period duties' inputs, its results file."""

    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    after_as_of: int = 0
    duplicates: int = 0
    warned: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    window_events: dict[str, list[Event]] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    cases: frozenset[str] = frozenset()
    body: str | None = None  # the file its results were written to
    wrote: bool = False
    error: BaseException | None = None


@dataclass
class Joined(Tally):
    """The parts' counts together; reporters read it as they read an Audit."""

    as_of: datetime
    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    parts: int = 0
    after_as_of: int = 0
    duplicates: int = 0
    warned: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    unjudged: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Output:
    """Where and how the results are written; without it they are only counted."""

    out: IO[str]
    fmt: Format
    lang: str
    only_breaches: bool = False


def audit_in_parts(
    contract: m.Contract,
    path: str,
    as_of: datetime,
    jobs: int,
    output: Output | None = None,
    *,
    window: tuple[datetime | None, datetime | None] = (None, None),
    only: tuple[str, ...] | None = None,
    judge_all: bool = False,
) -> Joined | None:
    """Audit ``path`` in up to ``jobs`` processes; None when it cannot be cut (see the module)."""
    parts = cut(path, jobs * _PARTS_PER_JOB)
    if len(parts) < 2 or not can_fork():
        return None
    context = multiprocessing.get_context("fork")
    # A forked worker flushes the standard streams it inherits when it ends: flush
    # them here first, or what is buffered would come out twice.
    sys.stdout.flush()
    sys.stderr.flush()
    if output is not None:
        output.out.flush()
    folder = tempfile.mkdtemp(prefix="slarules-parts-")
    todo = context.SimpleQueue()  # part numbers, then one None for each worker
    for k in range(len(parts)):
        todo.put(k)
    count = min(jobs, len(parts))
    for _ in range(count):
        todo.put(None)
    workers = []
    reports: dict[int, PartReport] = {}
    try:
        for _ in range(count):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_audit_parts,
                args=(contract, path, parts, todo, as_of, output, only, send, folder),
                daemon=True,
            )
            # Held while forking: a Ctrl-C in between would reach the worker while it
            # still has this process's handlers (and would print a traceback).
            with _signals_held():
                process.start()
                workers.append((process, receive))
            send.close()
        listening = [receive for _, receive in workers]
        while listening:  # from whichever worker has a part done: none waits on another
            for ready in wait(listening):
                conn = cast(Connection, ready)
                try:
                    number, report = conn.recv()
                except EOFError:
                    listening.remove(conn)
                    continue
                reports[number] = report
        for process, _ in workers:
            process.join()
        for report in reports.values():
            if report.error is not None and not isinstance(report.error, NotGrouped):
                raise report.error
        if len(reports) != len(parts) or any(r.error for r in reports.values()):
            return None  # a case seen again after another, or a worker that died
        ordered = [reports[k] for k in range(len(parts))]
        if sum(len(r.cases) for r in ordered) != len(
            frozenset().union(*(r.cases for r in ordered))
        ):
            return None  # a case on both sides of a cut: not a log grouped by case
        return _join(contract, as_of, ordered, output, window, only, judge_all)
    finally:
        for process, _ in workers:
            if process.is_alive():
                process.kill()
        for process, _ in workers:
            process.join()
        shutil.rmtree(folder, ignore_errors=True)


_STOPS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back for the duration (delivered when released)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _audit_parts(
    contract: m.Contract,
    path: str,
    parts: list[Part],
    todo: Any,
    as_of: datetime,
    output: Output | None,
    only: tuple[str, ...] | None,
    send: Connection,
    folder: str,
) -> None:
    """A worker: audit the parts it is given until there are none, sending each report."""
    for number in _STOPS:  # the default: die at once, quietly; the main process speaks
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    while (k := todo.get()) is not None:
        report = _audit_part(contract, path, parts[k], k, as_of, output, only, folder)
        try:
            send.send((k, report))
        except Exception as exc:  # an error that does not pickle: its words do
            send.send((k, PartReport(error=RuntimeError(f"{type(exc).__name__}: {exc}"))))
        if report.error is not None:
            break
    send.close()


def _audit_part(
    contract: m.Contract,
    path: str,
    part: Part,
    k: int,
    as_of: datetime,
    output: Output | None,
    only: tuple[str, ...] | None,
    folder: str,
) -> PartReport:
    report = PartReport()
    try:
        # A part is read once: taken as grouped by case (what a cut implies),
        # which the audit checks as it goes.
        records = read_jsonl_bytes(_lines(path, part), path, part.first_line)
        audit = Audit(contract, records, as_of, grouped=True, only=only, window_duties=False)
        if output is None:
            for _ in audit:
                pass
        else:
            report.body, report.wrote = _write_body(audit, contract, output, folder, first=k == 0)
        events, report.first, report.last = audit.window_inputs()
        report.window_events = {
            name: [e._replace(facts=dict(e.facts), seq=e.seq + k * _SEQ_SPAN) for e in found]
            for name, found in events.items()
        }
        report.read, report.rejected, report.counts = audit.read, audit.rejected, audit.counts
        report.after_as_of, report.duplicates = audit.after_as_of, audit.duplicates
        report.warned = audit.warned
        report.cases = frozenset(audit.cases)
    except UnicodeDecodeError as exc:
        report.error = undecodable(path, None, exc)
    except BaseException as exc:  # sent back whole, raised there
        report.error = exc
    return report


def _lines(path: str, part: Part) -> Iterator[bytes]:
    for chunk in line_chunks(path, part.start, part.end):
        yield from chunk


def _write_body(
    audit: Audit, contract: m.Contract, output: Output, folder: str, first: bool
) -> tuple[str, bool]:
    results: Iterator[Result] = iter(audit)
    if output.only_breaches:
        results = (r for r in results if r.status == "breached")
    handle, name = tempfile.mkstemp(prefix="part-", suffix=".txt", dir=folder)
    with open(handle, "w", encoding="utf-8", newline="") as out:
        wrote = output.fmt.body(results, contract, output.lang, out, first)
    return name, wrote


def _join(
    contract: m.Contract,
    as_of: datetime,
    reports: list[PartReport],
    output: Output | None,
    window: tuple[datetime | None, datetime | None],
    only: tuple[str, ...] | None,
    judge_all: bool = False,
) -> Joined:
    joined = Joined(as_of, parts=len(reports))
    joined.counts = {ob.id: dict.fromkeys(STATUSES, 0) for ob in contract.obligations}
    duties = Audit(contract, (), as_of, window=window, only=only, judge_all=judge_all)
    for report in reports:
        joined.add(report)  # type: ignore[arg-type]  # a PartReport has a Tally's counts
        duties.add_window_inputs(report.window_events, report.first, report.last)
    if output is None:
        for _ in duties:
            pass
    else:
        out, fmt = output.out, output.fmt
        fmt.head(as_of, contract, output.lang, out)
        wrote = False
        for k, report in enumerate(reports):
            if report.body is None:
                continue
            with open(report.body, encoding="utf-8", newline="") as part:
                if k and report.wrote and not wrote and fmt.lead:
                    part.read(len(fmt.lead))  # written as a follower, but nothing came before
                shutil.copyfileobj(part, out)
            wrote = wrote or report.wrote
        results: Iterator[Result] = iter(duties)
        if output.only_breaches:
            results = (r for r in results if r.status == "breached")
        fmt.body(results, contract, output.lang, out, not wrote)
    for ob, row in duties.counts.items():
        for status, n in row.items():
            joined.counts[ob][status] += n
    joined.unjudged = duties.unjudged
    if output is not None:
        output.fmt.tail(joined, contract, output.lang, output.out)
    return joined
