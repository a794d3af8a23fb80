from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import slarules
from slarules.loader import bundled_rules_dir

# The CLI's language comes from the locale (slarules/cli/language.py), read when the CLI
# is imported (slarules alone does not import it): the tests run with none set, so in the
# default language, Chinese, whatever the developer's locale (their subprocesses too).
# Tests of English messages say --lang en.
for _variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
    os.environ.pop(_variable, None)

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
