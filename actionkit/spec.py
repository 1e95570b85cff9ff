"""Load and validate plugin.spec.yaml before anything else uses it.

``load_spec`` reads the YAML keeping the line of every key and rejecting duplicate keys
(``actionkit.yamlmarks``), then checks the data against the meta-schema and what a JSON schema
cannot check (``actionkit.speccheck``). It reports every problem at once, one line each::

    plugin.spec.yaml:42: types.incident.number.type: 'integar' is not a known type (did you mean 'integer'?)

Before the checks, the additions of the top-level ``actionkit:`` section are merged into the
entries they name (``actionkit.specextra``). A valid spec becomes a ``Spec``: ordered access to
its connection, custom types and components.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actionkit import speccheck, specextra, yamlmarks
from actionkit.speccheck import KINDS, SECTION_KEYS

__all__ = [
    "KINDS",
    "SECTION_KEYS",
    "Problem",
    "SpecError",
    "Property",
    "Component",
    "Spec",
    "load_spec",
    "parse_spec",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the spec: where (dotted path, YAML line) and what."""

    path: str
    line: int | None
    message: str

    def format(self, source: str = "plugin.spec.yaml") -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(Exception):
    """The spec cannot be used. ``problems`` lists every problem found; ``str()`` gives one
    line per problem, prefixed with the file name and line."""

    def __init__(self, problems: list[Problem], source: str = "plugin.spec.yaml"):
        self.problems = problems
        self.source = source
        super().__init__("\n".join(problem.format(source) for problem in problems))


@dataclass(frozen=True)
class Property:
    """A property of a section as written in the spec; ``order`` is its 1-based YAML position."""

    name: str
    order: int
    raw: Mapping[str, Any]

    type = property(lambda self: self.raw["type"])
    title = property(lambda self: self.raw["title"])
    description = property(lambda self: self.raw["description"])
    required = property(lambda self: self.raw.get("required") is True)
    default = property(lambda self: self.raw.get("default"))
    enum = property(lambda self: self.raw.get("enum"))
    example = property(lambda self: self.raw.get("example"))


def _properties(section: Mapping[str, Any] | None) -> dict[str, Property]:
    return {name: Property(name, order, raw) for order, (name, raw) in enumerate((section or {}).items(), 1)}


@dataclass(frozen=True)
class Component:
    """An action, trigger or task of the spec."""

    kind: str
    name: str
    raw: Mapping[str, Any]

    title = property(lambda self: self.raw["title"])
    description = property(lambda self: self.raw["description"])
    help = property(lambda self: self.raw.get("help"))
    schedule = property(lambda self: self.raw.get("schedule"))

    @property
    def class_name(self) -> str:
        """The Python class name: ``get_user_by_id`` gives ``GetUserById``."""
        return "".join(part[:1].upper() + part[1:] for part in self.name.split("_"))

    def section(self, which: str) -> dict[str, dict[str, Any]]:
        """The raw ``input``, ``output`` or ``state`` section (empty when absent)."""
        return dict(self.raw.get(which) or {})

    def properties(self, which: str) -> dict[str, Property]:
        return _properties(self.raw.get(which))


class Spec:
    """A validated spec. Sections keep their YAML order; ``data`` is the whole spec as plain
    JSON data, ``text`` the raw YAML and ``sha256`` the hash of its bytes."""

    def __init__(self, data: dict[str, Any], text: str, sha256: str, path: Path | None = None):
        self.data = data
        self.text = text
        self.sha256 = sha256
        self.path = path
        self.raw_types: dict[str, dict[str, Any]] = {
            name: dict(fields or {}) for name, fields in (data.get("types") or {}).items()
        }
        self.types = {name: _properties(fields) for name, fields in self.raw_types.items()}
        self.raw_connection: dict[str, Any] = dict(data.get("connection") or {})
        self.connection = _properties(self.raw_connection)
        self.actions = self._components("action")
        self.triggers = self._components("trigger")
        self.tasks = self._components("task")

    def _components(self, kind: str) -> dict[str, Component]:
        found = self.data.get(SECTION_KEYS[kind]) or {}
        return {name: Component(kind, name, raw) for name, raw in found.items()}

    name = property(lambda self: self.data["name"])
    title = property(lambda self: self.data["title"])
    description = property(lambda self: self.data["description"])
    version = property(lambda self: self.data["version"])
    vendor = property(lambda self: self.data["vendor"])

    @property
    def package(self) -> str:
        """The default Python package of the plugin: ``icon_<name>``."""
        return f"icon_{self.name}"

    def components(self) -> Iterator[Component]:
        """Every action, then every trigger, then every task, in spec order."""
        yield from self.actions.values()
        yield from self.triggers.values()
        yield from self.tasks.values()


def load_spec(path: str | Path) -> Spec:
    """Read and validate a spec file; raise ``SpecError`` listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError([Problem("", None, f"cannot read the spec: {exc.strerror}")], str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem("", None, f"not UTF-8 text (bad byte at offset {exc.start})")
        raise SpecError([problem], path.name) from None
    return parse_spec(text, path.name, path=path)


def parse_spec(text: str, source: str = "plugin.spec.yaml", path: Path | None = None) -> Spec:
    """Validate spec text; raise ``SpecError`` listing every problem."""
    document = yamlmarks.parse(text)
    problems = [Problem(_dotted(where), line, message) for where, line, message in document.problems]
    if isinstance(document.data, dict):  # the additions of the actionkit: section go in place first
        for where, message in specextra.merge(document.data, document.lines):
            problems.append(Problem(_dotted(where), document.line_of(where), message))
    if document.data is not None:
        seen = set()
        for where, message in speccheck.problems(document.data):
            if (where, message) not in seen:
                seen.add((where, message))
                problems.append(Problem(_dotted(where), document.line_of(where), message))
    if problems:
        problems.sort(key=lambda problem: (problem.line or 0, problem.path, problem.message))
        raise SpecError(problems, source)
    return Spec(document.data, text, hashlib.sha256(text.encode("utf-8")).hexdigest(), path)


def _dotted(where: tuple) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
