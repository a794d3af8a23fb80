"""Conditions as a closed tree of data: ``all`` / ``any`` / ``not`` over ``fact op value``.

Nothing is parsed from an expression string and nothing is evaluated as code:
the engine walks the tree. ``gt`` and ``ge`` are separate operators so the
contract's boundary words (超过 vs 以上) stay visible.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeAlias, Union

Value: TypeAlias = Union[float, timedelta]  # noqa: UP007 - a runtime alias on 3.10

OPS: dict[str, Callable[[Value, Value], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "eq": operator.eq,
    "ne": operator.ne,
}

OP_SYMBOLS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "=", "ne": "!="}


@dataclass(frozen=True, slots=True)
class Compare:
    fact: str
    op: str
    value: Value

    def evaluate(self, facts: Mapping[str, Value | None]) -> bool | None:
        """True/False, or None when the fact is unknown."""
        actual = facts.get(self.fact)
        if actual is None:
            return None
        return OPS[self.op](actual, self.value)

    def describe(self) -> str:
        value = self.value
        shown = f"{value.total_seconds() / 3600:g} h" if isinstance(value, timedelta) else value
        return f"{self.fact} {OP_SYMBOLS[self.op]} {shown}"


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]

    def evaluate(self, facts: Mapping[str, Value | None]) -> bool | None:
        results = [item.evaluate(facts) for item in self.items]
        if False in results:
            return False
        return None if None in results else True

    def describe(self) -> str:
        return " and ".join(f"({i.describe()})" for i in self.items)


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Condition, ...]

    def evaluate(self, facts: Mapping[str, Value | None]) -> bool | None:
        results = [item.evaluate(facts) for item in self.items]
        if True in results:
            return True
        return None if None in results else False

    def describe(self) -> str:
        return " or ".join(f"({i.describe()})" for i in self.items)


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition

    def evaluate(self, facts: Mapping[str, Value | None]) -> bool | None:
        result = self.item.evaluate(facts)
        return None if result is None else not result

    def describe(self) -> str:
        return f"not ({self.item.describe()})"


Condition: TypeAlias = Union[Compare, All, Any_, Not]  # noqa: UP007
