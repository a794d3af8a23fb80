"""One kind, one module: the registry, the schema and the loader agree; a new kind is
its module and its schema; the package's import graph has no cycle.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import pkgutil
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

import slarules
import slarules.kinds
from slarules import model as m
from slarules.case import Case
from slarules.durations import Duration
from slarules.kinds import KINDS, register, unregister
from slarules.kinds.base import CLOCK_UNITS, Clocked, Kind, Place, budget_terms
from slarules.kinds.common import Context, clock_code, pick_budget, verdict, what
from slarules.loader import bundled_rules_dir
from slarules.results import Finding
from slarules.schemas import kind_fragment, load_schema, obligations_schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "slarules"
TZ = ZoneInfo("Asia/Shanghai")


def test_every_kind_module_is_registered_and_complete() -> None:
    """As python-holidays checks its countries: no module of kinds/ is left out."""
    helpers = {"base", "common", "window"}
    modules = {
        info.name
        for info in pkgutil.iter_modules(slarules.kinds.__path__)
        if info.name not in helpers
    }
    assert modules == set(KINDS)
    for name in modules:
        module = importlib.import_module(f"slarules.kinds.{name}")
        kind = module.KIND
        assert KINDS[name] is kind and kind.type == name == module.TYPE
        assert issubclass(kind.model, m.Obligation)
        assert kind.scope in ("case", "window")
        overridden = {attr for attr in vars(type(kind)) if not attr.startswith("_")}
        assert "build" in overridden
        assert ("compile" in overridden) if kind.scope == "case" else ("evaluate" in overridden)


def test_the_schema_lists_exactly_the_registered_kinds_with_their_fragments() -> None:
    schema = obligations_schema()
    obligation = schema["definitions"]["obligation"]
    assert obligation["properties"]["type"]["enum"] == list(KINDS)
    branches = {b["if"]["properties"]["type"]["const"]: b["then"] for b in obligation["allOf"]}
    assert branches == {name: kind_fragment(kind.schema) for name, kind in KINDS.items()}
    for name, fragment in branches.items():
        assert fragment["properties"]["type"] == {"const": name}


def test_the_shipped_obligations_schema_is_the_assembled_one() -> None:
    """Editors read the file; the loader assembles it. Regenerate with
    `python -m slarules schema obligations > slarules/schemas/obligations.schema.json`."""
    shipped = json.loads((PACKAGE / "schemas" / "obligations.schema.json").read_text("utf-8"))
    assert shipped == obligations_schema()


def test_the_loader_builds_every_bundled_kind_through_the_registry() -> None:
    contract = slarules.load()
    used = {ob.type for ob in contract.obligations}
    assert used == set(KINDS)
    for ob in contract.obligations:
        assert isinstance(ob, KINDS[ob.type].model)


def _outside_kinds() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "kinds" not in p.relative_to(PACKAGE).parts]


def test_no_kind_name_outside_its_module() -> None:
    """Every module outside kinds/ asks the registry, never a kind by name."""
    names = set(KINDS)
    outside = _outside_kinds()
    assert len(outside) > 50
    for path in outside:
        strings = {
            node.value
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not strings & names, (path.name, strings & names)


def test_no_kind_module_or_attribute_outside_kinds() -> None:
    """Outside kinds/ no module imports a kind's module (only the registry and the helpers
    base, common, window) or reads a kind's own attribute by name (getattr, hasattr)."""
    helpers = {"slarules.kinds", "slarules.kinds.base", "slarules.kinds.common"}
    helpers.add("slarules.kinds.window")
    own = {f.name for kind in KINDS.values() for f in dataclasses.fields(kind.model)}
    own -= {f.name for f in dataclasses.fields(m.Obligation)}
    assert {"per", "requires", "conflicts_with", "budget"} <= own
    for path in _outside_kinds():
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        imported = {i for i in _imports(path, module) if i.startswith("slarules.kinds")}
        assert imported <= helpers, (path.name, imported - helpers)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                assert node.args[1].value not in own, (path.name, node.lineno, node.args[1].value)


def test_what_the_tools_ask_of_an_obligation_its_kind_answers() -> None:
    """The words, the lint and the monthly summary ask the kind, by these questions."""
    contract = slarules.load()

    def asked(question: Callable[[Kind, m.Obligation], object]) -> dict[str, object]:
        found = {ob.id: question(KINDS[ob.type], ob) for ob in contract.obligations}
        return {ob: answer for ob, answer in found.items() if answer}

    assert asked(lambda kind, ob: kind.per_device(ob)) == {"monthly_inspection": True}
    assert asked(lambda kind, ob: kind.share(ob)) == {"hotline_service_level": True}
    assert asked(lambda kind, ob: kind.conflict(ob)) == {
        "general_response": ("remote_response", "minor_response_conflict")
    }
    sections = asked(lambda kind, ob: kind.sections(ob))
    assert list(sections) == ["fault_report"] and len(sections["fault_report"]) == 7  # type: ignore[arg-type]


# ---------------------------------------------------------------- a new kind


@dataclass(frozen=True, slots=True)
class Acknowledge(m.Obligation):
    """A test kind: from ``start`` to the first ``stop`` within a budget, no table, no pause."""

    start: str
    stop: str
    clock: str
    budget: m.Budget


class AcknowledgeKind(Kind):
    type = "acknowledge"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "clause", "title", "type", "start", "stop", "clock", "budget"],
        "properties": {
            "id": {"type": "string"},
            "clause": {"type": "string"},
            "title": {"$ref": "#/definitions/title"},
            "stated": {"type": "boolean"},
            "type": {"const": "acknowledge"},
            "start": {"type": "string"},
            "stop": {"type": "string"},
            "clock": {"enum": ["elapsed"]},
            "budget": {"$ref": "#/definitions/budget"},
        },
    }
    model = Acknowledge

    def build(self, place: Place, base: dict[str, Any]) -> Acknowledge:
        return Acknowledge(
            **base,
            start=place.event("start"),
            stop=place.event("stop"),
            clock=place.raw["clock"],
            budget=place.budget("budget", CLOCK_UNITS["elapsed"]),
        )

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        assert isinstance(ob, Acknowledge)
        return budget_terms(ob.budget, instant)

    def counts_days(self, ob: m.Obligation) -> bool:
        return False

    def starts(self, ob: m.Obligation) -> str:
        assert isinstance(ob, Acknowledge)
        return ob.start

    def clocked(self, ob: m.Obligation) -> Clocked:
        assert isinstance(ob, Acknowledge)
        return Clocked(ob.start, ob.clock, ob.budget)

    def compile(self, ctx: Context, ob: m.Obligation) -> Callable[[Case], list[Finding]]:
        assert isinstance(ob, Acknowledge)
        return partial(_acknowledge, ctx, ob)


def _acknowledge(ctx: Context, ob: Acknowledge, case: Case) -> list[Finding]:
    start = case.all(ob.start)[0].at
    duration = pick_budget(ctx, case, ob.budget, start).duration
    assert duration is not None
    due = ctx.clocks.due(ob.clock, start, duration)
    stop = case.first(ob.stop)
    done = None if stop is None else stop.at
    status = verdict(due, done, ctx.as_of)
    code = clock_code(status, done)
    return [Finding(status, code, start, due, done, ob.clock, duration, values=what(ob.stop))]


NEW_OBLIGATION = """apiVersion: slarules/v1
kind: Obligations
obligations:
  - id: complaint_acknowledged
    clause: "test"
    title: {zh: 投诉确认, en: complaint acknowledged}
    type: acknowledge
    start: complaint_received
    stop: complaint_replied
    clock: elapsed
    budget: 10 min
"""


@pytest.fixture
def acknowledge_kind() -> Any:
    kind = register(AcknowledgeKind())
    yield kind
    unregister(kind.type)


def test_a_new_kind_is_one_module_plus_its_schema(acknowledge_kind: Kind, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules, ignore=shutil.ignore_patterns("tests"))
    (rules / "acknowledge.yaml").write_text(NEW_OBLIGATION, "utf-8")
    contract = slarules.load(rules)
    ob = contract.obligation("complaint_acknowledged")
    assert isinstance(ob, Acknowledge)
    assert (
        "acknowledge"
        in load_schema("Obligations")["definitions"]["obligation"]["properties"]["type"]["enum"]
    )
    records = [
        {"case": "C", "event": "complaint_received", "at": "2026-10-09T09:00+08:00"},
        {"case": "C", "event": "complaint_replied", "at": "2026-10-09T09:12+08:00"},
    ]
    report = contract.audit(records, as_of=datetime(2026, 11, 1, tzinfo=TZ))
    (result,) = [r for r in report.results if r.obligation == "complaint_acknowledged"]
    assert result.status == "breached" and result.late_by is not None
    assert result.late_by.total_seconds() == 120
    start = datetime(2026, 10, 9, 9, 0, tzinfo=TZ)
    assert contract.due("complaint_acknowledged", start).due == datetime(
        2026, 10, 9, 9, 10, tzinfo=TZ
    )
    assert str(contract.terms_at(start)["complaint_acknowledged"][""]) == "10 min"
    # Its schema is enforced like any other: a wrong clock is a located error.
    (rules / "acknowledge.yaml").write_text(
        NEW_OBLIGATION.replace("elapsed", "working_days"), "utf-8"
    )
    with pytest.raises(slarules.RulesInvalid) as caught:
        slarules.load(rules)
    words = [slarules.Words("en").rules_error(e) for e in caught.value.errors]
    assert any("acknowledge.yaml" in e and "clock" in e for e in words)


def test_an_unregistered_kind_is_unknown_to_the_schema(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules, ignore=shutil.ignore_patterns("tests"))
    (rules / "acknowledge.yaml").write_text(NEW_OBLIGATION, "utf-8")
    with pytest.raises(slarules.RulesInvalid) as caught:
        slarules.load(rules)
    words = [slarules.Words("en").rules_error(e) for e in caught.value.errors]
    assert any("'acknowledge' is not one of" in e for e in words)


# ---------------------------------------------------------------- no import cycle


def _imports(path: Path, module: str) -> set[str]:
    """Every slarules module ``module`` imports, at any depth of its source (functions too)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("slarules"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("slarules"):
                continue
            found.add(target)
            for alias in node.names:  # `from . import model` imports the module model
                candidate = f"{target}.{alias.name}"
                if _module_path(candidate) is not None:
                    found.add(candidate)
    return found


def _module_path(module: str) -> Path | None:
    parts = module.split(".")[1:]
    file = PACKAGE.joinpath(*parts).with_suffix(".py")
    if file.exists():
        return file
    init = PACKAGE.joinpath(*parts, "__init__.py")
    return init if init.exists() else None


def test_the_package_has_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        module = ".".join(parts)
        graph[module] = {m for m in _imports(path, module) if m != module and m in _all(PACKAGE)}
    # A package imports its own submodules' names through __init__; that is not a cycle of
    # the code, so a package's edge to its parent is left out (slarules.kinds.x -> slarules.kinds).
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _all(package: Path) -> set[str]:
    out = set()
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.add(".".join(parts))
    return out
