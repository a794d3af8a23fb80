"""What an audit says: one :class:`Result` per case and obligation (and period)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from .model import Text, Words

STATUSES = ("met", "breached", "pending", "not_applicable")
STATUS_TEXT = {
    "met": Text("达标", "met"),
    "breached": Text("违约", "breached"),
    "pending": Text("未到期", "pending"),
    "not_applicable": Text("不适用", "not applicable"),
}


# Immutable named tuples rather than frozen dataclasses: an audit builds one
# Finding and one Result per case and obligation, and a frozen dataclass takes
# about four times as long to construct.
class Step(NamedTuple):
    """One line of an explanation."""

    text: Words
    at: datetime | None = None


class Finding(NamedTuple):
    """What a kind module decides for one clock; the engine stamps ids on it."""

    status: str
    reason: Words
    start: datetime | None = None
    due: datetime | None = None
    done: datetime | None = None
    clock: str = ""
    budget: str = ""
    steps: tuple[Step, ...] = ()
    period: str | None = None
    case: str | None = None  # a kind may name its own case (a period, a device)
    details: tuple[tuple[str, object], ...] = ()
    timed: bool = True  # False for a share over a period: it has no lateness


class Result(NamedTuple):
    case: str
    obligation: str
    clause: str
    title: Text
    finding: Finding
    as_of: datetime
    occurrence: int = 1
    steps: tuple[Step, ...] = ()

    @property
    def status(self) -> str:
        return self.finding.status

    @property
    def late_by(self) -> timedelta | None:
        f = self.finding
        if f.due is None or f.status != "breached" or not f.timed:
            return None
        end = f.done or self.as_of
        return max(end - f.due, timedelta(0))

    @property
    def margin(self) -> timedelta | None:
        """Time to spare (positive) or lateness (negative), as of the audit."""
        f = self.finding
        if f.due is None or not f.timed:
            return None
        return f.due - (f.done or self.as_of)

    def with_status(self, status: str, reason: Words) -> Result:
        return self._replace(finding=self.finding._replace(status=status, reason=reason))
