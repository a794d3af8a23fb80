"""One module per obligation kind; the engine looks them up by the rules' ``type``.

Each module has ``TYPE`` (the rules' name for it) and ``evaluate(ctx, ob, case)``
returning findings. The engine, not the kind, stamps case, obligation id and
clause on each.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from . import deadline, max_gap, severity_check, solve_or_escalate

CASE_KINDS: dict[str, ModuleType] = {
    mod.TYPE: mod for mod in (deadline, solve_or_escalate, max_gap, severity_check)
}

Evaluate = Callable[..., list[object]]
