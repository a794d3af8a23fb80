"""The example month's output, word for word, in both languages; and each language alone.

Golden files: every audit format and a few explanations (``tests/golden/``), so that
a change of wording or layout shows in review. Regenerate with ``SLARULES_REGOLD=1``
after an intended change, and read the diff.

One language: Chinese output holds no English word, English output no Chinese
character, once the ids are taken out (obligations, cases, events, devices, clause
references, ``readings.x = y``, options, the zone) and the contract's own title.
"""

from __future__ import annotations

import difflib
import functools
import html
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import slarules

GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLE_LOG = GOLDEN.parent.parent / "examples" / "october-2026.jsonl"
ASSESSMENT = EXAMPLE_LOG.parent / "assessment.yaml"
AUDIT = ("audit", "LOG", "--as-of", "2026-11-01")  # a fixed as-of: the same output any day
FORMATS = {"table": "table.txt", "json": "json", "csv": "csv", "markdown": "md"}
# A breached escalation and an overlap of levels; customer-approval pauses; a period (the
# hotline's share, the monthly summary not yet due).
EXPLAINED = ("INC-2610-004", "INC-2610-010", "2026-10")
LANGS = ("zh", "en")

Output = Callable[..., str]


def _same_as_golden(text: str, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("SLARULES_REGOLD"):
        golden.write_text(text, "utf-8")
    expected = golden.read_text("utf-8")
    if text != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), name, "now", lineterm="", n=1
        )
        pytest.fail("\n".join(list(diff)[:40]))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_audit_matches_the_golden_file(example_output: Output, fmt: str, lang: str) -> None:
    text = example_output(*AUDIT, "--format", fmt, "--lang", lang)
    _same_as_golden(text, f"audit-2026-10.{lang}.{FORMATS[fmt]}")


# Clocks overdue, past a threshold and below; devices' inspections still due this month.
OPEN = ("open", "LOG", "--as-of", "2026-10-20 12:00")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_open_matches_the_golden_file(example_output: Output, fmt: str, lang: str) -> None:
    text = example_output(*OPEN, "--format", fmt, "--lang", lang)
    _same_as_golden(text, f"open-2026-10-20.{lang}.{FORMATS[fmt]}")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", EXPLAINED)
def test_explain_matches_the_golden_file(example_output: Output, case: str, lang: str) -> None:
    text = example_output("explain", "LOG", case, "--as-of", "2026-11-01", "--lang", lang)
    _same_as_golden(text, f"explain-{case}.{lang}.txt")


def test_the_golden_json_is_spec_shaped_and_says_the_same_in_both_languages() -> None:
    """The two languages differ in the words only: same results, same codes, same times."""
    zh, en = (
        json.loads((GOLDEN / f"audit-2026-10.{lang}.json").read_text("utf-8")) for lang in LANGS
    )
    assert (
        zh["records"]
        == en["records"]
        == {
            "read": 417,
            "used": 417,
            "duplicates": 0,
            "after_as_of": 0,
            "rejected": 0,
        }
    )
    words = {"title", "reason"}
    for a, b in zip(zh["results"], en["results"], strict=True):
        assert {k: v for k, v in a.items() if k not in words} == {
            k: v for k, v in b.items() if k not in words
        }
    assert zh["summary"] == en["summary"]


# ---------------------------------------------------------------- one language


def _human_outputs(example_output: Output, lang: str) -> Iterator[tuple[str, str]]:
    """Every format written for people, on the example month."""
    yield "table", example_output(*AUDIT, "--lang", lang)
    yield "markdown", example_output(*AUDIT, "--format", "markdown", "--lang", lang)
    for case in EXPLAINED:
        yield case, example_output("explain", "LOG", case, "--as-of", "2026-11-01", "--lang", lang)
    report = ("report", "--month", "2026-10", "LOG", "--as-of", "2026-11-10", "--lang", lang)
    yield "report", example_output(*report)
    quarter = ("report", "--quarter", "2026-Q4", "LOG", "--as-of", "2026-11-10", "--lang", lang)
    yield "report quarter", example_output(*quarter)
    yield "report assessed", example_output(*report, "--assessment", str(ASSESSMENT))
    page = example_output(*report, "--format", "html")
    page = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.DOTALL)
    yield "report html", html.unescape(page)
    for fmt in ("table", "markdown"):
        yield f"open {fmt}", example_output(*OPEN, "--format", fmt, "--lang", lang)
    for where in (("--severity", "serious", "--site", "dalian"), ("--distance-km", "900")):
        yield "due", example_output("due", "--start", "2026-10-09 14:05", *where, "--lang", lang)


def _ids(contract: slarules.Contract, text: str) -> set[str]:
    """What is printed as it is in either language: ids, clause references, notations."""
    ids = {ob.id for ob in contract.obligations} | set(contract.events)
    ids |= {d.id for d in contract.devices}
    ids |= {ref for ob in contract.obligations for ref in ob.clause.split(", ")}
    ids |= set(re.findall(r"\b(?:INC|CMP|Q|INSP|TX|TRN|SUM|MNT|PRB)-\d{4}-\d+\b", text))  # cases
    ids |= {getattr(contract.tz, "key", ""), contract.title.zh, contract.title.en}
    return ids


@functools.cache
def _log_texts() -> frozenset[str]:
    """The example log's own words (a fault's description, a part's name, a signatory):
    quoted as written in either language, like the contract's names."""
    texts = set()
    for line in EXAMPLE_LOG.read_text("utf-8").splitlines():
        record = json.loads(line)
        texts |= {
            value.strip()
            for key, value in record.items()
            if key not in ("case", "event", "at")
            and isinstance(value, str)
            and not value[:1].isdigit()
        }
    return frozenset(texts)


def _without_ids(contract: slarules.Contract, text: str) -> str:
    text = re.sub(r"readings\.\w+( = \w+)?|--[a-z][a-z-]*|[\w/.-]+\.yaml\b", " ", text)
    for name in sorted(_ids(contract, text) | _log_texts(), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_alone(
    example_output: Output, contract: slarules.Contract, lang: str
) -> None:
    for name, text in _human_outputs(example_output, lang):
        assert text.strip(), name
        rest = _without_ids(contract, text)
        if lang == "zh":
            found = sorted(set(re.findall(r"[A-Za-z]{2,}", rest)))
        else:
            found = sorted(set(CJK.findall(rest)))
        assert not found, f"{name} in {lang}: {found}"


def test_the_check_finds_a_word_of_the_other_language(contract: slarules.Contract) -> None:
    """The stripping takes ids out, not the words around them."""
    text = "INC-2610-004 escalate_l3 3/2.1 step 17 readings.solved_means = restored 超时 late"
    assert re.findall(r"[A-Za-z]{2,}", _without_ids(contract, text)) == ["late"]
    assert CJK.findall(_without_ids(contract, text)) == ["超", "时"]
