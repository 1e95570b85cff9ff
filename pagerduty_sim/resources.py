"""Declarations of users, teams and priorities (see ``store.py`` for the mechanism).

Rules specific to one resource live in its hooks. Escalation policies and schedules are declared
in ``policies.py``, services and integrations in ``services.py``, incidents, alerts, log entries
and change events in ``incidents.py``.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, invalid, missing_ability
from .store import Field, Resource, Store

USER_ROLES = (
    "admin",
    "limited_user",
    "observer",
    "owner",
    "read_only_user",
    "restricted_access",
    "read_only_limited_user",
    "user",
)
READ_ONLY_ROLES = ("read_only_user", "read_only_limited_user")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OPEN = ("triggered", "acknowledged")


def by_name(record: dict[str, Any]) -> str:
    return (record.get("name") or "").lower()


def in_teams(store: Store, record: dict[str, Any], values: list[str]) -> bool:
    return bool(set(record.get("teams") or ()) & set(values))


def _now(store: Store) -> str:
    return store.now()


# -- users ----------------------------------------------------------------------------------------


def _validate_user(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    email = values.get("email")
    if email is not None:
        if not EMAIL_RE.match(email):
            raise invalid("Email is invalid")
        other = store.index("user_email").get(email.lower())
        if other is not None and (existing is None or other != existing["id"]):
            raise invalid("Email has already been taken")
    if values.get("role") in READ_ONLY_ROLES and "read_only_users" not in store.settings.abilities:
        raise missing_ability("read_only_users")
    if existing is not None and email is not None:
        store.index("user_email").pop(existing["email"].lower(), None)
        store.index("user_email")[email.lower()] = existing["id"]
    if existing is None:
        values["created_at"] = store.now()


def _index_user(store: Store, record: dict[str, Any]) -> None:
    store.index("user_email")[record["email"].lower()] = record["id"]


def _refuse_user_delete(store: Store, record: dict[str, Any], ctx: Any) -> None:
    # PagerDuty refuses while incidents are assigned, unless the account has the offboarding
    # feature; the wording is ours (the spec does not document this 400).
    for incident in store.table("incidents").values():
        if incident["status"] in OPEN and any(a["assignee"] == record["id"] for a in incident["assignments"]):
            raise invalid("User cannot be deleted as they have open incidents assigned")


def _forget_user(store: Store, record: dict[str, Any]) -> None:
    store.index("user_email").pop(record["email"].lower(), None)
    for team in store.table("teams").values():
        team["members"] = [m for m in team["members"] if m["user"] != record["id"]]
    for key in [k for k, v in store.api_keys.items() if v.get("user") == record["id"]]:
        del store.api_keys[key]


def _render_user(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out["avatar_url"] = f"https://secure.gravatar.com/avatar/{record['id'].lower()}.png?d=mm&r=PG"
    out["teams"] = [
        store.render("teams", t) if "teams" in includes else store.ref("teams", t["id"])
        for t in store.table("teams").values()
        if any(m["user"] == record["id"] for m in t["members"])
    ]


USERS = Resource(
    plural="users",
    singular="user",
    fields=(
        Field("name", required=True, max_len=100),
        Field("email", required=True, min_len=6, max_len=100),
        Field("time_zone", default="Etc/UTC", nullable=False),
        Field("color", default="purple", nullable=False),
        Field("role", default="user", enum=USER_ROLES, nullable=False),
        Field("description", default=None),
        Field("job_title", default="", max_len=100, nullable=False),
        Field("invitation_sent", "bool", default=False, writable=False),
        Field("created_via_sso", "bool", default=False, writable=False),
        Field("contact_methods", "list", default=list, writable=False),
        Field("notification_rules", "list", default=list, writable=False),
    ),
    query_fields=("name", "email"),
    filters={
        "team_ids[]": lambda store, r, values: any(
            m["user"] == r["id"]
            for t in values
            if t in store.table("teams")
            for m in store.table("teams")[t]["members"]
        )
    },
    includes={
        "contact_methods": None,
        "notification_rules": None,
        "teams": "teams",
        "subdomains": None,
        "calendar_urls": None,
    },
    html_path="users",
    sort_key=by_name,
    validate=_validate_user,
    render=_render_user,
    after_create=_index_user,
    before_delete=_refuse_user_delete,
    after_delete=_forget_user,
)

# -- teams ----------------------------------------------------------------------------------------


def _team_in_use(store: Store, record: dict[str, Any], ctx: Any) -> None:
    tid = record["id"]
    used = any(
        tid in (r.get("teams") or ())
        for plural in ("escalation_policies", "services", "schedules")
        for r in store.table(plural).values()
    )
    used = used or any(t.get("parent") == tid for t in store.table("teams").values())
    if used:
        raise ApiError(
            400,
            6006,
            "Team has existing associations",
            ["Team has existing associations with escalation policies, services, schedules or teams"],
        )


def _validate_team(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if "teams" not in store.settings.abilities:
        raise missing_ability("teams")
    if existing is None:
        values["members"] = []


TEAMS = Resource(
    plural="teams",
    singular="team",
    fields=(
        Field("name", required=True, max_len=100),
        Field("description", default="", max_len=1024),
        Field("default_role", default="manager", enum=("manager", "none"), nullable=False),
        Field("parent", "ref", target="teams", default=None),
    ),
    includes={"privileges": None},
    html_path="teams",
    sort_key=by_name,
    validate=_validate_team,
    before_delete=_team_in_use,
)

# -- priorities -----------------------------------------------------------------------------------

PRIORITIES = Resource(
    plural="priorities",
    singular="priority",
    fields=(Field("name", required=True), Field("description", default="")),
    endpoints=frozenset({"list"}),
    html_path="account/incident_priorities",
)
