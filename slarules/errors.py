"""Errors that point at a place: ``file:line:column: message``.

A :class:`RuleError` is a code and its values (see :mod:`slarules.messages`);
its words, in Chinese or English, are :mod:`slarules.wording`'s:
``Words(lang).rules_error(error)`` is the located line, ``rules_message`` the
message alone. ``str()`` is the error without words,
``file:line:column: code (name=value, ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import Values, describe


def short_repr(value: object, limit: int = 60) -> str:
    """``repr`` of a value, cut short: an error line stays one readable line."""
    shown = repr(value)
    if len(shown) <= limit:
        return shown
    return f"{shown[: limit - 20]}...{shown[-12:]} ({len(shown):,} chars)"


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True, slots=True)
class RuleError:
    """One problem found in a rules (mapping, test-case) file: a code and its values.

    The codes and their words are the ``rules:`` section of the catalogues (the
    warnings of ``slarules validate``: ``lint:``).
    """

    location: Location
    code: str
    values: Values = ()
    path: tuple[str | int, ...] = ()
    severity: str = "error"  # "error" | "warning"
    clause: str = ""

    def __str__(self) -> str:
        """``file:line:column: code (values)``: the error without words (see the module)."""
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {label}{describe(self.code, self.values)}"


class RulesInvalid(Exception):
    """The rules cannot be loaded; carries every error of the run."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
