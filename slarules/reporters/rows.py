"""Plain rows of an audit, shared by the reporters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..kinds.common import fmt
from ..model import Contract
from ..results import STATUS_TEXT, STATUSES, Result

if TYPE_CHECKING:
    from . import Counts


def iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return at.isoformat() if not at.microsecond else at.isoformat(timespec="seconds")


def local(at: datetime | None, contract: Contract) -> str:
    """'2026-10-09 14:05 Fri' in the contract's zone; empty for no time."""
    return "" if at is None else fmt(at, contract.tz)


def hours_minutes(delta: timedelta | None) -> str:
    """'5m', '2h05m', '3d 4h05m' (days shown once past 24 hours)."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{sign}{days}d {hours}h{mins:02d}m"
    return f"{sign}{hours}h{mins:02d}m" if hours else f"{sign}{mins}m"


def result_dict(result: Result, times_as_text: bool = True) -> dict[str, Any]:
    """SPEC.md's result object, with a few more fields after the fixed ones.

    Times are ISO 8601 text, or the datetimes themselves for a serializer that
    writes them so (orjson does, faster).
    """
    f = result.finding
    late = result.late_by
    margin = result.margin
    start, due, done = f.start, f.due, f.done
    if times_as_text:
        start, due, done = iso(start), iso(due), iso(done)  # type: ignore[assignment]
    out: dict[str, Any] = {
        "case": result.case,
        "obligation": result.obligation,
        "clause": result.clause,
        "status": result.status,
        "start": start,
        "due": due,
        "done": done,
        "late_by_seconds": None if late is None else int(late.total_seconds()),
        "margin_seconds": None if margin is None else int(margin.total_seconds()),
        "occurrence": result.occurrence,
        "title": {"zh": result.title.zh, "en": result.title.en},
        "reason": {"zh": f.reason.zh, "en": f.reason.en},
        "clock": f.clock or None,
        "budget": f.budget or None,
    }
    if f.period is not None:
        out["period"] = f.period
    return out


def status_label(status: str, lang: str) -> str:
    text = STATUS_TEXT[status]
    return f"{text.zh} {text.en}" if lang == "zh" else f"{text.en} {text.zh}"


def summary_rows(report: Counts, contract: Contract) -> list[list[Any]]:
    """One row per obligation with results, in the contract's order."""
    summary = report.summary()
    return [
        [ob.id, *(summary[ob.id][s] for s in STATUSES)]
        for ob in contract.obligations
        if ob.id in summary
    ]


def records_line(report: Counts, lang: str) -> str:
    if lang == "zh":
        return (
            f"记录: 读取 {report.read} = 使用 {report.used} + 拒绝 {len(report.rejected)}"
            f" (records read = used + rejected)"
        )
    return (
        f"records: read {report.read} = used {report.used} + rejected {len(report.rejected)}"
        f" (读取 = 使用 + 拒绝)"
    )
