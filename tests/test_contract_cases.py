"""The bundled contract's own YAML test cases (rules/tests/*.yaml), run by pytest too."""

from __future__ import annotations

from pathlib import Path

import pytest

import slarules
from slarules.loader import bundled_rules_dir
from slarules.testcases import Outcome, run_file

FILES = sorted((bundled_rules_dir() / "tests").glob("*.yaml"))


def _outcomes() -> list[Outcome]:
    contract = slarules.load()
    return [outcome for file in FILES for outcome in run_file(file, contract)]


OUTCOMES = _outcomes()


def test_there_are_bundled_cases() -> None:
    assert len(OUTCOMES) >= 2


@pytest.mark.parametrize(
    "outcome", OUTCOMES, ids=[f"{Path(o.file).stem}:{o.name}" for o in OUTCOMES]
)
def test_bundled_case(outcome: Outcome) -> None:
    assert outcome.passed, "\n".join(outcome.messages())


def test_a_case_without_expectations_is_an_error(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(
        "apiVersion: slarules/v1\nkind: TestCases\nas_of: 2026-11-01\ncases:\n"
        "  - name: nothing expected\n    events:\n      - {event: reported, at: '2026-03-02 09:00', severity: minor}\n",
        "utf-8",
    )
    with pytest.raises(slarules.RulesInvalid) as info:
        run_file(file)
    assert "expect" in str(info.value) and "bad.yaml:5" in str(info.value)


def test_a_failing_case_prints_expected_against_got(tmp_path: Path) -> None:
    file = tmp_path / "wrong.yaml"
    file.write_text(
        "apiVersion: slarules/v1\nkind: TestCases\nas_of: 2026-11-01\ncases:\n"
        "  - name: wrong expectation\n    events:\n"
        "      - {event: reported, at: '2026-03-02 09:00', severity: serious}\n"
        "      - {event: responded, at: '2026-03-02 09:11'}\n"
        "    expect:\n      - {obligation: remote_response, status: met, due: '2026-03-02 09:15'}\n",
        "utf-8",
    )
    (outcome,) = run_file(file)
    assert not outcome.passed
    assert [f.code for f in outcome.failures] == ["expect.wrong_status", "expect.wrong_due"]
    assert any("expected met, got breached" in f for f in outcome.messages())
    assert any(
        "expected due 2026-03-02T09:15:00+08:00, got 2026-03-02T09:10:00+08:00" in f
        for f in outcome.messages()
    )
    assert any("期望 达标, 实际为 违约" in f for f in outcome.messages("zh"))
