"""What an audit says: one :class:`Result` per case and obligation (and period)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .model import Text, Words

STATUSES = ("met", "breached", "pending", "not_applicable")
STATUS_TEXT = {
    "met": Text("达标", "met"),
    "breached": Text("违约", "breached"),
    "pending": Text("未到期", "pending"),
    "not_applicable": Text("不适用", "not applicable"),
}


@dataclass(frozen=True, slots=True)
class Step:
    """One line of an explanation."""

    text: Words
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Finding:
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


@dataclass(frozen=True, slots=True)
class Result:
    case: str
    obligation: str
    clause: str
    title: Text
    finding: Finding
    as_of: datetime
    occurrence: int = 1
    steps: tuple[Step, ...] = field(default=())

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
        return replace(self, finding=replace(self.finding, status=status, reason=reason))
