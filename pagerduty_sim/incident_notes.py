"""Notes and status updates of an incident (pagerduty-api.md §8.7).

Notes: ``GET`` lists them all (not paginated); ``POST`` answers **201** as the live API does
(the OpenAPI documents 200), at most 2000 per incident, each also an ``annotate_log_entry``.
Status updates: ``POST`` with an unwrapped ``{"message", "subject"?, "html_message"?}``; the
answer is 200 ``status_update`` as documented (the live code is unverified). ``subject`` and
``html_message`` override the notification email, so they come together or not at all.
"""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .lifecycle import agent_name, find_incident, log, tick
from .store import Store
from .wire import Request, Response

MAX_NOTES = 2000
MAX_CONTENT = 25000


def list_notes(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    return Response.json(200, {"notes": [_note(store, n) for n in incident.get("notes", [])]})


def create_note(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    body = request.json()
    note = body.get("note") if isinstance(body, dict) else None
    if not isinstance(note, dict):
        raise invalid('Note can\'t be blank; send {"note": {"content": "..."}}')
    content = note.get("content")
    if not isinstance(content, str) or not content.strip():
        raise invalid("Content can't be blank")
    if len(content) > MAX_CONTENT:
        raise invalid(f"Content is too long (maximum is {MAX_CONTENT} characters)")
    if len(incident.get("notes", [])) >= MAX_NOTES:
        raise invalid(f"An incident can have at most {MAX_NOTES} notes")
    return Response.json(201, {"note": _note(store, add_note(store, incident, request.actor, content))})


def add_note(store: Store, incident: dict[str, Any], user: str, content: str) -> dict[str, Any]:
    """Record a note by ``user`` and its ``annotate_log_entry``."""
    now = store.now()
    record = {
        "id": store.ids.resource_id(),
        "user": user,
        "content": content,
        "created_at": now,
        "updated_at": now,
    }
    incident["notes"] = [*incident.get("notes", []), record]
    agent = ("users", user)
    log(
        store,
        incident,
        "annotate",
        agent,
        f"Note added by {agent_name(store, agent)}.",
        {"type": "note", "summary": content},
        note=content,
    )
    return record


def _note(store: Store, note: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": note["id"],
        "user": store.ref("users", note["user"]),
        "channel": {"summary": "The PagerDuty website or APIs"},
        "content": note["content"],
        "created_at": note["created_at"],
        "updated_at": note["updated_at"],
    }


def create_status_update(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    body = request.json()
    if not isinstance(body, dict):
        raise invalid('Send {"message": "...", "subject": "...", "html_message": "..."}')
    errors = []
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        errors.append("Message can't be blank")
    extra = {name: body.get(name) for name in ("subject", "html_message") if body.get(name) is not None}
    errors += [
        f"{name.capitalize().replace('_', ' ')} must be a string"
        for name, v in extra.items()
        if not isinstance(v, str)
    ]
    if len(extra) == 1:
        errors.append("Subject and html_message come together: give both for a custom email, or neither")
    if errors:
        raise invalid(*errors)
    record = {
        "id": store.ids.resource_id(),
        "message": message,
        "sender": request.actor,
        "created_at": store.now(),
        **extra,
    }
    incident["status_updates"] = [*incident.get("status_updates", []), record]
    incident["updated_at"] = record["created_at"]
    # The timeline shows a status update; its log entry type is unverified, so it is an
    # annotation whose channel says it is a status update.
    agent = ("users", request.actor)
    log(
        store,
        incident,
        "annotate",
        agent,
        f"Status update published by {agent_name(store, agent)}.",
        {"type": "status_update", "summary": message},
        status_update=record["id"],
    )
    rendered = {**record, "sender": store.ref("users", record["sender"])}
    return Response.json(200, {"status_update": rendered})
