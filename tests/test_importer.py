"""Importing ticket-system exports through YAML mappings (slarules.importer)."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import random
import re
import tempfile
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slarules
from slarules.engine import audit_events, check_records
from slarules.errors import RulesInvalid
from slarules.events import Rejection
from slarules.importer import (
    ImportRun,
    import_export,
    load_mapping,
    write_jsonl,
)
from slarules.importer.timeformat import TimeFormat, TimeFormatError
from slarules.messages import Problem
from slarules.readers import LogError, read_logs
from slarules.wording import Words

EN = Words("en")  # the words of the library's errors and rejections, in English

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "mappings"
SERVICENOW = ROOT / "examples" / "servicenow-export.csv"
# The project's shared data sits beside the checkout (../shared), as in CI.
BPIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bpic2013"
BPIC_CSV = BPIC / "bpi_challenge_2013_incidents.csv.gz"
BPIC_XES = BPIC / "bpi_challenge_2013_incidents.xes.gz"
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)

needs_bpic = pytest.mark.skipif(not BPIC_XES.exists(), reason="BPIC 2013 data not present")


@pytest.fixture(scope="module")
def sn_mapping(contract: slarules.Contract) -> Any:
    return load_mapping(MAPPINGS / "servicenow.yaml", contract)


@pytest.fixture(scope="module")
def bpic_mapping(contract: slarules.Contract) -> Any:
    return load_mapping(MAPPINGS / "bpic2013.yaml", contract)


def records(run: ImportRun) -> list[dict[str, Any]]:
    return [raw for _, _, raw in run if not isinstance(raw, Rejection)]


def per_case(items: list[dict[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    """Each case's events without where they came from: (event, at, facts...)."""
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for rec in items:
        facts = tuple(sorted((k, v) for k, v in rec.items() if k not in ("case", "event", "at")))
        out[rec["case"]].append((rec["event"], rec["at"], facts))
    return dict(out)


def write_csv(path: Path, header: list[str], rows: list[list[str]], **kw: Any) -> Path:
    with path.open("w", encoding=kw.pop("encoding", "utf-8"), newline="") as f:
        writer = csv.writer(f, lineterminator="\n", **kw)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------- the ServiceNow sample


def test_servicenow_sample_imports_and_audits_with_known_verdicts(
    contract: slarules.Contract, sn_mapping: Any
) -> None:
    run = import_export(sn_mapping, [SERVICENOW], contract)
    events, rejected, read = check_records(contract, run)
    counts = run.counts
    assert (counts.read, counts.imported, counts.skipped, counts.rejected) == (81, 79, 2, 0)
    assert counts.reconciles and counts.cases == 16
    assert counts.skip_reasons == {
        "exact duplicate of an earlier row of the case": 1,
        "no change from 'Active'": 1,  # the -100 state is no state: the row changes nothing
    }
    assert counts.unnamed_statuses == {}  # every state is named (New in other_statuses)
    assert rejected == [] and read == counts.events == len(events)
    by = {(r.case, r.obligation): r for r in audit_events(contract, events, AS_OF)}
    # Critical, answered in 3 min of a 5 min budget.
    assert by["INC0010001", "remote_response"].status == "met"
    # Moderate (serious: 10 min) answered after 25 min: late by 15; the 30 min of 3/4.2 is met.
    late = by["INC0010002", "remote_response"]
    assert late.status == "breached" and late.late_by == timedelta(minutes=15)
    assert by["INC0010002", "general_response"].status == "met"
    # High: 4 h in Awaiting User Info pause the 2 h escalation clock, so 16:30 is in time.
    paused = by["INC0010003", "escalate_l2"]
    assert paused.status == "met"
    assert paused.finding.due == datetime(2026, 11, 3, 17, 4, tzinfo=TZ)
    # Low: 45 min meets 2.2.4.3's 60 min and breaches 3/4.2's 30 min.
    assert by["INC0010004", "remote_response"].status == "met"
    assert by["INC0010004", "general_response"].status == "breached"
    # Escalated to the 2nd line 1 h 32 min after the response: escalate_l2 met by escalation.
    assert by["INC0010009", "escalate_l2"].status == "met"
    # Opened 10:58 straight in Active at 11:00: the report is timed by opened_at, and the
    # report row is also the response (also_map_row).
    quick = by["INC0010011", "remote_response"]
    assert quick.finding.start == datetime(2026, 11, 16, 10, 58, tzinfo=TZ)
    assert quick.finding.done == datetime(2026, 11, 16, 11, 0, tzinfo=TZ)
    # Still waiting on the user at the as-of time: the clock stands still, so not yet due.
    assert by["INC0010012", "escalate_l2"].status == "pending"


def test_servicenow_events_of_one_ticket(contract: slarules.Contract, sn_mapping: Any) -> None:
    got = [
        (r["event"], r["at"], r.get("level"))
        for r in records(import_export(sn_mapping, [SERVICENOW], contract))
        if r["case"] == "INC0010007"
    ]
    assert got == [
        ("reported", "2026-11-06T02:15:00+08:00", None),
        ("status_updated", "2026-11-06T02:15:00+08:00", None),
        ("responded", "2026-11-06T02:24:00+08:00", None),
        ("status_updated", "2026-11-06T02:24:00+08:00", None),
        ("escalated", "2026-11-06T02:24:00+08:00", 2),
        ("escalated", "2026-11-06T03:30:00+08:00", 3),
        ("escalated", "2026-11-06T05:00:00+08:00", 4),
        ("restored", "2026-11-06T08:45:00+08:00", None),
        ("status_updated", "2026-11-06T08:45:00+08:00", None),
        ("closed", "2026-11-09T08:45:00+08:00", None),
        ("status_updated", "2026-11-09T08:45:00+08:00", None),
    ]


def test_jsonl_output_audits_like_the_import(
    contract: slarules.Contract, sn_mapping: Any, tmp_path: Path
) -> None:
    run = import_export(sn_mapping, [SERVICENOW], contract)
    out = tmp_path / "events.jsonl"
    with out.open("w", encoding="utf-8") as f:
        written = write_jsonl(run, f)
    assert written == run.counts.events
    direct, _, _ = check_records(contract, import_export(sn_mapping, [SERVICENOW], contract))
    again, rejected, _ = check_records(contract, read_logs([str(out)]))
    assert rejected == []

    def verdicts(events: list[Any]) -> list[tuple[str, str, str]]:
        return [(r.case, r.obligation, r.status) for r in audit_events(contract, events, AS_OF)]

    assert verdicts(again) == verdicts(direct)


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8"), ("\t", "gbk"), ("|", "utf-8")])
def test_any_delimiter_encoding_and_gzip(
    contract: slarules.Contract, sn_mapping: Any, tmp_path: Path, delimiter: str, encoding: str
) -> None:
    text = SERVICENOW.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    plain = write_csv(tmp_path / "x.csv", rows[0], rows[1:], delimiter=delimiter, encoding=encoding)
    packed = tmp_path / "x.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    want = per_case(records(import_export(sn_mapping, [SERVICENOW], contract)))
    for path in (plain, packed):
        assert per_case(records(import_export(sn_mapping, [path], contract, encoding))) == want
    if encoding != "utf-8":
        with pytest.raises(LogError) as info:
            list(import_export(sn_mapping, [plain], contract))
        assert re.search(r"cannot decode as utf-8-sig.*encoding", EN.problem(info.value))


# ---------------------------------------------------------------- counts and rejections

HEADER = ["number", "incident_state", "sys_updated_at", "opened_at", "priority", "assignment_group"]


def test_bad_rows_are_rejected_with_their_line(
    contract: slarules.Contract, sn_mapping: Any, tmp_path: Path
) -> None:
    rows = [
        ["INC1", "New", "02/11/2026 09:00", "?", "2 - High", "Service Desk"],  # line 2
        ["INC1", "Active", "31/11/2026 09:05", "?", "2 - High", "Service Desk"],  # 3: no 31 Nov
        ["?", "Active", "02/11/2026 09:06", "?", "2 - High", "Service Desk"],  # 4: no case
        ["INC1", "Active", "2026-11-02 09:07", "?", "2 - High", "Service Desk"],  # 5: wrong format
        ["INC1", "Active", "02/11/2026 09:08", "?", "2 - High", "x", "extra"],  # 6: 7 cells
        ["INC2", "New", "02/11/2026 10:00", "?", "9 - Whatever", "Service Desk"],  # 7: priority
        ["INC2", "Active", "02/11/2026 10:05", "?", "2 - High", "Service Desk"],  # 8: no report
        ["INC1", "Active", "", "?", "2 - High", "Service Desk"],  # 9: no time
        ["INC1", "Active", "02/11/2026 09:10", "?", "2 - High", "Network L2"],  # 10: fine
    ]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    run = import_export(sn_mapping, [path], contract)
    triples = list(run)
    rejected = {t[1]: EN.rejection(t[2]) for t in triples if isinstance(t[2], Rejection)}
    assert sorted(rejected) == [3, 4, 5, 6, 7, 9]
    assert "31/11/2026" in rejected[3] and "no such date" in rejected[3]
    assert rejected[4] == "no case id (column 'number')"
    assert "expected d/m/Y H:M[:S]" in rejected[5]
    assert rejected[6] == "7 cells but the header has 6"
    assert "unknown severity '9 - Whatever' in column 'priority'" in rejected[7]
    assert rejected[9] == "no time (column 'sys_updated_at')"
    counts = run.counts
    assert (counts.read, counts.imported, counts.skipped, counts.rejected) == (9, 2, 1, 6)
    assert counts.reconciles
    assert counts.skip_reasons == {"case without a usable report (its first row was rejected)": 1}
    assert EN.rejected(counts.rejections[0]).startswith(f"{path}:3: sys_updated_at: bad time")
    codes = {r.line: r.code for r in counts.rejections}
    assert codes == {
        3: "row.column",
        4: "row.no_case",
        5: "row.column",
        6: "csv.too_many_cells",
        7: "row.unknown_severity",
        9: "row.no_time",
    }
    # The rejections reach the audit as rejections, with file and line.
    _, audit_rejected, read = check_records(contract, import_export(sn_mapping, [path], contract))
    assert (
        sorted(r.line for r in audit_rejected) == [3, 4, 5, 6, 7, 9] and read == 6 + counts.events
    )


def test_missing_column_refuses_the_file(
    contract: slarules.Contract, sn_mapping: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "x.csv", ["number", "state", "sys_updated_at"], [["a", "b", "c"]])
    with pytest.raises(LogError) as info:
        list(import_export(sn_mapping, [path], contract))
    assert re.search(r"no column 'incident_state'.*'priority'", EN.problem(info.value))
    with pytest.raises(LogError) as info:
        list(import_export(sn_mapping, [tmp_path / "nope.csv"], contract))
    assert EN.problem(info.value).endswith("nope.csv: no such file")


@needs_bpic
def test_counts_reconcile_on_a_bpic_excerpt(
    contract: slarules.Contract, bpic_mapping: Any, tmp_path: Path
) -> None:
    csv_path, xes_path = bpic_excerpt(tmp_path, 40)
    for path in (csv_path, xes_path):
        run = import_export(bpic_mapping, [path], contract)
        list(run)
        counts = run.counts
        assert counts.reconciles and counts.rejected == 0 and counts.cases == 40
        assert counts.read == counts.imported + counts.skipped
        assert all(r.startswith("no change from") for r in counts.skip_reasons)


# ---------------------------------------------------------------- XES and CSV agree


def bpic_excerpt(tmp_path: Path, traces: int) -> tuple[Path, Path]:
    """The first ``traces`` incidents of the real log, as XES and as CSV (same cases)."""
    kept: list[str] = []
    cases: set[str] = set()
    with gzip.open(BPIC_XES, "rt", encoding="utf-8") as f:
        done = 0
        for line in f:
            if kept and kept[-1].strip() == "<trace>":
                found = re.search(r'key="concept:name" value="([^"]+)"', line)
                assert found is not None
                cases.add(found.group(1))
            kept.append(line)
            if "</trace>" in line:
                done += 1
                if done == traces:
                    break
    xes = tmp_path / "excerpt.xes"
    xes.write_text("".join(kept) + "</log>\n", encoding="utf-8")
    with gzip.open(BPIC_CSV, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [row for row in reader if row[0] in cases]
    return write_csv(tmp_path / "excerpt.csv", header, rows), xes


@needs_bpic
def test_xes_and_csv_of_a_bpic_excerpt_give_the_same_events(
    contract: slarules.Contract, bpic_mapping: Any, tmp_path: Path
) -> None:
    csv_path, xes_path = bpic_excerpt(tmp_path, 60)
    from_csv = records(import_export(bpic_mapping, [csv_path], contract))
    from_xes = records(import_export(bpic_mapping, [xes_path], contract))
    assert len(per_case(from_csv)) == 60
    assert from_xes == from_csv
    # The first incident: logged, answered 74 s later, sent to a 3rd-line group.
    first = per_case(from_csv)["1-364285768"]
    assert first[:4] == [
        ("reported", "2010-03-31T16:59:42+02:00", (("severity", "serious"),)),
        ("responded", "2010-03-31T17:00:56+02:00", ()),
        ("status_updated", "2010-03-31T17:45:48+02:00", ()),
        ("escalated", "2010-03-31T17:45:48+02:00", (("level", 3),)),
    ]


TINY_XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="concept:name" value="UNKNOWN"/></global>
  <trace>
    <event>
      <string key="concept:name" value="New"/>
      <date key="time:timestamp" value="2026-11-02T09:00:00.000+08:00"/>
      <string key="priority" value="1 - Critical"/>
      <list key="tags"><string key="tag" value="nested, ignored"/></list>
    </event>
    <event>
      <string key="concept:name" value="Active"/>
      <date key="time:timestamp" value="2026-11-02T01:03:00Z"/>
    </event>
    <string key="concept:name" value="T-1"/>
    <string key="group" value="Ops L2"/>
  </trace>
  <event><string key="concept:name" value="Lost"/></event>
</log>
"""

TINY_MAPPING = """apiVersion: slarules/v1
kind: Mapping
case: case:concept:name
time: {column: "time:timestamp"}
status: concept:name
severity: {column: priority, values: {1 - Critical: critical}}
report: {}
events:
  - {when: first, status: Active, event: responded}
escalation:
  column: group
  levels: [{match: 'L2', level: 2}]
"""


def test_xes_trace_attributes_apply_to_its_events(
    contract: slarules.Contract, tmp_path: Path
) -> None:
    mapping_path = tmp_path / "tiny.yaml"
    mapping_path.write_text(TINY_MAPPING, encoding="utf-8")
    mapping = load_mapping(mapping_path, contract)
    xes = tmp_path / "tiny.xes.gz"
    xes.write_bytes(gzip.compress(TINY_XES.encode()))
    run = import_export(mapping, [xes], contract)
    triples = list(run)
    got = [(line, raw) for _, line, raw in triples if not isinstance(raw, Rejection)]
    lost = [raw for _, _, raw in triples if isinstance(raw, Rejection)]
    assert got == [
        (1, {"case": "T-1", "event": "reported", "at": "2026-11-02T09:00:00+08:00",
             "severity": "critical"}),
        (1, {"case": "T-1", "event": "escalated", "at": "2026-11-02T09:00:00+08:00", "level": 2}),
        (2, {"case": "T-1", "event": "responded", "at": "2026-11-02T01:03:00+00:00"}),
    ]  # fmt: skip
    assert [(r.line, EN.rejection(r)) for r in lost] == [
        (3, "an event outside any trace has no case")
    ]
    assert run.counts.reconciles and run.counts.read == 3


# ---------------------------------------------------------------- mappings refused where wrong


def refused(tmp_path: Path, contract: slarules.Contract, text: str) -> list[str]:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesInvalid) as info:
        load_mapping(path, contract)
    return [EN.rules_error(e).replace(str(path), "m.yaml") for e in info.value.errors]


def test_malformed_mapping_is_refused_at_line_and_column(
    contract: slarules.Contract, tmp_path: Path
) -> None:
    text = TINY_MAPPING.replace("status: concept:name", "statuss: concept:name")
    errors = refused(tmp_path, contract, text)
    assert "m.yaml:5:1: unknown key 'statuss' in the document (did you mean 'status'?)" in errors
    assert any(e.startswith("m.yaml:1:1: the document: 'status' is a required key") for e in errors)


def test_mapping_semantics_are_checked_against_the_contract(
    contract: slarules.Contract, tmp_path: Path
) -> None:
    text = (
        TINY_MAPPING.replace("1 - Critical: critical", "1 - Critical: critcal")
        .replace("event: responded", "event: respond")
        .replace("level: 2}", "level: 7}")
        .replace("time: {column:", 'time: {format: "%d/%m/%Y", column:')
        + "pauses:\n  - {status: Wait, pause: customer_aproval}\n"
        + "  - {status: Hold, start: responded, end: restored}\n"
    )
    errors = refused(tmp_path, contract, text)
    assert [e.split(" (")[0].split(";")[0] for e in errors] == [
        "m.yaml:4:16: time format '%d/%m/%Y': write it with the letters d m Y H M S",
        "m.yaml:6:53: unknown severity level 'critcal'",
        "m.yaml:9:42: unknown event 'respond'",
        "m.yaml:12:33: unknown support level 7",
        "m.yaml:14:27: unknown pause 'customer_aproval'",
        "m.yaml:15:5: responded -> restored is not a pause of the contract",
    ]
    assert "(did you mean 'critical'?)" in errors[1]
    assert "(did you mean 'responded'?)" in errors[2]
    assert "(did you mean 'customer_approval'?)" in errors[4]


def test_an_event_missing_a_required_fact_is_refused(
    contract: slarules.Contract, tmp_path: Path
) -> None:
    text = TINY_MAPPING + "  - {when: enter, status: Vendor, event: escalated}\n"
    text = text.replace("escalation:\n  column: group\n  levels: [{match: 'L2', level: 2}]\n", "")
    text = text.replace("severity: {column: priority, values: {1 - Critical: critical}}\n", "")
    errors = refused(tmp_path, contract, text)
    assert any("'reported' needs 'severity'" in e for e in errors), errors
    assert any(
        e.startswith("m.yaml:9:5: event 'escalated' would be rejected: escalated: missing field")
        for e in errors
    ), errors


def test_time_formats() -> None:
    fmt = TimeFormat.of("d/m/Y H:M[:S]", TZ)
    assert fmt.parse("24/11/2026 14:05") == datetime(2026, 11, 24, 14, 5, tzinfo=TZ)
    assert fmt.parse(" 4/1/2026  9:05:07 ") == datetime(2026, 1, 4, 9, 5, 7, tzinfo=TZ)
    with_zone = TimeFormat.of("Y.m.d H:M:S z", TZ).parse("2026.11.24 14:05:00.25 +0100")
    assert with_zone.utcoffset() == timedelta(hours=1) and with_zone.microsecond == 250000
    assert TimeFormat.of("m/d/y", TZ).parse("11/24/26") == datetime(2026, 11, 24, tzinfo=TZ)
    assert TimeFormat.of("iso", TZ).parse("2026-11-24T14:05Z").tzinfo is not None
    for bad in ("%d/%m/%Y", "d/m H:M", "d/m/Y [H:M", "d/d/m/Y"):
        with pytest.raises(TimeFormatError):
            TimeFormat.of(bad, TZ)
    with pytest.raises(ValueError) as info:
        TimeFormat.of("d/m/Y", TZ).parse("2026-11-24")
    assert isinstance(info.value, Problem)
    assert EN.problem(info.value) == "bad time '2026-11-24' (expected d/m/Y)"


# ---------------------------------------------------------------- order, grouping, streaming


def export_rows() -> tuple[list[str], list[list[str]]]:
    text = SERVICENOW.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def mapping_with(contract: slarules.Contract, tmp_path: Path, **settings: str) -> Any:
    text = (MAPPINGS / "servicenow.yaml").read_text(encoding="utf-8")
    for key, value in settings.items():
        text = re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", text)
    path = tmp_path / "variant.yaml"
    path.write_text(text, encoding="utf-8")
    return load_mapping(path, contract)


def test_grouped_export_streams_and_refuses_a_case_that_comes_back(
    contract: slarules.Contract, tmp_path: Path
) -> None:
    header, rows = export_rows()
    # Grouped by ticket, each in its update order, as a per-ticket export is.
    rows.sort(key=lambda r: (r[0], int(r[header.index("sys_mod_count")])))
    rows.append([rows[0][0], "Active", "30/11/2026 09:00", *rows[0][3:]])
    path = write_csv(tmp_path / "grouped.csv", header, rows)
    want = per_case(records(import_export(load_sn(contract), [SERVICENOW], contract)))
    for sort in ("true", "false"):
        mapping = mapping_with(contract, tmp_path, grouped_by_case="true", sort=sort)
        run = import_export(mapping, [path], contract)
        stream = iter(run)
        next(stream)
        assert run.counts.read <= 6  # the first ticket's events come before the file is read
        rest = [t for t in stream]
        assert isinstance(rest[-1][2], Rejection) and "comes back" in EN.rejection(rest[-1][2])
        assert rest[-1][1] == len(rows) + 1
        got = per_case(records(import_export(mapping, [path], contract)))
        assert got == want


def load_sn(contract: slarules.Contract) -> Any:
    return load_mapping(MAPPINGS / "servicenow.yaml", contract)


@functools.cache
def bundled_and_servicenow() -> tuple[slarules.Contract, Any]:
    contract = slarules.load()
    return contract, load_sn(contract)


STATES = ["New", "Active", "Awaiting User Info", "Awaiting Vendor", "Resolved", "Closed"]
GROUPS = ["Service Desk", "Network L2", "DBA L3", "Vendor L4"]
PRIORITIES = ["1 - Critical", "2 - High", "3 - Moderate", "4 - Low", "?"]


@st.composite
def exports(draw: st.DrawFn) -> list[list[str]]:
    rows: list[list[str]] = []
    for n in range(draw(st.integers(1, 5))):
        minutes = draw(st.lists(st.integers(0, 20_000), min_size=1, max_size=8, unique=True))
        priority = draw(st.sampled_from(PRIORITIES))
        for minute in minutes:
            at = datetime(2026, 11, 2, 9, 0) + timedelta(minutes=minute)
            rows.append(
                [
                    f"INC{n}",
                    draw(st.sampled_from(STATES)),
                    at.strftime("%d/%m/%Y %H:%M"),
                    "?",
                    priority,
                    draw(st.sampled_from(GROUPS)),
                ]
            )
    extra = draw(st.lists(st.sampled_from(rows), max_size=3))  # exact duplicates
    return rows + [list(r) for r in extra]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), st.randoms(use_true_random=False))
def test_shuffling_the_rows_never_changes_the_events_per_case(
    rows: list[list[str]], rnd: random.Random
) -> None:
    contract, mapping = bundled_and_servicenow()
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    with tempfile.TemporaryDirectory() as tmp:
        a = write_csv(Path(tmp) / "a.csv", HEADER, rows)
        b = write_csv(Path(tmp) / "b.csv", HEADER, shuffled)
        run_a, run_b = (import_export(mapping, [p], contract) for p in (a, b))
        got_a, got_b = per_case(records(run_a)), per_case(records(run_b))
    assert got_a == got_b
    for run in (run_a, run_b):
        assert run.counts.reconciles and run.counts.read == len(rows)
    assert run_a.counts.skip_reasons == run_b.counts.skip_reasons


# ---------------------------------------------------------------- rule triggers

TRIGGERS = """apiVersion: slarules/v1
kind: Mapping
case: id
time: {column: at, format: "Y-m-d H:M"}
status: state
severity: {column: sev, default: minor}
report: {also_map_row: false, facts: {site: city}}
events:
  - {when: each, status: B, event: status_updated}
  - {when: leave, status: [B, C], event: remote_started}
  - {when: enter, status: C, event: onsite_requested}
escalation:
  column: team
  when: WHEN
  levels: [{match: '^T2', level: 2}, {match: '^T3', level: 3}]
"""


@pytest.mark.parametrize(("when", "levels"), [("new_high", [3]), ("rise", [3, 2, 3])])
def test_each_leave_enter_and_escalation_triggers(
    contract: slarules.Contract, tmp_path: Path, when: str, levels: list[int]
) -> None:
    mapping_path = tmp_path / "m.yaml"
    mapping_path.write_text(TRIGGERS.replace("WHEN", when), encoding="utf-8")
    mapping = load_mapping(mapping_path, contract)
    rows = [
        ["1", "A", "2026-11-02 09:00", "", "大连", "T1"],  # report: no rules on this row
        ["1", "B", "2026-11-02 09:01", "", "", "T3"],  # each B; line 3
        ["1", "B", "2026-11-02 09:02", "", "", "T1"],  # each B again; down to the 1st line
        ["1", "C", "2026-11-02 09:03", "", "", "T2"],  # leave B (into C), enter C; line 2
        ["1", "", "2026-11-02 09:04", "", "", "T3"],  # no status: still C; back to line 3
        ["1", "A", "2026-11-02 09:05", "", "", ""],  # leave C; no team: line unchanged
    ]
    path = write_csv(tmp_path / "t.csv", ["id", "state", "at", "sev", "city", "team"], rows)
    run = import_export(mapping, [path], contract)
    got = [(r["event"], r["at"][11:16], r.get("level")) for r in records(run)]
    assert got[0] == ("reported", "09:00", None)
    assert [g for g in got if g[0] != "escalated"] == [
        ("reported", "09:00", None),
        ("status_updated", "09:01", None),
        ("status_updated", "09:02", None),
        ("remote_started", "09:03", None),
        ("onsite_requested", "09:03", None),
        ("remote_started", "09:05", None),
    ]
    assert [g[2] for g in got if g[0] == "escalated"] == levels
    report = records(import_export(mapping, [path], contract))[0]
    assert report["site"] == "大连" and report["severity"] == "minor"  # the default level
    events, rejected, _ = check_records(contract, import_export(mapping, [path], contract))
    assert rejected == [] and events[0].get("site") == "dalian"
    assert run.counts.skip_reasons == ({} if when == "rise" else {"no change from 'C'": 1})
