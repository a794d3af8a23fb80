"""CSV exports (plain or .csv.gz), any delimiter and encoding, read row by row.

The header row names the columns; the mapping's columns must all be there,
or the file is refused as a whole (a usage error, not a pile of rejections).
Line numbers are the file's, counting the header as line 1; a record that
spans lines (a quoted newline) carries the line it starts on. Records, their
quote rule and their limits are the audit's (:mod:`slarules.readers.csvrecords`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..events import Rejection
from ..readers.csvrecords import read_records
from ..readers.lines import LogError, bounded_lines
from ..readers.registry import register
from .model import InputSpec
from .rows import Row, clean, display, open_text, row_key


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
            records = read_records(bounded_lines(stream), spec.delimiter)
            index: dict[str, int] | None = None
            width = 0
            missing = spec.missing
            for number, cells in records:
                if isinstance(cells, str):
                    if index is None:
                        raise LogError(f"{source}:{number}: the header row cannot be read: {cells}")
                    yield Rejection(source, number, cells)
                    continue
                if not any(c.strip() for c in cells):
                    continue  # blank lines are not rows (and are not counted)
                if index is None:
                    header = [h.strip() for h in cells]
                    # A tie-break column only orders rows: an export without it is read.
                    index = _columns(source, header, wanted, spec.tie_break)
                    width = len(header)
                    continue
                if len(cells) > width:
                    reason = f"{len(cells)} cells but the header has {width}"
                    yield Rejection(source, number, reason)
                    continue
                row: dict[str, str] = {}
                for column, i in index.items():
                    value = clean(cells[i], missing) if i < len(cells) else None
                    if value is not None:
                        row[column] = value
                yield Row(source, number, row, row_key(cells))
        except UnicodeDecodeError as exc:
            raise LogError(
                f"{source}: cannot decode as {used}: {exc.reason}"
                " (set input.encoding in the mapping or pass --encoding, e.g. gbk)"
            ) from None
        except (OSError, EOFError) as exc:  # a corrupt or truncated .gz, a read error
            raise LogError(f"{source}: cannot be read: {exc}") from None
    finally:
        if path != "-":
            stream.close()


# The default export format: "-" and a file whose suffix no format claims are CSV.
register("csv", (".csv", ".tsv"), export=read_csv_rows)
