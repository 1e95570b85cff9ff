"""What arrives: the connection and a component's input, checked before any plugin code sees them.

For a section (the connection, or an input) and its generated schema, in order:

1. a retired input (the schema's ``x-retired``) is dropped with a log line saying why;
2. an optional input sent as ``null`` or ``""`` counts as not provided (inputs only, §11.3);
3. an old name of an input (its ``x-aliases``) is moved to the current name, with a warning;
   both names at once are an error naming both;
4. a key the schema does not declare is an error naming it and the closest declared name;
5. the values are validated (types, enums, bounds, ISO 8601 for inputs of type ``date``);
   a connection's secrets must be Latin-1, the only text an HTTP header carries.

Every problem is reported at once, one line each: an ``InputError`` for an input, a
``ConfigError`` for the connection. ``resolve_names`` then turns the names and emails of the
inputs declared with ``resolve`` (``x-resolve``) into IDs through the connection's resolver.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from actionkit.errors import ConfigError, InputError, InternalError, call_plugin
from actionkit.validate import format_path, validate
from actionkit.values import drop_empty_optional_inputs, non_finite_paths

__all__ = [
    "Rules", "rules_of", "check_input", "check_connection", "canonical", "resolve_names", "problem_lines",
]

log = logging.getLogger("actionkit")


class Rules:
    """What a section's schema says about its keys, read once per schema."""

    __slots__ = ("schema", "names", "known", "aliases", "retired", "resolve")

    def __init__(self, schema: Any):
        self.schema = schema
        schema = schema if isinstance(schema, dict) else {}
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        self.names: list[str] = sorted(properties, key=lambda name: properties[name].get("order", 0))
        self.known = frozenset(properties)
        self.aliases: dict[str, str] = {  # old name -> current name
            old: name for name, prop in properties.items() for old in prop.get("x-aliases", ())
        }
        self.retired: dict[str, str] = dict(schema.get("x-retired") or {})
        self.resolve: dict[str, str] = {
            name: prop["x-resolve"] for name, prop in properties.items() if "x-resolve" in prop
        }


_RULES: dict[int, tuple[Any, Rules]] = {}


def rules_of(schema: Any) -> Rules:
    """The ``Rules`` of a schema, cached: generated schemas are module constants."""
    hit = _RULES.get(id(schema))
    if hit is None or hit[0] is not schema:
        if len(_RULES) > 1024:
            _RULES.clear()
        hit = _RULES[id(schema)] = (schema, Rules(schema))
    return hit[1]


def canonical(raw: Any, schema: Any) -> Any:
    """``raw`` with old names moved to the current ones, quietly (to find its secrets early);
    ``raw`` itself when there is nothing to move."""
    aliases = rules_of(schema).aliases
    if not aliases or not isinstance(raw, dict) or not any(key in aliases for key in raw):
        return raw
    return {aliases.get(key, key): value for key, value in raw.items()}


def check_input(raw: Any, schema: Any, what: str, *, lenient: bool = True) -> dict[str, Any]:
    """The input of ``what`` (``action 'x'``) ready for its model; ``InputError`` listing every problem."""
    return _check(raw, schema, "input", what, lenient, InputError)


def check_connection(raw: Any, schema: Any) -> dict[str, Any]:
    """The connection ready for its model; ``ConfigError`` listing every problem."""
    return _check(raw, schema, "connection", "the connection", False, ConfigError)


def _check(raw: Any, schema: Any, root: str, what: str, lenient: bool, error: type) -> dict[str, Any]:
    rules = rules_of(schema)
    problems: list[str] = []
    if isinstance(raw, dict):
        raw = _without_retired(raw, rules, root)
        if lenient:
            raw, dropped = drop_empty_optional_inputs(raw, schema)
            if dropped:
                log.debug("Optional inputs sent empty, treated as not provided: %s", ", ".join(dropped))
        raw = _renamed(raw, rules, root, problems)
        problems += [_unknown(key, rules, root, what) for key in raw if key not in rules.known]
    # Python reads Infinity, NaN and 1e400 as floats: name them once, wherever they are.
    odd = non_finite_paths(raw, root)
    problems += [f"{path}: not a JSON number (Infinity, NaN, or too large)" for path in odd]
    checked = validate(raw, schema, root, required_not_empty=root == "input", formats=root == "input")
    problems += [line for line in checked if line.split(": ", 1)[0] not in odd] if odd else checked
    if root == "connection":
        problems += _unsendable_secrets(raw, schema)
    if problems:
        raise error(problem_lines(problems))
    return raw if isinstance(raw, dict) else {}


def _unsendable_secrets(raw: Any, schema: Any) -> list[str]:
    """Secrets no HTTP header can carry: a key with a "€" would fail deep in the HTTP library
    instead. The secret is never echoed, only where the odd character is."""
    problems = []
    for parts, value in _secret_fields(raw, schema):
        bad = next((index for index, char in enumerate(value) if ord(char) > 255), None)
        if bad is not None:
            problems.append(
                f"{format_path('connection', parts)}: holds a character that no HTTP header can carry (at "
                f"position {bad + 1} of {len(value)}); check that it was copied whole and correctly"
            )
    return problems


def _secret_fields(raw: Any, schema: Any) -> Iterator[tuple[tuple[str, ...], str]]:
    """``(path, value)`` of each ``format: password`` string, at the top or in a credential object."""
    if not isinstance(raw, dict) or not isinstance(schema, dict):
        return
    definitions = schema.get("definitions") or {}
    for name, prop in (schema.get("properties") or {}).items():
        if "$ref" in prop:
            prop = definitions.get(prop["$ref"].rsplit("/", 1)[-1], {})
        value = raw.get(name)
        if prop.get("format") == "password" and isinstance(value, str):
            yield (name,), value
        elif isinstance(value, dict):
            for key, field in (prop.get("properties") or {}).items():
                if field.get("format") == "password" and isinstance(value.get(key), str):
                    yield (name, key), value[key]


def _without_retired(raw: dict, rules: Rules, root: str) -> dict:
    retired = [key for key in raw if key in rules.retired]
    for key in retired:
        log.info("The %s %r is retired and ignored: %s", _noun(root), key, rules.retired[key])
    return {key: value for key, value in raw.items() if key not in rules.retired} if retired else raw


def _renamed(raw: dict, rules: Rules, root: str, problems: list[str]) -> dict:
    """``raw`` with old names moved to the current ones; both at once is a problem."""
    old_names = [key for key in raw if key in rules.aliases]
    if not old_names:
        return raw
    raw = dict(raw)
    for old in old_names:
        new = rules.aliases[old]
        noun = _noun(root)
        if new in raw:
            problems.append(f"{noun} '{old}' and {noun} '{new}' are the same {noun} ('{old}' is its old "
                            f"name): give only '{new}'")
            del raw[old]
            continue
        log.warning("The %s '%s' is deprecated: use '%s' instead", noun, old, new)
        raw[new] = raw.pop(old)
    return raw


def _unknown(key: Any, rules: Rules, root: str, what: str) -> str:
    """``unknown input 'serverity'; did you mean 'severity'?``"""
    noun = _noun(root)
    key = str(key)
    import difflib  # only a mistyped name pays for it: every cold ``run`` imports this module

    candidates = rules.names + list(rules.aliases)
    close = difflib.get_close_matches(key[:100], candidates, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(key[:100].lower(), candidates, n=1, cutoff=0.6)
    if len(key) > 60:
        key = key[:57] + "..."
    if close:
        return f"unknown {noun} '{key}'; did you mean '{rules.aliases.get(close[0], close[0])}'?"
    if not rules.names:
        return f"unknown {noun} '{key}': {what} takes none"
    return f"unknown {noun} '{key}': {what} takes {', '.join(repr(name) for name in rules.names)}"


def _noun(root: str) -> str:
    return "connection setting" if root == "connection" else root


def problem_lines(problems: list[str]) -> str:
    """One problem per line, each a sentence."""
    return "\n".join(problem if problem.endswith(("?", ".")) else f"{problem}." for problem in problems)


def resolve_names(values: dict[str, Any], schema: Any, resolver: Callable[[], Any]) -> dict[str, Any]:
    """``values`` with every input declared ``resolve: <kind>`` turned into IDs (each item of a
    list); ``resolver()`` gives the call's resolver and is called only when there is a name."""
    wanted = rules_of(schema).resolve
    present = [name for name in wanted if values.get(name) not in (None, "", [])]
    if not present:
        return values
    source = resolver()
    values = dict(values)
    for name in present:
        kind, value = wanted[name], values[name]
        if isinstance(value, list):
            values[name] = [
                _resolved(source, kind, item, f"{name}[{index}]") for index, item in enumerate(value)
            ]
        else:
            values[name] = _resolved(source, kind, value, name)
        if values[name] != value:
            log.info("Input %s: %s resolved to %s", name, _shown(value), _shown(values[name]))
    return values


def _resolved(source: Any, kind: str, value: Any, field: str) -> str:
    found = call_plugin(f"Resolving input {field}", source.resolve, kind, value, field)
    if not isinstance(found, str) or not found:
        raise InternalError(
            f"The resolver gave {found!r} for input {field} ({kind} {value!r}); expected an ID."
        )
    return found


def _shown(value: Any) -> str:
    return ", ".join(map(repr, value)) if isinstance(value, list) else repr(value)
