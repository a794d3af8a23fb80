"""Every table slarules prints, laid out page by page: box-drawn or Markdown.

One measure for all of them: the columns a terminal gives a text, as wcwidth
says (Chinese takes two a character, a combining accent none, an emoji sequence
its cluster's), so that the audit's tables, ``due`` and the monthly report line
up in either language. The results table is written in pages of
:data:`PAGE_ROWS` rows, each measured on its own, so memory holds one page and
the time grows with the rows (a general table library takes 0.1-0.3 ms a row:
minutes and a gigabyte for a year's audit). A page repeats the header, as a
printed report does; an audit of up to a page looks like one table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import IO

import wcwidth

PAGE_ROWS = 1000
_HEADER_ROOM = 2


# The width of each character met so far (a log's text uses a few thousand at most),
# for the pure-Python wcwidth, which takes ~100 us a string; its C extension (the
# usual wheel) is faster than any cache.
_SEEN: dict[str, int] = {}
# Characters whose width depends on their neighbours (combining marks, joiners,
# variation selectors have none of their own; skin tones and flag halves pair up):
# a text holding one is measured whole.
_JOINS = 1 << 32


def _char_width(ch: str) -> int:
    columns = wcwidth.wcwidth(ch)
    if columns == 0 or "\U0001f1e6" <= ch <= "\U0001f1ff" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return _JOINS
    return 1 if columns < 0 else columns  # a control character: one, as for ASCII text


def _whole(text: str) -> int:
    columns = wcwidth.wcswidth(text)
    if columns >= 0:
        return columns
    # A control character in it, which wcswidth will not measure: one column, as above.
    return wcwidth.wcswidth(_CONTROL.sub("?", text))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _cached(text: str) -> int:
    try:
        columns = sum(map(_SEEN.__getitem__, text))
    except KeyError:
        for ch in text:
            if ch not in _SEEN:
                _SEEN[ch] = _char_width(ch)
        columns = sum(map(_SEEN.__getitem__, text))
    return columns if columns < _JOINS else _whole(text)


def width(text: str) -> int:
    """Columns on a terminal, as wcwidth measures them (CJK characters take two)."""
    if text.isascii():
        return len(text)
    return _measure(text)


_measure = _whole if getattr(wcwidth, "HAS_C_EXTENSION", False) else _cached


def _fit(word: str, limit: int) -> int:
    """How many leading characters of ``word`` fit in ``limit`` columns (at least one piece).

    A cut falls only before a character that adds columns: never between a letter
    and its accent, nor inside an emoji sequence, which would change both halves' width.
    """
    if word.isascii():
        return max(min(limit, len(word)), 1)
    cut, before = 0, 0
    for n in range(1, len(word) + 1):
        now = width(word[:n])
        if n > 1 and now > before:  # word[n - 1] begins a piece of its own
            if before > limit:
                return cut or n - 1
            cut = n - 1
        before = now
    return len(word) if before <= limit else cut or len(word)


def wrap(text: str, limit: int | None) -> list[tuple[str, int]]:
    """(line, width) pairs of at most ``limit`` columns, broken at spaces, a long word where it must."""
    lines: list[tuple[str, int]] = []
    for paragraph in text.split("\n") if "\n" in text else (text,):
        full = width(paragraph)
        if limit is None or full <= limit:
            lines.append((paragraph, full))
            continue
        line, used = "", 0
        for word in paragraph.split(" "):
            size = width(word)
            if line and used + 1 + size <= limit:
                line, used = f"{line} {word}", used + 1 + size
                continue
            if not line and size <= limit:
                line, used = word, size
                continue
            if line:
                lines.append((line, used))
            while size > limit:
                cut = _fit(word, limit)
                lines.append((word[:cut], width(word[:cut])))
                word = word[cut:]
                size = width(word)
            line, used = word, size
        lines.append((line, used))
    return lines


def pages(rows: Iterable[Sequence[str]], size: int = PAGE_ROWS) -> Iterator[list[Sequence[str]]]:
    it = iter(rows)
    while page := list(islice(it, size)):
        yield page


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def write_grid(
    out: IO[str],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    limits: Sequence[int | None],
) -> None:
    """One page as a box-drawn grid, cells wrapped to their column's limit."""
    head = [wrap(cell, None) for cell in headers]
    wrapped: dict[tuple[str, int | None], list[tuple[str, int]]] = {}  # cells repeat a lot
    cells = []
    for row in rows:
        laid = []
        for cell, limit in zip(row, limits, strict=True):
            lines = wrapped.get((cell, limit))
            if lines is None:
                lines = wrapped[(cell, limit)] = wrap(cell, limit)
            laid.append(lines)
        cells.append(laid)
    # A header gets two columns of room beyond its text (the look tabulate gave).
    widths = [
        max([max(w for _, w in column[0]) + _HEADER_ROOM, *(w for c in column[1:] for _, w in c)])
        for column in zip(head, *cells, strict=True)
    ]
    blanks = [(" " * w, w) for w in widths]

    def rule(left: str, middle: str, right: str) -> str:
        return left + middle.join("─" * (w + 2) for w in widths) + right + "\n"

    def block(row: list[list[tuple[str, int]]]) -> str:
        height = max(len(cell) for cell in row)
        lines = []
        for i in range(height):
            parts = []
            for cell, w, blank in zip(row, widths, blanks, strict=True):
                text, used = cell[i] if i < len(cell) else blank
                parts.append(f" {text}{' ' * (w - used)} ")
            lines.append("│" + "│".join(parts) + "│\n")
        return "".join(lines)

    between = rule("├", "┼", "┤")
    out.write(rule("┌", "┬", "┐"))
    out.write(block(head))
    for laid_out in cells:
        out.write(between)
        out.write(block(laid_out))
    out.write(rule("└", "┴", "┘"))


def write_markdown(out: IO[str], headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """One page as a Markdown (GitHub) table; cells are kept on one line."""
    flat = [[cell.replace("\n", " ").replace("|", "\\|") for cell in row] for row in rows]
    widths = [
        max([width(column[0]) + _HEADER_ROOM, *(width(cell) for cell in column[1:])])
        for column in zip(headers, *flat, strict=True)
    ]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) + " |\n"

    out.write(line(headers))
    out.write("|" + "|".join("-" * (w + 2) for w in widths) + "|\n")
    for row in flat:
        out.write(line(row))
