"""``GET /oncalls`` (pagerduty-api.md §8.4): who is on call now, per escalation policy and level.

Direct user targets are permanent on-calls (``start``/``end`` null, ``schedule`` null); schedule
targets give the user of the current shift of the schedule's layers (restrictions ignored).
Entries are computed at ``since`` (default now); the lower operation limit applies.
"""

from __future__ import annotations

from typing import Any

from .clock import iso, parse_time
from .errors import invalid
from .lifecycle import on_call_shift
from .wire import Request, Response, Router

INCLUDES = {"escalation_policies": "escalation_policy", "users": "user", "schedules": "schedule"}


def oncalls(app: Any, request: Request) -> Response:
    store, query = app.store, request.query
    includes = query.many("include")
    wrong = [i for i in includes if i not in INCLUDES]
    if wrong:
        raise invalid(
            f"Include '{wrong[0]}' is not allowed here; allowed values: {', '.join(sorted(INCLUDES))}."
        )
    page = store.page(query)
    since = query.one("since")
    when = parse_time(since) if since else store.clock.now()
    if when is None:
        raise invalid("Since is not a valid date")
    policies, users, schedules = (
        query.many(n) for n in ("escalation_policy_ids", "user_ids", "schedule_ids")
    )
    entries = []
    for policy in store.table("escalation_policies").values():
        if policies and policy["id"] not in policies:
            continue
        for level, rule in enumerate(policy["escalation_rules"], 1):
            for plural, target in rule["targets"]:
                if plural == "users":
                    entry = {"user": target, "schedule": None, "start": None, "end": None}
                else:
                    shift = on_call_shift(store, target, when)
                    if shift is None:
                        continue
                    entry = {
                        "user": shift[0],
                        "schedule": target,
                        "start": iso(shift[1]),
                        "end": iso(shift[2]),
                    }
                if (users and entry["user"] not in users) or (
                    schedules and entry["schedule"] not in schedules
                ):
                    continue
                entries.append({"escalation_policy": policy["id"], "escalation_level": level, **entry})
    if query.boolean("earliest"):
        seen, earliest = set(), []
        for entry in entries:
            key = (entry["escalation_policy"], entry["escalation_level"], entry["user"])
            if key not in seen:
                seen.add(key)
                earliest.append(entry)
        entries = earliest

    def render(entry: dict[str, Any]) -> dict[str, Any]:
        out = dict(entry)
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

    return Response.json(200, store.paginate("oncalls", entries, page, render))


def register(router: Router) -> None:
    router.add("GET", "/oncalls", oncalls, operation="oncalls")
