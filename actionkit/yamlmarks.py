"""YAML to plain JSON data, remembering the line of every key and refusing what JSON lacks.

PyYAML's loaders keep the last of two duplicate keys without a word, turn ``yes`` into
``true`` and ``2024-01-01`` into a date. Here the document is composed into nodes and the
data built from them, so that:

* a duplicate key is a problem naming both lines;
* a key that YAML does not read as text (``yes:``, ``1:``, ``null:``) is a problem;
* timestamps stay strings (JSON has no dates); ``!!binary``, NaN and infinities are problems;
* merge keys (``<<``) are refused rather than half-supported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 10x faster
    """SafeLoader without the timestamp resolver."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Document:
    """The data of a YAML document, the line of each path, and what was wrong with it."""

    data: Any = None
    lines: dict[tuple, int] = field(default_factory=dict)
    problems: list[tuple[tuple, int | None, str]] = field(default_factory=list)

    def line_of(self, where: tuple) -> int:
        """The line of a path, or of its nearest ancestor that is in the document."""
        where = tuple(where)
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return 1


def parse(text: str) -> Document:
    """Parse one YAML document; syntax errors become problems, never exceptions."""
    document = Document()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            document.problems.append(((), 1, "the spec is empty"))
            return document
        document.data = _Builder(loader, document).build(node, (), set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = f"{exc.context}: " if exc.context else ""
        line = mark.line + 1 if mark else None
        document.problems.append(((), line, f"invalid YAML: {context}{exc.problem}"))
        document.data = None
    except yaml.YAMLError as exc:
        document.problems.append(((), None, f"invalid YAML: {' '.join(str(exc).split())}"))
        document.data = None
    finally:
        loader.dispose()
    return document


class _Builder:
    def __init__(self, loader: _Loader, document: Document):
        self.loader = loader
        self.document = document

    def problem(self, where: tuple, node: Any, message: str) -> None:
        self.document.problems.append((where, node.start_mark.line + 1, message))

    def build(self, node: Any, where: tuple, active: set[int]) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node, where)
        if id(node) in active:
            self.problem(where, node, "a YAML alias refers to a node that contains it")
            return None
        active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    self.document.lines[(*where, index)] = item.start_mark.line + 1
                    items.append(self.build(item, (*where, index), active))
                return items
            return self.mapping(node, where, active)
        finally:
            active.discard(id(node))

    def scalar(self, node: ScalarNode, where: tuple) -> Any:
        try:
            value = self.loader.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            self.problem(where, node, f"invalid YAML value: {exc.problem}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(where, node, f"{node.value!r} is not a JSON number")
            return None
        if not isinstance(value, (str, int, float, bool, type(None))):
            self.problem(where, node, f"{node.tag} values are not JSON data: write a string")
            return None
        return value

    def mapping(self, node: MappingNode, where: tuple, active: set[int]) -> dict:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:
                self.problem(where, key_node, "YAML merge keys ('<<') are not supported: write the keys out")
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(where, key_node, "a key must be plain text, not a list or a mapping")
                continue
            key = self.scalar(key_node, where)
            if not isinstance(key, str):
                self.problem(
                    (*where, key_node.value),
                    key_node,
                    f"the key {key_node.value!r} is read by YAML as {_json_word(key)}, not as text: "
                    f"quote it (\"{key_node.value}\")",
                )
                key = key_node.value
            if key in first_lines:
                message = f"duplicate key {key!r} (first defined on line {first_lines[key]})"
                self.problem((*where, key), key_node, message)
                continue
            first_lines[key] = line
            self.document.lines[(*where, key)] = line
            result[key] = self.build(value_node, (*where, key), active)
        return result


def _json_word(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"the number {value}"
