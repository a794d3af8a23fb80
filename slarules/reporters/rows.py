"""Plain rows of an audit, shared by the reporters; words come from :mod:`slarules.wording`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..model import Contract
from ..results import STATUSES, Result
from ..wording import Wording
from ..zones import LocalTimes

if TYPE_CHECKING:
    from . import Counts


def iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    return at.isoformat() if not at.microsecond else at.isoformat(timespec="seconds")


def result_dict(
    result: Result,
    local: LocalTimes | None = None,
    words: Wording | None = None,
    times_as_text: bool = True,
) -> dict[str, Any]:
    """SPEC.md's result object, with a few more fields after the fixed ones.

    Times are in the contract's zone (``local``), as ISO 8601 text, or the
    datetimes themselves for a serializer that writes them so (orjson does,
    faster). With ``words`` the title and the reason are in its language;
    ``reason_code`` is the reason's code either way.
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
        "title": result.title.pick(words.lang) if words else None,
        "reason": words.reason(result) if words else None,
        "reason_code": f.code,
        "clock": f.clock or None,
        "budget": f.budget.label if f.budget is not None else None,
    }
    if f.period is not None:
        out["period"] = f.period
    return out


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


def records_line(report: Counts, words: Wording) -> str:
    n = record_counts(report)
    duplicates = words.label("duplicates", n=n["duplicates"]) if n["duplicates"] else ""
    return words.label(
        "records",
        read=n["read"],
        used=n["used"],
        duplicates=duplicates,
        after_as_of=n["after_as_of"],
        rejected=n["rejected"],
    )


def unjudged_reason(events: tuple[str, ...], words: Wording) -> str:
    return words.label("unjudged_reason", events=_alternatives(events, words))


def _alternatives(events: tuple[str, ...], words: Wording) -> str:
    names = [words.name_of_event(e) for e in events]
    return str(words.data["format"]["or"]).join(names)


def unjudged_lines(report: Counts, words: Wording) -> list[str]:
    """One line per duty not judged, with why (the footer of tables and reports)."""
    return [
        words.label(
            "unjudged",
            obligation=u.obligation,
            title=u.title.pick(words.lang),
            clause=u.clause,
            events=_alternatives(u.events, words),
        )
        for u in report.unjudged
    ]


def warning_lines(report: Counts, words: Wording) -> list[str]:
    """One line per kind of warning, with its count and the first cases."""
    return [
        words.label(
            "warning",
            count=w.count,
            id=w.event,
            event=words.name_of_event(w.event),
            cases=", ".join(w.cases),
        )
        for w in report.warnings
    ]
