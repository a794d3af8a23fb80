"""The language the command speaks: ``--lang``, else the environment's.

Help texts are read by click when the command modules build their options, so
the language is decided once, when the CLI is imported: ``--lang`` in the
command line if it is there, else ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (the
first that is set and not empty, as POSIX reads them): ``zh...`` is Chinese,
``C``, ``POSIX`` or nothing set is the contract's language, Chinese, and any
other language English. A command's ``--lang`` then sets the language of its
output and its messages (:func:`use`).

The words are the ``help:`` and ``cli:`` sections of the wording catalogues.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from ..wording import LANGUAGES, Words, catalogue

# With no language in the environment (unset, C, POSIX): the contract's own.
DEFAULT = "zh"
ENVIRONMENT = ("LC_ALL", "LC_MESSAGES", "LANG")


def from_environment(environ: Mapping[str, str]) -> str:
    """``zh`` or ``en`` from the locale variables (``zh_CN.UTF-8`` -> zh, ``en_US`` -> en)."""
    value = next((environ[v] for v in ENVIRONMENT if environ.get(v)), "")
    name = value.split(".")[0].split("@")[0]
    if name in ("", "C", "POSIX"):
        return DEFAULT
    return "zh" if name.lower().startswith("zh") else "en"


def from_argv(argv: Sequence[str]) -> str | None:
    """The last ``--lang X`` / ``--lang=X`` of a command line (as click takes the last)."""
    chosen = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            chosen = value
    return chosen


_STARTUP = from_argv(sys.argv[1:]) or from_environment(os.environ)
_current = _STARTUP


def startup() -> str:
    """The language decided when the CLI was imported: its help texts' language."""
    return _STARTUP


def current() -> str:
    return _current


def use(lang: str) -> None:
    global _current
    _current = lang


def reset() -> None:
    use(_STARTUP)


def say(key: str, **values: object) -> str:
    """A message of the CLI (``cli:`` section) in the current language."""
    return str(catalogue(_current)["cli"][key]).format(**values)


def words() -> Words:
    """The current language's words for what needs no contract (errors, rejections)."""
    return Words(_current)


def help_text(key: str) -> str:
    """A help text (``help:`` section) in the startup language."""
    return str(catalogue(_STARTUP)["help"][key]).strip()
