"""The spec's top-level ``actionkit:`` section: our additions to the ecosystem's format, kept apart.

The ecosystem's validator allows only its own keys on a connection field, an input or output and
a component (its SpecPropertiesValidator). Our extensions (``aliases``, ``resolve``, the numeric
bounds, ``retired_inputs``, ``needs``, ``help``) are therefore written in ``actionkit:``, under the
name of the entry they belong to::

    actionkit:
      connection:
        connect_timeout: {exclusiveMinimum: 0, maximum: 300}
      actions:
        get_user_by_email:
          needs: Any REST API key
          input:
            email: {aliases: [user_email]}
      help:
        setup: Markdown shown at the end of help.md's Setup section

``merge`` puts each addition in place before anything else reads the spec, so the rest of
actionkit sees a spec as if they had been written inline (which it also accepts, for plugins the
ecosystem's validator does not check). ``help`` stays where it is: help.md reads it there.
"""

from __future__ import annotations

from typing import Any

SECTION = "actionkit"
_COMPONENTS = {"actions": "action", "triggers": "trigger", "tasks": "task"}
_FIELDS = ("input", "output", "state")


def merge(data: dict[str, Any], lines: dict[tuple, int]) -> list[tuple[tuple, str]]:
    """Merge ``data["actionkit"]`` into the entries it names; ``lines`` (path to YAML line) gets the
    merged keys' lines. Returns the problems: an entry the spec lacks, a key set in both places.
    A section of the wrong shape is left alone for the meta-schema to report."""
    extra = data.get(SECTION)
    if not isinstance(extra, dict):
        return []
    found: list[tuple[tuple, str]] = []
    merger = _Merger(data, lines, found)
    if isinstance(extra.get("connection"), dict):
        merger.fields(("connection",), "connection field")
    if isinstance(extra.get("types"), dict):
        for name, fields in extra["types"].items():
            if merger.entry(("types", name), "custom type") and isinstance(fields, dict):
                merger.fields(("types", name), f"field of type '{name}'")
    for section, kind in _COMPONENTS.items():
        if not isinstance(extra.get(section), dict):
            continue
        for name, additions in extra[section].items():
            if not merger.entry((section, name), kind) or not isinstance(additions, dict):
                continue
            for key in additions:
                if key in _FIELDS and isinstance(additions[key], dict):
                    merger.fields((section, name, key), f"{key} of {kind} '{name}'")
                else:
                    merger.set((section, name), key)
    return found


class _Merger:
    def __init__(self, data: dict[str, Any], lines: dict[tuple, int], found: list[tuple[tuple, str]]):
        self.data, self.lines, self.found = data, lines, found

    def _get(self, path: tuple) -> Any:
        value: Any = self.data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def entry(self, path: tuple, what: str) -> bool:
        """Whether the spec has the entry ``path`` that ``actionkit.<path>`` adds to."""
        if isinstance(self._get(path), dict):
            return True
        self.found.append(((SECTION, *path), f"names no {what} of the spec"))
        return False

    def fields(self, path: tuple, what: str) -> None:
        """Merge ``actionkit.<path>.<field>: {...}`` into ``<path>.<field>``."""
        for field, keys in self._get((SECTION, *path)).items():
            if not self.entry((*path, field), what) or not isinstance(keys, dict):
                continue
            for key in keys:
                self.set((*path, field), key)

    def set(self, path: tuple, key: str) -> None:
        """Copy ``actionkit.<path>.<key>`` to ``<path>.<key>``, unless the spec sets it there too."""
        target = self._get(path)
        source = (SECTION, *path, key)
        if key in target:
            where = ".".join(str(part) for part in (*path, key))
            self.found.append((source, f"is also set at {where}: set it in one place"))
            return
        target[key] = self._get(source)
        self.lines[(*path, key)] = self.lines.get(source, self.lines.get(source[:-1], 1))
