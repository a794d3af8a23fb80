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
from ..messages import Msg
from ..readers import undecodable_byte, unreadable
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
            raise LogError("file.column_twice", source=source, column=name)
        index.setdefault(name, i)
    absent = [c for c in wanted if c not in index and c not in optional]
    if absent:
        hints = []
        for name in absent:
            close = difflib.get_close_matches(name, header, n=1, cutoff=0.6)
            hints.append(Msg("file.column", (("column", name), ("close", next(iter(close), None)))))
        raise LogError(
            "file.no_column",
            source=source,
            columns=tuple(hints),
            header=tuple(header[:20]),
            more=Msg("file.more_columns") if len(header) > 20 else None,
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
                if isinstance(cells, Msg):
                    if index is None:
                        raise LogError("file.bad_header", source=source, line=number, why=cells)
                    yield Rejection(source, number, *cells)
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
                    counted = (("cells", len(cells)), ("width", width))
                    yield Rejection(source, number, "csv.too_many_cells", counted)
                    continue
                row: dict[str, str] = {}
                for column, i in index.items():
                    value = clean(cells[i], missing) if i < len(cells) else None
                    if value is not None:
                        row[column] = value
                yield Row(source, number, row, row_key(cells))
        except UnicodeDecodeError as exc:
            raise LogError(
                "file.undecodable",
                source=source,
                encoding=used,
                byte=undecodable_byte(exc),
                hint=Msg("file.hint_mapping_encoding"),
            ) from None
        except (OSError, EOFError) as exc:  # a corrupt or truncated .gz, a read error
            raise unreadable(source, exc) from None
    finally:
        if path != "-":
            stream.close()


# The default export format: "-" and a file whose suffix no format claims are CSV.
register("csv", (".csv", ".tsv"), export=read_csv_rows)
