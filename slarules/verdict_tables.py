"""The audit as an Arrow table (:meth:`slarules.Contract.audit_table`).

The columnar engine computes it when the contract's zone keeps one UTC offset (its
verdict table straight from DuckDB); otherwise the Python engine's results are put in
the same columns (:func:`~slarules.columnar.report.verdict_table`). Both give the same
rows in the same order (``tests/test_columnar_output.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import model as m
from .events import Event, RecordChecker, Rejection

RECORDS = "<records>"  # the source of in-memory records, as Contract.audit names it


def audit_table(
    contract: m.Contract,
    records: Iterable[Mapping[str, Any]] | None,
    logs: Sequence[str],
    as_of: datetime,
    *,
    lang: str = "en",
    reasons: bool = False,
    only: Iterable[str] | None = None,
    only_breaches: bool = False,
    judge_all: bool = False,
    threads: int | None = None,
) -> Any:
    """See :meth:`slarules.Contract.audit_table`."""
    from .columnar.run import NotColumnar, steady_offset

    if (records is None) == (not logs):
        raise ValueError("audit_table takes records or logs (one of them)")
    asked = _Asked(lang, reasons, frozenset(only) if only else None, only_breaches, judge_all)
    try:
        steady_offset(contract)
    except NotColumnar:
        table, read, rejected = _python(contract, records, logs, as_of, asked)
    else:
        table, read, rejected = _columnar(contract, records, logs, as_of, asked, threads)
    meta = {b"read": str(read).encode(), b"rejected": str(rejected).encode()}
    return table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})


def _numbered(records: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, int, Any]]:
    return ((RECORDS, n, raw) for n, raw in enumerate(records, start=1))


@dataclass(frozen=True)
class _Asked:
    """What the table is to hold, whichever engine computes it."""

    lang: str
    reasons: bool
    only: frozenset[str] | None
    only_breaches: bool
    judge_all: bool


def _columnar(
    contract: m.Contract,
    records: Iterable[Mapping[str, Any]] | None,
    logs: Sequence[str],
    as_of: datetime,
    asked: _Asked,
    threads: int | None,
) -> tuple[Any, int, int]:
    from .columnar.report import ColumnarReport
    from .columnar.run import ColumnarAudit

    audit = ColumnarAudit(contract, as_of, asked.only, threads=threads)
    if records is None:
        from .columnar.load import load_logs, result_order

        loaded = load_logs(audit, logs, None)
        rejected, read, last_rejected = loaded.rejected, loaded.read, loaded.last_rejected
        order = result_order(logs)
    else:
        check = RecordChecker(contract)
        rejected, read, last_rejected, order = [], 0, {}, "case"

        def events() -> Iterator[Event]:
            nonlocal read
            for source, line, raw in _numbered(records):
                read += 1
                checked = check(raw, source, line, read)
                if isinstance(checked, Rejection):
                    rejected.append(checked)
                else:
                    yield checked

        audit.load_events(events())
    audit.run((None, None), asked.judge_all)
    report = ColumnarReport(audit, rejected, read, order=order, last_rejected=last_rejected)
    return report.table(asked.lang, asked.only_breaches, asked.reasons), read, len(rejected)


def _python(
    contract: m.Contract,
    records: Iterable[Mapping[str, Any]] | None,
    logs: Sequence[str],
    as_of: datetime,
    asked: _Asked,
) -> tuple[Any, int, int]:
    from .columnar.report import verdict_table
    from .engine import Audit
    from .readers import last_positions, read_logs

    if records is None:
        source: Any = read_logs(list(logs), None)
        last_of = last_positions(list(logs), None)
    else:
        source, last_of = _numbered(records), None
    audit = Audit(
        contract, source, as_of, only=asked.only, judge_all=asked.judge_all, last_of=last_of
    )
    results = (r for r in audit if not asked.only_breaches or r.status == "breached")
    table = verdict_table(results, contract, asked.lang, asked.reasons)
    return table, audit.read, len(audit.rejected)


__all__ = ["audit_table"]
