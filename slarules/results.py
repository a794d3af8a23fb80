"""What an audit says: one :class:`Result` per case and obligation (and period).

Findings carry no words: a reason is a code (``clock.late``) and the values it
needs (times as datetimes, durations as timedeltas, names as :class:`Ref`),
and :mod:`slarules.wording` turns them into Chinese or English when, and only
when, something is written out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from .durations import Duration
from .messages import NO_VALUES, Msg, Ref, Values
from .model import Text

__all__ = [
    "NO_VALUES",
    "STATUSES",
    "Finding",
    "Msg",
    "Ref",
    "Result",
    "Step",
    "Values",
]

STATUSES = ("met", "breached", "pending", "not_applicable")


# Immutable named tuples rather than frozen dataclasses: an audit builds one
# Finding and one Result per case and obligation, and a frozen dataclass takes
# about four times as long to construct.
class Step(NamedTuple):
    """One line of an explanation."""

    code: str
    values: Values = ()
    at: datetime | None = None


class Finding(NamedTuple):
    """What a kind module decides for one clock; the engine stamps ids on it.

    ``code`` and ``values`` are the reason; besides its own values, a reason may
    name the finding's ``start``, ``due``, ``done`` and the audit's ``as_of``
    (and ``late``, ``spare``, ``overdue`` computed from them).
    """

    status: str
    code: str
    start: datetime | None = None
    due: datetime | None = None
    done: datetime | None = None
    clock: str = ""
    budget: Duration | None = None
    steps: tuple[Step, ...] = ()
    period: str | None = None
    case: str | None = None  # a kind may name its own case (a period, a device)
    details: tuple[tuple[str, object], ...] = ()
    timed: bool = True  # False for a share over a period: it has no lateness
    values: Values = ()


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

    def with_status(self, status: str, code: str, values: Values = ()) -> Result:
        return self._replace(finding=self.finding._replace(status=status, code=code, values=values))
