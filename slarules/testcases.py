"""``slarules test``: contract test cases written in YAML by contract managers.

A file of kind ``TestCases`` lists cases, each with a name, events (SPEC.md log
records; ``case`` defaults to the test's name) and the verdicts expected
(``obligation``, ``status``, optionally ``case``, ``due``, ``occurrence``).
``status: none`` expects no result at all (the clock never started). A case
without expectations is an error (the schema requires them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import model as m
from .edges import parse_user_time
from .engine import audit_records
from .errors import Location, RuleError, RulesInvalid
from .loader import load_contract, read_document
from .wording import Wording


@dataclass(frozen=True)
class Outcome:
    file: str
    line: int
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _time(text: str, contract: m.Contract, where: Location) -> datetime:
    try:
        return parse_user_time(str(text), contract.tz)
    except ValueError as exc:
        raise RulesInvalid([RuleError(where, str(exc))]) from None


def run_file(path: Path, contract: m.Contract | None = None) -> list[Outcome]:
    """Run every case of one file against ``contract`` (or the file's ``rules:``)."""
    doc = read_document(path, "TestCases")
    data: dict[str, Any] = doc.data
    if contract is None:
        rules = data.get("rules")
        contract = load_contract(path.parent / rules if rules else None)
    outcomes = []
    for i, case in enumerate(data["cases"]):
        where = doc.locate(("cases", i))
        as_of_text = case.get("as_of") or data.get("as_of")
        if as_of_text is None:
            raise RulesInvalid(
                [RuleError(where, "no as_of for this case (set it on the case or the file)")]
            )
        as_of = _time(as_of_text, contract, where)
        records = [{"case": case["name"], **event} for event in case["events"]]
        report = audit_records(contract, records, as_of, source=f"{path}#{case['name']}")
        failures = [f"record {r.line}: rejected: {r.reason}" for r in report.rejected]
        for j, expect in enumerate(case["expect"]):
            failures.extend(
                _check(
                    contract, report, case["name"], expect, doc.locate(("cases", i, "expect", j))
                )
            )
        outcomes.append(Outcome(str(path), where.line, case["name"], tuple(failures)))
    return outcomes


def _check(
    contract: m.Contract, report: Any, default_case: str, expect: dict[str, Any], where: Location
) -> list[str]:
    case_id = str(expect.get("case", default_case))
    obligation = expect["obligation"]
    occurrence = expect.get("occurrence", 1)
    got = [
        r
        for r in report.results
        if r.case == case_id
        and r.obligation == obligation
        and (expect.get("period") is None or r.finding.period == expect["period"])
    ]
    label = f"{case_id} {obligation}" + (f" #{occurrence}" if occurrence > 1 else "")
    if expect["status"] == "none":
        return [] if not got else [f"{label}: expected no result, got {got[0].status}"]
    if len(got) < occurrence:
        return [f"{label}: expected {expect['status']}, got no result"]
    result = got[occurrence - 1]
    failures = []
    if result.status != expect["status"]:
        failures.append(
            f"{label}: expected {expect['status']}, got {result.status} "
            f"({Wording(contract, 'en').reason(result)})"
        )
    if "due" in expect:
        want = _time(expect["due"], contract, where)
        if result.finding.due != want:
            shown = result.finding.due.isoformat() if result.finding.due else "no due time"
            failures.append(f"{label}: expected due {want.isoformat()}, got {shown}")
    return failures
