"""The first pass that lets the audit stream: laws over odd JSON Lines (hypothesis).

The pass reads case ids without parsing lines that open with ``{"case": "..."``;
these tests hold it to what a full parse finds, line layouts that defeat the
shortcut included (the key elsewhere, nested, repeated, escaped, blank or broken
lines), with chunks small enough that both ways mix in one file.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slarules
from slarules.engine import Audit, NotGrouped
from slarules.readers import jsonl, last_positions, read_logs

TZ = ZoneInfo("Asia/Shanghai")
CONTRACT = slarules.load()
AS_OF = datetime(2026, 12, 31, tzinfo=TZ)
START = datetime(2026, 10, 9, 9, 0, tzinfo=TZ)
CASES = ["A", "B", "案-1", 'Q"1', "7"]
EVENTS = ["reported", "responded", "restored", "completed", "callback", "report_submitted"]


def _record(case: str, event: str, minutes: int) -> dict[str, object]:
    record: dict[str, object] = {
        "case": case,
        "event": event,
        "at": (START + timedelta(minutes=minutes)).isoformat(),
    }
    if event == "reported":
        record.update(severity="重大", site="大连")
    return record


@st.composite
def lines(draw: st.DrawFn) -> str:
    """One line of a log, in one of the layouts exports really have, or a broken one."""
    case = draw(st.sampled_from(CASES))
    record = _record(case, draw(st.sampled_from(EVENTS)), draw(st.integers(0, 4000)))
    layout = draw(
        st.sampled_from(
            ["plain", "compact", "key_later", "nested", "twice", "blank", "broken", "int_case"]
        )
    )
    if layout == "compact":
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if layout == "key_later":
        return json.dumps(dict(reversed(list(record.items()))), ensure_ascii=False)
    if layout == "nested":
        record["note"] = {"case": draw(st.sampled_from(CASES))}
    if layout == "twice":  # a repeated key: the parser keeps the last one
        text = json.dumps(record, ensure_ascii=False)
        return text[:-1] + f', "case": {json.dumps(draw(st.sampled_from(CASES)))}}}'
    if layout == "blank":
        return draw(st.sampled_from(["", "   ", "\t"]))
    if layout == "broken":
        return json.dumps(record, ensure_ascii=False)[: draw(st.integers(1, 30))]
    if layout == "int_case":
        record["case"] = 7
    return json.dumps(record, ensure_ascii=False)


def _parsed_last_positions(path: Path) -> dict[str, int]:
    """Each case's last record as a full parse of every line finds it."""
    last: dict[str, int] = {}
    for position, (_, _, record) in enumerate(read_logs([str(path)]), start=1):
        if isinstance(record, dict) and record.get("case") is not None:
            last[str(record["case"])] = position
    return last


def _results(audit: Audit) -> list[tuple[object, ...]]:
    return sorted(
        (r.case, r.obligation, r.occurrence, r.status, r.finding.due, r.finding.done)  # type: ignore[misc]
        for r in audit
    )


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "_CHUNK", 200)  # a few lines a chunk: both ways in one file


_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(st.lists(lines(), min_size=1, max_size=40), st.booleans())
def test_first_pass_finds_what_a_full_parse_finds(
    tmp_path: Path, layout: list[str], bom: bool
) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\n".join(layout).encode("utf-8"))
    found = last_positions([str(path)])
    parsed = _parsed_last_positions(path)
    assert found is not None
    # A broken line that opens with its case id is counted for that case; that only
    # finishes the case at a later line, never before its last good record.
    assert set(parsed) <= set(found)
    for case, position in parsed.items():
        assert found[case] >= position
    if not any(line.strip() and not _parses(line) for line in layout):
        assert found == parsed


def _parses(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


@_SETTINGS
@given(st.lists(lines(), min_size=1, max_size=40))
def test_streaming_audit_equals_holding_every_case(tmp_path: Path, layout: list[str]) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(layout) + "\n", "utf-8")
    streaming = Audit(CONTRACT, read_logs([str(path)]), AS_OF, last_of=last_positions([str(path)]))
    buffered = Audit(CONTRACT, read_logs([str(path)]), AS_OF)
    assert _results(streaming) == _results(buffered)
    assert (streaming.read, len(streaming.rejected)) == (buffered.read, len(buffered.rejected))


def test_cases_grouped_in_the_log_finish_as_they_end(tmp_path: Path) -> None:
    """With a grouped log the first case's results come before the second is read."""
    path = tmp_path / "log.jsonl"
    records = [_record("A", e, i * 10) for i, e in enumerate(EVENTS)]
    records += [_record("B", e, i * 10) for i, e in enumerate(EVENTS)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    audit = Audit(CONTRACT, read_logs([str(path)]), AS_OF, last_of=last_positions([str(path)]))
    first = next(iter(audit))
    assert first.case == "A"
    assert audit.read == len(EVENTS)  # B not yet read


def test_time_zones_are_shared_but_instants_kept() -> None:
    """Records in one offset share a tzinfo object (fast comparisons); the instant never moves."""
    records = [
        {
            "case": "A",
            "event": "reported",
            "at": "2026-10-09T09:00:00+08:00",
            "severity": "重大",
            "site": "大连",
        },
        {"case": "A", "event": "responded", "at": "2026-10-09T01:20:00+00:00"},
        {"case": "A", "event": "restored", "at": "2026-10-09T10:30:00.250000+08:00"},
        {"case": "A", "event": "resolved", "at": "2026-10-08T22:45:00-05:30"},
        {"case": "A", "event": "completed", "at": "2026-10-09T11:30"},
    ]
    numbered = [("<t>", n, r) for n, r in enumerate(records, start=1)]
    events = {e.name: e for e in _checked(numbered)}
    assert events["reported"].at.tzinfo is events["restored"].at.tzinfo
    assert events["responded"].at == datetime(2026, 10, 9, 9, 20, tzinfo=TZ)
    assert events["completed"].at == datetime(2026, 10, 9, 11, 30, tzinfo=TZ)
    assert events["restored"].at == datetime(2026, 10, 9, 10, 30, 0, 250000, tzinfo=TZ)
    assert events["resolved"].at == datetime(2026, 10, 9, 12, 15, tzinfo=TZ)
    assert events["resolved"].at.utcoffset() == timedelta(hours=-5, minutes=-30)


def _checked(numbered: list[tuple[str, int, dict[str, object]]]) -> list[slarules.events.Event]:
    from slarules.engine import check_records

    events, rejected, _ = check_records(CONTRACT, numbered)
    assert not rejected
    return events


def test_grouped_audit_equals_holding_every_case_and_notices_a_case_again(
    tmp_path: Path,
) -> None:
    """``grouped=True`` (what each part of a parallel audit uses) needs no first pass."""
    example = Path(__file__).resolve().parent.parent / "examples" / "october-2026.jsonl"
    lines = [line for line in example.read_text("utf-8").splitlines() if line.strip()]
    lines.sort(key=lambda line: json.loads(line)["case"])
    path = tmp_path / "grouped.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    as_of = datetime(2026, 11, 1, tzinfo=TZ)
    grouped = Audit(CONTRACT, read_logs([str(path)]), as_of, grouped=True)
    held = Audit(CONTRACT, read_logs([str(path)]), as_of)
    assert _results(grouped) == _results(held)
    assert grouped.cases == held.cases and len(grouped.cases) == 47
    with pytest.raises(NotGrouped, match="came after its last record"):
        list(Audit(CONTRACT, read_logs([str(example)]), as_of, grouped=True))
