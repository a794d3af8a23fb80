"""CSV exports (plain or .csv.gz), any delimiter and encoding, read row by row.

The header row names the columns; the mapping's columns must all be there,
or the file is refused as a whole (a usage error, not a pile of rejections).
Line numbers are the file's, counting the header as line 1; a record that
spans lines (a quoted newline) carries the line it starts on.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterator
from itertools import chain

from ..events import Rejection
from ..readers import LogError
from .model import InputSpec
from .rows import Row, clean, display, open_text

CANDIDATES = (",", ";", "\t", "|")


def sniff_delimiter(header: str) -> str:
    """The candidate the header row uses most; a comma when it uses none.

    The header alone decides: it is one line of plain names, where counting is
    more reliable than csv.Sniffer's guesses over free-text cells.
    """
    counts = {d: header.count(d) for d in CANDIDATES}
    best = max(CANDIDATES, key=lambda d: counts[d])
    return best if counts[best] else ","


def _columns(
    source: str, header: list[str], wanted: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in wanted and name in index:
            raise LogError(f"{source}: column {name!r} appears twice in the header")
        index.setdefault(name, i)
    absent = [c for c in wanted if c not in index and c not in optional]
    if absent:
        hints = []
        for name in absent:
            close = difflib.get_close_matches(name, header, n=1, cutoff=0.6)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        shown = ", ".join(header[:20]) + (" ..." if len(header) > 20 else "")
        raise LogError(
            f"{source}: no column {', '.join(hints)} for the mapping; the header has: {shown}"
        )
    return {c: index[c] for c in wanted if c in index}


def read_csv_rows(
    path: str, spec: InputSpec, wanted: tuple[str, ...], encoding: str | None = None
) -> Iterator[Row | Rejection]:
    source = display(path)
    used = encoding or spec.encoding
    stream = open_text(path, used)
    try:
        try:
            first = stream.readline()
            if not first.strip():
                return
            delimiter = spec.delimiter or sniff_delimiter(first)
            reader = csv.reader(chain([first], stream), delimiter=delimiter)
            header = [h.strip() for h in next(reader)]
            # A tie-break column only orders rows: an export without it is still read.
            index = _columns(source, header, wanted, spec.tie_break)
            missing = spec.missing
            width = len(header)
            end = reader.line_num
            while True:
                start = end + 1
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    if reader.line_num == end:  # no progress: the rest cannot be read
                        raise LogError(f"{source}:{start}: {exc}") from None
                    end = reader.line_num
                    yield Rejection(source, start, f"broken CSV: {exc}")
                    continue
                end = reader.line_num
                if not any(c.strip() for c in cells):
                    continue  # blank lines are not rows (and are not counted)
                if len(cells) > width:
                    reason = f"{len(cells)} cells but the header has {width}"
                    yield Rejection(source, start, reason)
                    continue
                row: dict[str, str] = {}
                for column, i in index.items():
                    value = clean(cells[i], missing) if i < len(cells) else None
                    if value is not None:
                        row[column] = value
                yield Row(source, start, row, tuple(cells))
        except UnicodeDecodeError as exc:
            raise LogError(
                f"{source}: cannot decode as {used}: {exc.reason}"
                " (set input.encoding in the mapping or pass --encoding, e.g. gbk)"
            ) from None
        except OSError as exc:  # a corrupt .gz, a read error
            raise LogError(f"{source}: {exc}") from None
    finally:
        if path != "-":
            stream.close()
