"""XES event logs (IEEE 1849; ``.xes`` or ``.xes.gz``), streamed trace by trace.

Each ``<event>`` becomes a row whose columns are its attribute keys
(``concept:name``, ``time:timestamp``, ...). The enclosing ``<trace>``'s
attributes apply to its events: as ``case:KEY`` (the name pm4py and the
flattened CSV of a log give them, so one mapping serves both forms) and, where
the event has no attribute of its own by that name, as ``KEY`` too. Globals
(``<global>``) declare defaults for tools, not values, and are not applied.
Nested attributes (an attribute's children) are ignored. The "line" of a row
is the event's ordinal in the file, 1 for the first event.

Memory: ``iterparse`` builds one trace at a time; each trace is cleared once
its events are out, and the root lets go of it, so a file of any size is read
in the space of its largest trace (of each event, the attributes the mapping
reads and a digest of all, for exact duplicates). The parser is fed lines of
at most :data:`~slarules.readers.lines.MAX_LINE` bytes; a longer one refuses
the file. Python's expat refuses entity-expansion bombs and ElementTree
resolves no external entities.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import chain
from typing import IO
from xml.etree.ElementTree import Element, ParseError, iterparse

from ..events import Rejection
from ..readers import unreadable
from ..readers.lines import MAX_LINE, LogError, Overlong, bounded_lines
from ..readers.registry import register
from .model import InputSpec
from .rows import Row, display, open_binary, pick, row_key


def _attributes(element: Element) -> dict[str, str]:
    """The element's direct attributes (key -> value), nested ones left out.

    Inside a trace or an event every child with a key and a value is an
    attribute (``<event>`` children have neither; ``<list>``/``<container>`` no value).
    """
    out: dict[str, str] = {}
    for child in element:
        attrib = child.attrib
        key = attrib.get("key")
        if key is not None:
            value = attrib.get("value")
            if value is not None:
                out[key] = value
    return out


def _local(names: dict[str, str], tag: str) -> str:
    name = names.get(tag)
    if name is None:
        name = names[tag] = tag.rsplit("}", 1)[-1]
    return name


def _drop(parent: Element, element: Element) -> None:
    """Let go of a finished element: it is its parent's last child."""
    if len(parent) and parent[-1] is element:
        del parent[-1]
    else:  # pragma: no cover - iterparse appends children in document order
        element.clear()


def _merge(trace: dict[str, str], event: dict[str, str]) -> dict[str, str]:
    merged = {f"case:{k}": v for k, v in trace.items()}
    for key, value in trace.items():
        merged.setdefault(key, value)
    for key, value in event.items():
        if key in trace:
            merged[key] = value  # the event's own value wins over the trace's
        else:
            merged.setdefault(key, value)
    return merged


class _BoundedLines:
    """What iterparse reads: the stream's bytes a line at a time, no line over MAX_LINE.

    An XML element may hold any amount of text; a line that long is not an
    event log's, and is refused (the whole file, as XML cannot resume after it).
    """

    def __init__(self, stream: IO[bytes], source: str) -> None:
        self.lines = bounded_lines(stream)
        self.source = source
        self.number = 0

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        total = 0
        for line in self.lines:
            self.number += 1
            if isinstance(line, Overlong):
                raise LogError(
                    "file.xes_line_too_long",
                    source=self.source,
                    line=self.number,
                    size=line.size,
                    limit=MAX_LINE,
                )
            parts.append(line)
            total += len(line)
            if 0 < size <= total:
                break
        return b"".join(parts)


def _own_key(attrs: dict[str, str]) -> bytes:
    return row_key(chain.from_iterable(sorted(attrs.items())))


def read_xes_rows(
    path: str, spec: InputSpec, wanted: tuple[str, ...], encoding: str | None = None
) -> Iterator[Row | Rejection]:
    """The events of an XES file as rows; ``encoding`` is not used (XML declares its own)."""
    source = display(path)
    stream = open_binary(path)
    ordinal = 0
    names: dict[str, str] = {}  # namespaced tag -> local name; a log has a handful
    reads = frozenset(wanted)
    try:
        # The open elements, root first. A finished element is the last child of the
        # one below it on the stack, so dropping it is ``del parent[-1]``.
        stack: list[Element] = []
        in_trace = False
        # An event waits for its trace's end (trace attributes may follow it), holding
        # only the attributes the mapping reads and a digest of all of them.
        events: list[tuple[int, dict[str, str], bytes]] = []
        for kind, element in iterparse(_BoundedLines(stream, source), events=("start", "end")):
            if kind == "start":
                stack.append(element)
                if len(stack) == 2 and _local(names, element.tag) == "trace":
                    in_trace = True
                continue
            stack.pop()
            if not stack:
                break  # the end of the log
            parent = stack[-1]
            tag = _local(names, element.tag)
            if tag == "event":
                ordinal += 1
                if not in_trace:
                    yield Rejection(source, ordinal, "xes.outside_trace")
                else:
                    attrs = _attributes(element)
                    read = {k: v for k, v in attrs.items() if k in reads}
                    events.append((ordinal, read, _own_key(attrs)))
                _drop(parent, element)
            elif tag == "trace" and len(stack) == 1:
                in_trace = False
                trace = _attributes(element)
                trace_key = _own_key(trace)
                for number, attrs, own in events:
                    merged = _merge(trace, attrs)
                    # An exact duplicate: the same trace attributes and the same own ones.
                    key = hashlib.blake2b(trace_key + own, digest_size=16).digest()
                    yield Row(source, number, pick(merged, wanted, spec.missing), key)
                events = []
                _drop(parent, element)
            elif not in_trace:
                _drop(parent, element)  # log-level metadata: extensions, globals, statistics
    except ParseError as exc:  # the parser's own words of where and why are a value
        raise LogError("file.not_xes", source=source, why=str(exc)) from None
    except (OSError, EOFError) as exc:  # a corrupt or truncated .gz, a read error
        raise unreadable(source, exc) from None
    finally:
        if path != "-":
            stream.close()


register("xes", (".xes",), export=read_xes_rows)
