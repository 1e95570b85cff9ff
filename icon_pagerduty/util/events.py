"""What the three event actions share: contexts, the output, and acknowledge or resolve."""

from __future__ import annotations

from typing import Any

from actionkit.errors import InputError

from .alert_check import PAST, add_note, confirm, find_target, note_text
from .rest_shape import change_by_id


def split_contexts(contexts: list[dict[str, Any]] | None) -> tuple[list[dict], list[dict]]:
    """Events v1 style contexts to Events v2 links and images, dropping empty fields."""
    links, images = [], []
    for context in contexts or []:
        fields = {k: v for k, v in context.items() if k != "type" and v not in (None, "")}
        (images if context.get("type") == "image" else links).append(fields)
    return links, images


def event_output(body: dict[str, Any], incident_key: str | None = None) -> dict[str, Any]:
    return {
        "status": body.get("status", "success"),
        "message": body.get("message", ""),
        "incident_key": body.get("dedup_key") or incident_key,
    }


def send_incident_event(connection, logger, inp, action: str) -> dict[str, Any]:
    """Acknowledge or resolve: by ``id`` through the REST API (as 3.x did), else by ``incident_key``
    through the Events API, checked through the REST API when the connection has a key."""
    if inp.id:
        return _by_id(connection, logger, inp, action)
    if not inp.incident_key:
        raise InputError(
            f"Give the input incident_key (the key its trigger returned) or id (the incident's ID) to "
            f"{action} an incident; both are empty.",
        )
    routing_key = connection.routing_key(inp.service_key)  # a missing key is reported before any lookup
    note = note_text(inp.description, inp.details)
    if not connection.has_rest:
        return _unconfirmed(connection, logger, inp, action, note)
    rest = connection.rest
    sender = rest.resolve_from(inp.from_email) if note else None  # before anything changes
    target = find_target(rest, routing_key, inp.incident_key, action)
    output: dict[str, Any]
    if action == "resolve" and target.resolved:
        logger.info("Incident %s is resolved already: no resolve event sent", target.incident["id"])
        incident = target.incident
        output = {"status": "success", "message": "Already resolved; no event sent",
                  "incident_key": inp.incident_key, "confirmed": True, "already_resolved": True}
    else:
        body = connection.enqueue(inp.service_key, action, dedup_key=inp.incident_key)
        confirmed, incident = confirm(rest, target, inp.incident_key, action)
        if not confirmed:
            logger.warning("PagerDuty accepted the %s event, but incident %s was still %s a few seconds "
                           "later; check it in PagerDuty", action, incident["id"], incident.get("status"))
        output = {**event_output(body, inp.incident_key), "confirmed": confirmed}
        if action == "resolve":
            output["already_resolved"] = False
    if note:
        output["note_added"] = add_note(rest, logger, incident, note, sender, action)
    return {**output, "incident": incident}


def _by_id(connection, logger, inp, action: str) -> dict[str, Any]:
    rest = connection.rest
    note = note_text(inp.description, inp.details)
    sender = rest.resolve_from(inp.from_email)
    if inp.service_key:
        logger.info("The input id names the incident, so service_key is not needed and not used")
    incident, already = change_by_id(rest, logger, inp.id, action, sender, inp.incident_key)
    status = PAST[action]
    output: dict[str, Any] = {
        "status": "success",
        "message": f"Incident {incident.get('summary') or incident['id']} was {status} already" if already
        else f"Incident {incident.get('summary') or incident['id']} {status}",
        "incident_key": incident.get("incident_key"),
        "confirmed": incident.get("status") == status,
    }
    if action == "resolve":
        output["already_resolved"] = already
    if note:
        output["note_added"] = add_note(rest, logger, incident, note, sender, action)
    return {**output, "incident": incident}


def _unconfirmed(connection, logger, inp, action: str, note: str | None) -> dict[str, Any]:
    body = connection.enqueue(inp.service_key, action, dedup_key=inp.incident_key)
    logger.warning(
        "PagerDuty accepted the %s event for incident_key %s, but it takes any key and drops one it has no "
        "open alert for (on the service key's service); without an API key in the connection the plugin "
        "cannot confirm it had an effect", action, inp.incident_key)
    output = {**event_output(body, inp.incident_key), "confirmed": False}
    if note:
        logger.warning("The description and details were not recorded: adding them to the incident as a note "
                       "needs an API key in the connection")
        output["note_added"] = False
    return output
