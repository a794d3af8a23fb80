"""Law: random edits of valid rules files never raise anything but RulesInvalid,
and every error points inside the rules directory, at a line of the file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slarules.errors import RulesInvalid
from slarules.loader import bundled_rules_dir, load_contract, read_document
from slarules.yamlsource import MAX_DEPTH

RULES = bundled_rules_dir()
FILES = sorted(p.name for p in RULES.glob("*.yaml") if p.name != "calendar.yaml")
NOISE = st.text(alphabet=list(" :-{}[],&*!|>#'\"\n\t0123456789abcxyz_é沈"), min_size=1, max_size=12)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FILES))
    text = (RULES / name).read_text("utf-8")
    at = draw(st.integers(0, len(text)))
    action = draw(st.sampled_from(["insert", "delete", "replace", "dup_line", "bytes"]))
    if action == "insert":
        text = text[:at] + draw(NOISE) + text[at:]
    elif action == "delete":
        text = text[:at] + text[at + draw(st.integers(1, 40)) :]
    elif action == "replace":
        text = text[:at] + draw(NOISE) + text[at + draw(st.integers(1, 12)) :]
    elif action == "dup_line":
        lines = text.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        text = "".join(lines)
    raw = text.encode("utf-8")
    if action == "bytes":
        raw = (
            raw[:at] + bytes(draw(st.lists(st.integers(0, 255), min_size=1, max_size=4))) + raw[at:]
        )
    return name, raw


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_random_edits_never_crash_and_errors_point_inside(edit: tuple[str, bytes]) -> None:
    name, raw = edit
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "rules"
        shutil.copytree(
            RULES, target, ignore=shutil.ignore_patterns("*.py", "tests", "__pycache__")
        )
        (target / name).write_bytes(raw)
        try:
            load_contract(target)
        except RulesInvalid as exc:
            assert exc.errors
            for error in exc.errors:
                path = Path(error.location.file)
                assert path == target or path.parent == target, error
                if path.is_file():
                    # YAML, like editors, breaks lines at \r as well as \n.
                    lines = len(path.read_bytes().splitlines()) + 1
                    assert 1 <= error.location.line <= lines, error


# Deep nesting: flow and block collections mixed, to a few hundred levels (PyYAML composes
# recursively, so this used to be a RecursionError). Past MAX_DEPTH it is one located error.
OPENERS = {"seq": ("[", "]"), "map": ("{k: ", "}")}


@st.composite
def deep_documents(draw: st.DrawFn) -> tuple[int, str]:
    n = draw(st.integers(1, 500))  # about the limit, and far past it
    kinds = draw(st.lists(st.sampled_from(["seq", "map", "block"]), min_size=n, max_size=n))
    # Block sequences nest compactly ("- - - x") and must come before (outside) flow ones.
    blocks = sum(1 for k in kinds if k == "block")
    flows = [k for k in kinds if k != "block"]
    body = "".join(OPENERS[k][0] for k in flows) + "x" + "".join(OPENERS[k][1] for k in flows[::-1])
    text = f"apiVersion: slarules/v1\nkind: Devices\ndevices:\n  {'- ' * blocks}{body}\n"
    return 1 + len(kinds), text


@settings(max_examples=40, deadline=None)
@given(deep_documents())
def test_deep_nesting_is_one_located_error(document: tuple[int, str]) -> None:
    depth, text = document
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deep.yaml"
        path.write_text(text, "utf-8")
        try:
            read_document(path, "Devices")
            deep = []
        except RulesInvalid as exc:
            deep = [e for e in exc.errors if e.code == "yaml.too_deep"]
            for error in exc.errors:
                assert error.location.file == str(path)
                assert 1 <= error.location.line <= text.count("\n") + 1, error
    assert len(deep) == (1 if depth > MAX_DEPTH else 0), (depth, deep)
