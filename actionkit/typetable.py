"""The table of type definitions a plugin's generated schema modules share.

The spec's custom types (and the built-in definitions such as ``credential_secret_key`` that it
uses) are generated once, into ``<package>/custom_types.py`` as one ``TypeTable``. A schema
module names the types its section uses directly; ``definitions`` adds, depth first, every type
those use, so each schema's ``definitions`` holds exactly what ``actionkit.types.definitions``
would have inlined, in the same order. Imported by every ``run``, so it stays tiny.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TypeTable"]


class TypeTable:
    """``definitions``: name to JSON schema definition; ``uses``: name to the names its fields
    use, in order of first use with the fields walked alphabetically; ``examples``: name to the
    example object built from its fields; ``builtin``: the names that are built-in definitions
    (listed before custom types in a schema's ``definitions``)."""

    __slots__ = ("_definitions", "_uses", "_examples", "_builtin")

    def __init__(
        self,
        definitions: dict[str, dict[str, Any]],
        uses: dict[str, list[str]],
        examples: dict[str, Any],
        builtin: tuple[str, ...] = (),
    ):
        self._definitions = definitions
        self._uses = uses
        self._examples = examples
        self._builtin = frozenset(builtin)

    def definitions(self, *names: str) -> dict[str, dict[str, Any]]:
        """The flat ``definitions`` of a section whose fields use ``names`` directly (in order of
        first use): a fresh copy, so a caller may change it."""
        seen: list[str] = []

        def visit(name: str) -> None:
            if name not in seen:
                seen.append(name)
                for used in self._uses.get(name, ()):
                    visit(used)

        for name in names:
            visit(name)
        ordered = [name for name in seen if name in self._builtin]
        ordered += [name for name in seen if name not in self._builtin]
        return {name: _copy(self._definitions[name]) for name in ordered}

    def example(self, name: str) -> Any:
        """A fresh copy of the example object of custom type ``name``."""
        return _copy(self._examples[name])

    def names(self) -> list[str]:
        """Every type the table defines."""
        return list(self._definitions)


def _copy(value: Any) -> Any:
    """A deep copy of JSON data; ``copy.deepcopy`` is slower and costs an import at start-up."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
