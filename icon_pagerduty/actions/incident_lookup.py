"""Incidents by what a person knows (an ID, a number, an incident key) and PagerDuty's status rule.

Shared by the incident actions, so that a number is turned into an ID, a missing incident is
reported, and a status change is judged the same way everywhere:

- ``fetch``: ``GET /incidents/{id}``, which PagerDuty documents for an ID or a number.
- ``incident_id``: the ID for the paths PagerDuty documents with an ID only (PUT, notes, merge...):
  an ID passes unchanged with no request; a number costs one GET.
- ``by_key``: the open incident with an ``incident_key``, else the latest.
- ``status_change``: whether a status moves the incident forward (PagerDuty's only direction),
  is already so (no change), or goes backwards (an input error saying what is allowed).
- ``IncidentAction``: a ``RestAction`` on ``/incidents/{id}/...`` whose ``id`` may be a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from actionkit import InputError
from actionkit.model import Model
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import NotFound, RestClient
from icon_pagerduty.client.paths import segment

I = TypeVar("I", bound=Model)  # noqa: E741  (actionkit's names for the input and output types)
O = TypeVar("O", bound=Model)  # noqa: E741

NUMBER = re.compile(r"^#?(\d{1,12})$")  # "1234" or "#1234", as the web UI shows it
ORDER = {"triggered": 0, "acknowledged": 1, "resolved": 2}
WANTED = ("acknowledged", "resolved")
ALLOWED = ("PagerDuty moves an incident forward only: triggered -> acknowledged -> resolved "
           "(or triggered -> resolved)")


def number_of(value: Any) -> str | None:
    """The incident number ``value`` names ("1234", "#1234"), or None when it is not one."""
    found = NUMBER.match(value.strip()) if isinstance(value, str) else None
    return found.group(1) if found else None


def fetch(rest: RestClient, ident: str, field: str = "id", include: Iterable[str] = ()) -> dict[str, Any]:
    """The incident with ID or number ``ident``; a 404 names the input ``field``."""
    text = (ident or "").strip()
    if not text:
        raise InputError(f"The input `{field}` is empty; give the incident's ID or number.",
                         data={"input": field})
    key = number_of(text) or text
    try:
        return rest.get(f"/incidents/{segment(key, field)}", "incident", {"include[]": list(include) or None})
    except NotFound as error:
        what = f"number {key}" if number_of(text) else f"id {text!r}"
        raise error.with_assistance(
            f"No incident with {what} is visible to this API key; check the input `{field}`."
        ) from None


def incident_id(rest: RestClient, ident: str, field: str = "id") -> str:
    """The ID of the incident ``ident`` names: itself, or the ID of the incident with that number."""
    if number_of(ident) is None:
        text = (ident or "").strip()
        if not text:
            raise InputError(f"The input `{field}` is empty; give the incident's ID or number.",
                             data={"input": field})
        return text
    return fetch(rest, ident, field)["id"]


def by_key(rest: RestClient, key: str, include: Iterable[str] = ()) -> dict[str, Any] | None:
    """The open incident with ``incident_key`` ``key``, else the latest one with it, else None.

    PagerDuty's ``incident_key`` filter also matches incidents whose alerts carry the key; an
    incident whose own key it is comes first.
    """
    params = {"incident_key": key, "date_range": "all", "include[]": list(include) or None}
    found = list(rest.iter_all("/incidents", "incidents", params))
    if not found:
        return None

    def rank(incident: dict[str, Any]) -> tuple:
        return (
            incident.get("incident_key") == key,
            incident.get("status") != "resolved",
            incident.get("created_at") or "",
            incident.get("incident_number") or 0,
        )

    return max(found, key=rank)


def status_change(incident: dict[str, Any], wanted: str | None, field: str = "status") -> bool:
    """Whether setting status ``wanted`` changes ``incident``; an InputError if PagerDuty refuses it.

    Already so (resolving a resolved incident) is no change, not an error; a move back, or to
    triggered, is an error that says what PagerDuty allows.
    """
    if not wanted:
        return False
    current = incident.get("status")
    number = incident.get("incident_number")
    name = f"#{number}" if number is not None else incident.get("id", "the incident")
    check_status(wanted, field, name)
    if current == wanted:
        return False
    if ORDER.get(current, -1) > ORDER[wanted]:
        raise InputError(
            f"Cannot set incident {name} to {wanted}: it is {current}, and {ALLOWED}.",
            "Leave the status out, or open a new incident if the problem is back.",
            data={"input": field, "value": wanted, "status": current},
        )
    return True


def check_status(wanted: str, field: str = "status", name: str = "") -> None:
    """An InputError unless ``wanted`` is a status an action may ask for (acknowledged, resolved)."""
    if wanted in WANTED:
        return
    reason = (
        "PagerDuty does not move an incident back to triggered"
        if wanted == "triggered"
        else f"the input `{field}` must be acknowledged or resolved, not {wanted!r}"
    )
    what = f"incident {name}" if name else "an incident"
    raise InputError(f"Cannot set {what} to {wanted}: {reason}.", f"{ALLOWED}.",
                     data={"input": field, "value": wanted})


class IncidentAction(RestAction[I, O]):
    """A ``RestAction`` on ``/incidents/{id}/...``: an incident number given as ``id`` becomes its ID
    first (PagerDuty documents numbers for ``GET /incidents/{id}`` only)."""

    def values(self, inp: I) -> dict[str, Any]:
        values = super().values(inp)
        if values.get("id") is not None:
            values["id"] = incident_id(self.connection.rest, values["id"], "id")
        return values
