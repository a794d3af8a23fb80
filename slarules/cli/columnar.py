"""`slarules audit` on the columnar engine: the logs into DuckDB, the contract's queries,
the output written from the results table.

JSON, CSV and Parquet are written by the database (reasons made in SQL, only when the
format carries them); the table, Markdown and Excel formats, and any audit with an
assessment, take the results as objects, in the same order. Both give the bytes the
Python engine gives (``tests/test_columnar_output.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from .. import model as m
from ..columnar.report import ColumnarReport
from ..columnar.run import ColumnarAudit
from ..events import Event, Rejection

# What the database writes itself: the body of these formats.
DATABASE_FORMATS = ("json", "csv", "parquet")


def read_order(options: Any) -> str:
    """The order the Python engine gives results in (see :func:`.load.result_order`);
    an export's results come by case id."""
    from ..columnar.load import result_order

    return "case" if options.mapping is not None else result_order(list(options.logs))


def run_columnar(
    contract: m.Contract, options: Any, records: Any, threads: int | None
) -> ColumnarReport:
    """Check the records, load the events, run every query: the finished report.

    ``records`` are an export's (through its mapping), or None: the logs are then loaded
    by the vectorised loader, which checks in Python only the rows it cannot vouch for.
    """
    from ..events import RecordChecker

    audit = ColumnarAudit(
        contract, options.as_of, frozenset(options.obligations) or None, threads=threads
    )
    if records is None:  # plain logs: straight into the table (see .columnar.load)
        from ..columnar.load import load_logs

        loaded = load_logs(audit, list(options.logs), options.encoding)
        audit.run(options.window, options.judge_all)
        return ColumnarReport(
            audit,
            loaded.rejected,
            loaded.read,
            order=read_order(options),
            last_rejected=loaded.last_rejected,
        )
    rejected: list[Rejection] = []
    last_rejected: dict[str, int] = {}
    read = 0
    check = RecordChecker(contract)

    def events() -> Any:
        nonlocal read
        for source, line, raw in records:
            read += 1
            checked = raw if isinstance(raw, Rejection) else check(raw, source, line, read)
            if type(checked) is Event:
                yield checked
                continue
            rejected.append(checked)  # type: ignore[arg-type]
            case = raw.get("case") if isinstance(raw, Mapping) else None
            if case is not None:  # the first pass counts it as its case's record
                last_rejected[str(case)] = read

    audit.load_events(events())
    audit.run(options.window, options.judge_all)
    return ColumnarReport(
        audit, rejected, read, order=read_order(options), last_rejected=last_rejected
    )


def write(
    report: ColumnarReport,
    fmt: str,
    lang: str,
    only_breaches: bool,
    reasons: bool,
    out: IO[Any],
) -> None:
    """Write the report in a format the database writes (see :data:`DATABASE_FORMATS`)."""
    from ..reporters import FORMATS

    contract = report.contract
    if fmt == "parquet":
        report.parquet(out, lang, only_breaches, reasons=reasons)
        return
    parts = FORMATS[fmt]
    parts.head(report.as_of, contract, lang, out)
    if fmt == "json":
        report.json_body(out, lang, only_breaches)
    else:
        report.csv_body(out, lang, only_breaches, reasons=reasons)
    parts.tail(report, contract, lang, out)


__all__ = ["DATABASE_FORMATS", "read_order", "run_columnar", "write"]
