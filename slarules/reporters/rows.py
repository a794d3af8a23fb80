"""Plain rows of an audit, shared by the reporters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..kinds.common import fmt
from ..model import Contract
from ..results import STATUS_TEXT, STATUSES, Result
from ..zones import LocalTimes

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


def result_dict(
    result: Result, local: LocalTimes | None = None, times_as_text: bool = True
) -> dict[str, Any]:
    """SPEC.md's result object, with a few more fields after the fixed ones.

    Times are in the contract's zone (``local``), as ISO 8601 text, or the
    datetimes themselves for a serializer that writes them so (orjson does, faster).
    """
    f = result.finding
    late = result.late_by
    margin = result.margin
    start, due, done = f.start, f.due, f.done
    if local is not None:
        start, due, done = (None if t is None else local(t) for t in (start, due, done))
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


def record_counts(report: Counts) -> dict[str, int]:
    """``read = used + duplicates + after_as_of + rejected``, as SPEC.md's ``records``."""
    return {
        "read": report.read,
        "used": report.used,
        "duplicates": report.duplicates,
        "after_as_of": report.after_as_of,
        "rejected": len(report.rejected),
    }


def records_line(report: Counts, lang: str) -> str:
    n = record_counts(report)
    if lang == "zh":
        dup = f" + 重复 {n['duplicates']}" if n["duplicates"] else ""
        return (
            f"记录: 读取 {n['read']} = 使用 {n['used']}{dup}"
            f" + 晚于截至时间 {n['after_as_of']} + 拒绝 {n['rejected']}"
        )
    dup = f" + duplicates {n['duplicates']}" if n["duplicates"] else ""
    return (
        f"records: read {n['read']} = used {n['used']}{dup}"
        f" + after as-of {n['after_as_of']} + rejected {n['rejected']}"
    )


def unjudged_lines(report: Counts, contract: Contract, lang: str) -> list[str]:
    """One line per duty not judged, with why (the footer of tables and reports)."""
    lines = []
    for u in report.unjudged:
        names = [
            contract.events[e].title.pick(lang) if e in contract.events else e for e in u.events
        ]
        if lang == "zh":
            lines.append(
                f"未评判: {u.obligation} {u.title.zh} [{u.clause}]: 日志中没有"
                f"{'或'.join(names)}记录, 无从证明其缺失 (--judge-all 照常评判)"
            )
        else:
            lines.append(
                f"not judged: {u.obligation} ({u.title.en}) [{u.clause}]: the logs hold no "
                f"{' or '.join(names)} event, so its absence proves nothing (--judge-all judges it)"
            )
    return lines


def warning_lines(report: Counts, contract: Contract, lang: str) -> list[str]:
    """One line per kind of warning, with its count and the first cases."""
    lines = []
    for w in report.warnings:
        title = contract.events[w.event].title.pick(lang) if w.event in contract.events else w.event
        cases = ", ".join(w.cases)
        if lang == "zh":
            lines.append(
                f"警告: {w.count} 个{title} ({w.event}) 之前没有对应的开始事件 (案件 {cases})"
            )
        else:
            lines.append(
                f"warning: {w.count} {w.event} ({title}) with no open start to end (cases {cases})"
            )
    return lines
