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
from .messages import Msg, Values

Path = tuple[str | int, ...]

# Alias expansion is bounded so a "billion laughs" document is refused at once.
MAX_NODES = 50_000
# Nesting is bounded as well: PyYAML composes nodes recursively, so 2 KB of "[[[[...]]]]" would
# end in a RecursionError. Rules files nest a handful of levels; 64 is far beyond any of them.
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark, code: str, values: Values = ()) -> None:
        super().__init__(code)
        self.mark = mark
        self.code = code
        self.values = values


_DEEP: Values = (("limit", MAX_DEPTH),)

# Full-width punctuation that a Chinese input method types where YAML needs ASCII,
# by the code of the error that names it and says what to write.
FULLWIDTH = {
    "\uff1a": "yaml.fullwidth_colon",  # ：
    "\uff0c": "yaml.fullwidth_comma",  # ，
    "\uff1b": "yaml.fullwidth_semicolon",  # ；
    "\u3000": "yaml.fullwidth_space",  # the ideographic space
}


def fullwidth_error(text: str) -> str | None:
    """The code for the first full-width colon, comma, semicolon or space in ``text``."""
    return next((FULLWIDTH[c] for c in text if c in FULLWIDTH), None)


def fullwidth_in_line(line: str, *, strict: bool = False) -> tuple[int, str] | None:
    """(column, code) of the first full-width punctuation outside quotes and comments.

    Inside quotes it is text the author meant; after `` #`` a comment. ``strict``
    counts only what YAML would have read as syntax, not Chinese text in a value
    (``zh: 注：远程，现场`` is fine): a colon, semicolon or space before the line's
    first ``': '`` (where a key is) or in ``[...]``/``{...}``, a comma in those.
    """
    quote = ""
    depth = 0
    in_value = False
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                if quote == "'" and line[i + 1 : i + 2] == "'":
                    i += 1  # '' inside single quotes is a quote
                else:
                    quote = ""
        elif char in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return None
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == ":" and line[i + 1 : i + 2] in ("", " ", "\t") and not depth:
            in_value = True
        elif char in FULLWIDTH:
            code = FULLWIDTH[char]
            syntax = depth > 0 or (not in_value and code != "yaml.fullwidth_comma")
            if syntax or not strict:
                return i + 1, code
        i += 1
    return None


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts collections as their start events come, before composing them."""

    _depth = 0

    def _descend(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _TooDeep(event.start_mark, "yaml.too_deep", _DEEP)

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
    lines: list[str] = field(default_factory=list, repr=False)

    def where(self, path: Path) -> str:
        """A path as errors name it: list entries with an ``id`` by that id, others by
        index: ``obligations[remote_response].budget.table.major``, ``levels[0].when``."""
        out = ""
        value: Any = self.data
        for key in path:
            if isinstance(key, int) and isinstance(value, list) and 0 <= key < len(value):
                value = value[key]
                ident = value.get("id") if isinstance(value, dict) else None
                out += f"[{ident}]" if isinstance(ident, str) else f"[{key}]"
                continue
            out += f".{key}" if out else str(key)
            value = value.get(key) if isinstance(value, dict) else None
        return out

    def fullwidth_on(self, line: int) -> tuple[int, str] | None:
        """(column, code) of full-width punctuation outside quotes on a line (1-based)."""
        if not 1 <= line <= len(self.lines):
            return None
        return fullwidth_in_line(self.lines[line - 1])

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

    def _error(self, node: Node, code: str, path: Path, values: Values = ()) -> None:
        line, col = self._mark(node)
        self.errors.append(RuleError(Location(self.doc.file, line, col), code, values, path))

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.doc.positions.setdefault(path, self._mark(node))
        if isinstance(node, (MappingNode, SequenceNode)):
            # The composer bounds how deep the text nests; aliases can nest deeper still.
            if id(node) in self.open:
                raise _TooDeep(node.start_mark, "yaml.alias_loop")
            if len(path) >= MAX_DEPTH:
                raise _TooDeep(node.start_mark, "yaml.too_deep", _DEEP)
            self.open.add(id(node))
            try:
                if isinstance(node, MappingNode):
                    return self._mapping(node, path)
                if node.tag != f"{_CORE}seq":
                    self._error(node, "yaml.tag", path, (("tag", node.tag),))
                    return None
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        assert isinstance(node, ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            self._error(node, "yaml.tag", path, (("tag", node.tag),))
            return None
        if node.tag.endswith("timestamp"):
            return node.value
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        if node.tag != f"{_CORE}map":
            self._error(node, "yaml.tag", path, (("tag", node.tag),))
            return {}
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                self._error(key_node, "yaml.merge", path)
                continue
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, "yaml.complex_key", path)
                continue
            raw = self.build(key_node, (*path, "<key>"))
            key = str(raw) if not isinstance(raw, str) else raw
            if key in out:
                first = self.doc.key_positions.get((*path, key), (0, 0))
                self._error(
                    key_node,
                    "yaml.duplicate_key",
                    (*path, key),
                    (("key", key), ("first", first[0])),
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
        Location(file, line, column), "yaml.bad_char", (("code", f"{exc.character:04X}"),)
    )


# PyYAML's words for the common syntax errors, by the code of the catalogues' words;
# any other keeps PyYAML's own (English) words as a value.
_SYNTAX = (
    ("mapping values are not allowed", "yaml.why.mapping_values"),
    ("could not find expected ':'", "yaml.why.expected_colon"),
    ("that cannot start any token", "yaml.why.tab"),
    ("expected <block end>", "yaml.why.indent"),
    ("did not find expected key", "yaml.why.indent"),
    ("did not find expected '-' indicator", "yaml.why.indent"),
    ("expected ',' or ']'", "yaml.why.flow_sequence"),
    ("expected ',' or '}'", "yaml.why.flow_mapping"),
    ("found undefined alias", "yaml.why.undefined_alias"),
)


def _syntax_error(text: str, exc: yaml.MarkedYAMLError, file: str) -> RuleError:
    """A YAML syntax error, located; full-width punctuation near it is named as the cause."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return RuleError(Location(file), "yaml.syntax_raw", (("why", str(exc)),))
    lines = text.splitlines()
    # The cause is on the line of the error or above it: back to where the construct began
    # (a plain value may run on over lines), at least two lines and at most five.
    began = exc.context_mark.line if exc.context_mark is not None else mark.line
    first = max(min(began, mark.line - 2), mark.line - 5, 0)
    for number in range(mark.line, first - 1, -1):
        found = fullwidth_in_line(lines[number], strict=True) if number < len(lines) else None
        if found is not None:
            return RuleError(Location(file, number + 1, found[0]), found[1])
    loc = Location(file, mark.line + 1, mark.column + 1)
    problem = exc.problem or ""
    if "while scanning a quoted scalar" in (exc.context or "") and "end of stream" in problem:
        return RuleError(loc, "yaml.syntax", (("why", Msg("yaml.why.unclosed_quote")),))
    for words, code in _SYNTAX:
        if words in problem:
            why: object = Msg(code)
            if code == "yaml.why.undefined_alias":
                why = Msg(code, (("name", problem.rpartition(" ")[2].strip("'")),))
            return RuleError(loc, "yaml.syntax", (("why", why),))
    # The last resort: PyYAML's own (English) words, as a value.
    message = " ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
    return RuleError(loc, "yaml.syntax_raw", (("why", message),))


def parse_yaml(raw: bytes, file: str) -> tuple[Document | None, list[RuleError]]:
    """Parse one file's bytes; return the document or the errors that stop it."""
    errors: list[RuleError] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        errors.append(
            RuleError(
                Location(file, line, col), "yaml.not_utf8", (("byte", f"0x{raw[exc.start]:02x}"),)
            )
        )
        return None, errors
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        return None, [_reader_error(text, exc, file)]
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        errors.append(_too_deep(file, exc))
        return None, errors
    except yaml.MarkedYAMLError as exc:
        errors.append(_syntax_error(text, exc, file))
        return None, errors
    except yaml.reader.ReaderError as exc:
        errors.append(_reader_error(text, exc, file))
        return None, errors
    except yaml.YAMLError as exc:
        errors.append(RuleError(Location(file, 1, 1), "yaml.syntax_raw", (("why", str(exc)),)))
        return None, errors
    finally:
        loader.dispose()
    if node is None:
        errors.append(RuleError(Location(file, 1, 1), "yaml.empty"))
        return None, errors
    doc = Document(file, None, lines=text.splitlines())
    builder = _Builder(doc, loader, errors)
    try:
        doc.data = builder.build(node, ())
    except _TooDeep as exc:
        errors.append(_too_deep(file, exc))
        return None, errors
    except _TooLarge:
        errors.append(
            RuleError(
                Location(file, *builder._mark(node)), "yaml.alias_bomb", (("limit", MAX_NODES),)
            )
        )
        return None, errors
    if not isinstance(doc.data, dict):
        errors.append(RuleError(Location(file, 1, 1), "yaml.not_mapping"))
        return None, errors
    return doc, errors


def _too_deep(file: str, exc: _TooDeep) -> RuleError:
    return RuleError(Location(file, exc.mark.line + 1, exc.mark.column + 1), exc.code, exc.values)
