"""CSV records, for the audit's logs and the importer's exports alike: one delimiter
sniffer, one rule for quotes that run over a line end.

The rule. A record is one line, unless that line ends inside a quoted field and
holds an odd number of quote characters: then the record runs on to the next
line that holds an odd number of them, within :data:`MAX_QUOTED_LINES` lines and
:data:`~.lines.MAX_LINE` characters in all. Such a record counts only if, joined,
it is well-formed (every closing quote followed by the delimiter or the line
end) and has the header's number of cells. Otherwise its first line is rejected
and reading resumes at the next line, so one unclosed quote costs one record,
never the records after it.

Why odd counts: in well-formed CSV a quote inside a quoted field is doubled, so
a record's first and last lines hold an odd number of quotes and the lines
between an even one. It also keeps reading linear: a line is read as part of at
most one other line's record before it is read on its own.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, repeat

from ..messages import Msg
from .lines import MAX_LINE, Overlong

# Limits of the tool (README "Errors"). A field of a log or an export is a name,
# a time or a note; csv's own default limit, stated here so that it is ours.
MAX_FIELD = 131_072
MAX_QUOTED_LINES = 1_000  # lines one quoted field may run over
csv.field_size_limit(MAX_FIELD)

DELIMITERS = (",", ";", "\t", "|")

Cells = list[str]


def sniff_delimiter(header: str) -> str:
    """The delimiter the header row uses most (of :data:`DELIMITERS`); a comma if none.

    The header alone decides: it is one line of plain names, where counting is
    more reliable than csv.Sniffer's guesses over free-text cells.
    """
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _NeedsMore(Exception):
    """The csv reader asked for a second line: the line ends inside a quoted field."""


class _Slot:
    """The csv reader's input: one line at a time, put there by :func:`csv_records`."""

    __slots__ = ("line",)

    def __init__(self) -> None:
        self.line: str | None = None

    def __iter__(self) -> _Slot:
        return self

    def __next__(self) -> str:
        line = self.line
        if line is None:
            raise _NeedsMore
        self.line = None
        return line


Numbered = tuple[int, str]


def csv_records(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, Cells | Msg]]:
    """``(line, cells)`` for each record and ``(line, reason)`` for each rejected line
    (the reason a :class:`~slarules.messages.Msg`: a code and its values).

    ``lines`` are the file's lines with their line ends (see
    :func:`~.lines.bounded_lines`); numbers count them from 1 and a record
    carries the number of its first line. The first record is the header,
    whose width a record over several lines must have.
    """
    numbered = enumerate(lines, start=1)
    again: list[Numbered] = []  # lines to read once more, the next one last

    def take() -> Numbered | None:
        return again.pop() if again else next(numbered, None)

    slot = _Slot()
    reader = csv.reader(slot, delimiter=delimiter)
    width: int | None = None
    while True:
        item = again.pop() if again else next(numbered, None)
        if item is None:
            return
        number, line = item
        if isinstance(line, Overlong):
            yield number, line.reason()
            continue
        if '"' not in line and len(line) <= MAX_FIELD:
            # No quote, no field over the limit: what csv would make of it, several
            # times faster (a line holds no "\r" but at its end; see bounded_lines).
            text = line.rstrip("\r\n")
            cells = text.split(delimiter) if text else []
        else:
            slot.line = line
            try:
                cells = next(reader)
            except _NeedsMore:
                reader = csv.reader(slot, delimiter=delimiter)  # the old one is inside a field
                found, unused = _over_lines(item, take, delimiter, width)
                again.extend(reversed(unused))
                if isinstance(found, Msg):
                    yield number, found
                    continue
                cells = found
            except csv.Error as exc:  # a field over MAX_FIELD (or a NUL, before Python 3.11)
                slot.line = None
                reader = csv.reader(slot, delimiter=delimiter)
                if "field limit" in str(exc):
                    yield number, Msg("csv.field_too_large", (("limit", MAX_FIELD),))
                else:
                    yield number, Msg("csv.broken", (("why", str(exc)),))
                continue
        if width is None and cells:  # the header: the first line that is not blank
            width = len(cells)
        yield number, cells


def read_records(
    lines: Iterator[str], delimiter: str | None = None
) -> Iterator[tuple[int, Cells | Msg]]:
    """:func:`csv_records` of ``lines``; without a delimiter, the header row's (sniffed).

    The header row is the first line that is not blank.
    """
    blanks = 0
    for first in lines:
        if first.strip():
            break
        blanks += 1
    else:
        return
    if delimiter is None:
        delimiter = "," if isinstance(first, Overlong) else sniff_delimiter(first)
    yield from csv_records(chain(repeat("\n", blanks), [first], lines), delimiter)


def _over_lines(
    first: Numbered, take: Callable[[], Numbered | None], delimiter: str, width: int | None
) -> tuple[Cells | Msg, list[Numbered]]:
    """The record whose first line ends inside a quoted field, or why there is none.

    Returns the cells or the reason, and the lines taken but not used (to be
    read again, each on its own).
    """
    if first[1].count('"') % 2 == 0:
        return Msg("quote.not_closed_on_line"), []
    taken = [first]
    size = len(first[1])
    closed = False
    item: Numbered | None = first
    while len(taken) < MAX_QUOTED_LINES:
        item = take()
        if item is None:
            break
        line = item[1]
        if isinstance(line, Overlong) or size + len(line) > MAX_LINE:
            return Msg("quote.unclosed_chars", (("limit", MAX_LINE),)), [*taken[1:], item]
        taken.append(item)
        size += len(line)
        if line.count('"') % 2:
            closed = True
            break
    if not closed:
        if item is None:
            return Msg("quote.unclosed_at_end"), taken[1:]
        return Msg("quote.unclosed_lines", (("limit", MAX_QUOTED_LINES),)), taken[1:]
    last = taken[-1][0]
    try:
        rows = list(csv.reader([line for _, line in taken], delimiter=delimiter, strict=True))
    except csv.Error:
        return _misplaced(last, Msg("quote.bad_close")), taken[1:]
    if len(rows) != 1:
        return _misplaced(last, Msg("quote.another_opens")), taken[1:]
    if width is not None and len(rows[0]) != width:
        cells = Msg("quote.cells", (("cells", len(rows[0])), ("width", width)))
        return _misplaced(last, cells), taken[1:]
    return rows[0], []


def _misplaced(line: int, why: Msg) -> Msg:
    return Msg("quote.misplaced", (("closes", line), ("why", why)))
