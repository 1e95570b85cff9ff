"""Acknowledge and resolve by incident key, checked through the REST API.

PagerDuty accepts (202) an acknowledge or resolve for any key on any routing key, and drops it
when the routing key's service has no open alert with that key: a "success" that did nothing.
With a REST key, the action first finds the incident of the key, checks that it is on the
service of the routing key and holds an alert with that key, and after the event checks that
the change shows. Notes carry the description and details, which an Events v2 acknowledge or
resolve cannot.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actionkit.errors import InputError, NotFoundError, UpstreamError
from icon_pagerduty.client import PagerDutyError, mask
from icon_pagerduty.client.rest import RestClient, segment

# The Events API is asynchronous: an incident may appear a moment after its trigger was
# accepted, so a missing key is looked up again before it is reported as unknown.
LOOKUP_WAITS = (0.5, 1.0)
# An accepted event usually shows within a second; past these waits the output says unconfirmed.
CONFIRM_WAITS = (0.25, 0.5, 1.0, 2.0)
NOTE_LIMIT = 25000  # PagerDuty's limit on a note's content
DONE = {"acknowledge": ("acknowledged", "resolved"), "resolve": ("resolved",)}
PAST = {"acknowledge": "acknowledged", "resolve": "resolved"}


@dataclass
class Target:
    """The incident an event by ``incident_key`` acts on, and its alert with that key (if any)."""

    incident: dict[str, Any]
    alert: dict[str, Any] | None

    @property
    def resolved(self) -> bool:
        return self.incident.get("status") == "resolved" or (self.alert or {}).get("status") == "resolved"


def find_target(rest: RestClient, routing_key: str, incident_key: str, action: str,
                sleep: Callable[[float], None] = time.sleep) -> Target:
    """The incident of ``incident_key`` on the routing key's service, or an error saying what is wrong."""
    routes = _Routes(rest)
    incidents: list[dict[str, Any]] = []
    here: list[dict[str, Any]] = []
    for wait in (0.0, *LOOKUP_WAITS):
        if wait:
            sleep(wait)
        incidents = list(rest.list_incidents(incident_key=incident_key))
        here = [i for i in incidents if routing_key in routes.keys_of(i)]
        if here:
            break
    if not here:
        raise _not_here(incidents, routing_key, incident_key, action)
    here.sort(key=lambda i: i.get("status") == "resolved")  # an open one first, if any
    incident = here[0]
    target = Target(incident, alert_of(rest, incident["id"], incident_key))
    if target.alert is None and incident.get("status") != "resolved":
        raise InputError(
            f"Cannot {action} incident key {incident_key!r} through the Events API: its incident "
            f"{_name(incident)} has no alert with this key (it was not opened by an event).",
            f"Give the incident's ID {incident['id']} as the input id to {action} it through the REST API.",
        )
    if action == "acknowledge" and target.resolved:
        raise UpstreamError(
            f"Cannot acknowledge incident key {incident_key!r}: its incident {_name(incident)} is already "
            "resolved.",
            "Trigger a new event to open a new incident, or check the incident key.",
        )
    return target


def confirm(rest: RestClient, target: Target, incident_key: str, action: str,
            sleep: Callable[[float], None] = time.sleep) -> tuple[bool, dict[str, Any]]:
    """Whether the event's change shows within the waits, and the incident as last seen."""
    incident = target.incident
    for wait in (0.0, *CONFIRM_WAITS):
        if wait:
            sleep(wait)
        incident = rest.get(f"/incidents/{segment(incident['id'])}", "incident")
        if incident.get("status") in DONE[action]:
            return True, incident
        # Resolving one alert of several leaves the incident open: the alert is what changed.
        alert = alert_of(rest, incident["id"], incident_key) if action == "resolve" else None
        if alert is not None and alert.get("status") == "resolved":
            return True, incident
    return False, incident


def alert_of(rest: RestClient, incident_id: str, incident_key: str) -> dict[str, Any] | None:
    """The incident's alert with this key, an open one first; None when it has none."""
    path = f"/incidents/{segment(incident_id)}/alerts"
    alerts = list(rest.iter_all(path, "alerts", {"alert_key": incident_key}))
    alerts.sort(key=lambda a: a.get("status") == "resolved")
    return alerts[0] if alerts else None


def note_text(description: str | None, details: Any) -> str | None:
    """The note carrying an acknowledge's or resolve's description and details; None without them."""
    parts = [description.strip()] if description and description.strip() else []
    if details:
        parts.append("Details: " + json.dumps(details, sort_keys=True, ensure_ascii=False))
    text = "\n".join(parts)
    # Cut rather than fail after the change was made: the details are in the step's input anyway.
    return (text if len(text) <= NOTE_LIMIT else text[: NOTE_LIMIT - 1] + "…") or None


def add_note(rest: RestClient, logger: Any, incident: dict[str, Any], text: str, sender: str | None,
             action: str) -> bool:
    """Add ``text`` as a note, once: a re-run of the step finds its note there and adds no second."""
    path = f"/incidents/{segment(incident['id'])}/notes"
    if any(note.get("content") == text for note in rest.get(path, "notes") or []):
        logger.info("Incident %s has this note already (a re-run of the step): not added again",
                    incident["id"])
        return True
    try:
        rest.post(path, {"note": {"content": text}}, "note", from_email=sender)
    except PagerDutyError as error:
        raise error.with_assistance(
            f"The incident {_name(incident)} was {PAST[action]}; only its note was not added. Run the step "
            "again to add it."
        ) from None
    logger.info("Added the description and details to incident %s as a note", incident["id"])
    return True


class _Routes:
    """The integration keys of each service, read once per call."""

    def __init__(self, rest: RestClient):
        self.rest = rest
        self.keys: dict[str, set[str]] = {}

    def keys_of(self, incident: dict[str, Any]) -> set[str]:
        service_id = (incident.get("service") or {}).get("id")
        if not service_id:
            return set()
        if service_id not in self.keys:
            path = f"/services/{segment(service_id)}"
            service = self.rest.get(path, "service", {"include[]": ["integrations"]})
            integrations = service.get("integrations") or []
            self.keys[service_id] = {i.get("integration_key") for i in integrations if isinstance(i, dict)}
        return self.keys[service_id]


def _not_here(incidents: list[dict[str, Any]], routing_key: str, incident_key: str,
              action: str) -> Exception:
    if not incidents:
        return NotFoundError(
            f"Cannot {action} incident key {incident_key!r}: no incident has this key.",
            "Use the incident_key returned by Send Trigger Event, and the same service key that triggered "
            "it.",
        )
    incident = incidents[-1]
    service = incident.get("service") or {}
    return NotFoundError(
        f"Cannot {action} incident key {incident_key!r}: the service of service key {mask(routing_key)} has "
        f"no alert with this key; its incident {_name(incident)} is on the service "
        f"{service.get('summary')} ({service.get('id')}).",
        f"Set service_key to the integration key that triggered it (a key of {service.get('summary')}), "
        f"or give the incident's ID {incident['id']} as the input id to {action} it through the REST API.",
    )


def _name(incident: dict[str, Any]) -> str:
    summary = incident.get("summary") or incident.get("title")
    return f"{summary} ({incident.get('id')})" if summary else str(incident.get("id"))
