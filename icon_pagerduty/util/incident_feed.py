"""New incidents and incident changes, read past a ``Watermark``: what ``monitor_incidents``,
``new_incident`` and ``incident_updated`` share.

New incidents come from ``GET /incidents`` sorted by ``created_at`` ascending, in a window from
the watermark to a minute past now, so one idle poll is one request. Changes come from the
account's ``GET /log_entries`` with ``include[]=incidents`` (the incident as it is now rides on
each entry); the whole window is read and then sorted, since the order of that listing is not
documented.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from icon_pagerduty.client.pagination import OFFSET_CEILING

from .watermark import BASELINE, Watermark, created_order, iso

INCIDENT_FILTERS = (
    ("statuses", "statuses[]"),
    ("services", "service_ids[]"),
    ("teams", "team_ids[]"),
    ("urgencies", "urgencies[]"),
)
PAGE_SIZE = 100
CHANGES = ("status", "assignment", "priority", "note", "status_update")
_STATUS_ENTRIES = ("acknowledge_log_entry", "unacknowledge_log_entry", "resolve_log_entry")
_ASSIGNMENT_ENTRIES = ("assign_log_entry", "delegate_log_entry", "escalate_log_entry")


def incident_params(inp: Any, since: datetime, until: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"since": iso(since), "until": iso(until), "sort_by": "created_at:asc"}
    for name, param in INCIDENT_FILTERS:
        value = getattr(inp, name, None)
        if value:
            params[param] = list(value)
    return params


def first_mark(rest: Any, inp: Any, now: datetime, path: str = "/incidents") -> Watermark:
    """The watermark of a first run: after ``backfill`` if given, else after what exists now."""
    backfill = getattr(inp, "backfill", None)
    if backfill:
        return Watermark.start(now, backfill)
    since, until = now - BASELINE - timedelta(seconds=1), now + BASELINE
    if path == "/incidents":
        records = rest.iter_all(path, "incidents", incident_params(inp, since, until))
    else:
        records = rest.iter_all(path, "log_entries", log_params(inp, since, until))
    return Watermark.baseline(list(records), now)


def new_incidents(rest: Any, inp: Any, mark: Watermark, now: datetime) -> Iterator[dict[str, Any]]:
    """Every incident created past ``mark``, oldest first, read lazily page by page.

    The caller advances ``mark`` with each incident it hands out (and may stop at any point);
    a window cut at PagerDuty's 6-month limit with nothing new moves the mark to its end.
    """
    since, until, capped = mark.window(now)
    handed = False
    for incident in rest.iter_all("/incidents", "incidents", incident_params(inp, since, until)):
        if mark.is_new(incident):
            handed = True
            yield incident
    if capped and not handed:
        mark.skip_to(until)


def incident_page(rest: Any, inp: Any, mark: Watermark, now: datetime) -> tuple[list[dict[str, Any]], bool]:
    """One page of new incidents, oldest first, and whether more are waiting (for a task).

    Pages holding only incidents handed out already (more than a page created in one second)
    are stepped over within this call.
    """
    since, until, capped = mark.window(now)
    params = incident_params(inp, since, until)
    offset = 0
    while True:
        body = rest.get("/incidents", None, {**params, "limit": PAGE_SIZE, "offset": offset})
        items = body.get("incidents") or []
        fresh = sorted((item for item in items if mark.is_new(item)), key=created_order)
        more = bool(body.get("more")) and bool(items)
        offset += len(items)
        if fresh or not more or offset + PAGE_SIZE > OFFSET_CEILING:
            if capped and not fresh and not more:
                mark.skip_to(until)
            return fresh, more or capped


def log_params(inp: Any, since: datetime, until: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"since": iso(since), "until": iso(until), "include[]": ["incidents"]}
    teams = getattr(inp, "teams", None)
    if teams:
        params["team_ids[]"] = list(teams)
    return params


def new_log_entries(rest: Any, inp: Any, mark: Watermark, now: datetime) -> list[dict[str, Any]]:
    """Every log entry written past ``mark``, oldest first.

    Entries of one second keep the listing's order (reversed when the listing runs newest first):
    their IDs are random, so the listing's order is the only one within a second.
    """
    since, until, capped = mark.window(now)
    listed = list(rest.iter_all("/log_entries", "log_entries", log_params(inp, since, until)))
    if len(listed) > 1 and created_order(listed[0])[0] > created_order(listed[-1])[0]:
        listed.reverse()
    entries = sorted((e for e in listed if mark.is_new(e)), key=lambda e: created_order(e)[0])
    if capped and not entries:
        mark.skip_to(until)
    return entries


def change_of(entry: dict[str, Any], previous: str | None = None) -> str | None:
    """What a log entry changed: status, assignment, priority, note or status_update; None for
    what is not an update (the trigger of a new incident, notifications).

    ``previous`` is the type of the incident's entry just before, when known: the assignment
    that follows a trigger (a new or reopened incident) or an escalation belongs to that change.
    """
    kind = entry.get("type")
    incident = entry.get("incident") if isinstance(entry.get("incident"), dict) else {}
    if kind == "trigger_log_entry":
        first = (incident.get("first_trigger_log_entry") or {}).get("id")
        return "status" if first and first != entry.get("id") else None  # a reopening, not the creation
    if kind in _STATUS_ENTRIES:
        return "status"
    if kind in _ASSIGNMENT_ENTRIES:
        follows = previous in ("trigger_log_entry", "escalate_log_entry")
        return None if kind == "assign_log_entry" and follows else "assignment"
    if kind == "annotate_log_entry":
        channel = entry.get("channel") if isinstance(entry.get("channel"), dict) else {}
        return "status_update" if channel.get("type") == "status_update" else "note"
    if kind == "field_value_change_log_entry":
        changes = " ".join(str(item) for item in entry.get("changeset") or [])
        if "priority" in changes.lower() or "priority" in str(entry.get("summary", "")).lower():
            return "priority"
    return None
