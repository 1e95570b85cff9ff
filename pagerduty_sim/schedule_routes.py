"""Schedule routes (pagerduty-api.md §8.4): list, get, create, update and users, rendered for a window.

``rendered_schedule_entries`` (of each layer, of ``overrides_subschedule`` and of
``final_schedule``) are filled only when ``since`` or ``until`` is given; the missing bound is two
weeks from the other. Entries are split at the window's edges unless ``overflow=true``, which
gives them whole. Times are shown in ``time_zone`` (default: the schedule's zone), and a
``since``/``until`` without an offset is read in that zone. The list shows layers and
subschedules only when ``include[]`` asks for them. Create answers 200 as the live API does
(setting ``schedule_create_201`` for the documented 201).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from . import rotation, schedules
from .clock import parse_time
from .errors import ApiError, arguments_error, invalid
from .store import Query, Store
from .wire import Request, Response, Router

TWO_WEEKS = timedelta(days=14)
NEXT_ONCALL_HORIZON = timedelta(days=90)
SUBSCHEDULES = ("overrides_subschedule", "final_schedule")


def fmt(when: datetime, where: ZoneInfo) -> str:
    """An instant as PagerDuty shows it in a zone: ``2024-03-31T09:00:00+02:00`` (``Z`` for UTC)."""
    local = when.astimezone(where)
    if local.utcoffset() == timedelta(0):
        return local.strftime("%Y-%m-%dT%H:%M:%SZ")
    return local.isoformat(timespec="seconds")


def zone_param(query: Query) -> ZoneInfo | None:
    name = query.one("time_zone")
    if name is None:
        return None
    found = schedules.zone(name)
    if found is None:
        raise arguments_error(
            f"Time zone '{name}' is not a time zone; use an IANA name such as Europe/Berlin"
        )
    return found


def bound(raw: str | None, label: str, where: ZoneInfo) -> datetime | None:
    """A ``since``/``until`` value; without an offset it is a wall-clock time in ``where``."""
    if raw is None:
        return None
    try:
        when = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ApiError(400, 2004, "Invalid Input Provided", [f"{label} is not a valid date"]) from None
    return when if when.tzinfo else when.replace(tzinfo=where)


def window(query: Query, where: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """``[since, until)``; one bound alone gets the other two weeks away; neither gives no window."""
    lo, hi = bound(query.one("since"), "Since", where), bound(query.one("until"), "Until", where)
    if lo is None and hi is None:
        return None, None
    lo = lo if lo is not None else hi - TWO_WEEKS
    hi = hi if hi is not None else lo + TWO_WEEKS
    if hi < lo:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["Until must be after since"])
    return lo.astimezone(timezone.utc), hi.astimezone(timezone.utc)


# -- rendering ------------------------------------------------------------------------------------


def _entries(store: Store, entries: list[rotation.Entry], where: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {"user": store.ref("users", e.user), "start": fmt(e.start, where), "end": fmt(e.end, where)}
        for e in entries
    ]


def render(
    store: Store,
    record: dict[str, Any],
    where: ZoneInfo,
    span: tuple[datetime | None, datetime | None] = (None, None),
    overflow: bool = False,
    next_for: str | None = None,
) -> dict[str, Any]:
    """The schedule as the API shows it, its times in ``where``, rendered for ``span`` if given."""
    out = store.render("schedules", record)
    for layer in out["schedule_layers"]:
        for key in ("start", "end", "rotation_virtual_start"):
            if layer[key] is not None:
                layer[key] = fmt(parse_time(layer[key]), where)
    lo, hi = span
    if lo is not None and hi is not None:
        pad = schedules.margin(record) if overflow else timedelta(0)
        layers, overrides, final = schedules.compute(store, record, lo - pad, hi + pad)
        pick = rotation.overlapping if overflow else rotation.clip
        parts = [
            *zip(out["schedule_layers"], layers, strict=True),
            *zip((out[k] for k in SUBSCHEDULES), (overrides, final), strict=True),
        ]
        for part, entries in parts:
            part["rendered_schedule_entries"] = _entries(store, pick(entries, lo, hi), where)
            part["rendered_coverage_percentage"] = rotation.coverage(entries, lo, hi)
    if next_for is not None and next_for in store.table("users"):
        now = store.clock.now()
        upcoming = schedules.on_call_spans(store, record, now, now + NEXT_ONCALL_HORIZON)
        entry = next((e for e in upcoming if e.user == next_for), None)
        if entry is not None:
            out["next_oncall_for_user"] = {
                "start": fmt(entry.start, where),
                "end": fmt(entry.end, where),
                "user": store.ref("users", next_for),
            }
    return out


# -- routes ---------------------------------------------------------------------------------------


def _wrapped(request: Request) -> Any:
    body = request.json()
    if not isinstance(body, dict) or "schedule" not in body:
        raise invalid('Schedule can\'t be blank; send {"schedule": {...}}')
    return body["schedule"]


def list_schedules(app: Any, request: Request) -> Response:
    store, query = app.store, request.query
    includes = store.includes("schedules", query)
    page = store.page(query)
    requested = zone_param(query)
    span = window(query, requested or ZoneInfo("UTC"))
    if not includes:
        span = (None, None)  # nothing rendered would be shown
    next_for = query.one("include_next_oncall_for_user")

    def one(record: dict[str, Any]) -> dict[str, Any]:
        out = render(store, record, requested or schedules.zone_of(record), span, next_for=next_for)
        for key in ("schedule_layers", *SUBSCHEDULES):
            if key not in includes:
                del out[key]
        return out

    return Response.json(200, store.paginate("schedules", store.select("schedules", query), page, one))


def get_schedule(app: Any, request: Request) -> Response:
    store, query = app.store, request.query
    record = store.require("schedules", request.params["id"])
    where = zone_param(query) or schedules.zone_of(record)
    out = render(
        store,
        record,
        where,
        window(query, where),
        query.boolean("overflow"),
        query.one("include_next_oncall_for_user"),
    )
    return Response.json(200, {"schedule": out})


def create_schedule(app: Any, request: Request) -> Response:
    record = app.store.create("schedules", _wrapped(request), request)
    status = 201 if app.settings.schedule_create_201 else 200
    return Response.json(status, {"schedule": render(app.store, record, schedules.zone_of(record))})


def update_schedule(app: Any, request: Request) -> Response:
    app.store.require("schedules", request.params["id"])
    record = app.store.update("schedules", request.params["id"], _wrapped(request), request)
    return Response.json(200, {"schedule": render(app.store, record, schedules.zone_of(record))})


def schedule_users(app: Any, request: Request) -> Response:
    """Everyone on the layers; with ``since``/``until``, those on call in that window (overrides too)."""
    store = app.store
    record = store.require("schedules", request.params["id"])
    lo, hi = window(request.query, schedules.zone_of(record))
    if lo is None or hi is None:
        ids = [u for layer in record["schedule_layers"] for u in layer["users"]]
    else:
        ids = [e.user for e in rotation.clip(schedules.compute(store, record, lo, hi)[2], lo, hi)]
    table = store.table("users")
    users = [store.render("users", table[u]) for u in dict.fromkeys(ids) if u in table]
    return Response.json(200, {"users": users})


def register(router: Router) -> None:
    router.add("GET", "/schedules", list_schedules)
    router.add("POST", "/schedules", create_schedule)
    router.add("GET", "/schedules/{id}", get_schedule)
    router.add("PUT", "/schedules/{id}", update_schedule)
    router.add("GET", "/schedules/{id}/users", schedule_users)
