"""Times as exports write them: ``iso``, or a small pattern such as ``d/m/Y H:M``.

A pattern is letters, not strptime's %-codes, because mapping authors copy it
from what they see in a spreadsheet: ``Y`` four-digit year, ``y`` two-digit
year (20yy), ``m`` month, ``d`` day (one or two digits each), ``H`` hour,
``M`` minute, ``S`` second (a fraction after ``.`` or ``,`` is allowed), ``z``
an offset (``Z``, ``+08:00``, ``+0800``). ``[...]`` is optional, a space
matches any run of blanks, anything else stands for itself. A time without an
offset is read in the mapping's (or the contract's) zone. Compiled once to a
regular expression, so parsing a row is one match and one constructor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from ..events import in_range, out_of_range, parse_time
from ..messages import Problem

_TOKENS = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})(?:[.,](?P<f>\d{1,6}))?",
    "z": r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})",
}


class TimeFormatError(Problem):
    """A pattern that cannot be compiled (reported at the mapping's line)."""


def _compile(pattern: str) -> re.Pattern[str]:
    if "%" in pattern:
        raise TimeFormatError("mapping.time_format_percent", pattern=pattern)
    out: list[str] = []
    depth = 0
    seen: set[str] = set()
    for char in pattern:
        if char in _TOKENS:
            if char in seen:
                raise TimeFormatError("mapping.time_format_twice", pattern=pattern, letter=char)
            seen.add(char)
            out.append(_TOKENS[char])
        elif char == "[":
            depth += 1
            out.append("(?:")
        elif char == "]":
            if depth == 0:
                raise TimeFormatError("mapping.time_format_close", pattern=pattern)
            depth -= 1
            out.append(")?")
        elif char == " ":
            out.append(r"\s+")
        else:
            out.append(re.escape(char))
    if depth:
        raise TimeFormatError("mapping.time_format_open", pattern=pattern)
    if not ({"Y", "y"} & seen and {"m", "d"} <= seen):
        raise TimeFormatError("mapping.time_format_needs", pattern=pattern)
    if "Y" in seen and "y" in seen:
        raise TimeFormatError("mapping.time_format_years", pattern=pattern)
    return re.compile("".join(out))


def _offset(text: str) -> tzinfo:
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(text)  # the caller names the time
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@dataclass(frozen=True, slots=True)
class TimeFormat:
    """Parses one column's times; naive ones are placed in ``tz``."""

    text: str
    tz: tzinfo
    regex: re.Pattern[str] | None  # None: ISO 8601

    @classmethod
    def of(cls, text: str, tz: tzinfo) -> TimeFormat:
        if text.strip().lower() == "iso":
            return cls("iso", tz, None)
        return cls(text, tz, _compile(text))

    def parse(self, value: str) -> datetime:
        """The instant ``value`` names; :class:`Problem` with a reason a user can act on."""
        if self.regex is None:
            return parse_time(value, self.tz)
        found = self.regex.fullmatch(value.strip())
        if found is None:
            raise Problem("time.not_pattern", text=value, pattern=self.text)
        g = found.groupdict()
        year = int(g["Y"]) if g.get("Y") else 2000 + int(g["y"])
        fraction = (g.get("f") or "").ljust(6, "0")
        try:
            naive = datetime(
                year,
                int(g["m"]),
                int(g["d"]),
                int(g.get("H") or 0),
                int(g.get("M") or 0),
                int(g.get("S") or 0),
                int(fraction),
            )
        except ValueError:  # a 31st of April, an hour 25
            raise Problem("time.no_such_time", text=value) from None
        if not in_range(naive):
            raise out_of_range(value)
        zone = g.get("z")
        if not zone:
            return naive.replace(tzinfo=self.tz)
        try:
            return naive.replace(tzinfo=_offset(zone))
        except ValueError:
            raise Problem("time.bad_offset", text=value, offset=zone) from None
