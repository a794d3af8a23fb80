"""Errors that point at a place: ``file:line:column: message``."""

from __future__ import annotations

from dataclasses import dataclass


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
    """One problem found in a rules file."""

    location: Location
    message: str
    path: tuple[str | int, ...] = ()
    severity: str = "error"  # "error" | "warning"
    clause: str = ""

    def __str__(self) -> str:
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {label}{self.message}"


class RulesInvalid(Exception):
    """The rules cannot be loaded; carries every error of the run."""

    def __init__(self, errors: list[RuleError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
