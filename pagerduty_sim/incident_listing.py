"""Listings: ``GET /incidents``, log entries (one incident's and the account's) and alerts.

All use classic pagination with its 10,000 ceiling (``Store.page``). Time windows are
half-open, ``since <= created_at < until``, so that a client splitting a window at a boundary
sees each record once (the live API's handling of the exact boundary is unverified).

``GET /incidents`` (pagerduty-api.md §6.1, §8.7): without ``since``/``until`` one month back
from now, with one bound one month from it, at most 6 months; ``date_range=all`` lifts the
window. The default order is ``created_at`` then number. The OpenAPI documents no priority
filter; unknown parameters are ignored, as PagerDuty does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from .clock import iso, parse_time
from .errors import ApiError, invalid
from .lifecycle import OPEN, STATUSES, find_incident, tick
from .store import Store
from .wire import Request, Response

SORTABLE = ("incident_number", "created_at", "resolved_at", "urgency")
MONTH = timedelta(days=30)
MAX_RANGE = timedelta(days=183)
# is_overview=true leaves out the routine entries: notifications and automatic assignments.
DETAIL_ONLY = ("notify_log_entry", "assign_log_entry")
ALERT_STATUSES = ("triggered", "resolved")


def list_incidents(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    includes = store.includes("incidents", request.query)
    page = store.page(request.query)
    records = select_incidents(store, request.query)
    return Response.json(
        200, store.paginate("incidents", records, page, lambda r: store.render("incidents", r, includes))
    )


def select_incidents(store: Store, query: Any) -> list[dict[str, Any]]:
    """``GET /incidents`` filtering: time window, statuses, keys, services, teams, users, urgencies."""
    statuses = query.many("statuses")
    if any(value not in STATUSES for value in statuses):
        raise invalid(f"Statuses must be among: {', '.join(STATUSES)}")
    urgencies = query.many("urgencies")
    if any(u not in ("high", "low") for u in urgencies):
        raise invalid("Urgencies must be among: high, low")
    records = list(store.table("incidents").values())
    if query.one("date_range") != "all":
        since, until = _window(store, query.one("since"), query.one("until"))
        records = [r for r in records if since <= r["created_at"] < until]
    if statuses:
        records = [r for r in records if r["status"] in statuses]
    key = query.one("incident_key")
    if key is not None:
        alerts = store.table("alerts")
        records = [
            r
            for r in records
            if r["incident_key"] == key
            or any(alerts[a]["alert_key"] == key for a in r["alerts"] if a in alerts)
        ]
    for name, field in (("service_ids", "service"), ("urgencies", "urgency")):
        values = query.many(name)
        if values:
            records = [r for r in records if r[field] in values]
    teams = query.many("team_ids")
    if teams:
        records = [r for r in records if set(r["teams"]) & set(teams)]
    users = query.many("user_ids")
    if users:
        # Resolved incidents have no assignees, so only open ones can match (§8.7).
        records = [
            r
            for r in records
            if r["status"] in OPEN and any(a["assignee"] in users for a in r["assignments"])
        ]
    records.sort(key=itemgetter("created_at", "incident_number"))  # C key: 25,000 records in ~3 ms
    return _sort(records, query.one("sort_by"))


def _time(raw: str | None, label: str) -> datetime | None:
    when = parse_time(raw) if raw else None
    if raw and when is None:
        raise ApiError(400, 2004, "Invalid Input Provided", [f"{label} is not a valid date"])
    return when


def _window(store: Store, since_raw: str | None, until_raw: str | None) -> tuple[str, str]:
    """The ``[since, until)`` window of ``GET /incidents`` as ISO strings, with its defaults."""
    since, until = _time(since_raw, "Since"), _time(until_raw, "Until")
    if since is None and until is None:
        until = store.clock.now() + timedelta(seconds=1)  # "now" includes this second's incidents
        since = until - MONTH
    elif since is None:
        since = until - MONTH
    elif until is None:
        until = since + MONTH
    if until < since:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["Until must be after since"])
    if until - since > MAX_RANGE:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["The date range may not exceed 6 months"])
    return iso(since), iso(until)


def _sort(
    records: list[dict[str, Any]], sort_by: str | None, fields: tuple[str, ...] = SORTABLE
) -> list[Any]:
    if not sort_by:
        return records
    parts = [p for p in sort_by.split(",") if p]
    if len(parts) > 2:
        raise invalid("Sort by accepts at most 2 fields")
    for part in reversed(parts):
        name, _, direction = part.partition(":")
        if name not in fields or direction not in ("", "asc", "desc"):
            raise invalid(f"Sort by must use fields among {', '.join(fields)} with an optional :asc or :desc")
        records.sort(key=lambda r, n=name: (r[n] is None, r[n] or ""), reverse=direction == "desc")
    return records


# -- log entries ----------------------------------------------------------------------------------


def list_log_entries(app: Any, request: Request) -> Response:
    """``GET /log_entries``: the whole account's, filtered by window, ``team_ids[]`` and overview."""
    store = app.store
    tick(store)
    return _log_page(store, request, store.select("log_entries", request.query))


def incident_log_entries(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    records = [r for r in store.table("log_entries").values() if r["incident"] == incident["id"]]
    return _log_page(store, request, records)


def _log_page(store: Store, request: Request, records: list[dict[str, Any]]) -> Response:
    query = request.query
    includes = store.includes("log_entries", query)
    page = store.page(query)
    since, until = _time(query.one("since"), "Since"), _time(query.one("until"), "Until")
    if since and until and until < since:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["Until must be after since"])
    if since:
        records = [r for r in records if r["created_at"] >= iso(since)]
    if until:
        records = [r for r in records if r["created_at"] < iso(until)]
    if query.boolean("is_overview"):
        records = [r for r in records if r["type"] not in DETAIL_ONLY]
    return Response.json(
        200, store.paginate("log_entries", records, page, lambda r: store.render("log_entries", r, includes))
    )


# -- alerts ---------------------------------------------------------------------------------------


def incident_alerts(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    query = request.query
    includes = store.includes("alerts", query)
    page = store.page(query)
    alerts = store.table("alerts")
    records = [alerts[a] for a in incident["alerts"] if a in alerts]
    statuses = query.many("statuses")
    if any(s not in ALERT_STATUSES for s in statuses):
        raise invalid(f"Statuses must be among: {', '.join(ALERT_STATUSES)}")
    if statuses:
        records = [r for r in records if r["status"] in statuses]
    key = query.one("alert_key")
    if key is not None:
        records = [r for r in records if r["alert_key"] == key]
    records = _sort(records, query.one("sort_by"), ("created_at", "resolved_at"))
    return Response.json(
        200, store.paginate("alerts", records, page, lambda r: store.render("alerts", r, includes))
    )
