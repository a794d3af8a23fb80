"""Input formats in one registry by suffix: the audit's logs and the importer's exports
look them up there, a new format is one registration; `report` reads its logs once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import slarules
import slarules.engine
from slarules.cli import main
from slarules.engine import check_records
from slarules.events import RecordChecker
from slarules.importer import import_export, load_mapping
from slarules.importer.csvsource import read_csv_rows
from slarules.readers import last_positions, log_reader, read_logs
from slarules.readers.jsonl import read_jsonl_log, scan_jsonl
from slarules.readers.registry import (
    FORMATS,
    LogReader,
    Record,
    count_cases,
    format_for,
    named,
    names,
    register,
    unregister,
)
from slarules.schemas import load_schema

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "examples" / "october-2026.jsonl"
EXPORT = ROOT / "examples" / "servicenow-export.csv"


@pytest.mark.parametrize(
    ("path", "log", "export"),
    [
        ("a.jsonl", "jsonl", "csv"),
        ("a.JSONL.GZ", "jsonl", "csv"),
        ("a.csv", "csv", "csv"),
        ("dir.d/a.Csv.gz", "csv", "csv"),
        ("a.tsv", "csv", "csv"),
        ("a.xes", "jsonl", "xes"),
        ("a.xes.gz", "jsonl", "xes"),
        ("-", "jsonl", "csv"),
        ("a", "jsonl", "csv"),
        ("a.gz", "jsonl", "csv"),
        ("a.log", "jsonl", "csv"),
        ("a.parquet", "parquet", "csv"),
    ],
)
def test_a_path_is_read_by_its_suffix_under_any_gz(path: str, log: str, export: str) -> None:
    assert format_for(path, "log").name == log
    assert format_for(path, "export").name == export


def test_each_role_names_its_formats() -> None:
    assert set(names("log")) == {"jsonl", "csv", "parquet"}
    assert set(names("export")) == {"csv", "xes"}
    assert named("xes", "export").export is not None
    with pytest.raises(KeyError):
        named("xes", "log")  # XES is an export format only
    with pytest.raises(ValueError, match="has a log reader already"):
        register("csv", log=LogReader(read_jsonl_log, scan_jsonl))


def test_the_mapping_schema_offers_the_registered_export_formats() -> None:
    """Editors read the schema file: a new export format is named there too."""
    formats = load_schema("Mapping")["properties"]["input"]["properties"]["format"]
    assert formats["enum"] == ["auto", *names("export")]


# ---------------------------------------------------------------- a new format


def _kv_records(path: str, source: str, encoding: str | None) -> Iterator[Record]:
    """A toy log format: ``key=value`` pairs separated by tabs, one record a line."""
    with open(path, encoding=encoding or "utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            pairs = line.rstrip("\n").split("\t")
            if line.strip():
                yield source, number, dict(pair.split("=", 1) for pair in pairs)


def _kv_scan(path: str, encoding: str | None, last: dict[str, int], position: int) -> int:
    records = _kv_records(path, path, encoding)
    return count_cases((str(r.get("case")) for _, _, r in records), last, position)  # type: ignore[union-attr]


@pytest.fixture
def kv_format() -> Iterator[Any]:
    yield register("kv", (".kv",), log=LogReader(_kv_records, _kv_scan))
    unregister("kv")


def _as_kv(records: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        return ";".join(value) if isinstance(value, list) else str(value)

    return "".join("\t".join(f"{k}={cell(v)}" for k, v in r.items()) + "\n" for r in records)


def test_a_new_log_format_is_one_registration(kv_format: Any, tmp_path: Path) -> None:
    records = [json.loads(line) for line in LOG.read_text("utf-8").splitlines() if line.strip()]
    assert all("\t" not in str(v) for r in records for v in r.values())  # the toy's limit
    kv = tmp_path / "october.kv"
    kv.write_text(_as_kv(records), "utf-8")
    assert log_reader(str(kv)).read is _kv_records
    # The first pass finds each case's last record, as for JSON Lines.
    assert last_positions([str(kv)]) == last_positions([str(LOG)])
    args = ["audit", "--as-of", "2026-11-10", "--format", "json", "--lang", "en"]
    as_kv = CliRunner().invoke(main, [*args, str(kv)])
    as_jsonl = CliRunner().invoke(main, [*args, str(LOG)])
    assert as_kv.exit_code == as_jsonl.exit_code == 1, as_kv.output  # the month has breaches
    assert json.loads(as_kv.stdout) == json.loads(as_jsonl.stdout)


def test_a_new_export_format_is_one_registration(tmp_path: Path) -> None:
    calls: list[str] = []

    def tickets(path: str, spec: Any, wanted: tuple[str, ...], encoding: str | None) -> Any:
        calls.append(path)
        return read_csv_rows(path, spec, wanted, encoding)  # a CSV by another name

    register("tickets", (".tkt",), export=tickets)
    try:
        contract = slarules.load()
        mapping = load_mapping(ROOT / "mappings" / "servicenow.yaml", contract)
        copy = tmp_path / "export.tkt"
        shutil.copy(EXPORT, copy)
        got = check_records(contract, import_export(mapping, [copy], contract))
        want = check_records(contract, import_export(mapping, [EXPORT], contract))
    finally:
        unregister("tickets")
    assert calls == [str(copy)]
    assert len(got[0]) == len(want[0]) > 100
    assert [e[:4] for e in got[0]] == [e[:4] for e in want[0]]
    assert "tickets" not in FORMATS


# ---------------------------------------------------------------- report reads once


def test_report_reads_and_checks_each_record_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    yielded = [0]

    def counted(path: str, source: str, encoding: str | None) -> Iterator[Record]:
        opened.append(path)
        for record in read_jsonl_log(path, source, encoding):
            yielded[0] += 1
            yield record

    checked = [0]

    class CountingChecker(RecordChecker):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            checked[0] += 1
            return super().__call__(*args, **kwargs)

    log = tmp_path / "october.counted"
    shutil.copy(LOG, log)
    total = sum(1 for _ in read_logs([str(LOG)]))
    register("counted", (".counted",), log=LogReader(counted, scan_jsonl))
    monkeypatch.setattr(slarules.engine, "RecordChecker", CountingChecker)
    args = ["report", "--month", "2026-10", "--as-of", "2026-11-10", "--format", "json"]
    try:
        result = CliRunner().invoke(main, [*args, str(log)])
    finally:
        unregister("counted")
    assert result.exit_code == 0, result.output
    assert opened == [str(log)] and yielded[0] == total
    assert checked[0] == total
    # The same summary as from the log itself (read the usual way).
    monkeypatch.undo()
    plain = CliRunner().invoke(main, [*args, str(LOG)])
    assert json.loads(result.stdout) == json.loads(plain.stdout)
