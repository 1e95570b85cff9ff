"""Inputs shared by the on-call actions (schedules, overrides, escalation policies): periods, and
the nested layers and rules whose users and schedules are names, emails or IDs.

The runtime resolves names for top-level inputs declared ``resolve:``; names inside a layer or a
rule are resolved here with the same per-call resolver, and an error names the nested input
(``layers[0].users[1]``). Times stay as the caller wrote them (PagerDuty reads the offset);
they are parsed only to check their order before anything is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from actionkit import InputError


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(text: str, field: str) -> datetime:
    """An ISO 8601 date-time input (the runtime checked its form); naive ones are read as UTC."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(
            f"The input `{field}` must be an ISO 8601 date-time such as 2024-05-06T09:00:00Z; got {text!r}."
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def check_order(start: str | None, end: str | None, start_field: str, end_field: str) -> None:
    """``end`` must come after ``start`` (when both are given); the error names both inputs."""
    if start and end and moment(end, end_field) <= moment(start, start_field):
        raise InputError(
            f"The input `{end_field}` ({end}) is not after `{start_field}` ({start}).",
            f"Set `{end_field}` to a time after `{start_field}`.",
            data={"input": end_field, "value": end},
        )


def window(
    values: dict[str, Any], *, from_now: bool = False, length: timedelta | None = None
) -> dict[str, str]:
    """The ``since``/``until`` inputs as query parameters, their order checked. ``from_now``:
    with neither given, the period starts now. ``length``: both are always sent, the missing one
    ``length`` away from the other (from now when neither is given)."""
    since, until = values.get("since"), values.get("until")
    check_order(since, until, "since", "until")
    if since is None and until is None and (from_now or length is not None):
        since = iso(now())
    if length is not None:
        if since is None:
            since = iso(moment(until, "until") - length)
        if until is None:
            until = iso(moment(since, "since") + length)
    return {k: v for k, v in (("since", since), ("until", until)) if v is not None}


def references(resolver: Any, kind: str, values: list[str] | None, field: str) -> list[dict[str, str]]:
    """``[{"id", "type": "<kind>_reference"}]`` for names, emails or IDs of ``kind``."""
    return [
        {"id": resolver.resolve(kind, value, f"{field}[{index}]"), "type": f"{kind}_reference"}
        for index, value in enumerate(values or ())
    ]


def layer(resolver: Any, raw: dict[str, Any], field: str) -> dict[str, Any]:
    """PagerDuty's schedule layer from a ``schedule_layer_input``."""
    start = raw["start"]
    check_order(start, raw.get("end"), f"{field}.start", f"{field}.end")
    users = references(resolver, "user", raw.get("users"), f"{field}.users")
    if not users:
        raise InputError(
            f"The input `{field}.users` is empty; a layer needs at least one user to rotate.",
            data={"input": f"{field}.users"},
        )
    out = {
        "name": raw.get("name"),
        "start": start,
        "end": raw.get("end"),
        "rotation_virtual_start": raw.get("rotation_virtual_start") or start,
        "rotation_turn_length_seconds": raw["rotation_turn_length_seconds"],
        "users": [{"user": user} for user in users],
        "restrictions": raw.get("restrictions") or [],
    }
    return {k: v for k, v in out.items() if v is not None}


def layers(resolver: Any, raw: list[dict[str, Any]], field: str = "layers") -> list[dict[str, Any]]:
    if not raw:
        raise InputError(f"The input `{field}` is empty; a schedule needs at least one layer.")
    return [layer(resolver, item, f"{field}[{index}]") for index, item in enumerate(raw)]


def rules(resolver: Any, raw: list[dict[str, Any]], field: str = "rules") -> list[dict[str, Any]]:
    """PagerDuty's escalation rules from ``escalation_rule_input`` items."""
    if not raw:
        raise InputError(f"The input `{field}` is empty; an escalation policy needs at least one rule.")
    out = []
    for index, rule in enumerate(raw):
        where = f"{field}[{index}]"
        targets = references(resolver, "user", rule.get("users"), f"{where}.users")
        targets += references(resolver, "schedule", rule.get("schedules"), f"{where}.schedules")
        if not targets:
            raise InputError(
                f"The input `{where}` has no target; give it `users` or `schedules` (or both).",
                data={"input": where},
            )
        out.append({"escalation_delay_in_minutes": rule["escalation_delay_in_minutes"], "targets": targets})
    return out


def writable_layer(shown: dict[str, Any]) -> dict[str, Any]:
    """A layer as PagerDuty showed it, reduced to what a PUT sends back to keep it unchanged."""
    keep = (
        "id",
        "name",
        "start",
        "end",
        "rotation_virtual_start",
        "rotation_turn_length_seconds",
        "restrictions",
    )
    out = {k: shown[k] for k in keep if shown.get(k) is not None}
    out["users"] = [
        {"user": {"id": u["user"]["id"], "type": "user_reference"}} for u in shown.get("users", ())
    ]
    return out


def listed(items: list[dict[str, Any]], limit: int = 5) -> str:
    """``Name (ID), ...`` of referenced objects, for messages."""
    shown = ", ".join(f"{i.get('summary') or i.get('name')} ({i.get('id')})" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
