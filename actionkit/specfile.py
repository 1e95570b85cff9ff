"""The plugin's whole spec, read from plugin.spec.yaml where it is, for what needs all of it.

Only the HTTP routes that publish the spec (``/spec``, a component's detail) need more than the
generated manifest and schemas, so nothing else reads it and a ``run`` never does. An installed
plugin ships plugin.spec.yaml inside its package (the wheel's build puts it there); in a checkout
it is at the plugin root, above the package. The manifest's ``SPEC_SHA256`` tells which file is
the one the package was generated from.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["SPEC_FILE", "SpecFileError", "PluginSpec", "load", "candidates"]

SPEC_FILE = "plugin.spec.yaml"
_LOADED: dict[str, PluginSpec] = {}
_LOCK = threading.Lock()


class SpecFileError(Exception):
    """plugin.spec.yaml is missing, or is not the one the package was generated from."""


class PluginSpec:
    """``text``: the YAML as written; ``data``: the same as plain JSON data, with the additions of its
    ``actionkit:`` section merged in; ``path``: where it was read."""

    __slots__ = ("text", "data", "path")

    def __init__(self, text: str, data: dict[str, Any], path: Path):
        self.text, self.data, self.path = text, data, path


def candidates(package: str) -> list[Path]:
    """Where the spec of ``package`` may be, in the order they are tried: inside the package (an
    installed wheel), then at the plugin root above it (a checkout)."""
    folder = Path(sys.modules[package].__file__ or "").resolve().parent
    return [folder / SPEC_FILE, folder.parent / SPEC_FILE]


def load(package: str, sha256: str | None = None) -> PluginSpec:
    """The spec of the imported ``package``, read once per process. ``sha256`` (the manifest's
    ``SPEC_SHA256``) picks the file the package was generated from; raises ``SpecFileError``."""
    with _LOCK:
        if package not in _LOADED:
            _LOADED[package] = _read(package, sha256)
        return _LOADED[package]


def _read(package: str, sha256: str | None) -> PluginSpec:
    from actionkit import specextra, yamlmarks  # noqa: PLC0415  (YAML only for the routes that publish it)

    found = [path for path in candidates(package) if path.is_file()]
    if not found:
        looked = " and ".join(str(path) for path in candidates(package))
        raise SpecFileError(f"{SPEC_FILE} of {package} is missing (looked at {looked}); "
                            "an installed plugin ships it inside its package")
    for path in found:
        raw = path.read_bytes()
        if sha256 is None or hashlib.sha256(raw).hexdigest() == sha256:
            text = raw.decode("utf-8")
            document = yamlmarks.parse(text)
            if document.problems or not isinstance(document.data, dict):
                why = "python -m actionkit generate --check"
                raise SpecFileError(f"{path} is not a valid spec; see why with: {why}")
            # The spec as actionkit reads it: the actionkit: section's additions in their entries.
            specextra.merge(document.data, document.lines)
            return PluginSpec(text, document.data, path)
    raise SpecFileError(f"{found[0]} is not the spec {package} was generated from; "
                        "regenerate with: python -m actionkit generate")
