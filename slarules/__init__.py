"""slarules: a service-level contract as data; deadlines and audits, clause by clause.

>>> import slarules
>>> contract = slarules.load()                      # the bundled contract
>>> d = contract.due("remote_response", start, severity="严重")
>>> report = contract.audit(records, as_of=as_of)   # records: SPEC.md log lines as dicts
>>> for clock in contract.open_clocks(records, now): ...  # what is running, time left
"""

from __future__ import annotations

import os

from .api import Contract
from .engine import AuditReport, Deadline
from .errors import RuleError, RulesInvalid
from .events import Event, Rejection
from .live import OpenClock, OpenReport
from .results import Result
from .wording import Wording, Words

__all__ = [
    "AuditReport",
    "Contract",
    "Deadline",
    "Event",
    "OpenClock",
    "OpenReport",
    "Rejection",
    "Result",
    "RuleError",
    "RulesInvalid",
    "Wording",
    "Words",
    "load",
]


def load(rules: str | os.PathLike[str] | None = None) -> Contract:
    """Load a rules directory (default: ``SLARULES_RULES`` or the bundled contract).

    Raises :class:`RulesInvalid` with every error, each at ``file:line:column``.
    """
    from .loader import load_contract

    return Contract.of(load_contract(rules))
