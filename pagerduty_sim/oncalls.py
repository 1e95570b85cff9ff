"""``GET /oncalls`` (pagerduty-api.md §8.4): who is on call, per escalation policy and level, now or
over a window, derived from the escalation policies and the schedules' final schedules.

* A schedule target gives one entry per final-schedule span (layers, restrictions and overrides
  applied) that overlaps ``[since, until]``; ``start``/``end`` are the span's own, not cut at
  the window. ``since`` and ``until`` default to now (``until`` to ``since`` when only a future
  ``since`` is given), so without them the answer is who is on call now.
* A user target is a permanent on-call: ``schedule``, ``start`` and ``end`` are null. With
  ``schedule_ids[]`` they are left out unless the list holds ``null``, as the documents say.
* ``user_ids[]``, ``escalation_policy_ids[]`` and ``schedule_ids[]`` combine with AND;
  ``earliest=true`` keeps the first entry per policy, level and user.
* ``until`` before ``since``: 400 code 2005; more than 90 days ahead: 400 code 2002 (on-call shifts
  are limited to 90 days in the future; the live wording is unknown). ``time_zone`` sets the zone
  of ``start``/``end`` (default UTC).
* Order: policy name, level, then start (permanent first), then user name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import schedules
from .errors import ApiError, arguments_error, invalid
from .schedule_routes import bound, fmt, zone_param
from .store import Store
from .wire import Request, Response, Router

INCLUDES = {"escalation_policies": "escalation_policy", "users": "user", "schedules": "schedule"}
HORIZON = timedelta(days=90)


def _window(store: Store, request: Request, where: ZoneInfo) -> tuple[datetime, datetime]:
    now = store.clock.now()
    lo = bound(request.query.one("since"), "Since", where) or now
    hi = bound(request.query.one("until"), "Until", where) or max(lo, now)
    if hi < lo:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["Until must be after since"])
    if hi > now + HORIZON:
        raise arguments_error(
            "On-call shifts are limited to 90 days in the future: until must be at most 90 days from now"
        )
    return lo, hi


def _entries(store: Store, request: Request, lo: datetime, hi: datetime) -> list[dict[str, Any]]:
    query = request.query
    policies, users, wanted = (query.many(n) for n in ("escalation_policy_ids", "user_ids", "schedule_ids"))
    spans: dict[str, list[Any]] = {}  # a schedule used at several levels is computed once
    out = []
    for policy in sorted(
        store.table("escalation_policies").values(), key=lambda p: (p["name"].lower(), p["id"])
    ):
        if policies and policy["id"] not in policies:
            continue
        for level, rule in enumerate(policy["escalation_rules"], 1):
            found = []
            for plural, target in rule["targets"]:
                if plural == "users":
                    if not wanted or "null" in wanted:
                        found.append({"user": target, "schedule": None, "start": None, "end": None})
                    continue
                if (wanted and target not in wanted) or target not in store.table("schedules"):
                    continue
                if target not in spans:
                    spans[target] = schedules.on_call_spans(store, store.table("schedules")[target], lo, hi)
                found += [
                    {"user": e.user, "schedule": target, "start": e.start, "end": e.end}
                    for e in spans[target]
                ]
            found = [f for f in found if not users or f["user"] in users]
            found.sort(key=lambda f: (f["start"] is not None, f["start"] or lo, _name(store, f["user"])))
            out += [{"escalation_policy": policy["id"], "escalation_level": level, **f} for f in found]
    if query.boolean("earliest"):
        seen: set[tuple[str, int, str]] = set()
        first = []
        for entry in out:
            key = (entry["escalation_policy"], entry["escalation_level"], entry["user"])
            if key not in seen:
                seen.add(key)
                first.append(entry)
        out = first
    return out


def _name(store: Store, user_id: str) -> str:
    return (store.table("users").get(user_id) or {}).get("name", "").lower()


def oncalls(app: Any, request: Request) -> Response:
    store, query = app.store, request.query
    includes = query.many("include")
    wrong = [i for i in includes if i not in INCLUDES]
    if wrong:
        raise invalid(
            f"Include '{wrong[0]}' is not allowed here; allowed values: {', '.join(sorted(INCLUDES))}."
        )
    page = store.page(query)
    where = zone_param(query) or ZoneInfo("UTC")
    lo, hi = _window(store, request, where)

    def render(entry: dict[str, Any]) -> dict[str, Any]:
        out = dict(entry)
        for key in ("start", "end"):
            out[key] = fmt(entry[key], where) if entry[key] is not None else None
        for plural, field in INCLUDES.items():
            rid = entry[field]
            if rid is None:
                continue
            table = store.table(plural)
            out[field] = (
                store.render(plural, table[rid])
                if plural in includes and rid in table
                else store.ref(plural, rid)
            )
        return out

    return Response.json(200, store.paginate("oncalls", _entries(store, request, lo, hi), page, render))


def register(router: Router) -> None:
    router.add("GET", "/oncalls", oncalls, operation="oncalls")
