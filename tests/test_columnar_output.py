"""The columnar engine's output against the Python reporters': the same bytes.

JSON and CSV are written by the database (reasons made in SQL); the law is that on
random logs, read from a file as the command line reads them (a case's rejected last
record included: it sets where the case's results come), both languages, the bytes
equal the Python engine's reporters'. The Parquet verdict table and
``Contract.audit_table`` equal the Python results put in the same columns.
"""

from __future__ import annotations

import io
import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_columnar import READINGS, merged_logs

import slarules
from slarules import model as m
from slarules.columnar.load import load_logs
from slarules.columnar.report import VERDICT_COLUMNS, ColumnarReport, verdict_table
from slarules.columnar.run import ColumnarAudit
from slarules.engine import Audit
from slarules.readers import last_positions, read_logs
from slarules.reporters import FORMATS

ROOT = Path(__file__).resolve().parent.parent
BASE = slarules.load()


def python_output(contract: m.Contract, path: str, as_of: datetime, fmt: str, lang: str) -> str:
    audit = Audit(contract, read_logs([path]), as_of, last_of=last_positions([path]))
    out = io.StringIO()
    parts = FORMATS[fmt]
    parts.head(as_of, contract, lang, out)
    parts.body(iter(audit), contract, lang, out, True)
    parts.tail(audit, contract, lang, out)
    return out.getvalue()


def columnar_report(contract: m.Contract, path: str, as_of: datetime) -> ColumnarReport:
    audit = ColumnarAudit(contract, as_of, threads=1)
    loaded = load_logs(audit, [path], None)
    audit.run()
    order = "read" if last_positions([path]) is not None else "case"
    return ColumnarReport(
        audit, loaded.rejected, loaded.read, order=order, last_rejected=loaded.last_rejected
    )


def columnar_output(report: ColumnarReport, fmt: str, lang: str) -> str:
    out = io.StringIO()
    parts = FORMATS[fmt]
    parts.head(report.as_of, report.contract, lang, out)
    if fmt == "json":
        report.json_body(out, lang)
    else:
        report.csv_body(out, lang)
    parts.tail(report, report.contract, lang, out)
    return out.getvalue()


def write_log(records: list[dict[str, Any]], broken: list[int], folder: str) -> str:
    """The records as JSON Lines, a record that is rejected (an unknown event of the case
    before it) after each position in ``broken``."""
    path = str(Path(folder) / "log.jsonl")
    with open(path, "w", encoding="utf-8") as out:
        for n, record in enumerate(records):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if n in broken:
                bad = {"case": record["case"], "event": "respnded", "at": record["at"]}
                out.write(json.dumps(bad) + "\n")
    return path


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    merged_logs(),
    st.sampled_from(READINGS),
    st.lists(st.integers(0, 40), max_size=3),
    st.sampled_from(["zh", "en"]),
)
def test_law_the_columnar_output_is_the_python_reporters_bytes(
    log: tuple[list[dict[str, Any]], datetime],
    contract: slarules.Contract,
    broken: list[int],
    lang: str,
) -> None:
    records, as_of = log
    with tempfile.TemporaryDirectory() as folder:
        path = write_log(records, broken, folder)
        report = columnar_report(contract, path, as_of)
        for fmt in ("json", "csv"):
            assert columnar_output(report, fmt, lang) == python_output(
                contract, path, as_of, fmt, lang
            ), fmt
        audit = Audit(contract, read_logs([path]), as_of, last_of=last_positions([path]))
        for reasons in (False, True):
            assert report.table(lang, reasons=reasons).equals(
                verdict_table(iter(audit), contract, lang, reasons)
            )
            audit = Audit(contract, read_logs([path]), as_of, last_of=last_positions([path]))


@pytest.mark.parametrize("name", ["october-2026.jsonl", "october-2026-with-errors.csv"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_month_is_written_alike(name: str, lang: str) -> None:
    path = str(ROOT / "examples" / name)
    as_of = datetime(2026, 11, 15, tzinfo=BASE.tz)
    report = columnar_report(BASE, path, as_of)
    for fmt in ("json", "csv"):
        assert columnar_output(report, fmt, lang) == python_output(BASE, path, as_of, fmt, lang)


def test_the_parquet_verdict_table_has_typed_columns_in_the_contracts_zone(
    tmp_path: Path,
) -> None:
    path = str(ROOT / "examples" / "october-2026.jsonl")
    report = columnar_report(BASE, path, datetime(2026, 11, 15, tzinfo=BASE.tz))
    target = tmp_path / "verdicts.parquet"
    with open(target, "wb") as out:
        report.parquet(out, "en")
    table = pq.read_table(target)
    assert table.column_names == [n for n, _ in VERDICT_COLUMNS if n != "reason"]
    assert str(table.schema.field("due").type) == "timestamp[us, tz=Asia/Shanghai]"
    assert str(table.schema.field("late_by_seconds").type) == "int64"
    statuses = set(table.column("status").to_pylist())
    assert statuses <= {"met", "breached", "pending", "not_applicable"} and "breached" in statuses


def test_audit_table_of_records_and_of_logs_is_the_python_engines() -> None:
    path = str(ROOT / "examples" / "october-2026-with-errors.jsonl")
    as_of = datetime(2026, 11, 15, tzinfo=BASE.tz)
    lines = Path(path).read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    contract = slarules.api.Contract.of(BASE)
    of_logs = contract.audit_table(logs=[path], as_of=as_of, lang="zh", reasons=True)
    audit = Audit(BASE, read_logs([path]), as_of, last_of=last_positions([path]))
    assert of_logs.equals(verdict_table(iter(audit), BASE, "zh", True))
    assert of_logs.schema.metadata[b"read"] == b"419"
    assert of_logs.schema.metadata[b"rejected"] == b"2"
    of_records = contract.audit_table(records, as_of)
    python = contract.audit(records, as_of)
    assert of_records.equals(verdict_table(iter(python.results), BASE, "en"))
    breaches = contract.audit_table(records, as_of, only_breaches=True)
    assert set(breaches.column("status").to_pylist()) == {"breached"}
    with pytest.raises(ValueError):
        contract.audit_table(records, as_of, logs=[path])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_ids_that_need_escapes_are_written_alike(tmp_path: Path, lang: str) -> None:
    # The database quotes a column as it is only when no value of it needs an escape:
    # here one case id needs every kind (a quote, a backslash, a control character, a
    # comma for CSV, a character beyond the BMP).
    lines = (ROOT / "examples" / "october-2026.jsonl").read_text("utf-8").splitlines()
    odd = 'INC "引号" \\ \x01, x 😀'
    records = [json.loads(line) for line in lines if line.strip()]
    records = [{**r, "case": odd} if r["case"] == "INC-2610-001" else r for r in records]
    path = str(write_log(records, [], str(tmp_path)))
    as_of = datetime(2026, 11, 15, tzinfo=BASE.tz)
    report = columnar_report(BASE, path, as_of)
    written = {fmt: columnar_output(report, fmt, lang) for fmt in ("json", "csv")}
    for fmt, text in written.items():
        assert text == python_output(BASE, path, as_of, fmt, lang), fmt
    assert json.dumps(odd, ensure_ascii=False) in written["json"]  # escaped, so not quoted as is


def test_audit_table_where_the_zone_changes_its_offset_is_the_python_engines() -> None:
    import dataclasses
    from zoneinfo import ZoneInfo

    from slarules.columnar.run import NotColumnar, steady_offset

    shifting = dataclasses.replace(BASE, tz=ZoneInfo("America/New_York"))
    with pytest.raises(NotColumnar):
        steady_offset(shifting)
    lines = (ROOT / "examples" / "october-2026.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    contract = slarules.api.Contract.of(shifting)
    as_of = datetime(2026, 11, 15, tzinfo=shifting.tz)
    table = contract.audit_table(records, as_of, lang="zh", only_breaches=True)
    breaches = [r for r in contract.audit(records, as_of).results if r.status == "breached"]
    assert table.num_rows == len(breaches) > 0
    assert table.equals(verdict_table(iter(breaches), shifting, "zh"))
