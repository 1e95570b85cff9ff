"""What an API key may do: account-level or a user's, read-only or full access, and whose.

PagerDuty has no call that describes a key, so it is found out:

- ``GET /users/me`` answers a user key with its user, and refuses an account-level key (400).
- A user key can do what its user's role allows: observer, read_only_user and
  read_only_limited_user only read.
- An account-level key is read-only when PagerDuty refuses it a write: the probe is
  ``PUT /users/PKEYCHK`` with an empty user, which changes nothing whatever the answer. A
  read-only key gets 403 before the user is even looked up (PagerDuty documents 403 for every
  non-GET with a read-only key); a full-access key gets 404 (no such user).

The same knowledge explains a 403 on a write: the error then says the key is read-only and what
key the step needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import Forbidden, NotFound, PagerDutyError

if TYPE_CHECKING:
    from .rest import RestClient

PROBE_PATH = "/users/PKEYCHK"  # an ID no account has; the body changes nothing even if one did
# Roles whose users (and so whose keys) can only read: their writes are refused with 403.
READ_ONLY_ROLES = frozenset({"observer", "read_only_user", "read_only_limited_user"})
# PagerDuty's role values and the names its web app shows for them (what people know them by).
ROLE_TITLES = {
    "admin": "Global Admin",
    "read_only_user": "Full Stakeholder",
    "read_only_limited_user": "Limited Stakeholder",
    "user": "Manager/User",
    "limited_user": "Responder",
    "observer": "Observer",
    "restricted_access": "Restricted Access",
    "owner": "Account Owner",
}
FULL_KEY_HELP = (
    "Use a full-access key: an account-level key made without the Read-only API Key box (PagerDuty: "
    "Integrations > API Access Keys > Create New API Key), or the user-level key of a user whose role may "
    "make this change."
)


class KeyAccess:
    """What the connection's key is: ``level`` account or user, ``read_only``, and its user if any."""

    # Plain classes rather than dataclasses here and across the client: importing dataclasses and
    # generating their methods costs a cold ``run`` about 15 ms (bench/ cold start).
    __slots__ = ("level", "read_only", "user")

    def __init__(self, level: str, read_only: bool, user: dict[str, Any] | None = None):
        self.level, self.read_only, self.user = level, read_only, user

    def __repr__(self) -> str:
        return f"KeyAccess({self.level!r}, read_only={self.read_only})"

    def describe(self) -> str:
        """"a read-only account-level key", "a user-level key of Ada Admin (ada@example.com), ..." """
        if self.level == "account":
            return "a read-only account-level key" if self.read_only else "an account-level key, full access"
        user = self.user or {}
        role = user.get("role")
        who = f"{user.get('name')} ({user.get('email')})"
        access = "read-only: the role can only read" if self.read_only else "full access as the role allows"
        return f"a user-level key of {who}, role {role_title(role)} ({role}), {access}"


def role_title(role: str | None) -> str | None:
    """The web app's name of a role; an unknown (future) role shows as it is."""
    return ROLE_TITLES.get(role or "", role)


def key_access(rest: RestClient) -> KeyAccess:
    """Find out what the key is (two GET-or-probe requests at most; see the module docstring)."""
    if rest.key_kind() == "user":
        user = rest.me or {}
        return KeyAccess("user", user.get("role") in READ_ONLY_ROLES, user)
    try:
        rest.request("PUT", PROBE_PATH, json={"user": {}}, explain=False)
    except Forbidden:
        return KeyAccess("account", True)
    except NotFound:
        pass
    return KeyAccess("account", False)


def explain_forbidden(rest: RestClient, error: Forbidden, method: str) -> PagerDutyError:
    """A 403 on a write, with what the key is and what key the step needs."""
    try:
        kind = rest.key_kind()
    except PagerDutyError:
        return error  # the explanation is a courtesy: the original error stands
    if kind == "account":
        return error.with_assistance(  # type: ignore[return-value]
            f"The connection's API key is a read-only account-level key: PagerDuty refuses every change "
            f"made with it (this step sent a {method}). {FULL_KEY_HELP}"
        )
    user = rest.me or {}
    if user.get("role") in READ_ONLY_ROLES:
        return error.with_assistance(  # type: ignore[return-value]
            f"The connection's API key is a user-level key of {user.get('name')} ({user.get('email')}), "
            f"whose role {role_title(user.get('role'))} can only read, so the key is read-only. "
            f"{FULL_KEY_HELP}"
        )
    return error
