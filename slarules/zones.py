"""One tzinfo object per fixed UTC offset, shared by the whole process.

Aware datetimes whose tzinfo is the *same object* compare and subtract without
asking either for its UTC offset, about ten times faster than two equal but
distinct zones; with a fixed offset that shortcut is exact. ``fromisoformat``
makes a new zone for every time it parses, and an audit compares each time
many times over, so times are pinned to the shared zone of their offset.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

# The registry; a hot loop may call SHARED.setdefault(zone, zone) itself.
SHARED: dict[tzinfo, tzinfo] = {}


def shared(zone: tzinfo) -> tzinfo:
    """The process-wide zone object equal to ``zone``."""
    return SHARED.setdefault(zone, zone)


def pinned(at: datetime) -> datetime:
    """The same instant with the shared fixed-offset zone of its offset (naive: unchanged)."""
    offset = at.utcoffset()
    if offset is None:
        return at
    zone = shared(timezone(offset))
    return at if at.tzinfo is zone else at.astimezone(zone)


class LocalTimes:
    """Instants shown in one zone (the contract's): ``local(at)`` is ``at.astimezone(tz)``,
    skipped where it would change nothing.

    Most times carry a fixed offset equal to the zone's own (+08:00 for
    Asia/Shanghai, which has kept it since 1991); converting those costs about a
    microsecond each and changes nothing, so a time whose offset is the zone's
    steady one, in a year after the zone's last change of offset, is kept as it is.
    """

    __slots__ = ("since", "steady", "tz")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        last = datetime(2100, 1, 1, tzinfo=tz).utcoffset()
        since = 2100
        for year in range(2099, 1899, -1):
            offsets = {datetime(year, month, 1, tzinfo=tz).utcoffset() for month in range(1, 13)}
            if offsets != {last}:
                break
            since = year
        # The zone changes no more (as far as the data goes) from `since` on.
        self.steady, self.since = (last, since) if since < 2100 else (None, 10_000)

    def __call__(self, at: datetime) -> datetime:
        zone = at.tzinfo
        if zone is self.tz:
            return at
        if type(zone) is timezone and at.year > self.since and zone.utcoffset(None) == self.steady:
            return at
        return at.astimezone(self.tz)
