"""The outputs of a suite run: the table on stdout, ``latest.json`` and ``latest.md``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .common import dumps

HEADERS = ("Figure", "Value", "Floor", "Ratio")


def table(rows: list[tuple[str, str, str, str]]) -> str:
    """Rows as an aligned plain-text table."""
    widths = [max(len(str(row[i])) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [HEADERS, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown(results: dict[str, Any], rows: list[tuple[str, str, str, str]]) -> str:
    machine = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"{results['generated_at']}, commit `{results['commit'] or '?'}`, {results['mode']} run in "
        f"{results['seconds']:.0f} s. Machine: {machine['cores']} cores ({machine['cpu'] or 'unknown CPU'}), "
        f"{machine['implementation']} {machine['python']}, {machine['platform']}.",
        "",
        *[f"- {note}" for note in results["method"]],
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "---|" * len(HEADERS),
        *["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows],
        "",
        "## Targets (reported, not asserted)",
        "",
    ]
    shown: list[list[str]] = []
    for target in results["targets"]:
        mark = "met" if target["met"] else "**missed**"
        lines.append(f"- {mark}: {target['name']}: {_value(target)}")
        dominated = target.get("dominated_by")
        if target["met"] or not dominated:
            continue
        if dominated in shown:
            lines.append("  (what dominates: as above)")
            continue
        shown.append(dominated)
        lines += ["", "  What dominates:", "", "  ```"]
        lines += [f"  {line}" for line in dominated]
        lines += ["  ```", ""]
    errors = {name: found["error"] for name, found in results["benchmarks"].items() if "error" in found}
    if errors:
        lines += ["", "## Benchmarks that failed", ""]
        lines += [f"- {name}: {error}" for name, error in errors.items()]
    lines += ["", "## Notes", ""]
    for name, found in results["benchmarks"].items():
        for note in found.get("notes", []):
            lines.append(f"- {name}: {note}")
    return "\n".join(lines).rstrip() + "\n"


def _value(target: dict[str, Any]) -> str:
    value, unit = target["value"], target.get("unit", "")
    return f"{value} {unit}".strip()


def write(directory: Path, results: dict[str, Any], rows: list[tuple[str, str, str, str]]) -> list[Path]:
    """Write ``latest.json`` and ``latest.md`` in ``directory``, each replaced whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("latest.json", dumps(results)), ("latest.md", markdown(results, rows))):
        path = directory / name
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        written.append(path)
    return written
