"""The October 2026 example against examples/EXPECTED.md, computed by hand row by row.

Three kinds of table are read:

- under a case heading (``### INC-2610-001 ...``, ``### CMP-...``), rows whose first
  column is the obligation: ``| obligation | start | due | done | status | reason |``;
- tables with a ``case`` column (the consultation questions);
- under a duty heading (``### Periodic: monthly_inspection``, ``### Advance notice: ...``,
  ``### Minimum duration: ...``, ``### Deadline: ...``, ``### Service level: ...``),
  rows whose first column is the result's case (a period label, ``DEVICE 2026-10``,
  or the event's case). These are read by their header: ``due``, ``done``,
  ``period``, ``calls`` and ``within`` are checked when the table has them, ``—``
  meaning none (a not_applicable row's due and done are not checked).

The ``## Hotline`` table names the log's case (``HOTLINE``); its result is checked
under ``### Service level: hotline_service_level``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import slarules
from slarules.engine import Audit
from slarules.readers import read_log
from slarules.wording import Wording

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_MD = ROOT / "examples" / "EXPECTED.md"
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 1, tzinfo=TZ)
STATUSES = ("met", "breached", "pending", "not_applicable")
ROW = re.compile(
    r"^\| ([a-z_0-9]+) \| ([^|]*) \| ([^|]*) \| ([^|]*) \| (met|breached|pending|not_applicable) \|"
)
CASE_HEADING = re.compile(r"^### ((?:INC|CMP|Q)-[\w-]+)")
DUTY_HEADING = re.compile(
    r"^### (?:Periodic|Advance notice|Minimum duration|Deadline|Service level): ([a-z_0-9]+)\s*$"
)
NONE = ("—", "-")
EN = Wording(slarules.load(), "en")
# Sections whose tables describe the log, not the audit's results.
NOT_RESULTS = ("## Hotline",)


@dataclass(frozen=True)
class Row:
    case: str
    obligation: str
    occurrence: int
    status: str
    columns: tuple[tuple[str, str], ...]  # the other cells, by header
    section: str  # "case" (under a case heading), "table" or "duty"

    def get(self, name: str) -> str | None:
        return dict(self.columns).get(name)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.case, self.obligation, self.occurrence)

    @property
    def id(self) -> str:
        return f"{self.case}:{self.obligation}#{self.occurrence}"


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def expected_rows(text: str) -> list[Row]:
    """Every result row of EXPECTED.md, in order."""
    rows: list[Row] = []
    seen: Counter[tuple[str, str]] = Counter()
    case: str | None = None  # under a case heading
    duty: str | None = None  # under a duty heading
    header: list[str] | None = None
    skipping = False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#"):
            header = None
            heading = CASE_HEADING.match(line)
            case = heading.group(1) if heading else None
            heading = DUTY_HEADING.match(line)
            duty = heading.group(1) if heading else None
            if line.startswith("## "):
                skipping = line.startswith(NOT_RESULTS)
            continue
        if skipping or not line.startswith("|"):
            if not line.startswith("|"):
                header = None
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if header is None and re.match(r"^\|[-| :]+\|$", following.strip()):
            header = _cells(line)
            continue
        if re.match(r"^\|[-| :]+\|$", line.strip()):
            continue
        if case:
            match = ROW.match(line)
            if not match:
                continue
            obligation, start, due, done, status = (g.strip() for g in match.groups())
            seen[(case, obligation)] += 1
            columns = (("start", start), ("due", due), ("done", done))
            rows.append(Row(case, obligation, seen[(case, obligation)], status, columns, "case"))
            continue
        if header is None or "case" not in header or "status" not in header:
            continue
        cells = dict(zip(header, _cells(line), strict=False))
        obligation = cells.pop("obligation", None) or duty
        if obligation is None:
            continue
        row_case = cells.pop("case")
        status = cells.pop("status")
        assert status in STATUSES, f"EXPECTED.md line {i + 1}: status {status!r}"
        seen[(row_case, obligation)] += 1
        rows.append(
            Row(
                row_case,
                obligation,
                seen[(row_case, obligation)],
                status,
                tuple(cells.items()),
                "duty" if duty else "table",
            )
        )
    return rows


ROWS = expected_rows(EXPECTED_MD.read_text("utf-8"))
DUTY_ROWS = [r for r in ROWS if r.section == "duty"]
DUTY_OBLIGATIONS = {r.obligation for r in DUTY_ROWS}


def _minute(at: datetime | None) -> str | None:
    return at.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if at is not None else None


@pytest.fixture(scope="module", params=["october-2026.jsonl", "october-2026.csv"])
def report(request: pytest.FixtureRequest) -> slarules.AuditReport:
    contract = slarules.load()
    records = [r for _, _, r in read_log(str(ROOT / "examples" / request.param))]
    found = contract.audit(records, as_of=AS_OF)
    assert not found.rejected
    return found


@pytest.fixture(scope="module")
def results(report: slarules.AuditReport) -> dict[tuple[str, str, int], slarules.Result]:
    return {(r.case, r.obligation, r.occurrence): r for r in report.results}


def test_expected_md_is_parsed() -> None:
    assert len(ROWS) > 250
    assert {r.status for r in ROWS} == set(STATUSES)
    by_section = Counter(r.section for r in ROWS)
    assert by_section["table"] == 5  # the consultation questions
    assert by_section["duty"] == 53
    obligations = {r.obligation for r in DUTY_ROWS}
    assert obligations == {
        "monthly_inspection",
        "daily_check",
        "monthly_summary",
        "inspection_notice",
        "inspection_confirm",
        "training_notice",
        "tech_exchange",
        "inspection_feedback",
        "hotline_service_level",
    }
    # The section's own totals.
    assert Counter(r.status for r in DUTY_ROWS) == {
        "met": 42,
        "breached": 8,
        "pending": 2,
        "not_applicable": 1,
    }
    assert len({r.key for r in ROWS}) == len(ROWS)


def test_the_parser_reads_duty_tables_by_their_header() -> None:
    text = (
        "### Periodic: daily_check\n\n| case | period | due | done | status | reason |\n"
        "|---|---|---|---|---|---|\n| 2026-10-04 | 2026-10-04 | 2026-10-05 00:00 | — | breached | x |\n"
        "\n## Hotline\n\n| case | obligation | period | status |\n|---|---|---|---|\n"
        "| HOTLINE | hotline_service_level | 2026-10 | met |\n"
        "\n## Other\n\n| status | rows |\n|---|---|\n| met | 3 |\n"
    )
    (row,) = expected_rows(text)
    assert row.key == ("2026-10-04", "daily_check", 1)
    assert row.status == "breached" and row.get("due") == "2026-10-05 00:00"
    assert row.get("done") == "—" and row.get("period") == "2026-10-04"


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_row(row: Row, results: dict[tuple[str, str, int], slarules.Result]) -> None:
    result = results.get(row.key)
    assert result is not None, f"no result for {row.id}"
    assert result.status == row.status, EN.reason(result)
    checked = ("due",) if row.section == "case" else ("due", "done")
    for name in checked:
        want = row.get(name)
        if want is None or want == "":
            continue
        if want in NONE:
            if row.section == "case" or row.status == "not_applicable":
                continue  # not_applicable rows show no due and done (see Conventions)
            want = None
        got = _minute(getattr(result.finding, name))
        assert got == want, f"{name}: expected {want}, got {got}"
    period = row.get("period")
    if period is not None:
        assert result.finding.period == period
    details = dict(result.finding.details or ())
    for column, detail in (("calls", "count"), ("within", "within")):
        if row.get(column) is not None:
            assert details.get(detail) == int(str(row.get(column)))


def test_the_duties_have_no_result_beyond_expected_md(report: slarules.AuditReport) -> None:
    """For the recurring duties the tables are complete: no extra period, notice or device."""
    got = Counter(
        (r.case, r.obligation, r.occurrence)
        for r in report.results
        if r.obligation in DUTY_OBLIGATIONS
    )
    assert got == Counter(r.key for r in DUTY_ROWS)


NOT_JUDGED = re.compile(r"^### Not judged: ([a-z_0-9]+)\s*$", re.MULTILINE)


def test_the_duties_not_judged_are_those_of_expected_md(report: slarules.AuditReport) -> None:
    """A duty the log holds no event of has no result; it is listed with its events."""
    expected = NOT_JUDGED.findall(EXPECTED_MD.read_text("utf-8"))
    assert expected == ["quarterly_report"]
    assert [u.obligation for u in report.unjudged] == expected
    assert report.unjudged[0].events == ("quarterly_report_submitted",)


FILES = re.compile(r"^\| `([\w.-]+)` \| [^|]* \| read (\d+), used (\d+), rejected (\d+) \|$")


def test_the_files_table() -> None:
    contract = slarules.load()
    rows = [m.groups() for m in map(FILES.match, EXPECTED_MD.read_text("utf-8").splitlines()) if m]
    assert len(rows) == 4
    for name, read, used, rejected in rows:
        audit = Audit(contract, read_log(str(ROOT / "examples" / name)), AS_OF)
        done = audit.finish()
        assert (done.read, done.used, len(done.rejected)) == (int(read), int(used), int(rejected))
