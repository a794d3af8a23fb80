"""The customer's assessment (2.3.4.4): an optional rules file, its checks, and the scores."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import slarules
from slarules.assessment import score
from slarules.cli import main
from slarules.errors import RulesInvalid
from slarules.loader import load_assessment
from slarules.model import Assessment, Charge, Dated, Text
from slarules.results import Finding, Result

ROOT = Path(__file__).resolve().parent.parent
LOG = str(ROOT / "examples" / "october-2026.jsonl")
EXAMPLE = ROOT / "examples" / "assessment.yaml"
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 1, tzinfo=TZ)


def _breach(obligation: str, due: datetime, late: timedelta, case: str = "C") -> Result:
    finding = Finding(
        "breached", "clock.late", start=due - timedelta(hours=1), due=due, done=due + late
    )
    return Result(case, obligation, "1.1", Text("义务", "duty"), finding, AS_OF)


def _assessment(**terms: object) -> Assessment:
    base: dict[str, object] = {
        "id": "a",
        "title": Text("考核", "assessment"),
        "clause": "2.3.4.4",
        "unit": "points",
        "charges": (
            Charge(
                "fast", Dated.always(Decimal(2)), Dated.always(Decimal(1)), Dated.always(Decimal(6))
            ),
            Charge("*", Dated.always(Decimal("0.5")), Dated.always(Decimal(0))),
        ),
    }
    return Assessment(**{**base, **terms})  # type: ignore[arg-type]


def test_per_breach_per_hour_begun_at_most_and_the_default_charge() -> None:
    due = datetime(2026, 10, 9, 14, tzinfo=TZ)
    results = [
        _breach("fast", due, timedelta(minutes=1)),  # 2 + 1 hour begun = 3
        _breach("fast", due, timedelta(hours=9)),  # 2 + 9 = 11, at most 6
        _breach("other", due, timedelta(days=3)),  # the default: 0.5
    ]
    (month,) = score(_assessment(full=Dated.always(Decimal(100))), results, TZ)
    assert [d.amount for d in month.deductions] == [3, 6, Decimal("0.5")]
    assert [d.limited for d in month.deductions] == [False, True, False]
    assert month.total == Decimal("9.5") and month.score == Decimal("90.5")
    exact = score(_assessment(late_hours="exact"), results[:1], TZ)[0]
    assert exact.deductions[0].amount == 2 + Decimal(60) / 3600


def test_the_monthly_cap_and_the_floor() -> None:
    due = datetime(2026, 10, 9, 14, tzinfo=TZ)
    results = [_breach("fast", due, timedelta(hours=9), case=str(n)) for n in range(6)]  # 36
    terms = {"full": Dated.always(Decimal(100)), "cap": Dated.always(Decimal(30))}
    (capped,) = score(_assessment(**terms), results, TZ)
    assert (capped.total, capped.counted, capped.capped, capped.score) == (36, 30, True, 70)
    (floored,) = score(_assessment(**terms, floor=Dated.always(Decimal(80))), results, TZ)
    assert (floored.score, floored.floored) == (80, True)


def test_terms_in_force_when_the_clock_started_and_months_apart() -> None:
    change = datetime(2026, 10, 15, tzinfo=TZ)
    dated = Charge(
        "fast", Dated((None, change), (Decimal(1), Decimal(4))), Dated.always(Decimal(0))
    )
    a = _assessment(charges=(dated,), full=Dated.always(Decimal(100)))
    results = [
        _breach("fast", datetime(2026, 10, 14, 12, tzinfo=TZ), timedelta(minutes=5)),
        _breach("fast", datetime(2026, 10, 15, 12, tzinfo=TZ), timedelta(minutes=5)),
        _breach("fast", datetime(2026, 11, 2, 12, tzinfo=TZ), timedelta(minutes=5)),
    ]
    october, november = score(a, results, TZ)
    assert (october.month, october.total, november.month, november.total) == (
        "2026-10",
        5,
        "2026-11",
        4,
    )
    # A month with nothing breached scores full marks.
    (quiet,) = score(a, [], TZ, months=["2026-12"])
    assert (quiet.deductions, quiet.score) == ((), 100)


def test_money_has_no_score() -> None:
    due = datetime(2026, 10, 9, 14, tzinfo=TZ)
    (month,) = score(_assessment(unit="yuan"), [_breach("fast", due, timedelta(0))], TZ)
    assert month.score is None and month.total == 2


def test_the_example_assessment_changes_the_audit_summary() -> None:
    args = ["audit", LOG, "--as-of", "2026-11-01", "--format", "json"]
    plain = json.loads(CliRunner().invoke(main, args).stdout)
    scored = json.loads(CliRunner().invoke(main, [*args, "--assessment", str(EXAMPLE)]).stdout)
    assert "assessment" not in plain
    assert plain["results"] == scored["results"]  # the verdicts do not change
    (october,) = scored["assessment"]["months"]
    assert october | {"deductions": None} == {
        "month": "2026-10",
        "full": "100",
        "deducted": "37",
        "counted": "30",
        "cap": "30",
        "floor": "60",
        "score": "70",
        "deductions": None,
    }
    costs = {(d["case"], d["obligation"]): d["amount"] for d in october["deductions"]}
    assert costs[("INC-2610-004", "remote_response")] == "3"  # 2 + 1 for the hour begun
    assert costs[("INC-2610-004", "fault_report")] == "1"  # before 2026-10-15: 1
    assert costs[("INC-2610-007", "fault_report")] == "1"
    assert ("JZ-SRV-01 2026-10", "monthly_inspection") not in costs  # due at the as-of time
    table = CliRunner().invoke(main, [*args[:-2], "--assessment", str(EXAMPLE), "--lang", "en"])
    assert (
        "2026-10: full score 100 points, deductions 37 points (monthly cap 30 points: "
        in table.stdout
    )
    assert (
        "  workaround temporary workaround issued [2.2.5.8]: 3 breaches, 9 points deducted"
        in table.stdout
    )


def test_the_report_shows_the_score_and_what_each_breach_cost() -> None:
    args = ["report", "--month", "2026-10", LOG, "--as-of", "2026-11-10"]
    plain = CliRunner().invoke(main, args).stdout
    text = CliRunner().invoke(main, [*args, "--assessment", str(EXAMPLE)]).stdout
    assert "十、服务考核" not in plain
    part = text.split("## 十、服务考核 (2.3.4.4)", 1)[1]
    assert "2026-10: 满分 100 分, 扣分合计 " in part and "得分 70 分" in part
    assert re.search(
        r"\| INC-2610-004 +\| 远程支持电话响应 .*\| 1分 +\| 2 +\| 1 +\| 1 +\| 3 +\|", part
    )
    assert re.search(r"\| JZ-SRV-01 2026-10 +\| 月度例行巡检 .*\| 5 +\| 0 +\| 0 +\| 5 +\|", part)


def test_an_assessment_in_the_rules_directory_is_read_with_them(rules_copy: Path) -> None:
    shutil.copy(EXAMPLE, rules_copy / "assessment.yaml")
    contract = slarules.load(rules_copy)
    assert contract.assessment is not None and contract.assessment.unit == "points"
    assert slarules.load().assessment is None  # the bundled contract states no amounts


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (
            ("  - {obligation: monthly_inspection,", "  - {obligation: monthly_inspectoin,"),
            "25:18",
            "unknown obligation 'monthly_inspectoin' (did you mean 'monthly_inspection'?)",
        ),
        (("floor: 60 ", "floor: 120"), "15:8", "the floor (120) is above the full score (100)"),
        (
            ('{from: "2026-10-15", value: 2}', '{from: "2026-01-01", value: 2}'),
            "24:57",
            "dates of effect must be in increasing order",
        ),
        (
            ("cap: 30 ", "capp: 30"),
            "14:1",
            "unknown key 'capp' in the document (did you mean 'cap'?)",
        ),
        (
            ("per_breach: 5}", "per_breach: -5}"),
            "25:50",
            "charges[4].per_breach: -5 is less than the minimum of 0",
        ),
        (("unit: points", "unit: euro"), "12:7", "unit: 'euro' is not one of: points, yuan"),
    ],
)
def test_a_bad_assessment_is_refused_at_its_place(
    tmp_path: Path, change: tuple[str, str], where: str, message: str
) -> None:
    text = EXAMPLE.read_text("utf-8")
    assert change[0] in text
    bad = tmp_path / "assessment.yaml"
    bad.write_text(text.replace(change[0], change[1], 1), "utf-8")
    with pytest.raises(RulesInvalid) as caught:
        load_assessment(bad, slarules.load())
    (error,) = caught.value.errors
    said = slarules.Words("en").rules_error(error)
    assert said.startswith(f"{bad}:{where}: "), said
    assert message in said
    result = CliRunner().invoke(main, ["audit", LOG, "--assessment", str(bad)])
    assert result.exit_code == 2 and f"{bad}:{where}: " in result.stderr
