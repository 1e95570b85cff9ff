"""Schedules (pagerduty-api.md §8.4): the declaration, the checks on layers and restrictions, and
who is on call when (the arithmetic is in ``rotation.py``, the routes in ``schedule_routes.py``).

Layers are stored with their times as UTC strings and their users as IDs; responses show the
times in the schedule's zone. ``PUT`` with ``schedule_layers`` works as PagerDuty's editor does:
a layer sent with its ``id`` is changed, a layer left out is ended now (one that has not started
yet is removed), so the past keeps rendering as it was. A schedule used by an escalation policy
is not deleted (400, code 2001, the live wording); its overrides go with it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import rotation
from .clock import iso, parse_time
from .errors import invalid
from .resources import by_name, in_teams
from .store import Field, Resource, Store

RESTRICTION_LIMITS = {"daily_restriction": 86400, "weekly_restriction": 7 * 86400}
# How far around a window to compute so entries that cross its edges are whole: two turns of the
# longest layer and a day for daylight saving, never more than the 90 days /oncalls looks ahead.
MAX_MARGIN = timedelta(days=90)


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone ``name``, or None when it is not one."""
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_of(record: dict[str, Any]) -> ZoneInfo:
    return zone(record.get("time_zone")) or ZoneInfo("UTC")


# -- checks ---------------------------------------------------------------------------------------


def _validate(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if "time_zone" in values and zone(values["time_zone"]) is None:
        raise invalid(
            f"Time zone '{values['time_zone']}' is not a time zone; use an IANA name such as Europe/Berlin"
        )
    layers = values.get("schedule_layers")
    if layers is None:
        if existing is None:
            raise invalid("Schedule must have at least one schedule layer")
        return
    if not isinstance(layers, list) or not layers:
        raise invalid("Schedule must have at least one schedule layer")
    old = {layer["id"]: layer for layer in (existing or {}).get("schedule_layers", ())}
    checked = [_layer(store, raw, number, old) for number, raw in enumerate(layers, 1)]
    if existing is not None:
        checked = _ended(store, existing["schedule_layers"], {layer["id"] for layer in checked}) + checked
    values["schedule_layers"] = checked


def _layer(store: Store, raw: Any, number: int, old: dict[str, dict[str, Any]]) -> dict[str, Any]:
    where = f"Schedule layer {number}"
    if not isinstance(raw, dict):
        raise invalid(f"{where} must be an object")
    for key in ("start", "rotation_virtual_start", "rotation_turn_length_seconds", "users"):
        if raw.get(key) is None:
            raise invalid(f"{where}: {key} can't be blank")
    times = {
        key: _moment(raw.get(key), f"{where}: {key}") for key in ("start", "end", "rotation_virtual_start")
    }
    if times["end"] is not None and times["end"] <= times["start"]:
        raise invalid(f"{where}: end must be after start")
    turn = raw["rotation_turn_length_seconds"]
    if not isinstance(turn, int) or isinstance(turn, bool) or turn < 1:
        raise invalid(f"{where}: rotation_turn_length_seconds must be a positive integer")
    if not isinstance(raw["users"], list) or not raw["users"]:
        raise invalid(f"{where}: users must be a non-empty list")
    users = [_user(store, entry, where) for entry in raw["users"]]
    restrictions = raw.get("restrictions") or []
    if not isinstance(restrictions, list):
        raise invalid(f"{where}: restrictions must be a list")
    layer_id = raw.get("id") if raw.get("id") in old else store.ids.resource_id()
    return {
        "id": layer_id,
        "name": raw.get("name") or f"Layer {number}",
        "start": iso(times["start"]),
        "end": iso(times["end"]) if times["end"] else None,
        "rotation_virtual_start": iso(times["rotation_virtual_start"]),
        "rotation_turn_length_seconds": turn,
        "users": users,
        "restrictions": [_restriction(r, f"{where}: restriction {n}") for n, r in enumerate(restrictions, 1)],
    }


def _moment(raw: Any, label: str) -> datetime | None:
    if raw is None:
        return None
    when = parse_time(raw) if isinstance(raw, str) else None
    if when is None:
        raise invalid(f"{label} must be an ISO 8601 date-time")
    return when


def _user(store: Store, entry: Any, where: str) -> str:
    user = entry.get("user") if isinstance(entry, dict) else None
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise invalid(f'{where}: each user must be {{"user": {{"id": ..., "type": "user_reference"}}}}')
    if user["id"] not in store.table("users"):
        raise invalid(f"{where}: user {user['id']} not found")
    return user["id"]


def _restriction(raw: Any, where: str) -> dict[str, Any]:
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind not in RESTRICTION_LIMITS:
        raise invalid(f"{where}: type must be daily_restriction or weekly_restriction")
    try:
        start = time.fromisoformat(str(raw.get("start_time_of_day")))
    except ValueError:
        raise invalid(f"{where}: start_time_of_day must be HH:mm:ss") from None
    duration = raw.get("duration_seconds")
    limit = RESTRICTION_LIMITS[kind]
    if not isinstance(duration, int) or isinstance(duration, bool) or not 0 < duration <= limit:
        raise invalid(f"{where}: duration_seconds must be an integer from 1 to {limit}")
    out = {"type": kind, "start_time_of_day": start.strftime("%H:%M:%S"), "duration_seconds": duration}
    if kind == "weekly_restriction":
        day = raw.get("start_day_of_week")
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 7:
            raise invalid(f"{where}: start_day_of_week must be 1 (Monday) to 7 (Sunday)")
        out["start_day_of_week"] = day
    return out


def _ended(store: Store, layers: list[dict[str, Any]], kept: set[str]) -> list[dict[str, Any]]:
    """The layers an update leaves out: ended now; removed if they have not started yet."""
    now = store.clock.now()
    out = []
    for layer in layers:
        if layer["id"] in kept or parse_time(layer["start"]) >= now:
            continue
        end = parse_time(layer["end"]) if layer["end"] else None
        out.append({**layer, "end": iso(now) if end is None or end > now else layer["end"]})
    return out


def _in_use(store: Store, record: dict[str, Any], ctx: Any) -> None:
    if policies_using(store, record["id"]):
        raise invalid("Schedule can't be deleted if it's being used by escalation policies")


def _forget(store: Store, record: dict[str, Any]) -> None:
    table = store.table("overrides")
    for override_id in [k for k, v in table.items() if v["schedule"] == record["id"]]:
        del table[override_id]


def policies_using(store: Store, schedule_id: str) -> list[dict[str, Any]]:
    return [
        ep
        for ep in store.table("escalation_policies").values()
        if any(
            p == "schedules" and i == schedule_id
            for rule in ep["escalation_rules"]
            for p, i in rule["targets"]
        )
    ]


# -- who is on call -------------------------------------------------------------------------------


def layers_of(record: dict[str, Any]) -> list[rotation.Layer]:
    return [
        rotation.Layer(
            start=parse_time(layer["start"]),
            end=parse_time(layer["end"]) if layer["end"] else None,
            virtual_start=parse_time(layer["rotation_virtual_start"]),
            turn=layer["rotation_turn_length_seconds"],
            users=tuple(layer["users"]),
            restrictions=tuple(
                rotation.Restriction(
                    r["type"],
                    time.fromisoformat(r["start_time_of_day"]),
                    r["duration_seconds"],
                    r.get("start_day_of_week"),
                )
                for r in layer.get("restrictions", ())
            ),
        )
        for layer in record["schedule_layers"]
    ]


def overrides_of(store: Store, schedule_id: str) -> list[rotation.Entry]:
    """The schedule's overrides in creation order (the order that decides which one wins)."""
    return [
        rotation.Entry(o["user"], parse_time(o["start"]), parse_time(o["end"]))
        for o in store.table("overrides").values()
        if o["schedule"] == schedule_id
    ]


def margin(record: dict[str, Any]) -> timedelta:
    longest = max((layer["rotation_turn_length_seconds"] for layer in record["schedule_layers"]), default=0)
    return min(MAX_MARGIN, timedelta(seconds=2 * longest, days=1))


def compute(
    store: Store, record: dict[str, Any], lo: datetime, hi: datetime
) -> tuple[list[list[rotation.Entry]], list[rotation.Entry], list[rotation.Entry]]:
    """Each layer's entries, the overrides layer and the final schedule, computed on ``[lo, hi)``."""
    where = zone_of(record)
    layers = [rotation.layer_entries(layer, where, lo, hi) for layer in layers_of(record)]
    overrides = rotation.override_layer(overrides_of(store, record["id"]), lo, hi)
    return layers, overrides, rotation.final(layers, overrides)


def on_call_spans(store: Store, record: dict[str, Any], lo: datetime, hi: datetime) -> list[rotation.Entry]:
    """Final-schedule entries overlapping ``[lo, hi)`` (or covering ``lo`` when equal), whole."""
    pad = margin(record)
    return rotation.overlapping(compute(store, record, lo - pad, hi + pad)[2], lo, hi)


def on_call_at(store: Store, schedule_id: str, when: datetime) -> rotation.Entry | None:
    """Who is on call on the schedule at ``when`` (layers, restrictions and overrides applied)."""
    record = store.find("schedules", schedule_id)
    if record is None:
        return None
    spans = on_call_spans(store, record, when, when)
    return spans[0] if spans else None


# -- declaration ----------------------------------------------------------------------------------


def _render(store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]) -> None:
    """The stored shape; ``schedule_routes`` localises the times and fills the rendered entries."""
    out["schedule_layers"] = [
        {
            **layer,
            "users": [{"user": store.ref("users", u)} for u in layer["users"]],
            "rendered_schedule_entries": [],
            "rendered_coverage_percentage": None,
        }
        for layer in record["schedule_layers"]
    ]
    for key, name in (("overrides_subschedule", "Overrides"), ("final_schedule", "Final Schedule")):
        out[key] = {"name": name, "rendered_schedule_entries": [], "rendered_coverage_percentage": None}
    seen: dict[str, None] = {}
    for layer in record["schedule_layers"]:
        seen.update(dict.fromkeys(layer["users"]))
    out["users"] = [store.ref("users", u) for u in seen]
    out["escalation_policies"] = [
        store.ref("escalation_policies", ep["id"]) for ep in policies_using(store, record["id"])
    ]


SCHEDULES = Resource(
    plural="schedules",
    singular="schedule",
    fields=(
        Field("name", default=None, max_len=255),
        Field("description", default=None, max_len=1024),
        Field("time_zone", required=True),
        Field("schedule_layers", "list", default=None, nullable=False),
        Field("teams", "refs", target="teams", default=list),
    ),
    endpoints=frozenset({"delete"}),  # the others render windows: schedule_routes.py
    filters={"team_ids[]": in_teams},
    includes={"schedule_layers": None, "overrides_subschedule": None, "final_schedule": None},
    html_path="schedules",
    sort_key=by_name,
    validate=_validate,
    render=_render,
    before_delete=_in_use,
    after_delete=_forget,
)
