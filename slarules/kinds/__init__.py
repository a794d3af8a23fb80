"""One module per obligation kind; the engine looks them up by the rules' ``type``.

Each module has ``TYPE`` (the rules' name for it) and ``evaluate(ctx, ob, case)``
returning findings. The engine, not the kind, stamps case, obligation id and
clause on each.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    advance_notice,
    deadline,
    max_gap,
    min_duration,
    periodic,
    service_level,
    severity_check,
    solve_or_escalate,
)

# Clocks on one case: evaluate(ctx, ob, case).
CASE_KINDS: dict[str, ModuleType] = {
    mod.TYPE: mod for mod in (deadline, solve_or_escalate, max_gap, severity_check)
}
# Duties over the audit window: evaluate(window_context, ob).
WINDOW_KINDS: dict[str, ModuleType] = {
    mod.TYPE: mod for mod in (periodic, advance_notice, min_duration, service_level)
}
