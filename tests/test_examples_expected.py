"""The October 2026 example against examples/EXPECTED.md, computed by hand row by row."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import slarules
from slarules.readers import read_log

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 1, tzinfo=TZ)
ROW = re.compile(
    r"^\| ([a-z_0-9]+) \| ([^|]*) \| ([^|]*) \| ([^|]*) \| (met|breached|pending|not_applicable) \|"
)


def expected_rows() -> list[tuple[str, str, int, str, str]]:
    """(case, obligation, occurrence, due, status) for every row of EXPECTED.md's case tables."""
    rows = []
    case = None
    seen: dict[tuple[str, str], int] = {}
    for line in (ROOT / "examples" / "EXPECTED.md").read_text("utf-8").splitlines():
        heading = re.match(r"^### ((?:INC|CMP|Q)-[\w-]+)", line)
        if heading:
            case = heading.group(1)
            continue
        if line.startswith("## "):
            case = None
        match = ROW.match(line)
        if case and match:
            obligation, _start, due, _done, status = (g.strip() for g in match.groups())
            n = seen[(case, obligation)] = seen.get((case, obligation), 0) + 1
            rows.append((case, obligation, n, due, status))
    return rows


ROWS = expected_rows()


@pytest.fixture(scope="module", params=["october-2026.jsonl", "october-2026.csv"])
def results(request: pytest.FixtureRequest) -> dict[tuple[str, str, int], slarules.Result]:
    contract = slarules.load()
    records = [r for _, _, r in read_log(str(ROOT / "examples" / request.param))]
    report = contract.audit(records, as_of=AS_OF)
    assert not report.rejected
    return {(r.case, r.obligation, r.occurrence): r for r in report.results}


def test_expected_md_is_parsed() -> None:
    assert len(ROWS) > 150
    assert {status for *_, status in ROWS} == {"met", "breached", "pending", "not_applicable"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{c}:{o}#{n}" for c, o, n, _, _ in ROWS])
def test_row(
    row: tuple[str, str, int, str, str], results: dict[tuple[str, str, int], slarules.Result]
) -> None:
    case, obligation, occurrence, due, status = row
    result = results.get((case, obligation, occurrence))
    assert result is not None, f"no result for {row}"
    assert result.status == status, result.finding.reason.en
    if due not in ("", "—", "-"):
        got = (
            result.finding.due.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
            if result.finding.due
            else None
        )
        assert got == due
