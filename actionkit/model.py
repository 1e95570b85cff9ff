"""Base class of the generated Input and Output classes.

A model is a plain dict with attribute access. Generated subclasses set ``SCHEMA`` (the JSON
schema of the section), ``EXAMPLE`` (built from the spec's examples), ``ALIASES`` (Python
names for spec keys that are not identifiers or are keywords, such as ``class_`` for
``class``) and ``JSON`` (``SCHEMA`` with its definitions inlined, as JSON text: the form the
ecosystem's tools read in a schema.py; nothing here uses it). Reading a declared field that is
absent gives ``None``; reading an undeclared name is an ``AttributeError``, so typos fail loudly.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Model:
    SCHEMA: ClassVar[dict[str, Any]] = {}
    EXAMPLE: ClassVar[dict[str, Any]] = {}
    ALIASES: ClassVar[dict[str, str]] = {}
    JSON: ClassVar[str] = ""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any] | None = None, /, **fields: Any):
        merged = dict(data or {})
        for name, value in fields.items():
            merged[self.ALIASES.get(name, name)] = value
        object.__setattr__(self, "_data", merged)

    def __getattr__(self, name: str) -> Any:
        key = self.ALIASES.get(name, name)
        try:
            return self._data[key]
        except KeyError:
            if key in self.SCHEMA.get("properties", {}):
                return None
            raise AttributeError(f"{type(self).__qualname__} has no field {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._data[self.ALIASES.get(name, name)] = value

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Model):
            return type(self) is type(other) and self._data == other._data
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({self._data!r})"
