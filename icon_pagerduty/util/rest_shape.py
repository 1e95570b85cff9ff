"""The event actions' REST shape, as version 3.x of this plugin had them.

3.x created incidents with ``POST /incidents`` (inputs ``email``, ``title``, ``service``,
``priority``, ...) and acknowledged or resolved them by ID with ``PUT /incidents/{id}``. The
same actions take those inputs beside the Events ones (the renames are spec aliases: ``title``
is ``description``, ``email`` is ``from_email``, ``incident_id`` is ``id``), and the shape given
decides the API. Inputs of the two shapes are never mixed silently: one would be ignored.
"""

from __future__ import annotations

from typing import Any

from actionkit.errors import InputError
from icon_pagerduty.client import BadRequest, NotFound, OutcomeUnknown, UnexpectedResponse
from icon_pagerduty.client.rest import RestClient, segment

REST_ONLY = ("from_email", "priority", "urgency", "body", "assignments", "escalation_policy",
             "conference_bridge")
EVENTS_ONLY = ("service_key", "severity", "source", "component", "group", "class", "details", "client",
               "client_url", "contexts")
STATUS = {"acknowledge": "acknowledged", "resolve": "resolved"}


def _given(inp: Any, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if inp.get(name) not in (None, "", [], {})]


def is_rest_trigger(inp: Any) -> bool:
    """Whether a trigger has the 3.x REST shape (``service`` given); mixed shapes are input errors."""
    if inp.get("service") not in (None, {}):
        mixed = _given(inp, EVENTS_ONLY)
        if mixed:
            raise InputError(
                f"The inputs {_listed(mixed)} apply to a trigger through the Events API, but service makes "
                "this a trigger through the REST API (as in 3.x), which would ignore them.",
                "Remove service to trigger through the Events API, or remove those inputs.",
            )
        return True
    stray = _given(inp, REST_ONLY)
    if stray:
        raise InputError(
            f"The inputs {_listed(stray)} apply only with service (creating the incident through the REST "
            "API, as in 3.x); without it they would be ignored.",
            'Give service as {"id": "<service ID>", "type": "service_reference"}, or remove those inputs.',
        )
    return False


def create_incident(rest: RestClient, logger: Any, inp: Any) -> dict[str, Any]:
    """``POST /incidents`` from the 3.x inputs; the output keeps 3.x's ``incident`` beside ours."""
    service = _reference(inp.service, "service", "service", "service_reference")
    incident = {
        "type": "incident",
        "title": inp.description,
        "service": service,
        "priority": _reference(inp.priority, "priority", "priority", "priority_reference"),
        "urgency": inp.urgency,
        "body": {"type": "incident_body", **inp.body} if inp.body else None,
        "incident_key": inp.incident_key,
        "assignments": _assignments(inp.assignments),
        "escalation_policy": _reference(inp.escalation_policy, "escalation_policy", "escalation policy",
                                        "escalation_policy_reference"),
        "conference_bridge": inp.conference_bridge,
    }
    sender = rest.resolve_from(inp.from_email)
    body = {"incident": {k: v for k, v in incident.items() if v is not None}}
    try:
        created = rest.post("/incidents", body, "incident", from_email=sender)
    except BadRequest as error:
        # PagerDuty refuses a second open incident with the key on the service: a re-run of the
        # step gets the first one back instead of an error.
        duplicate = "dedup key" in str(error)
        existing = _open_with_key(rest, inp.incident_key, service["id"]) if duplicate else None
        if existing is None:
            raise
        logger.info("An open incident with incident_key %s is on this service already: %s; returning it",
                    inp.incident_key, existing["id"])
        return _trigger_output(existing, "An open incident with this incident_key exists already")
    except (OutcomeUnknown, UnexpectedResponse):
        # The answer was lost, not necessarily the request: look before reporting a failure.
        existing = _open_with_key(rest, inp.incident_key, service["id"])
        if existing is None:
            raise
        logger.warning("The answer to the create was lost; incident %s was found by its incident_key",
                       existing["id"])
        return _trigger_output(existing, "Incident created")
    return _trigger_output(created, "Incident created")


def change_by_id(rest: RestClient, logger: Any, incident_id: str, action: str, sender: str | None,
                 incident_key: str | None = None) -> tuple[dict[str, Any], bool]:
    """Acknowledge or resolve an incident (ID or number) with ``PUT /incidents/{id}``, as 3.x did.

    An ``incident_key`` given too must be the incident's own. Returns the incident and whether
    it was in that state already (then nothing is sent).
    """
    status = STATUS[action]
    try:
        incident = rest.get(f"/incidents/{segment(incident_id)}", "incident")
    except NotFound as error:
        raise error.with_assistance(
            f"No incident with ID or number {incident_id!r} is visible to this API key; check the input `id`."
        ) from None
    if incident_key and incident_key != incident.get("incident_key"):
        raise InputError(
            f"The inputs id and incident_key name different incidents: {incident.get('summary')} "
            f"({incident['id']}) has the incident key {incident.get('incident_key')!r}, "
            f"not {incident_key!r}.",
            "Give id alone to act on that incident, or incident_key alone to act on the alert of that key.",
        )
    if incident.get("status") == status:
        logger.info("Incident %s is %s already: nothing to change", incident["id"], status)
        return incident, True
    body = {"incident": {"type": "incident_reference", "status": status}}
    return rest.put(f"/incidents/{segment(incident['id'])}", body, "incident", from_email=sender), False


def _trigger_output(incident: dict[str, Any], message: str) -> dict[str, Any]:
    return {"status": "success", "message": message, "incident_key": incident.get("incident_key"),
            "incident": incident}


def _open_with_key(rest: RestClient, incident_key: str | None, service_id: str) -> dict[str, Any] | None:
    if not incident_key:
        return None
    found = rest.list_incidents(incident_key=incident_key, statuses=["triggered", "acknowledged"],
                                service_ids=[service_id])
    return next(iter(found), None)


def _reference(value: Any, field: str, noun: str, kind: str) -> dict[str, Any] | None:
    """A 3.x reference input as PagerDuty takes it: its ID and type (the type filled in if absent)."""
    if value in (None, {}):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not value["id"]:
        raise InputError(
            f'input.{field}: needs the ID of the {noun}, as {{"id": "<ID>", "type": "{kind}"}}; '
            f"got {value!r}."
        )
    return {"id": value["id"], "type": value.get("type") or kind}


def _assignments(value: list[Any] | None) -> list[dict[str, Any]] | None:
    if not value:
        return None
    assigned = []
    for index, item in enumerate(value):
        assignee = item.get("assignee") if isinstance(item, dict) else None
        field = f"assignments[{index}].assignee"
        assigned.append({"assignee": _reference(assignee, field, "user", "user_reference")})
    return assigned


def _listed(names: list[str]) -> str:
    return ", ".join(names)
