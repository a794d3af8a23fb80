"""Hostile input, fuzzed (issue 11): far-out times and broken quoting.

Whatever the input, a result or a rejection, never a traceback, and counts that
reconcile with the input's true size.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slarules
from slarules.cli import main
from slarules.loader import bundled_rules_dir
from slarules.readers import read_log
from slarules.readers.csvrecords import csv_records
from slarules.wording import Words

BUNDLED = slarules.load()
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _weekday_rules() -> slarules.Contract:
    """The bundled rules with ``fallback: weekdays``: a calendar for any year."""
    target = Path(tempfile.mkdtemp(prefix="slarules-fuzz-"))
    for file in bundled_rules_dir().glob("*.yaml"):
        shutil.copy(file, target / file.name)
    calendar = target / "calendar.yaml"
    calendar.write_text(
        calendar.read_text("utf-8").replace("fallback: error", "fallback: weekdays"), "utf-8"
    )
    contract = slarules.load(target)
    shutil.rmtree(target)
    return contract


ANY_YEAR = _weekday_rules()
WINDOW = (datetime(2026, 10, 1, tzinfo=BUNDLED.tz), datetime(2026, 11, 1, tzinfo=BUNDLED.tz))


# -- far-out times: years 1 to 9999, offsets -14 h to +14 h

offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
instants = st.builds(
    lambda at, zone, naive: at.isoformat() if naive else at.replace(tzinfo=zone).isoformat(),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    offsets,
    st.booleans(),
)
# Mostly the ends of datetime's years, where overflows lie; some ordinary times.
edges = st.sampled_from(
    [
        "0001-01-01T00:00+14:00",
        "0001-01-01T00:00-14:00",
        "9999-12-31T23:59:59+08:00",
        "9999-12-31T23:59:59-14:00",
        "1000-01-01T00:00+14:00",
        "8999-12-31T23:59:59-14:00",
        "2026-10-09T14:05",
    ]
)
times = st.one_of(instants, edges)

FACTS = {
    "severity": st.sampled_from(["critical", "重大", "serious", "minor"]),
    "site": st.sampled_from(["大连", "shenyang"]),
    "level": st.integers(1, 4),
    "number": st.integers(0, 100),
    "integer": st.integers(0, 100),
    "string": st.just("x"),
    "time": times,
    "sections": st.just("times;engineers;impact;process;cause;solution;prevention"),
    "period": st.sampled_from(["2026-10", "2026-Q4"]),
}


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(BUNDLED.events)))
        record: dict[str, Any] = {
            "case": draw(st.sampled_from(["A", "B"])),
            "event": name,
            "at": draw(times),
        }
        for spec in BUNDLED.events[name].fields.values():
            record[spec.name] = draw(FACTS[spec.type])
        out.append(record)
    return out


def in_range(text: str) -> bool:
    return 1000 <= datetime.fromisoformat(text).year <= 8999


def time_values(record: dict[str, Any]) -> list[str]:
    """The record's times: ``at`` and its time-typed facts."""
    fields = BUNDLED.events[record["event"]].fields
    return [v for k, v in record.items() if k == "at" or (k in fields and fields[k].type == "time")]


@FUZZ
@given(records(), times)
def test_far_out_times_give_results_or_rejections_that_reconcile(
    batch: list[dict[str, Any]], as_of_text: str
) -> None:
    if not in_range(as_of_text):
        as_of_text = "2026-11-01T00:00"
    as_of = slarules.events.parse_time(as_of_text, ANY_YEAR.tz)
    report = ANY_YEAR.audit(batch, as_of=as_of, window=WINDOW)
    parts = report.used + report.duplicates + report.after_as_of + len(report.rejected)
    assert report.read == len(batch) == parts
    for rejection in report.rejected:  # only for a time outside the range, and saying so
        assert not all(map(in_range, time_values(batch[rejection.line - 1]))), rejection
        reason = Words("en").rejection(rejection)
        assert "outside the supported range (years 1000 to 8999)" in reason
    wanted = sum(all(map(in_range, time_values(r))) for r in batch)
    assert report.used + report.duplicates + report.after_as_of == wanted


@settings(max_examples=5, deadline=None, database=None)
@given(records())
def test_far_out_times_at_the_command_line_never_give_a_traceback(
    batch: list[dict[str, Any]],
) -> None:
    import json

    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "far.jsonl"
        log.write_text(text, "utf-8")
        args = ["audit", str(log), "--format", "json", "--as-of", "2026-11-01", "--lang", "en"]
        result = CliRunner().invoke(main, [*args, "--from", "2026-10", "--to", "2026-10"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1, 2, 3)
    if result.exit_code == 2:  # a year the bundled calendar does not cover: one line
        errors = [line for line in result.stderr.splitlines() if line.startswith("slarules:")]
        assert errors and "no working-day calendar for" in errors[0]
    else:
        counts = json.loads(result.stdout)["records"]
        parts = ("used", "duplicates", "after_as_of", "rejected")
        assert counts["read"] == len(batch) == sum(counts[k] for k in parts)


# -- broken quoting: read is always the number of records written

letters = st.text(alphabet="abc中文", min_size=1, max_size=4)
# A note over several lines, as a ticket system writes one: letters, inner quotes
# and newlines between them, quoted and its quotes doubled by csv.writer.
notes = st.lists(letters, min_size=2, max_size=4).flatmap(
    lambda words: st.lists(
        st.sampled_from(["\n", '"', " "]), min_size=len(words) - 1, max_size=len(words) - 1
    ).map(lambda joins: words[0] + "".join(j + w for j, w in zip(joins, words[1:], strict=True)))
)
HEADER = ["case", "event", "at", "note"]


@st.composite
def damaged_logs(draw: st.DrawFn) -> tuple[str, int, list[tuple[int, list[str]]]]:
    """A CSV log, its true number of records, and each undamaged record's (line, cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    line = 2
    whole: list[tuple[int, list[str]]] = []
    count = draw(st.integers(1, 25))
    for i in range(count):
        cells = [f"C{i % 3}", "status_updated", f"2026-10-01T08:{i:02}", draw(letters)]
        if draw(st.integers(0, 3)) == 0:  # a note over lines, or with quotes: well-formed
            cells[3] = draw(notes)
            writer.writerow(cells)
            whole.append((line, cells))
            line += cells[3].count("\n") + 1
            continue
        text = ",".join(cells)
        quotes = draw(st.integers(0, 3))
        if quotes == 0:
            out.write(text + "\n")
            whole.append((line, cells))
        else:
            # Unbalanced quotes: each put before a letter, where a quoted field would open.
            spots = [k for k, c in enumerate(text) if c not in ',"']
            for _ in range(quotes):
                k = draw(st.sampled_from(spots))
                text = text[:k] + '"' + text[k:]
                spots = [s + (s >= k) for s in spots]
            out.write(text + "\n")
        line += 1
    return out.getvalue(), count, whole


@FUZZ
@given(damaged_logs())
def test_random_unbalanced_quotes_never_change_how_many_records_are_read(
    log: tuple[str, int, list[tuple[int, list[str]]]],
) -> None:
    text, count, whole = log
    records = dict(csv_records(io.StringIO(text), ","))
    # Every record, damaged or not, is read once: read is the true count.
    assert len(records) == count + 1  # and the header
    for line, cells in whole:
        assert records[line] == cells  # an undamaged record is read whole, at its line
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        path.write_text(text, "utf-8")
        read = list(read_log(str(path)))
    assert len(read) == count
    assert [line for _, line, _ in read] == sorted(records)[1:]


@FUZZ
@given(damaged_logs())
def test_random_unbalanced_quotes_in_an_export_reconcile_with_its_rows(
    log: tuple[str, int, list[tuple[int, list[str]]]],
) -> None:
    from slarules.importer import import_export
    from slarules.importer.spec import build_mapping
    from slarules.loader import read_document

    text, count, _ = log
    with tempfile.TemporaryDirectory() as folder:
        mapping_file = Path(folder) / "m.yaml"
        mapping_file.write_text(EXPORT_MAPPING, "utf-8")
        mapping = build_mapping(read_document(mapping_file, "Mapping"), BUNDLED)
        export = Path(folder) / "x.csv"
        export.write_text(text, "utf-8")
        run = import_export(mapping, [export], BUNDLED)
        list(run)
    assert run.counts.read == count
    assert run.counts.reconciles


EXPORT_MAPPING = """apiVersion: slarules/v1
kind: Mapping
case: case
time: {column: at}
status: note
severity: {column: event, values: {}, default: minor}
report: {}
events:
  - {when: enter, event: status_updated}
"""
