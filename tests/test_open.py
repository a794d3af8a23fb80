"""`slarules open` and the library's open_clocks / next_deadline: exactly the clocks still
running as of a time, their due times, the share of the budget used (checked by hand),
the threshold passed, the exit status; warning thresholds as data."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import slarules
from slarules.cli import main
from slarules.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_LOG = str(ROOT / "examples" / "october-2026.jsonl")

AS_OF = "2026-10-09 10:30"


def _open(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, ["open", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def _records(path: str = EXAMPLE_LOG) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line]


def test_the_example_month_at_half_past_ten_on_the_ninth() -> None:
    """Every clock running on 2026-10-09 at 10:30, worked out by hand from the log:

    - INC-2610-002 was repaired 10-08 16:00: the fault report (24 h) is due 10-09 16:00,
      18 h 30 min used = 77.08 %, past 75 %; it was completed 10-08 16:30: the call-back
      (2 calendar days, counted from 10-09 00:00; 10-10 is a make-up working day) is due
      10-11 00:00, 10 h 30 min of 48 h = 21.875 %; the write-up (7 days) 10-16 00:00,
      10.5 h of 168 h = 6.25 %.
    - INC-2610-001 was completed 10-02 11:30: its write-up is due 10-10 00:00, counted
      from 10-03 00:00: 154.5 h of 168 h = 91.96 %, past 75 %.
    - INC-2610-003 (reported 10:00, answered 10:02): escalation to level 2 from 10:02
      within 2 h, 23.3 %; level 4 within 1 working day, due Sat 10-10 10:00 (a make-up
      working day), 30 min of 24 h = 2.08 %; a status update every 4 h, 12.5 %.
    - CMP-2610-01 (received 10:00): first reply within 2 h, 25 %; resolution in 15 days,
      counted from 10-10 00:00: the last day 10-24 is a Saturday, so 10-27 00:00; 0 %.
    - CMP-2610-03 (received 10-05 09:00): resolution due 10-21 00:00, 82.5 h of 360 h.
    """
    status, doc = _open(EXAMPLE_LOG, "--as-of", AS_OF)
    assert status == 1  # two clocks are past 75 %
    got = {(c["case"], c["obligation"], c["occurrence"]): c for c in doc["clocks"]}
    expected = {
        ("INC-2610-002", "fault_report"): ("2026-10-09T16:00:00+08:00", 77.08, 75),
        ("INC-2610-002", "callback"): ("2026-10-11T00:00:00+08:00", 21.88, None),
        ("INC-2610-002", "writeup"): ("2026-10-16T00:00:00+08:00", 6.25, None),
        ("INC-2610-001", "writeup"): ("2026-10-10T00:00:00+08:00", 91.96, 75),
        ("INC-2610-003", "escalate_l2"): ("2026-10-09T12:02:00+08:00", 23.33, None),
        ("INC-2610-003", "escalate_l4"): ("2026-10-10T10:00:00+08:00", 2.08, None),
        ("INC-2610-003", "status_updates"): ("2026-10-09T14:00:00+08:00", 12.5, None),
        ("CMP-2610-01", "complaint_reply"): ("2026-10-09T12:00:00+08:00", 25, None),
        ("CMP-2610-01", "complaint_resolution"): ("2026-10-27T00:00:00+08:00", 0, None),
        ("CMP-2610-03", "complaint_resolution"): ("2026-10-21T00:00:00+08:00", 22.92, None),
    }
    assert {(case, ob) for case, ob, _ in got} == set(expected)
    for (case, ob, _), clock in got.items():
        due, share, threshold = expected[(case, ob)]
        assert (clock["due"], clock["used_percent"], clock["threshold_percent"]) == (
            due,
            share,
            threshold,
        ), (case, ob)
        assert clock["status"] == "pending"
        as_of = datetime.fromisoformat("2026-10-09T10:30:00+08:00")
        assert clock["left_seconds"] == (datetime.fromisoformat(due) - as_of).total_seconds()
    lefts = [c["left_seconds"] for c in doc["clocks"]]
    assert lefts == sorted(lefts)  # sorted by time left
    fault_report = got[("INC-2610-002", "fault_report", 1)]
    assert fault_report["start"] == "2026-10-08T16:00:00+08:00"
    assert fault_report["step"] == "提交故障处理报告" and fault_report["awaits"] == [
        "report_submitted"
    ]
    assert got[("INC-2610-003", "escalate_l2", 1)]["step"] == "业务恢复或升级到第2级"
    assert doc["summary"] == {"open": 10, "warned": 2, "overdue": 0}
    assert doc["records"] == {
        "read": 417,
        "used": 71,
        "duplicates": 0,
        "after_as_of": 346,
        "rejected": 0,
    }


def test_nothing_at_risk_exits_0_and_rejected_records_3() -> None:
    status, doc = _open(EXAMPLE_LOG, "--as-of", "2026-10-05 12:00")
    assert status == 0 and doc["clocks"] and not any(c["at_risk"] for c in doc["clocks"])
    errors = str(ROOT / "examples" / "october-2026-with-errors.jsonl")
    result = CliRunner().invoke(main, ["open", errors, "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 3
    assert "rejected" in result.stderr or "拒绝" in result.stderr


@pytest.mark.parametrize("as_of", ["2026-10-03 08:00", AS_OF, "2026-10-20 12:00", "2026-11-03"])
def test_open_is_the_audit_s_running_results(contract: slarules.Contract, as_of: str) -> None:
    """Every pending or overdue-and-not-done result with a due time, of a case clock, is
    open; an open clock is one of those; a duty due within its period only while the
    period lasts; as of T the log cut at T says the same."""
    when = datetime.fromisoformat(as_of).replace(tzinfo=contract.tz)
    records = _records()
    report = contract.open_clocks(records, when)
    audit = contract.audit(records, when)
    running = {
        (r.case, r.obligation, r.occurrence): r
        for r in audit.results
        if r.finding.due is not None
        and r.finding.done is None
        and r.finding.timed
        and r.status in ("pending", "breached")
    }
    opened = {c.key for c in report}
    assert opened <= set(running)
    for key, r in running.items():
        ob = contract.obligation(r.obligation)
        if KINDS[ob.type].scope == "case":
            assert key in opened, key
        elif key in opened:
            assert r.status == "pending" or ob.type != "periodic"
    cut = [r for r in records if datetime.fromisoformat(r["at"]) <= when]
    assert contract.open_clocks(cut, when).clocks == report.clocks


def _incident(*events: tuple[str, str], severity: str = "serious") -> list[dict[str, Any]]:
    out = []
    for name, at in events:
        record: dict[str, Any] = {"case": "INC-1", "event": name, "at": f"2026-03-02 {at}"}
        if name == "reported":
            record.update(severity=severity, site="沈阳")
        out.append(record)
    return out


def _clock(report: slarules.OpenReport, obligation: str) -> slarules.OpenClock:
    return next(c for c in report if c.obligation == obligation)


def test_the_share_leaves_paused_time_out(contract: slarules.Contract) -> None:
    """A serious fault's phone response: 10 min, the customer's approval paused."""
    tz = contract.tz
    closed = _incident(
        ("reported", "09:00"), ("plan_proposed", "09:02"), ("plan_approved", "09:06")
    )
    clock = _clock(
        contract.open_clocks(closed, datetime(2026, 3, 2, 9, 8, tzinfo=tz)), "remote_response"
    )
    assert clock.due == datetime(2026, 3, 2, 9, 14, tzinfo=tz)  # 4 min paused
    assert clock.used_percent == pytest.approx(40.0) and clock.threshold is None
    still = _incident(("reported", "09:00"), ("plan_proposed", "09:02"))
    clock = _clock(
        contract.open_clocks(still, datetime(2026, 3, 2, 9, 10, tzinfo=tz)), "remote_response"
    )
    assert clock.used_percent == pytest.approx(20.0)  # stopped at 09:02
    assert clock.left == timedelta(minutes=8)  # due 09:18 while the pause lasts
    late = contract.open_clocks(
        _incident(("reported", "09:00")), datetime(2026, 3, 2, 9, 15, tzinfo=tz)
    )
    overdue = _clock(late, "remote_response")
    assert overdue.status == "breached" and overdue.at_risk
    assert overdue.left == -timedelta(minutes=5) and overdue.used_percent == pytest.approx(150.0)
    exactly = contract.open_clocks(
        _incident(("reported", "09:00")), datetime(2026, 3, 2, 9, 7, 30, tzinfo=tz)
    )
    assert _clock(exactly, "remote_response").threshold == 75.0  # reached exactly


def test_periodic_duties_due_soon_appear(contract: slarules.Contract) -> None:
    """The October summary is due 5 working days after the month (24:00 of Fri 11-06):
    as of Thu 11-05 00:00 three of five are used, two left. A daily check appears for
    its own day only; the day's 75 % (the obligation's own warn_at) is 18:00."""
    tz = contract.tz
    records = [
        {
            "case": "INC-1",
            "event": "reported",
            "at": "2026-10-20 09:00",
            "severity": "minor",
            "site": "沈阳",
        },
        {
            "case": "SUM-2609",
            "event": "monthly_summary_submitted",
            "at": "2026-10-09 10:00",
            "period": "2026-09",
        },
        {"case": "DAILY", "event": "daily_check", "at": "2026-11-03 09:00"},
    ]
    report = contract.open_clocks(records, datetime(2026, 11, 5, tzinfo=tz))
    summary = _clock(report, "monthly_summary")
    assert (summary.case, summary.start) == ("2026-10", datetime(2026, 11, 1, tzinfo=tz))
    assert summary.due == datetime(2026, 11, 7, tzinfo=tz)
    assert summary.used_percent == pytest.approx(60.0) and summary.threshold == 50.0
    assert summary.left == timedelta(days=2)
    assert [c.case for c in report if c.obligation == "daily_check"] == ["2026-11-05"]
    afternoon = contract.open_clocks(records, datetime(2026, 11, 5, 15, tzinfo=tz))
    assert _clock(afternoon, "daily_check").threshold is None  # 62.5 %: not yet 75 %
    evening = contract.open_clocks(records, datetime(2026, 11, 5, 18, tzinfo=tz))
    assert _clock(evening, "daily_check").threshold == 75.0
    # The November summary's clock starts when November ends: not open yet.
    assert [c.case for c in report if c.obligation == "monthly_summary"] == ["2026-10"]


def test_next_deadline_of_one_ticket(contract: slarules.Contract) -> None:
    tz = contract.tz
    ticket = [r for r in _records() if r["case"] == "INC-2610-003"]
    when = datetime(2026, 10, 9, 10, 30, tzinfo=tz)
    found = contract.next_deadline(ticket, when)
    assert found is not None
    assert (found.obligation, found.due) == ("escalate_l2", datetime(2026, 10, 9, 12, 2, tzinfo=tz))
    assert found.left == timedelta(hours=1, minutes=32) and not found.at_risk
    assert contract.next_deadline(ticket, datetime(2026, 11, 1, tzinfo=tz)) is None  # all done
    with pytest.raises(ValueError, match="one case"):
        contract.next_deadline(_records()[:40], when)
    with pytest.raises(ValueError, match="severity"):
        contract.next_deadline([{"case": "X", "event": "reported", "at": "2026-10-09 10:00"}], when)


def test_the_formats(contract: slarules.Contract) -> None:
    run = CliRunner()
    csv = run.invoke(
        main, ["open", EXAMPLE_LOG, "--as-of", AS_OF, "--format", "csv", "--lang", "en"]
    )
    lines = csv.stdout.splitlines()
    assert lines[0].startswith("\ufeffcase,obligation,clause,status,start,due,left_seconds")
    assert len(lines) == 11 and csv.exit_code == 1
    table = run.invoke(main, ["open", EXAMPLE_LOG, "--as-of", AS_OF, "--lang", "en"]).stdout
    assert "past 75%" in table and "fault report submitted" in table
    assert "10 clock(s) running: 2 past a warning threshold, 0 overdue" in table
    md = run.invoke(main, ["open", EXAMPLE_LOG, "--as-of", AS_OF, "--format", "markdown"]).stdout
    assert md.startswith(f"# {contract.title.zh}\n") and re.search(
        r"\| INC-2610-002 +\| fault_report +\|", md
    )
    assert "计时中 10 个: 已过预警 2 个, 已超时 0 个" in md
    none = run.invoke(main, ["open", EXAMPLE_LOG, "--as-of", "2026-09-01", "--lang", "en"])
    assert none.exit_code == 0 and none.stdout.startswith(
        "no clock running as of 2026-09-01 00:00 Tue"
    )


# ---------------------------------------------------------------- thresholds as data


def _set(rules: Path, name: str, old: str, new: str) -> None:
    path = rules / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_an_obligation_s_own_thresholds(rules_copy: Path) -> None:
    _set(
        rules_copy, "complaints.yaml", "    budget: 2 h\n", "    budget: 2 h\n    warn_at: [20 %]\n"
    )
    _set(rules_copy, "contract.yaml", "warn_at: [50 %, 75 %]", "warn_at: [90 %]")
    contract = slarules.load(rules_copy)
    report = contract.open_clocks(_records(), datetime(2026, 10, 9, 10, 30, tzinfo=contract.tz))
    assert _clock(report, "complaint_reply").threshold == 20.0  # 25 % used
    assert _clock(report, "fault_report").threshold is None  # 77 %: under the contract's 90 %
    assert next(c for c in report if c.case == "INC-2610-001").threshold == 90.0
    _set(rules_copy, "contract.yaml", "warn_at: [90 %]", "warn_at: []")
    quiet = slarules.load(rules_copy)
    report = quiet.open_clocks(_records(), datetime(2026, 10, 9, 10, 30, tzinfo=quiet.tz))
    assert [c.obligation for c in report if c.at_risk] == ["complaint_reply"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "[50 %, 100 %]",
            "contract.yaml:{line}:17: a warning threshold is above 0 % and below 100 %, got '100 %'",
        ),
        ("[75 %, 50 %]", "contract.yaml:{line}:17: warning thresholds must be in increasing order"),
        ("[half]", "contract.yaml:{line}:11: warn_at[0]: 'half' is not a share: write it as 50 %"),
        ("50 %", "contract.yaml:{line}:10: warn_at: expected array, got '50 %'"),
    ],
)
def test_bad_thresholds_are_located(rules_copy: Path, value: str, message: str) -> None:
    _set(rules_copy, "contract.yaml", "warn_at: [50 %, 75 %]", f"warn_at: {value}")
    line = next(
        n
        for n, text in enumerate((rules_copy / "contract.yaml").read_text("utf-8").splitlines(), 1)
        if text.startswith("warn_at:")
    )
    with pytest.raises(slarules.RulesInvalid) as caught:
        slarules.load(rules_copy)
    words = slarules.Words("en")
    assert [words.rules_error(e).split("/")[-1] for e in caught.value.errors] == [
        message.format(line=line)
    ]


def test_an_unknown_key_beside_warn_at_is_still_refused(rules_copy: Path) -> None:
    _set(
        rules_copy, "complaints.yaml", "    budget: 2 h\n", "    budget: 2 h\n    warn_on: [20 %]\n"
    )
    with pytest.raises(slarules.RulesInvalid) as caught:
        slarules.load(rules_copy)
    said = slarules.Words("en").rules_error(caught.value.errors[0])
    assert "unknown key 'warn_on'" in said
    assert "did you mean 'warn_at'?" in said
