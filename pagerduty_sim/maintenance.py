"""Maintenance windows (pagerduty-api.md §8.11): a service inside an ongoing window opens no incident.

A window is future (starts later), ongoing (started, not ended) or past (ended), always judged
against the simulator's clock. Create needs ``From`` for account-level keys; a start in the past
is moved to now; the end must be in the future and after the start. ``DELETE`` deletes a future
window, ends an ongoing one (its end becomes now) and answers 405 for a past one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .clock import iso, parse_time
from .errors import ApiError, arguments_error, invalid
from .store import Field, Resource, Store
from .wire import Request, Response, Router

FILTERS = ("past", "future", "ongoing", "open", "all")


def window_state(record: dict[str, Any], now: datetime) -> str:
    """past, future or ongoing, at ``now``."""
    if parse_time(record["end_time"]) <= now:
        return "past"
    if parse_time(record["start_time"]) > now:
        return "future"
    return "ongoing"


def in_maintenance(store: Store, service_id: str) -> bool:
    """Whether an ongoing maintenance window holds the service."""
    now = store.clock.now()
    return any(
        service_id in w["services"] and window_state(w, now) == "ongoing"
        for w in store.table("maintenance_windows").values()
    )


def _moment(values: dict[str, Any], name: str) -> datetime | None:
    raw = values.get(name)
    if raw is None:
        return None
    when = parse_time(raw) if isinstance(raw, str) else None
    if when is None:
        label = name.replace("_", " ").capitalize()
        raise invalid(f"{label} must be an ISO 8601 date-time such as 2024-05-01T20:00:00Z")
    return when


def _validate(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    now = store.clock.now()
    if existing is not None and window_state(existing, now) == "past":
        raise invalid("A maintenance window that has ended cannot be changed")
    start = _moment(values, "start_time") or parse_time(existing["start_time"])
    end = _moment(values, "end_time") or parse_time(existing["end_time"])
    if "start_time" in values and start < now:
        start = now  # PagerDuty moves a start in the past to the current time
    if end <= now:
        raise invalid("End time must be in the future")
    if end <= start:
        raise invalid("End time must be after start time")
    if "start_time" in values:
        values["start_time"] = iso(start)
    if "end_time" in values:
        values["end_time"] = iso(end)
    if "services" in values and not values["services"]:
        raise invalid("Services can't be blank; send at least one service reference")
    if existing is None:
        values["sequence_number"] = store.next_number("maintenance_windows")
        values["created_by"] = getattr(ctx, "actor", None)


def _teams(store: Store, record: dict[str, Any]) -> list[str]:
    teams: dict[str, None] = {}
    for sid in record["services"]:
        teams.update(dict.fromkeys(store.table("services").get(sid, {}).get("teams", ())))
    return list(teams)


def _render(store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]) -> None:
    table = store.table("teams")
    out["teams"] = [
        store.render("teams", table[t]) if "teams" in includes else store.ref("teams", t)
        for t in _teams(store, record)
        if t in table
    ]


MAINTENANCE_WINDOWS = Resource(
    plural="maintenance_windows",
    singular="maintenance_window",
    fields=(
        Field("start_time", required=True),
        Field("end_time", required=True),
        Field("description", default="", nullable=False),
        Field("services", "refs", target="services", required=True),
        Field("sequence_number", "int", writable=False),
        Field("created_by", "ref", target="users", writable=False),
    ),
    endpoints=frozenset({"get", "update"}),
    query_fields=("description",),
    filters={
        "service_ids[]": lambda store, r, values: bool(set(r["services"]) & set(values)),
        "team_ids[]": lambda store, r, values: bool(set(_teams(store, r)) & set(values)),
    },
    includes={"services": "services", "teams": None, "users": "created_by"},
    summary=lambda r: r.get("description") or "Maintenance window",
    html_path="service-directory/maintenance-windows",
    sort_key=lambda r: (r["start_time"], r["sequence_number"]),
    validate=_validate,
    render=_render,
)


def list_windows(app: Any, request: Request) -> Response:
    store = app.store
    wanted = request.query.one("filter") or "all"
    if wanted not in FILTERS:
        raise arguments_error(f"Filter must be one of: {', '.join(FILTERS)}")
    includes = store.includes("maintenance_windows", request.query)
    page = store.page(request.query)
    now = store.clock.now()
    states = {"open": ("ongoing", "future"), "all": ("past", "future", "ongoing")}.get(wanted, (wanted,))
    records = [
        r for r in store.select("maintenance_windows", request.query) if window_state(r, now) in states
    ]
    return Response.json(
        200,
        store.paginate(
            "maintenance_windows", records, page, lambda r: store.render("maintenance_windows", r, includes)
        ),
    )


def create_window(app: Any, request: Request) -> Response:
    body = request.json()
    if not isinstance(body, dict) or "maintenance_window" not in body:
        raise invalid('Maintenance window can\'t be blank; send {"maintenance_window": {...}}')
    record = app.store.create("maintenance_windows", body["maintenance_window"], request)
    return Response.json(201, {"maintenance_window": app.store.render("maintenance_windows", record)})


def delete_window(app: Any, request: Request) -> Response:
    store = app.store
    record = store.require("maintenance_windows", request.params["id"])
    state = window_state(record, store.clock.now())
    if state == "past":
        raise ApiError(
            405,
            2001,
            "Method Not Allowed",
            ["This maintenance window has already ended; a past window cannot be deleted."],
        )
    if state == "ongoing":
        record["end_time"] = store.now()  # ending it keeps it in the history as a past window
    else:
        store.delete("maintenance_windows", record["id"], request)
    return Response.empty(204)


def forget_service(store: Store, service_id: str) -> None:
    """Drop a deleted service from every window; a window left without services goes too."""
    table = store.table("maintenance_windows")
    for window in list(table.values()):
        if service_id in window["services"]:
            window["services"] = [s for s in window["services"] if s != service_id]
            if not window["services"]:
                del table[window["id"]]


def register(router: Router) -> None:
    router.add("GET", "/maintenance_windows", list_windows)
    router.add("POST", "/maintenance_windows", create_window, from_required=True)
    router.add("DELETE", "/maintenance_windows/{id}", delete_window)
