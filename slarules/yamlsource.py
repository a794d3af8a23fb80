"""Safe YAML with positions: text -> plain data plus a map from path to line:column.

Only the YAML core types are built (mappings, sequences, strings, numbers,
booleans, null); dates stay strings so the schema and the model decide what
they mean. A tag that would build an object is an error and builds nothing:
the document is only composed into nodes, never constructed by PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Location, RuleError

Path = tuple[str | int, ...]

# Alias expansion is bounded so a "billion laughs" document is refused at once.
MAX_NODES = 50_000
# Nesting is bounded as well: PyYAML composes nodes recursively, so 2 KB of "[[[[...]]]]" would
# end in a RecursionError. Rules files nest a handful of levels; 64 is far beyond any of them.
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


_DEEP = f"nested more than {MAX_DEPTH} levels deep (the limit for these files)"


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts collections as their start events come, before composing them."""

    _depth = 0

    def _descend(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _TooDeep(event.start_mark, _DEEP)

    # The anchor is a name or None; typed as the stubs type it.
    def compose_sequence_node(self, anchor: dict[Any, Node]) -> SequenceNode:
        self._descend()
        node = super().compose_sequence_node(anchor)
        self._depth -= 1
        return node

    def compose_mapping_node(self, anchor: dict[Any, Node]) -> MappingNode:
        self._descend()
        node = super().compose_mapping_node(anchor)
        self._depth -= 1
        return node


@dataclass
class Document:
    """Plain data of one YAML file, with where each value and key stands."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The nearest known position for ``path`` (walking up to its parents)."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while True:
            if probe in table:
                line, col = table[probe]
                return Location(self.file, line, col)
            if not probe:
                return Location(self.file, 1, 1)
            probe = probe[:-1]
            table = self.positions


class _TooLarge(Exception):
    pass


class _Builder:
    def __init__(self, doc: Document, loader: _Loader, errors: list[RuleError]) -> None:
        self.doc = doc
        self.loader = loader
        self.errors = errors
        self.count = 0
        self.open: set[int] = set()  # the collections being built, to catch an alias loop

    def _mark(self, node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _error(self, node: Node, message: str, path: Path) -> None:
        line, col = self._mark(node)
        self.errors.append(RuleError(Location(self.doc.file, line, col), message, path))

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.doc.positions.setdefault(path, self._mark(node))
        if isinstance(node, (MappingNode, SequenceNode)):
            # The composer bounds how deep the text nests; aliases can nest deeper still.
            if id(node) in self.open:
                raise _TooDeep(node.start_mark, "an alias refers to a collection that holds it")
            if len(path) >= MAX_DEPTH:
                raise _TooDeep(node.start_mark, _DEEP)
            self.open.add(id(node))
            try:
                if isinstance(node, MappingNode):
                    return self._mapping(node, path)
                if node.tag != f"{_CORE}seq":
                    self._error(node, f"tag {node.tag!r} is not allowed in rules files", path)
                    return None
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        assert isinstance(node, ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            self._error(node, f"tag {node.tag!r} is not allowed in rules files", path)
            return None
        if node.tag.endswith("timestamp"):
            return node.value
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        if node.tag != f"{_CORE}map":
            self._error(node, f"tag {node.tag!r} is not allowed in rules files", path)
            return {}
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                self._error(key_node, "merge keys (<<) are not allowed in rules files", path)
                continue
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, "a mapping key must be a plain value", path)
                continue
            raw = self.build(key_node, (*path, "<key>"))
            key = str(raw) if not isinstance(raw, str) else raw
            if key in out:
                first = self.doc.key_positions.get((*path, key), (0, 0))
                self._error(
                    key_node, f"duplicate key {key!r} (first at line {first[0]})", (*path, key)
                )
                continue
            key_path: Path = (*path, key)
            self.doc.key_positions[key_path] = self._mark(key_node)
            out[key] = self.build(value_node, (*path, key))
        self.doc.positions.pop((*path, "<key>"), None)
        return out


def _reader_error(text: str, exc: yaml.reader.ReaderError, file: str) -> RuleError:
    """A character YAML refuses (a control character, say), located in the text."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    return RuleError(
        Location(file, line, column), f"character U+{exc.character:04X} is not allowed in YAML"
    )


def parse_yaml(raw: bytes, file: str) -> tuple[Document | None, list[RuleError]]:
    """Parse one file's bytes; return the document or the errors that stop it."""
    errors: list[RuleError] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.append(
            RuleError(Location(file, line, col), f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")
        )
        return None, errors
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        return None, [_reader_error(text, exc, file)]
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        errors.append(
            RuleError(Location(file, exc.mark.line + 1, exc.mark.column + 1), exc.message)
        )
        return None, errors
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "YAML syntax error"
        errors.append(RuleError(loc, f"YAML syntax error: {message}"))
        return None, errors
    except yaml.reader.ReaderError as exc:
        errors.append(_reader_error(text, exc, file))
        return None, errors
    except yaml.YAMLError as exc:
        errors.append(RuleError(Location(file, 1, 1), f"YAML error: {exc}"))
        return None, errors
    finally:
        loader.dispose()
    if node is None:
        errors.append(RuleError(Location(file, 1, 1), "the file is empty"))
        return None, errors
    doc = Document(file, None)
    builder = _Builder(doc, loader, errors)
    try:
        doc.data = builder.build(node, ())
    except _TooDeep as exc:
        errors.append(
            RuleError(Location(file, exc.mark.line + 1, exc.mark.column + 1), exc.message)
        )
        return None, errors
    except _TooLarge:
        errors.append(
            RuleError(
                Location(file, *builder._mark(node)),
                f"document expands to more than {MAX_NODES} values (alias bomb?)",
            )
        )
        return None, errors
    if not isinstance(doc.data, dict):
        errors.append(RuleError(Location(file, 1, 1), "the document must be a mapping of keys"))
        return None, errors
    return doc, errors
