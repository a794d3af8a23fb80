from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
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


EXAMPLE_LOG = str(ROOT / "examples" / "october-2026.jsonl")


@pytest.fixture(scope="session")
def example_output() -> Callable[..., str]:
    """What a command writes to standard output on the example month; each run is made
    once and shared (the golden files, the language and the table-width tests read the
    same outputs)."""
    from unittest import mock

    from click.testing import CliRunner

    import slarules.loader
    from slarules.cli import main

    # The bundled rules are loaded once for all these runs (0.15 s each time otherwise).
    bundled = slarules.loader.load_contract(None)

    def load(rules: object = None) -> slarules.Contract:
        assert rules is None
        return bundled

    @functools.cache
    def run(*args: str) -> str:
        with mock.patch.object(slarules.loader, "load_contract", load):
            result = CliRunner().invoke(main, [EXAMPLE_LOG if a == "LOG" else a for a in args])
        assert result.exit_code in (0, 1), result.output  # 1: the month has breaches
        assert result.stderr == "", result.stderr
        return result.stdout

    return run
