"""The settings of a service that carry rules: urgency, support hours and alert grouping.

``check_service_settings`` validates them on create and update (PagerDuty's answer to a bad
value is 400 "Invalid Input Provided" naming the field; a feature outside the account's plan is
402). ``service_urgency`` is the urgency a new incident of the service gets *now*: a constant
rule gives its urgency; ``use_support_hours`` picks ``during_support_hours`` or
``outside_support_hours`` from the service's support hours, read in their own time zone.
``grouping_incident`` applies time and content-based alert grouping to a new alert.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clock import parse_time
from .errors import invalid, missing_ability
from .store import Store

URGENCIES = ("high", "low", "severity_based")
RULE_TYPES = ("constant", "use_support_hours")
GROUPING_TYPES = ("time", "intelligent", "content_based")
TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
DEFAULT_RULE = {"type": "constant", "urgency": "high"}


def check_service_settings(store: Store, values: dict[str, Any], existing: dict[str, Any] | None) -> None:
    """Validate (and normalise in ``values``) the urgency rule, support hours and alert grouping."""
    merged = {**(existing or {}), **values}
    if "support_hours" in values and values["support_hours"] is not None:
        values["support_hours"] = _support_hours(values["support_hours"])
    if "incident_urgency_rule" in values:
        values["incident_urgency_rule"] = _urgency_rule(values["incident_urgency_rule"])
    rule = values.get("incident_urgency_rule", merged.get("incident_urgency_rule")) or DEFAULT_RULE
    hours = values.get("support_hours", merged.get("support_hours"))
    # Only a change asks for the ability, so a plan downgrade does not lock other edits out.
    uses_rules = ("incident_urgency_rule" in values and rule != DEFAULT_RULE) or (
        "support_hours" in values and hours is not None
    )
    if uses_rules and "urgencies" not in store.settings.abilities:
        raise missing_ability("urgencies")
    if rule["type"] == "use_support_hours" and hours is None:
        raise invalid(
            "Support hours can't be blank when incident_urgency_rule.type is use_support_hours; "
            "send support_hours {type, time_zone, days_of_week, start_time, end_time}"
        )
    if values.get("scheduled_actions"):
        if rule["type"] != "use_support_hours":
            raise invalid("Scheduled actions need incident_urgency_rule.type use_support_hours")
        values["scheduled_actions"] = [_scheduled_action(a) for a in values["scheduled_actions"]]
    if values.get("alert_grouping_parameters") is not None:
        values["alert_grouping_parameters"] = _grouping(values["alert_grouping_parameters"])


def _urgency_rule(raw: Any) -> dict[str, Any]:
    if raw is None:
        return dict(DEFAULT_RULE)
    if not isinstance(raw, dict):
        raise invalid("Incident urgency rule must be an object")
    kind = raw.get("type", "constant")
    if kind not in RULE_TYPES:
        raise invalid(f"Incident urgency rule type must be one of: {', '.join(RULE_TYPES)}")
    if kind == "constant":
        urgency = raw.get("urgency", "high")
        if urgency not in URGENCIES:
            raise invalid(f"Incident urgency rule urgency must be one of: {', '.join(URGENCIES)}")
        return {"type": "constant", "urgency": urgency}
    rule: dict[str, Any] = {"type": "use_support_hours"}
    for part in ("during_support_hours", "outside_support_hours"):
        inner = raw.get(part)
        if not isinstance(inner, dict):
            raise invalid(f"Incident urgency rule {part} can't be blank; send {{type: constant, urgency}}")
        if inner.get("type", "constant") != "constant" or inner.get("urgency") not in URGENCIES:
            raise invalid(
                f"Incident urgency rule {part} must be {{type: constant, urgency: {' | '.join(URGENCIES)}}}"
            )
        rule[part] = {"type": "constant", "urgency": inner["urgency"]}
    return rule


def _scheduled_action(raw: Any) -> dict[str, Any]:
    at = raw.get("at") if isinstance(raw, dict) else None
    if (
        not isinstance(at, dict)
        or raw.get("type") != "urgency_change"
        or raw.get("to_urgency") != "high"
        or at.get("type") != "named_time"
        or at.get("name") not in ("support_hours_start", "support_hours_end")
    ):
        raise invalid(
            "Each scheduled action must be {type: urgency_change, to_urgency: high, at: {type: named_time, "
            "name: support_hours_start | support_hours_end}}"
        )
    return {"type": "urgency_change", "at": {"type": "named_time", "name": at["name"]}, "to_urgency": "high"}


def _support_hours(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid("Support hours must be an object")
    if raw.get("type", "fixed_time_per_day") != "fixed_time_per_day":
        raise invalid("Support hours type must be fixed_time_per_day")
    zone = raw.get("time_zone")
    if not isinstance(zone, str) or _zone(zone) is None:
        raise invalid("Support hours time_zone must be a time zone name such as Europe/Berlin")
    days = raw.get("days_of_week")
    if (
        not isinstance(days, list)
        or not days
        or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in days)
    ):
        raise invalid("Support hours days_of_week must be a non-empty list of 1 (Monday) to 7 (Sunday)")
    times = {}
    for name in ("start_time", "end_time"):
        value = raw.get(name)
        if not isinstance(value, str) or not TIME_OF_DAY.match(value):
            raise invalid(f"Support hours {name} must be a time of day as HH:MM:SS")
        times[name] = value if len(value) == 8 else value + ":00"
    if times["start_time"] >= times["end_time"]:
        raise invalid("Support hours end_time must be after start_time")
    return {"type": "fixed_time_per_day", "time_zone": zone, "days_of_week": sorted(set(days)), **times}


def _grouping(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        raise invalid("Alert grouping parameters must be an object")
    kind = raw.get("type")
    if kind is None:
        return None  # PagerDuty: "To turn grouping off set the type to null."
    if kind not in GROUPING_TYPES:
        raise invalid(f"Alert grouping parameters type must be one of: {', '.join(GROUPING_TYPES)} or null")
    config = raw.get("config") or {}
    if not isinstance(config, dict):
        raise invalid("Alert grouping parameters config must be an object")
    if kind == "time":
        timeout = config.get("timeout", 0)
        if not _int_between(timeout, 0, 1440):
            raise invalid("Alert grouping config timeout must be 0 (until resolved) or 1 to 1440 minutes")
        return {"type": "time", "config": {"timeout": timeout}}
    window = config.get("time_window", 0)
    upper = 3600 if kind == "intelligent" else 86400
    if not (window == 0 or _int_between(window, 300, upper)):
        raise invalid(f"Alert grouping config time_window must be 0 (recommended) or 300 to {upper} seconds")
    if kind == "intelligent":
        return {"type": "intelligent", "config": {"time_window": window}}
    aggregate, fields = config.get("aggregate"), config.get("fields")
    if aggregate not in ("all", "any"):
        raise invalid("Alert grouping config aggregate must be all or any")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) and f for f in fields):
        raise invalid("Alert grouping config fields must be a non-empty list of field names")
    return {
        "type": "content_based",
        "config": {"aggregate": aggregate, "fields": fields, "time_window": window},
    }


def _int_between(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def in_support_hours(hours: dict[str, Any], now: datetime) -> bool:
    """Whether ``now`` falls inside ``hours`` (a weekday listed, between start and end, local time)."""
    local = now.astimezone(_zone(hours["time_zone"]) or ZoneInfo("UTC"))
    start, end = (time.fromisoformat(hours[k]) for k in ("start_time", "end_time"))
    return local.isoweekday() in hours["days_of_week"] and start <= local.time() < end


def service_urgency(store: Store, service: dict[str, Any], severity: str | None = None) -> str:
    """The urgency (high or low) of an incident the service opens now; ``severity`` from an event."""
    rule = service.get("incident_urgency_rule") or DEFAULT_RULE
    if rule.get("type") == "use_support_hours" and service.get("support_hours"):
        part = "during" if in_support_hours(service["support_hours"], store.clock.now()) else "outside"
        rule = rule.get(f"{part}_support_hours") or DEFAULT_RULE
    urgency = rule.get("urgency") or "high"
    if urgency == "severity_based":
        # Events with severity critical or error are high urgency; warning and info are low.
        return "high" if severity in (None, "critical", "error") else "low"
    return urgency if urgency in ("high", "low") else "high"


def grouping_incident(
    store: Store, service: dict[str, Any], details: dict[str, Any]
) -> dict[str, Any] | None:
    """The open incident a new alert joins under the service's alert grouping, or None.

    ``time``: the newest open incident whose first alert came less than ``timeout`` minutes ago
    (0: until it is resolved). ``content_based``: the newest open incident whose first alert has
    the same values in ``all``/``any`` of ``fields`` (``summary``, ``source``, ...,
    ``custom_details.<name>``) and whose last alert came within ``time_window`` seconds.
    ``intelligent`` grouping is a model PagerDuty does not publish: such services group nothing.
    """
    params = service.get("alert_grouping_parameters") or {}
    if params.get("type") not in ("time", "content_based"):
        return None
    now, config = store.clock.now(), params["config"]
    alerts = store.table("alerts")
    best = None
    for incident_id in store.index("open_incidents_by_service").get(service["id"], {}):
        incident = store.table("incidents")[incident_id]
        own = [alerts[a] for a in incident["alerts"] if a in alerts]
        if not own:
            continue  # an incident created over REST has no alert to group with
        if params["type"] == "time":
            first = parse_time(own[0]["created_at"])
            fits = config["timeout"] == 0 or now - first < timedelta(minutes=config["timeout"])
        else:
            last = max(parse_time(a["created_at"]) for a in own)
            same = [_field(details, f) == _field(_alert_details(own[0]), f) for f in config["fields"]]
            matched = all(same) if config["aggregate"] == "all" else any(same)
            fits = matched and now - last < timedelta(seconds=config["time_window"] or 300)
        if fits and (best is None or incident["created_at"] >= best["created_at"]):
            best = incident
    return best


def _alert_details(alert: dict[str, Any]) -> dict[str, Any]:
    return {
        "cef_details": alert["body"].get("cef_details") or {},
        "custom_details": alert["body"].get("details"),
    }


def _field(details: dict[str, Any], name: str) -> Any:
    if name.startswith("custom_details."):
        custom = details.get("custom_details")
        return custom.get(name.split(".", 1)[1]) if isinstance(custom, dict) else None
    return (details.get("cef_details") or {}).get(name)
