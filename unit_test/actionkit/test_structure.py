"""The framework's shape: no import cycles, and a dispatch core made of short modules and functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "actionkit"
# The message path through the dispatch core, and what it leans on.
CORE = ("runtime", "steps", "inputs", "shaping", "envelope", "errors", "components", "validate", "values",
        "masking", "logs", "spec", "speccheck", "specrules", "types", "helpmd")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """The actionkit modules ``path`` imports when it runs, inside functions too (that hides no
    cycle); ``from package import module`` counts as importing the module alone, and imports only
    for type checkers do not count."""
    found = set()
    nodes = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            nodes += node.orelse
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & MODULES.keys()
            found.update(submodules or {node.module})
        nodes += ast.iter_child_nodes(node)
    return {name for name in found if name in MODULES and name != "actionkit"}


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, trail = stack.pop()
        for target in graph[node]:
            if target == start:
                return [*trail, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*trail, target]))
    return None


def test_no_module_of_actionkit_imports_one_that_imports_it_back():
    graph = {name: _imports(path) for name, path in MODULES.items()}
    cycles = [" -> ".join(cycle) for name in sorted(graph) if (cycle := _cycle_from(name, graph))]
    assert cycles == []


@pytest.mark.parametrize("name", CORE)
def test_the_dispatch_core_is_short_modules_of_short_functions(name):
    path = PACKAGE / f"{name}.py"
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(text)) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []
