"""Python source for JSON data: tidy, deterministic and within the line length.

A value that fits on the rest of its line stays there. Otherwise a dict or list spreads over
several lines, each ending in a comma: short items share lines, as many as fit, and a longer
one, or any item of a dict of dicts, gets its own. A long string is split at spaces into
implicitly concatenated pieces (inside parentheses when it is not inside brackets already).
Strings use double quotes and JSON escapes, which are valid Python; ``true``/``false``/``null``
become ``True``/``False``/``None``. A ``Call`` is written as a call on its arguments and an
``Expr`` as the expression it holds: generated modules use them to refer to shared definitions
instead of repeating them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

WIDTH = 110
_STEP = 4
_ATOM = 60  # the longest container that shares a line with other items


class Expr:
    """A Python expression to write as is, in place of a JSON value (such as ``EXAMPLES["user"]``)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class Call:
    """A call of ``func`` (a dotted name) on JSON arguments, such as ``TYPES.definitions("user")``;
    its arguments spread over lines as a list's items do when it is too long for one."""

    __slots__ = ("func", "args")

    def __init__(self, func: str, *args: Any):
        self.func, self.args = func, list(args)

    def __repr__(self) -> str:
        return f"Call({self.func!r}, *{self.args!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Call) and (other.func, other.args) == (self.func, self.args)

    def __hash__(self) -> int:
        return hash((self.func, repr(self.args)))


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
    if isinstance(value, (dict, list)) and value:
        return _container(value, indent, width)
    if isinstance(value, Call) and value.args:
        return _container(value, indent, width)
    inner = " " * (indent + _STEP)
    if isinstance(value, str):
        pieces = split_string(value, width - len(inner))
        if len(pieces) > 1 or len(inner) + len(flat) <= width:
            return "\n".join(["(", *(inner + _string(piece) for piece in pieces), " " * indent + ")"])
    return flat


def _container(value: dict[str, Any] | list[Any] | Call, indent: int, width: int) -> str:
    """A dict or list over several lines. Consecutive short items share a line, as many as fit
    (a property schema takes two lines instead of six); a longer item gets lines of its own, and so
    does every item of a table (a dict or list of dicts, such as ``properties``)."""
    inner = " " * (indent + _STEP)
    is_dict = isinstance(value, dict)
    if isinstance(value, Call):
        opening, closing, items = f"{value.func}(", ")", [("", item) for item in value.args]
    else:
        opening, closing = ("{", "}") if is_dict else ("[", "]")
        items = list(value.items()) if is_dict else [("", item) for item in value]
    table = all(isinstance(item, dict) for _, item in items)
    lines, current = [opening], ""
    for key, item in items:
        prefix = f"{_string(key)}: " if is_dict else ""
        text = f"{prefix}{_flat(item)},"
        if not table and _atom(item) and len(inner) + len(text) <= width:
            if current and len(inner) + len(current) + 1 + len(text) <= width:
                current += " " + text
            else:
                if current:
                    lines.append(inner + current)
                current = text
            continue
        if current:
            lines.append(inner + current)
            current = ""
        if isinstance(item, str):
            lines += _hanging(inner + prefix, item, width)
        else:
            used = len(inner) + len(prefix)
            lines.append(inner + prefix + literal(item, indent + _STEP, used, 1, width) + ",")
    if current:
        lines.append(inner + current)
    return "\n".join([*lines, " " * indent + closing])


def _hanging(start: str, text: str, width: int) -> list[str]:
    """A long string inside brackets as implicitly concatenated pieces, the first after ``start``
    and the others indented one more step (no parentheses needed inside brackets)."""
    pieces = split_string(text, max(width - len(start) - 1, 20))
    rest = " " * (len(start) - len(start.lstrip()) + _STEP)
    lines = [start + _string(pieces[0])] + [rest + _string(piece) for piece in pieces[1:]]
    lines[-1] += ","
    return lines


def _atom(value: Any) -> bool:
    """A scalar, or a short container of scalars: what may share a line with other items."""
    if isinstance(value, (dict, list)):
        items = value.values() if isinstance(value, dict) else value
        return len(_flat(value)) <= _ATOM and not any(isinstance(item, (dict, list)) for item in items)
    return True


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _flat(value: Any) -> str:
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, Call):
        return f"{value.func}({', '.join(_flat(arg) for arg in value.args)})"
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
