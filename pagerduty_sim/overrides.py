"""Schedule overrides (pagerduty-api.md §8.4): someone else on call for a while, over every layer.

* ``POST /schedules/{id}/overrides`` takes ``{"overrides": [...]}`` and answers 201 with a
  top-level array, one ``{status, override[, errors]}`` per item: some may be created and others
  refused (an end not after the start gives PagerDuty's "Override must end after its start").
  The deprecated ``{"override": {...}}`` form answers ``{"override": ...}`` or a plain 400.
  A start or end without an offset is read in the item's ``time_zone``, else the schedule's.
* ``GET`` needs ``since`` and ``until`` (400 code 2002 otherwise) and lists the overrides that
  overlap them, cut to the window unless ``overflow=true``; ``editable=true`` keeps the future
  ones (our reading: the documents say only future overrides are editable). Listed by start.
* ``DELETE`` removes a future override (204), ends one in progress now (200, the override was
  "truncated"), and refuses one that has ended (400 code 2001, our wording: the documents only
  say past overrides cannot be removed).
* A later override wins where two overlap (``rotation.override_layer``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from . import schedules
from .clock import iso, parse_time
from .errors import arguments_error, invalid, not_found
from .schedule_routes import bound, fmt
from .store import Field, Resource, Store
from .wire import Request, Response, Router

OVERRIDES = Resource(
    plural="overrides",
    singular="override",
    fields=(
        Field("start", required=True),
        Field("end", required=True),
        Field("user", "ref", target="users", required=True),
    ),
    id_length=14,  # override IDs are 14 characters, like Q3X6MJ1LUKD6QW in the documents
    id_first="Q",
    endpoints=frozenset(),  # nested under a schedule: the routes below
    self_path=lambda record: f"/schedules/{record['schedule']}/overrides/{record['id']}",
)


def render(
    store: Store,
    record: dict[str, Any],
    where: ZoneInfo,
    lo: datetime | None = None,
    hi: datetime | None = None,
) -> dict[str, Any]:
    """``{id, start, end, user}`` in the schedule's zone, cut to ``[lo, hi)`` when given."""
    start, end = parse_time(record["start"]), parse_time(record["end"])
    if lo is not None and hi is not None:
        start, end = max(start, lo), min(end, hi)
    return {
        "id": record["id"],
        "start": fmt(start, where),
        "end": fmt(end, where),
        "user": store.ref("users", record["user"]),
    }


def _create_one(store: Store, schedule: dict[str, Any], raw: Any) -> tuple[int, dict[str, Any]]:
    """``(status, item)`` for one requested override; nothing is stored when status is 400."""
    errors = _problems(store, schedule, raw)
    if errors:
        return 400, {"status": 400, "errors": errors, "override": raw}
    where = schedules.zone(raw.get("time_zone")) or schedules.zone_of(schedule)
    start = bound(raw["start"], "Start", where)
    end = bound(raw["end"], "End", where)
    record = store.create(
        "overrides",
        {"start": iso(start), "end": iso(end), "user": {"id": raw["user"]["id"]}},
        schedule=schedule["id"],
    )
    return 201, {"status": 201, "override": render(store, record, schedules.zone_of(schedule))}


def _problems(store: Store, schedule: dict[str, Any], raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return ['Each override must be an object {"start", "end", "user": {"id", "type": "user_reference"}}']
    errors = []
    times = {}
    for key in ("start", "end"):
        value = raw.get(key)
        times[key] = parse_time(value) if isinstance(value, str) else None
        if times[key] is None:
            errors.append(f"{key.capitalize()} must be an ISO 8601 date-time")
    if not errors:
        where = schedules.zone(raw.get("time_zone")) or schedules.zone_of(schedule)
        if bound(raw["end"], "End", where) <= bound(raw["start"], "Start", where):
            errors.append("Override must end after its start")
    user = raw.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, str):
        errors.append('User must be a user reference {"id": ..., "type": "user_reference"}')
    elif user_id not in store.table("users"):
        errors.append(f"User {user_id} not found")
    return errors


def create_overrides(app: Any, request: Request) -> Response:
    store = app.store
    schedule = store.require("schedules", request.params["id"])
    body = request.json()
    if isinstance(body, dict) and "override" in body and "overrides" not in body:
        status, item = _create_one(store, schedule, body["override"])
        if status != 201:
            raise invalid(*item["errors"])
        return Response.json(201, {"override": item["override"]})
    items = body.get("overrides") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise invalid('Overrides can\'t be blank; send {"overrides": [{"start", "end", "user"}, ...]}')
    return Response.json(201, [_create_one(store, schedule, raw)[1] for raw in items])


def list_overrides(app: Any, request: Request) -> Response:
    store, query = app.store, request.query
    schedule = store.require("schedules", request.params["id"])
    where = schedules.zone_of(schedule)
    lo, hi = (bound(query.one(k), k.capitalize(), where) for k in ("since", "until"))
    missing = [k for k, v in (("since", lo), ("until", hi)) if v is None]
    if missing:
        raise arguments_error(*(f"{k.capitalize()} is required" for k in missing))
    if hi < lo:
        raise arguments_error("Until must be after since")
    now = store.clock.now()
    found = [
        o
        for o in store.table("overrides").values()
        if o["schedule"] == schedule["id"]
        and parse_time(o["start"]) < hi
        and parse_time(o["end"]) > lo
        and (not query.boolean("editable") or parse_time(o["start"]) > now)
    ]
    found.sort(key=lambda o: (o["start"], o["end"]))
    cut = (None, None) if query.boolean("overflow") else (lo, hi)
    return Response.json(200, {"overrides": [render(store, o, where, *cut) for o in found]})


def delete_override(app: Any, request: Request) -> Response:
    store = app.store
    schedule = store.require("schedules", request.params["id"])
    record = store.find("overrides", request.params["override_id"])
    if record is None or record["schedule"] != schedule["id"]:
        raise not_found()
    now = store.clock.now()
    if parse_time(record["end"]) <= now:
        raise invalid("Override has already ended; past overrides cannot be deleted")
    if parse_time(record["start"]) < now:
        record["end"] = iso(now)
        return Response.empty(200)
    del store.table("overrides")[record["id"]]
    return Response.empty(204)


def register(router: Router) -> None:
    router.add("GET", "/schedules/{id}/overrides", list_overrides)
    router.add("POST", "/schedules/{id}/overrides", create_overrides)
    router.add("DELETE", "/schedules/{id}/overrides/{override_id}", delete_override)
