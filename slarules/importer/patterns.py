"""Regular expressions of a mapping, matched in linear time (RE2).

A mapping is input too: Python's backtracking ``re`` takes exponential time on
patterns such as ``^(a+)+$`` (12 s at 28 characters, doubling with each). RE2
matches any pattern in time linear in the text, so no export can hang an
import. It lacks what cannot be matched so (backreferences, lookarounds); such a
pattern is refused when the mapping is loaded, at its line and column.
"""

from __future__ import annotations

import re
from typing import Protocol

import re2

from ..messages import Problem


class Pattern(Protocol):
    """What the importer needs of a compiled pattern."""

    def search(self, text: str) -> object | None: ...


class PatternError(Problem):
    """A pattern that cannot be used: its code and values name the pattern and why."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would also write each error to standard error
    return options


_OPTIONS = _options()


def compile_pattern(text: str) -> Pattern:
    """``text`` compiled with RE2; :class:`PatternError` when it is not a usable pattern."""
    try:
        compiled: Pattern = re2.compile(text, _OPTIONS)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else exc
        why = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        try:
            re.compile(text)
        except re.error as python_error:  # its words (and position) are a value
            raise PatternError("mapping.bad_regex", pattern=text, why=str(python_error)) from None
        raise PatternError("mapping.not_linear", pattern=text, why=why) from None
    return compiled
