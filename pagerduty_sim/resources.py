"""Declarations of users, teams and priorities (see ``store.py`` for the mechanism).

Rules specific to one resource live in its hooks. Escalation policies and schedules are declared
in ``policies.py``, services and integrations in ``services.py``, incidents, alerts, log entries
and change events in ``incidents.py``.
"""

from __future__ import annotations

import re
from typing import Any

from . import people
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
    if ctx is not None:  # a request (the seed makes the owner directly)
        _check_owner_role(values.get("role"), existing)
    if existing is not None and email is not None:
        store.index("user_email").pop(existing["email"].lower(), None)
        store.index("user_email")[email.lower()] = existing["id"]
        people.follow_email(store, existing, email)
    if existing is None:
        values["created_at"] = store.now()


def _check_owner_role(role: str | None, existing: dict[str, Any] | None) -> None:
    # An account has exactly one owner, and ownership moves only in the web app: the API can
    # neither make an owner nor change the owner's role. The wording is ours.
    was_owner = existing is not None and existing["role"] == "owner"
    if role is None or (role == "owner") == was_owner:
        return
    if was_owner:
        raise invalid("The account owner's role cannot be changed; transfer ownership in the web app first")
    raise invalid("Role owner cannot be given through the API: transfer ownership in the web app")


def _index_user(store: Store, record: dict[str, Any]) -> None:
    store.index("user_email")[record["email"].lower()] = record["id"]


def _refuse_user_delete(store: Store, record: dict[str, Any], ctx: Any) -> None:
    # PagerDuty refuses while incidents are assigned, unless the account has the offboarding
    # feature; the wording is ours (the spec does not document this 400). The owner is never
    # deleted: ownership has to move to another user first.
    if record["role"] == "owner":
        raise invalid("The account owner cannot be deleted; transfer account ownership to another user first")
    for incident in store.table("incidents").values():
        if incident["status"] in OPEN and any(a["assignee"] == record["id"] for a in incident["assignments"]):
            raise invalid("User cannot be deleted as they have open incidents assigned")


def _forget_user(store: Store, record: dict[str, Any]) -> None:
    store.index("user_email").pop(record["email"].lower(), None)
    people.forget_user(store, record["id"])
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
    # POST /users is people.create_user: a new user also gets its default contact method and rules.
    endpoints=frozenset({"list", "get", "update", "delete"}),
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
        Field("contact_methods", "refs", target="contact_methods", default=list, writable=False),
        Field("notification_rules", "refs", target="notification_rules", default=list, writable=False),
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
        "contact_methods": "contact_methods",
        "notification_rules": "notification_rules",
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
    _reassign_incidents(store, record, ctx)


def _reassign_incidents(store: Store, record: dict[str, Any], ctx: Any) -> None:
    """Move the team's open incidents to ``reassignment_team``, or make them account-level.

    PagerDuty does this asynchronously after the 204; here it is done before it. A bad
    ``reassignment_team`` only matters when there are incidents to move (codes 6002, 6003).
    """
    tid = record["id"]
    incidents = [i for i in store.table("incidents").values() if i["status"] in OPEN and tid in i["teams"]]
    target = ctx.query.one("reassignment_team") if ctx is not None else None
    if incidents and target == tid:
        raise ApiError(400, 6002, "Team has Incidents but Reassignment Team is not valid")
    if incidents and target and target not in store.table("teams"):
        raise ApiError(400, 6003, "Team has Incidents but Reassignment Team is not found")
    for incident in incidents:
        teams = [t for t in incident["teams"] if t != tid]
        incident["teams"] = teams + [target] if target and target not in teams else teams


def _validate_team(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if "teams" not in store.settings.abilities:
        raise missing_ability("teams")
    name = (values.get("name") or "").strip().lower()
    if name and any(t["name"].lower() == name and t is not existing for t in store.table("teams").values()):
        raise invalid("Name has already been taken")
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
