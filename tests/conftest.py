from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import slarules
from slarules.loader import bundled_rules_dir

RULES = bundled_rules_dir()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def contract() -> slarules.Contract:
    return slarules.load()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled rules (YAML files only)."""
    target = tmp_path / "rules"
    target.mkdir()
    for file in RULES.glob("*.yaml"):
        shutil.copy(file, target / file.name)
    return target
