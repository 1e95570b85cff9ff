"""Regular expressions compiled on first use.

A cold ``run`` starts a process per step and imports every module on its path; compiling each
module's patterns at import cost it about a millisecond, mostly for patterns the step never uses.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LazyPattern"]

_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class LazyPattern:
    """Stands for ``re.compile(source, flags)``: ``match``, ``search``, ``sub``... compile it once."""

    def __init__(self, source: str, flags: int = 0):
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the instance lacks: on first use, the compiled pattern's methods
        # become the instance's own, so later calls cost what a precompiled pattern's do.
        if name.startswith("_"):  # copy and pickle probe dunders, maybe before _source is set
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r})"
