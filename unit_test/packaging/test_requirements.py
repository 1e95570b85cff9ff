"""requirements.txt (the image's pins, which the ecosystem's validator requires) against pyproject.toml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement

tomllib = pytest.importorskip("tomllib", reason="needs Python 3.11+ for tomllib")

REPO = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)$")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = PIN.match(line)
            assert match, f"requirements.txt: {line!r} is not pinned as name==version"
            pins[match[1].lower()] = match[2]
    return pins


def test_every_dependency_is_pinned_once_and_within_its_range():
    ranges = {
        (requirement := Requirement(text)).name.lower(): requirement.specifier
        for text in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    pins = _pins()
    assert sorted(pins) == sorted(ranges), "requirements.txt and pyproject.toml name different packages"
    outside = {name: version for name, version in pins.items() if version not in ranges[name]}
    assert outside == {}, f"pins outside pyproject.toml's ranges: {outside}"
