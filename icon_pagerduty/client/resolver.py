"""Names for IDs: what a person knows (an email, a service's name) turned into a PagerDuty ID.

``RestClient.resolver()`` gives one ``Resolver`` per call; the runtime calls ``resolve`` for
every input declared with ``resolve: <kind>`` in the spec, and an action may call it too.

- A value that looks like a PagerDuty ID passes unchanged, with no request: ``P`` and six
  capital letters or digits (``PXPGF42``, the form of every ID these kinds have), or 14 of them
  (the longer IDs of newer objects, such as ``Q3X6MJ1LUKD6QW``). So a short name such as "P1"
  (a priority) or "Payments" is looked up, but an all-capital name of exactly that shape
  ("PAYMENT") is taken as an ID: give such an object's ID instead.
- Users by email (``GET /users?query=<email>``; a value without "@" matches the user's name);
  the other kinds by name (``GET /<collection>?query=<name>``; priorities, which have no
  ``query``, by listing them). The match is exact and ignores case; ``query`` only narrows.
- One request per lookup (the first page of 100 holds every match in practice), and each
  value is looked up once per call.

Adding a kind is one line in ``KINDS``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput

if TYPE_CHECKING:
    from .rest import RestClient

ID = re.compile(r"^(?:P[A-Z0-9]{6}|[A-Z0-9]{14})$")
CANDIDATES_SHOWN = 10


class Kind:
    """How names of one kind are looked up: ``GET path`` (with ``query=<value>`` when ``query``),
    the wrapper ``key`` of the list, the ``field`` compared with the value, and the ``noun``
    messages name it by (the kind with spaces by default)."""

    __slots__ = ("path", "key", "field", "query", "noun")

    def __init__(self, path: str, key: str, field: str = "name", query: bool = True, noun: str = ""):
        self.path, self.key, self.field, self.query, self.noun = path, key, field, query, noun


KINDS: dict[str, Kind] = {
    "user": Kind("/users", "users", "email"),
    "service": Kind("/services", "services"),
    "escalation_policy": Kind("/escalation_policies", "escalation_policies"),
    "schedule": Kind("/schedules", "schedules"),
    "team": Kind("/teams", "teams"),
    "priority": Kind("/priorities", "priorities", query=False),
    "business_service": Kind("/business_services", "business_services", query=False),
    "incident_workflow": Kind("/incident_workflows", "incident_workflows"),
    "tag": Kind("/tags", "tags", "label"),
    "vendor": Kind("/vendors", "vendors", query=False),
    # PagerDuty's catalogue of extension kinds, named by label; the listing takes no query.
    "extension_schema": Kind("/extension_schemas", "extension_schemas", "label", query=False),
    "extension": Kind("/extensions", "extensions"),
}


def looks_like_id(value: str) -> bool:
    return bool(ID.match(value))


class Resolver:
    """Turns names into IDs for one call, remembering each answer."""

    def __init__(self, rest: RestClient, kinds: dict[str, Kind] | None = None):
        self.rest = rest
        self.kinds = kinds if kinds is not None else KINDS
        self.cache: dict[tuple[str, str, str], str] = {}

    def resolve(self, kind: str, value: Any, field: str) -> str:
        """The ID of the ``kind`` object that ``value`` names; ``field`` is the input, for errors."""
        spec = self.kinds.get(kind)
        if spec is None:
            known = ", ".join(sorted(self.kinds))
            raise ValueError(f"Unknown kind {kind!r} to resolve (input `{field}`); known kinds: {known}.")
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise InvalidInput(
                f"The input `{field}` is empty; give the {_noun(kind, spec)}'s name or ID.",
                data={"input": field, "value": value},
            )
        if looks_like_id(text):
            return text
        compared = "email" if spec.field == "email" and "@" in text else (
            "name" if spec.field == "email" else spec.field
        )
        cached = self.cache.get((kind, compared, text.casefold()))
        if cached is None:
            cached = self._look_up(kind, spec, compared, text, field)
            self.cache[(kind, compared, text.casefold())] = cached
        return cached

    def _look_up(self, kind: str, spec: Kind, compared: str, text: str, field: str) -> str:
        params = {"query": text} if spec.query else None
        matches = self.rest.find(spec.path, spec.key, compared, text, params)
        if len(matches) != 1:
            raise _no_single_match(_noun(kind, spec), compared, text, field, matches)
        found = matches[0].get("id")
        if not isinstance(found, str) or not found:
            raise InvalidInput(
                f"The {_noun(kind, spec)} matching {text!r} (input `{field}`) has no ID in the answer."
            )
        return found


def _no_single_match(noun: str, compared: str, text: str, field: str, matches: list[dict]) -> InvalidInput:
    data: dict[str, Any] = {"input": field, "value": text}
    if not matches:
        by = {"email": "with email", "name": "named"}.get(compared, f"with {compared}")
        return InvalidInput(
            f"No {noun} {by} {text!r} (input `{field}`) is visible to this API key.",
            f"Check the {compared} in `{field}`, or give the {noun}'s PagerDuty ID.",
            data,
        )
    listed = ", ".join(f"{m.get('id')} ({m.get(compared)})" for m in matches[:CANDIDATES_SHOWN])
    if len(matches) > CANDIDATES_SHOWN:
        listed += f" and {len(matches) - CANDIDATES_SHOWN} more"
    data["candidates"] = [{"id": m.get("id"), compared: m.get(compared)} for m in matches]
    return InvalidInput(
        f"{len(matches)} {_plural(noun)} match {text!r} (input `{field}`): {listed}.",
        f"Set `{field}` to the ID of the one you mean.",
        data,
    )


def _noun(kind: str, spec: Kind) -> str:
    return spec.noun or kind.replace("_", " ")


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
