"""What the people actions share: role titles (``role_title``, from the client, which explains a
read-only key's refusals with them), finding a user's contact method by label, and the
access review (every user with their account role and team roles).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from actionkit.errors import InputError
from icon_pagerduty.client import MissingAbility, NotFound
from icon_pagerduty.client.access import role_title
from icon_pagerduty.client.paths import segment
from icon_pagerduty.client.resolver import looks_like_id

# The create_contact_method input's short types, and PagerDuty's names for them.
CONTACT_TYPES = {
    "email": "email_contact_method",
    "phone": "phone_contact_method",
    "sms": "sms_contact_method",
    "push": "push_notification_contact_method",
}
CANDIDATES_SHOWN = 10


def with_role_title(user: dict[str, Any]) -> dict[str, Any]:
    """The user with ``role_title`` beside ``role``."""
    return {**user, "role_title": role_title(user.get("role"))} if isinstance(user, dict) else user


def contact_method(rest: Any, user_id: str, value: str, field: str) -> dict[str, Any]:
    """The user's contact method that ``value`` names: its ID, or its label or address (ignoring case).

    An ID is fetched (so its type is known for a reference); a label or address must match
    exactly one of the user's methods, else an input error names ``field`` and the candidates.
    """
    base = f"/users/{segment(user_id, 'user')}/contact_methods"
    text = (value or "").strip()
    if looks_like_id(text):
        try:
            return rest.get(f"{base}/{segment(text, field)}", "contact_method")
        except NotFound:
            raise InputError(
                f"User {user_id} has no contact method {text} (input `{field}`).",
                f"List the user's contact methods (List Contact Methods) and set `{field}` to one of them.",
                {"input": field, "value": value},
            ) from None
    methods = rest.get(base, "contact_methods")  # not paginated
    wanted = text.casefold()
    matches = [
        m for m in methods if wanted in (str(m.get("label")).casefold(), str(m.get("address")).casefold())
    ]
    if len(matches) == 1:
        return matches[0]
    listed = ", ".join(
        f"{m.get('id')} ({m.get('label')}: {m.get('address')})" for m in methods[:CANDIDATES_SHOWN]
    )
    if not matches:
        raise InputError(
            f"User {user_id} has no contact method with ID, label or address {text!r} (input `{field}`).",
            f"Their contact methods: {listed or 'none'}. Set `{field}` to one of these IDs or labels.",
            {"input": field, "value": value},
        )
    listed = ", ".join(f"{m.get('id')} ({m.get('label')}: {m.get('address')})" for m in matches)
    raise InputError(
        f"{len(matches)} contact methods of user {user_id} match {text!r} (input `{field}`): {listed}.",
        f"Set `{field}` to the ID of the one you mean.",
        {"input": field, "value": value, "candidates": [m.get("id") for m in matches]},
    )


# -- the access review ------------------------------------------------------------------------------


def access_review(rest: Any, log: Any) -> tuple[list[dict[str, Any]], int]:
    """Every user with their account role and their teams' roles; and how many teams were read.

    Reads ``/teams`` and each team's ``/members`` (the only place PagerDuty keeps team roles),
    then ``/users``: 1 + teams + users/100 requests, all GETs, so a read-only key is enough.
    An account without the teams feature (402 on /teams) has no team roles to report.
    """
    try:
        teams = list(rest.iter_all("/teams", "teams"))
    except MissingAbility:
        log.info("The account has no teams feature (402 on /teams); reporting account roles only")
        teams = []
    roles: dict[str, list[dict[str, Any]]] = {}
    for team in teams:
        members = rest.iter_all(f"/teams/{segment(team['id'], 'team')}/members", "members")
        for member in members:
            user_id = (member.get("user") or {}).get("id")
            if user_id:
                roles.setdefault(user_id, []).append(
                    {
                        "id": team["id"],
                        "name": team.get("name") or team.get("summary"),
                        "role": member.get("role"),
                    }
                )
    users = [_reviewed(user, roles.get(user.get("id"), [])) for user in rest.iter_all("/users", "users")]
    log.info("Access review: %d users, %d teams", len(users), len(teams))
    return users, len(teams)


def _reviewed(user: dict[str, Any], teams: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": user.get("id"),
        "name": user.get("name"),
        "email": user.get("email"),
        "role": user.get("role"),
        "role_title": role_title(user.get("role")),
        "job_title": user.get("job_title"),
        "invitation_sent": user.get("invitation_sent"),
        "teams": sorted(teams, key=lambda t: (str(t["name"]).casefold(), t["id"])),
    }
