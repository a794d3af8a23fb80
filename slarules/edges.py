"""Friendly input and human-readable durations: the only place pendulum is used.

pendulum is far slower than stdlib datetime, so it never enters the hot paths;
everything it parses is turned into a stdlib aware datetime at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pendulum

from .events import in_range, out_of_range
from .messages import Problem


def parse_user_time(text: str, tz: ZoneInfo) -> datetime:
    """'2026-10-09 14:05', '2026-10-09T14:05+08:00', 'now', 'today' -> aware stdlib datetime."""
    raw = text.strip()
    if raw.lower() == "now":
        return datetime.now(tz)
    if raw.lower() == "today":
        return datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        parsed = pendulum.parse(raw, tz=str(tz.key), strict=False)
    except (ValueError, OverflowError, pendulum.parsing.exceptions.ParserError) as exc:
        # pendulum's own words of why are a value (English)
        raise Problem("time.unreadable", text=text, why=str(exc)) from None
    if not isinstance(parsed, datetime):
        raise Problem("time.not_instant", text=text)
    if not in_range(parsed):  # before any conversion, which could leave datetime's years
        raise out_of_range(text)
    offset = parsed.utcoffset()
    if offset is None:  # pragma: no cover - tz given above
        return datetime(*parsed.timetuple()[:6], parsed.microsecond, tzinfo=tz)
    return datetime.fromtimestamp(parsed.timestamp(), tz)


def words(delta: timedelta, lang: str = "en") -> str:
    """'2 hours 5 minutes' / '2小时 5分钟'."""
    seconds = int(abs(delta.total_seconds()))
    if seconds == 0:
        return "0 分钟" if lang == "zh" else "0 minutes"
    text = pendulum.duration(seconds=seconds).in_words(locale="zh" if lang == "zh" else "en")
    return ("-" if delta < timedelta(0) else "") + str(text)
