"""The bundled contract loads, and every kind of broken rules file is refused at its place."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import slarules
from slarules import model as m
from slarules.cli import main
from slarules.errors import RulesInvalid
from slarules.loader import bundled_rules_dir, load_contract
from slarules.wording import Words

EN = Words("en")  # the words of the rules errors the library raises, in English

RULES = bundled_rules_dir()

TZ = ZoneInfo("Asia/Shanghai")
SPEC_IDS = {
    "remote_response",
    "general_response",
    "consult_reply",
    "onsite_arrival",
    "workaround",
    "spare_parts",
    "fault_report",
    "escalate_l2",
    "escalate_l3",
    "escalate_l4",
    "status_updates",
    "callback",
    "writeup",
    "complaint_reply",
    "complaint_resolution",
    "hotline_service_level",
    "monthly_inspection",
    "inspection_notice",
    "inspection_confirm",
    "inspection_feedback",
    "tech_exchange",
    "monthly_summary",
    "quarterly_report",
    "training_notice",
    "daily_check",
    "severity_mismatch",
}


def errors_of(rules: Path) -> list[slarules.RuleError]:
    with pytest.raises(RulesInvalid) as info:
        load_contract(rules)
    return info.value.errors


def edit(rules: Path, name: str, old: str, new: str) -> None:
    path = rules / name
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(rules: Path, name: str, needle: str) -> int:
    for number, line in enumerate((rules / name).read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


# ---------------------------------------------------------------- the bundled contract


def test_every_spec_obligation_is_in_the_rules(contract: m.Contract) -> None:
    ids = {ob.id for ob in contract.obligations}
    assert ids == SPEC_IDS
    for ob in contract.obligations:
        assert ob.clause and ob.title.zh and ob.title.en


def test_severity_levels_accept_chinese_and_english_names(contract: m.Contract) -> None:
    for zh, en in [("特大", "critical"), ("重大", "major"), ("严重", "serious"), ("一般", "minor")]:
        assert contract.level(zh) is contract.level(en)
        assert contract.level(en).id == en  # type: ignore[union-attr]
        assert contract.level(f"{zh}故障").id == en  # type: ignore[union-attr]
    assert contract.level("CRITICAL").id == "critical"  # type: ignore[union-attr]
    assert contract.level("urgent") is None


def test_sites_registry_has_the_14_cities_by_chinese_name_and_pinyin(contract: m.Contract) -> None:
    assert len(contract.sites) == 14
    assert contract.site("沈阳").id == contract.site("Shenyang").id == "shenyang"  # type: ignore[union-attr]
    assert contract.site("大连市").id == "dalian"  # type: ignore[union-attr]
    bands = [contract.band_for(s.id, s.distance_km) for s in contract.sites]
    assert all(b is not None for b in bands)
    assert contract.band_for("shenyang", 0).id == "shenyang"  # type: ignore[union-attr]
    # 100公里内 includes 100 km; 101 km is the next band.
    assert contract.band_for(None, 100).id == "within_100km"  # type: ignore[union-attr]
    assert contract.band_for(None, 101).id == "within_300km"  # type: ignore[union-attr]
    assert contract.band_for(None, 501) is None


def test_classification_follows_the_boundary_words(contract: m.Contract) -> None:
    h = timedelta(hours=1)
    assert contract.classify(outage_duration=24 * h, affected_users_pct=30).id == "major"  # type: ignore[union-attr]
    assert (
        contract.classify(outage_duration=24 * h + timedelta(seconds=1), affected_users_pct=30).id
        == "critical"
    )  # type: ignore[union-attr]
    assert contract.classify(outage_duration=25 * h, affected_users_pct=29.9).id == "serious"  # type: ignore[union-attr]
    assert contract.classify(outage_duration=2 * h, affected_users_pct=90).id == "serious"  # type: ignore[union-attr]
    assert contract.classify(outage_duration=timedelta(0)).id == "minor"  # type: ignore[union-attr]
    assert contract.classify(outage_duration=2 * h - timedelta(seconds=1)) is None  # the gap


def test_readings_are_named_settings_with_clauses(contract: m.Contract) -> None:
    for name in (
        "working_day_budget",
        "workaround_start",
        "solved_means",
        "minor_response_conflict",
        "severity_overlap",
        "reclassification",
    ):
        reading = contract.readings[name]
        assert reading.value and reading.clause


def test_each_bundled_file_names_its_schema_for_editors() -> None:
    for file in RULES.glob("*.yaml"):
        first = file.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../slarules/schemas/"), file.name
        schema = RULES.parent / "slarules" / "schemas" / first.split("schemas/")[1]
        if (RULES.parent / "slarules").is_dir():
            assert schema.is_file(), schema


def test_validate_lists_the_contracts_real_gaps() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert {w["code"] for w in doc["warnings"]} >= {"lint.severity_gap", "lint.conflict"}
    text = "\n".join(w["message"] for w in doc["warnings"])
    assert "severity gap" in text and "overlap" in text
    assert "general_response conflicts with remote_response: minor" in text
    assert "status_updates" in text and "quarterly_report" in text
    strict = CliRunner().invoke(main, ["validate", "--strict"])
    assert strict.exit_code == 1


def test_schema_command_prints_each_kind() -> None:
    runner = CliRunner()
    names = runner.invoke(main, ["schema"]).output.split()
    assert {"severity", "obligations", "sites", "calendar", "contract", "events", "devices"} <= set(
        names
    )
    for name in names:
        out = runner.invoke(main, ["schema", name])
        assert out.exit_code == 0
        assert json.loads(out.output)["$schema"].startswith("http://json-schema.org/draft-07")
    assert runner.invoke(main, ["schema", "nope"]).exit_code == 2


# ---------------------------------------------------------------- a number changed in YAML only


def test_changing_a_number_in_yaml_changes_the_contract(rules_copy: Path) -> None:
    edit(rules_copy, "response_times.yaml", "serious: 10 min", "serious: 15 min")
    contract = slarules.load(rules_copy)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    assert contract.due("remote_response", start, severity="严重").due == start + timedelta(
        minutes=15
    )
    assert slarules.load().due("remote_response", start, severity="严重").due == start + timedelta(
        minutes=10
    )


def test_values_keyed_by_date_of_effect(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "response_times.yaml",
        "serious: 10 min",
        'serious: [{from: "2019-01-01", value: 10 min}, {from: "2026-07-01", value: 15 min}]',
    )
    contract = slarules.load(rules_copy)
    before = datetime(2026, 6, 30, 23, 59, tzinfo=TZ)
    after = datetime(2026, 7, 1, 0, 0, tzinfo=TZ)
    assert contract.due("remote_response", before, severity="serious").due == before + timedelta(
        minutes=10
    )
    assert contract.due("remote_response", after, severity="serious").due == after + timedelta(
        minutes=15
    )
    assert str(contract.terms_at(before)["remote_response"]["serious"]) == "10 min"
    assert str(contract.terms_at(after)["remote_response"]["serious"]) == "15 min"
    assert contract.terms_at(after)["workaround"]["minor"] is None


# ---------------------------------------------------------------- every error kind


BROKEN = [
    ("syntax", "severity.yaml", "  - id: major\n", "  - id: [major\n", "YAML syntax error"),
    (
        "duplicate key",
        "severity.yaml",
        "    zh: 重大\n",
        "    zh: 重大\n    zh: 重大\n",
        "duplicate key 'zh'",
    ),
    (
        "unknown key",
        "response_times.yaml",
        "    stop: responded\n",
        "    stop: responded\n    budjet: 5 min\n",
        "did you mean 'budget'",
    ),
    ("wrong type", "sites.yaml", "distance_km: 397}", "distance_km: far}", "expected number"),
    (
        "bad duration",
        "response_times.yaml",
        "serious: 10 min",
        "serious: 10 m",
        "minutes are 'min'",
    ),
    (
        "bad date",
        "response_times.yaml",
        "serious: 10 min",
        'serious: [{from: "2026-02-30", value: 10 min}]',
        "no such day",
    ),
    (
        "unknown severity",
        "response_times.yaml",
        "major: 5 min, serious",
        "majr: 5 min, serious",
        "unknown severity 'majr' (did you mean 'major'?)",
    ),
    (
        "unknown site",
        "sites.yaml",
        "sites: [shenyang]}",
        "sites: [shenyan]}",
        "unknown site 'shenyan'",
    ),
    (
        "unknown event",
        "response_times.yaml",
        "stop: onsite_arrived",
        "stop: onsite_arived",
        "unknown event 'onsite_arived' (did you mean 'onsite_arrived'?)",
    ),
    (
        "unknown obligation",
        "response_times.yaml",
        "obligation: remote_response",
        "obligation: remote_respons",
        "unknown obligation 'remote_respons'",
    ),
    (
        "unknown band",
        "response_times.yaml",
        "within_300km: 3 h",
        "within_30km: 3 h",
        "unknown band",
    ),
    (
        "unknown pause",
        "response_times.yaml",
        "pauses: [customer_approval]",
        "pauses: [customer_aproval]",
        "unknown pause",
    ),
    (
        "unknown reading",
        "response_times.yaml",
        "{reading: workaround_start}",
        "{reading: workaround_begin}",
        "unknown reading",
    ),
    ("unit for clock", "reports.yaml", "budget: 2 d", "budget: 48 h", "counts in d"),
    (
        "bad kind",
        "hotline.yaml",
        "kind: Obligations",
        "kind: Obligation",
        "did you mean 'Obligations'",
    ),
]


@pytest.mark.parametrize(
    ("what", "file", "old", "new", "message"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_rules_are_refused_at_their_line(
    rules_copy: Path, what: str, file: str, old: str, new: str, message: str
) -> None:
    edit(rules_copy, file, old, new)
    errors = errors_of(rules_copy)
    matching = [e for e in errors if message in EN.rules_message(e)]
    assert matching, [EN.rules_error(e) for e in errors]
    error = matching[0]
    assert error.location.file.endswith(file)
    expected_line = line_of(rules_copy, file, new.strip().splitlines()[-1].strip())
    assert abs(error.location.line - expected_line) <= 1, str(error)
    assert error.location.column >= 1


def test_all_errors_of_a_run_are_reported(rules_copy: Path) -> None:
    edit(rules_copy, "response_times.yaml", "stop: responded", "stop: respond")
    edit(rules_copy, "reports.yaml", "budget: 24 h", "budget: 24 hours")
    edit(rules_copy, "sites.yaml", "origin: shenyang", "origin: shenyan")
    files = {Path(e.location.file).name for e in errors_of(rules_copy)}
    assert {"response_times.yaml", "reports.yaml", "sites.yaml"} <= files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"- a\n- b\n", "must be a mapping"),
        (b"apiVersion: slarules/v1\nkind: Sites\norigin: \xff\xfe\n", "not valid UTF-8"),
        (b"apiVersion: slarules/v2\nkind: Sites\n", "apiVersion must be"),
    ],
)
def test_file_level_errors(rules_copy: Path, content: bytes, message: str) -> None:
    (rules_copy / "extra.yaml").write_bytes(content)
    errors = errors_of(rules_copy)
    assert any(
        message in EN.rules_message(e) and e.location.file.endswith("extra.yaml") for e in errors
    )


def test_invalid_utf8_points_at_the_line(rules_copy: Path) -> None:
    (rules_copy / "extra.yaml").write_bytes(b"apiVersion: slarules/v1\n\nkind: \xc3\x28\n")
    error = next(e for e in errors_of(rules_copy) if "UTF-8" in EN.rules_message(e))
    assert (error.location.line, error.location.column) == (3, 7)


def test_alias_bomb_is_refused_quickly(rules_copy: Path) -> None:
    lines = [
        "apiVersion: slarules/v1",
        "kind: Devices",
        'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]',
    ]
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    (rules_copy / "bomb.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    started = time.perf_counter()
    errors = errors_of(rules_copy)
    assert time.perf_counter() - started < 5
    assert any("alias bomb" in EN.rules_message(e) for e in errors)


def test_a_tag_that_would_run_code_runs_nothing(rules_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (rules_copy / "evil.yaml").write_text(
        f'apiVersion: slarules/v1\nkind: Devices\ndevices: !!python/object/apply:os.system ["touch {marker}"]\n',
        "utf-8",
    )
    errors = errors_of(rules_copy)
    assert any("not allowed" in EN.rules_message(e) for e in errors)
    assert not marker.exists()


def test_cli_prints_errors_with_exit_2_and_no_traceback(rules_copy: Path) -> None:
    edit(rules_copy, "response_times.yaml", "stop: responded", "stop: respond")
    result = CliRunner().invoke(main, ["validate", "--rules", str(rules_copy), "--lang", "en"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "response_times.yaml:" in result.output and "unknown event 'respond'" in result.output
    chinese = CliRunner().invoke(main, ["validate", "--rules", str(rules_copy), "--lang", "zh"])
    assert "response_times.yaml:" in chinese.output and "没有事件 'respond'" in chinese.output
