"""What the three event actions share: contexts, the incident lookup, the output."""

from __future__ import annotations

import time
from typing import Any

from actionkit.errors import NotFoundError, UpstreamError

# The Events API is asynchronous: an incident may appear a moment after its trigger was
# accepted, so a missing key is looked up again before it is reported as unknown.
LOOKUP_RETRY_WAITS = (0.5, 1.0)


def split_contexts(contexts: list[dict[str, Any]] | None) -> tuple[list[dict], list[dict]]:
    """Events v1 style contexts to Events v2 links and images, dropping empty fields."""
    links, images = [], []
    for context in contexts or []:
        fields = {k: v for k, v in context.items() if k != "type" and v not in (None, "")}
        (images if context.get("type") == "image" else links).append(fields)
    return links, images


def require_open_incident(rest, incident_key: str, action: str, sleep=time.sleep) -> dict[str, Any]:
    """The incident an acknowledge or resolve by ``incident_key`` would act on.

    PagerDuty silently drops such events for unknown or closed keys, so the action checks
    first and says what is wrong instead of reporting a success that did nothing.
    """
    for wait in (0.0, *LOOKUP_RETRY_WAITS):
        if wait:
            sleep(wait)
        incidents = list(rest.list_incidents(incident_key=incident_key))
        open_ones = [i for i in incidents if i.get("status") in ("triggered", "acknowledged")]
        if open_ones:
            return open_ones[0]
        if incidents:
            raise UpstreamError(
                f"Cannot {action} incident key {incident_key!r}: its incident "
                f"{incidents[0].get('summary') or incidents[0].get('id')} is already resolved.",
                "Trigger a new event to open a new incident, or check the incident key.",
            )
    raise NotFoundError(
        f"Cannot {action} incident key {incident_key!r}: no incident has this key.",
        "Use the incident_key returned by Send Trigger Event, and the same service key that triggered it.",
    )


def event_output(body: dict[str, Any], incident_key: str | None = None) -> dict[str, Any]:
    return {
        "status": body.get("status", "success"),
        "message": body.get("message", ""),
        "incident_key": body.get("dedup_key") or incident_key,
    }


def send_incident_event(connection, logger, inp, event_action: str) -> dict[str, Any]:
    """Acknowledge or resolve the open incident of ``inp.incident_key``."""
    connection.routing_key(inp.service_key)  # a missing key is reported before any lookup
    incident = require_open_incident(connection.rest, inp.incident_key, event_action)
    if inp.description or inp.details:
        # Events v2 carries no payload on acknowledge or resolve; the note stays in the log.
        logger.info("Note for %s of %s: %s %s", event_action, incident.get("id"), inp.description or "",
                    inp.details or "")
    body = connection.enqueue(inp.service_key, event_action, dedup_key=inp.incident_key)
    return event_output(body, inp.incident_key)
