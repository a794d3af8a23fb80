"""``slarules test``: contract test cases written in YAML by contract managers.

A file of kind ``TestCases`` lists cases, each with a name, events (SPEC.md log
records; ``case`` defaults to the test's name) and the verdicts expected
(``obligation``, ``status``, optionally ``case``, ``due``, ``occurrence``).
``status: none`` expects no result at all (the clock never started). A case
without expectations is an error (the schema requires them).

A failure is a code and its values (the ``rules:`` words ``expect.*``); the command
line says it in its language, :meth:`Outcome.messages` in any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import model as m
from .edges import parse_user_time
from .engine import audit_records
from .errors import Location, RuleError, RulesInvalid
from .loader import load_contract, read_document
from .messages import Coded, Msg, Ref
from .wording import Wording


@dataclass(frozen=True)
class Outcome:
    file: str
    line: int
    name: str
    failures: tuple[Msg, ...]
    contract: m.Contract | None = field(default=None, compare=False, repr=False)

    @property
    def passed(self) -> bool:
        return not self.failures

    def messages(self, lang: str = "en") -> list[str]:
        """The failures in words (the contract names its events and levels)."""
        if not self.failures:
            return []
        assert self.contract is not None
        words = Wording(self.contract, lang)
        return [words.text(f.code, f.values) for f in self.failures]


def _time(text: str, contract: m.Contract, where: Location) -> datetime:
    try:
        return parse_user_time(str(text), contract.tz)
    except Coded as exc:
        raise RulesInvalid([RuleError(where, exc.code, exc.values)]) from None


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
            raise RulesInvalid([RuleError(where, "expect.no_as_of")])
        as_of = _time(as_of_text, contract, where)
        records = [{"case": case["name"], **event} for event in case["events"]]
        report = audit_records(contract, records, as_of, source=f"{path}#{case['name']}")
        failures = [
            Msg("expect.rejected", (("line", r.line), ("why", r.msg))) for r in report.rejected
        ]
        for j, expect in enumerate(case["expect"]):
            failures.extend(
                _check(
                    contract, report, case["name"], expect, doc.locate(("cases", i, "expect", j))
                )
            )
        outcomes.append(Outcome(str(path), where.line, case["name"], tuple(failures), contract))
    return outcomes


def _check(
    contract: m.Contract, report: Any, default_case: str, expect: dict[str, Any], where: Location
) -> list[Msg]:
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
    label = Msg(
        "expect.label" if occurrence == 1 else "expect.label_nth",
        (("case", case_id), ("obligation", obligation), ("occurrence", occurrence)),
    )
    if expect["status"] == "none":
        if not got:
            return []
        return [
            Msg("expect.expected_none", (("label", label), ("got", Ref("status", got[0].status))))
        ]
    expected = Ref("status", expect["status"])
    if len(got) < occurrence:
        return [Msg("expect.no_result", (("label", label), ("expected", expected)))]
    result = got[occurrence - 1]
    failures = []
    if result.status != expect["status"]:
        failures.append(
            Msg(
                "expect.wrong_status",
                (
                    ("label", label),
                    ("expected", expected),
                    ("got", Ref("status", result.status)),
                    ("reason", result),
                ),
            )
        )
    if "due" in expect:
        want = _time(expect["due"], contract, where)
        if result.finding.due != want:
            due = result.finding.due
            shown: object = due.isoformat() if due else Msg("expect.no_due")
            failures.append(
                Msg(
                    "expect.wrong_due",
                    (("label", label), ("want", want.isoformat()), ("got", shown)),
                )
            )
    return failures
