"""Responder requests: ``POST /incidents/{id}/responder_requests`` (pagerduty-api.md §8.7).

The account needs the ``coordinated_responding`` ability (402 otherwise). There is no ``From``:
the body names its ``requester_id``. A user target becomes one responder; an escalation policy
target becomes the users on call at its first level. Every responder starts ``pending`` and is
listed on the incident (``incidents_responders``) with the request (``responder_requests``).

The body's items are wrapped, ``{"responder_request_target": {"id", "type"}}``, as PagerDuty's
example (and the live API) sends them; the flat form the schema documents is accepted too.
The answer is 200 as the OpenAPI documents (the live code is unverified).
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid, missing_ability
from .lifecycle import OPEN, find_incident, policy_assignees, tick
from .store import Store
from .wire import Request, Response

TARGET_TYPES = {"user_reference": "users", "escalation_policy_reference": "escalation_policies"}


def create_responder_request(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    if "coordinated_responding" not in app.settings.abilities:
        raise missing_ability("coordinated_responding")
    body = request.json()
    if not isinstance(body, dict):
        raise invalid("The body must be an object with requester_id, message and responder_request_targets")
    requester, message, targets = _checked(store, body)
    if incident["status"] not in OPEN:
        raise ApiError(
            400, 1001, "Incident Already Resolved", ["Responders cannot be requested on a resolved incident"]
        )
    now = store.now()
    record = {
        "id": store.ids.resource_id(),
        "requester": requester,
        "requested_at": now,
        "message": message,
        "targets": targets,
    }
    responders = incident.setdefault("responders", [])
    for plural, target in targets:
        policy = store.table("escalation_policies").get(target) if plural == "escalation_policies" else None
        users = policy_assignees(store, target) if policy else [target]
        for user in users:
            responders.append(
                {
                    "user": user,
                    "state": "pending",
                    "requester": requester,
                    "requested_at": now,
                    "updated_at": now,
                    "message": message,
                    "request": record["id"],
                    "policy": policy["name"] if policy else None,
                    "target": target,
                }
            )
    incident.setdefault("responder_requests", []).append(record)
    incident["updated_at"] = now
    return Response.json(200, {"responder_request": render_request(store, incident, record)})


def _checked(store: Store, body: dict[str, Any]) -> tuple[str, str, list[tuple[str, str]]]:
    """The requester, message and targets of a request body, or 400 naming every bad field."""
    errors = []
    requester = body.get("requester_id")
    if not isinstance(requester, str) or not requester.strip():
        errors.append("Requester id can't be blank; give the ID of the user asking for help")
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        errors.append("Message can't be blank")
    raw = body.get("responder_request_targets")
    targets: list[tuple[str, str]] = []
    if not isinstance(raw, list) or not raw:
        errors.append("Responder request targets can't be blank; give at least one user or escalation policy")
    else:
        for item in raw:
            target = item.get("responder_request_target", item) if isinstance(item, dict) else None
            plural = TARGET_TYPES.get(target.get("type")) if isinstance(target, dict) else None
            if plural is None or not isinstance(target.get("id"), str):
                errors.append(
                    "Each responder request target needs an id and a type: user_reference or "
                    "escalation_policy_reference"
                )
            elif target["id"] not in store.table(plural):
                errors.append(f"Responder request target {target['id']} not found")
            elif (plural, target["id"]) not in targets:
                targets.append((plural, target["id"]))
    if errors:
        raise invalid(*errors)
    if requester not in store.table("users"):
        raise ApiError(400, 1008, "Requester User Not Found", [f"No user has the ID {requester}"])
    return requester, message, targets


def render_responder(store: Store, incident: dict[str, Any], responder: dict[str, Any]) -> dict[str, Any]:
    out = {
        "state": responder["state"],
        "user": store.ref("users", responder["user"]),
        "incident": store.ref("incidents", incident["id"]),
        "updated_at": responder["updated_at"],
        "message": responder["message"],
        "requester": store.ref("users", responder["requester"]),
        "requested_at": responder["requested_at"],
    }
    if responder.get("policy"):
        out["escalation_policy_requests"] = [responder["policy"]]
    return out


def render_request(store: Store, incident: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    targets = []
    for plural, target in record["targets"]:
        found = store.table(plural).get(target) or {}
        responders = [
            render_responder(store, incident, r)
            for r in incident.get("responders", ())
            if r["request"] == record["id"] and r["target"] == target
        ]
        targets.append(
            {
                "responder_request_target": {
                    "type": "user" if plural == "users" else "escalation_policy",
                    "id": target,
                    "summary": found.get("name"),
                    "incidents_responders": responders,
                }
            }
        )
    return {
        "id": record["id"],
        "incident": store.ref("incidents", incident["id"]),
        "requester": store.ref("users", record["requester"]),
        "requested_at": record["requested_at"],
        "message": record["message"],
        "responder_request_targets": targets,
    }
