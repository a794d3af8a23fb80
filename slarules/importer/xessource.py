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
in the space of its largest trace. Python's expat refuses entity-expansion
bombs and ElementTree resolves no external entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError, iterparse

from ..events import Rejection
from ..readers import LogError
from .model import InputSpec
from .rows import Row, display, open_binary, pick


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


def read_xes_rows(path: str, spec: InputSpec, wanted: tuple[str, ...]) -> Iterator[Row | Rejection]:
    source = display(path)
    stream = open_binary(path)
    ordinal = 0
    names: dict[str, str] = {}  # namespaced tag -> local name; a log has a handful
    try:
        # The open elements, root first. A finished element is the last child of the
        # one below it on the stack, so dropping it is ``del parent[-1]``.
        stack: list[Element] = []
        in_trace = False
        events: list[tuple[int, dict[str, str]]] = []
        for kind, element in iterparse(stream, events=("start", "end")):
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
                    yield Rejection(source, ordinal, "an event outside any trace has no case")
                else:
                    # Trace attributes may follow the events: events wait for their trace's end.
                    events.append((ordinal, _attributes(element)))
                _drop(parent, element)
            elif tag == "trace" and len(stack) == 1:
                in_trace = False
                trace = _attributes(element)
                for number, attrs in events:
                    merged = _merge(trace, attrs)
                    key: tuple[Any, ...] = tuple(sorted(merged.items()))
                    yield Row(source, number, pick(merged, wanted, spec.missing), key)
                events = []
                _drop(parent, element)
            elif not in_trace:
                _drop(parent, element)  # log-level metadata: extensions, globals, statistics
    except ParseError as exc:
        raise LogError(f"{source}: not well-formed XES: {exc}") from None
    except OSError as exc:  # a corrupt .gz, a read error
        raise LogError(f"{source}: {exc}") from None
    finally:
        if path != "-":
            stream.close()
