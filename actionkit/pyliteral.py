"""Python source for JSON data: tidy, deterministic and within the line length.

A value that fits on the rest of its line stays there; otherwise a dict or list gets one item
per line (with a trailing comma) and a long string is split at spaces into implicitly
concatenated pieces inside parentheses. Strings use double quotes and JSON escapes, which
are valid Python; ``true``/``false``/``null`` become ``True``/``False``/``None``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

WIDTH = 110
_STEP = 4


def literal(
    value: Any, indent: int = 0, used: int | None = None, trailing: int = 0, width: int = WIDTH
) -> str:
    """The source of ``value``. ``indent`` is the indentation of the lines the literal may open,
    ``used`` the columns already taken on its first line (default: ``indent``) and ``trailing``
    the columns that follow it there (such as a comma)."""
    used = indent if used is None else used
    flat = _flat(value)
    if used + len(flat) + trailing <= width:
        return flat
    inner = " " * (indent + _STEP)
    if isinstance(value, dict) and value:
        lines = ["{"]
        for key, item in value.items():
            prefix = f"{inner}{_string(key)}: "
            lines.append(prefix + literal(item, indent + _STEP, len(prefix), 1, width) + ",")
        return "\n".join([*lines, " " * indent + "}"])
    if isinstance(value, list) and value:
        lines = ["["]
        for item in value:
            lines.append(inner + literal(item, indent + _STEP, None, 1, width) + ",")
        return "\n".join([*lines, " " * indent + "]"])
    if isinstance(value, str):
        pieces = split_string(value, width - len(inner))
        if len(pieces) > 1 or len(inner) + len(flat) <= width:
            return "\n".join(["(", *(inner + _string(piece) for piece in pieces), " " * indent + ")"])
    return flat


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _flat(value: Any) -> str:
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not JSON data")
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(key)}: {_flat(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flat(item) for item in value) + "]"
    raise TypeError(f"{type(value).__name__} is not JSON data")


def split_string(text: str, width: int) -> list[str]:
    """Cut ``text`` into pieces whose literals are at most ``width`` long: after each newline,
    then after spaces, and inside a word only when the word alone is too long."""
    pieces: list[str] = []
    for line in re.split(r"(?<=\n)", text):
        current = ""
        for token in re.findall(r"\S+\s*|\s+", line):
            if len(_string(current + token)) <= width:
                current += token
                continue
            if current:
                pieces.append(current)
            current = ""
            for char in token:
                if current and len(_string(current + char)) > width:
                    pieces.append(current)
                    current = ""
                current += char
        if current:
            pieces.append(current)
    return pieces or [""]
