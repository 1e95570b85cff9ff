"""Regular expressions compiled on first use.

A cold ``run`` starts a process per step and imports every module on its path; compiling each
module's patterns at import cost it about a millisecond, mostly for patterns the step never uses.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LazyPattern"]


class LazyPattern:
    """Stands for ``re.compile(source, flags)``: ``match``, ``search``, ``sub``... compile it once."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0):
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:  # only names this class lacks: the Pattern's methods
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r})"
