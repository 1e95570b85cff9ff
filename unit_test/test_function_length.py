"""The house rule on size: no module over 400 lines and no function over 60, outside generated code.

It keeps every hand-written file of the plugin, its framework, the local PagerDuty and the
benchmarks short enough to read in one sitting. Generated files (``DO NOT EDIT`` in their first
200 characters) are exempt: they are changed by regenerating them, not by reading them. A function
counts from its ``def`` line to its last line, nested functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("actionkit", "icon_pagerduty", "pagerduty_sim", "bench")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
GENERATED_MARK = "DO NOT EDIT"


def _sources(package: str) -> list[tuple[str, str]]:
    """``(path relative to the project, text)`` of the package's hand-written modules."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if GENERATED_MARK not in text[:200]:
            found.append((path.relative_to(ROOT).as_posix(), text))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_is_over_60_lines(package):
    long = [
        f"{name}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for name, text in _sources(package)
        for node in ast.walk(ast.parse(text, filename=name))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_400_lines(package):
    long = [
        f"{name} ({len(text.splitlines())} lines)"
        for name, text in _sources(package)
        if len(text.splitlines()) > MAX_MODULE_LINES
    ]
    assert not long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_every_package_has_modules_to_check():
    # A renamed or moved package would otherwise make its two checks pass on nothing.
    assert {package: bool(_sources(package)) for package in PACKAGES} == dict.fromkeys(PACKAGES, True)
