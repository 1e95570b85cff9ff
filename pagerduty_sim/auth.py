"""REST authentication, the ``From`` rules and role checks (pagerduty-api.md §2, §3.2, §15.2).

Keys live in ``store.api_keys``: ``{key: {"kind": "account"|"user"|"oauth", "user": id|None}}``;
``"read_only": True`` marks a read-only account key (the "Read-only API Key" box in the web app),
which may only make GET requests.
API keys travel as ``Token token=<key>``, OAuth tokens as ``Bearer <token>``; any other form, or
an unknown credential, gives 401 code 2006.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ApiError
from .store import Store

EMAIL_RE = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+$")
READ_ONLY_ROLES = ("observer", "read_only_user", "read_only_limited_user")


@dataclass(frozen=True)
class Principal:
    """Who a REST request acts as: the credential, its kind and (for user credentials) its user."""

    key: str
    kind: str  # account | user | oauth
    user: str | None
    read_only: bool = False


def unauthorized() -> ApiError:
    return ApiError(
        401, 2006, "Authentication failed", ["The credentials are missing, malformed or invalid."]
    )


def authenticate(store: Store, header: str | None) -> Principal:
    """The principal behind an ``Authorization`` header, or a 401 ApiError."""
    if not header:
        raise unauthorized()
    if header.startswith("Token token="):
        key, scheme = header[len("Token token=") :], "token"
    elif header.startswith("Bearer "):
        key, scheme = header[len("Bearer ") :], "bearer"
    else:
        raise unauthorized()
    if not key or any(c.isspace() or ord(c) < 32 for c in key):
        raise unauthorized()
    entry = store.api_keys.get(key)
    if entry is None or (entry["kind"] == "oauth") != (scheme == "bearer"):
        raise unauthorized()
    if entry.get("user") is not None and entry["user"] not in store.table("users"):
        raise unauthorized()
    return Principal(
        key=key, kind=entry["kind"], user=entry.get("user"), read_only=bool(entry.get("read_only"))
    )


def check_role(store: Store, principal: Principal, method: str) -> None:
    """403 for writes with a read-only key, or by users whose role only reads.

    PagerDuty documents only the status for a read-only key ("methods other than GET will return
    403"); the body is the code table's 2010 "Access Denied", without a detail we could not verify.
    """
    if method == "GET":
        return
    if principal.read_only:
        raise ApiError(403, 2010, "Access Denied")
    if principal.user is None:
        return
    role = store.table("users")[principal.user]["role"]
    if role in READ_ONLY_ROLES:
        raise ApiError(
            403, 2010, "Access Denied", [f"A user with the {role} role cannot perform this action."]
        )


def acting_user(store: Store, principal: Principal, from_header: str | None, required: bool) -> str | None:
    """The user an operation acts as: the token's user, else the ``From`` user for account keys.

    For account-level keys on the operations that need ``From`` it must be present (code 2016 as
    observed live, see ``settings.from_missing_code``), well formed (1028) and name a user (1008).
    User credentials act as their own user and ``From`` is ignored.
    """
    if principal.user is not None:
        return principal.user
    value = (from_header or "").strip()
    if not value:
        if required:
            raise ApiError(400, store.settings.from_missing_code)
        return None
    if not EMAIL_RE.match(value):
        if required:
            raise ApiError(400, 1028, 'Malformed "From" header')
        return None
    user = store.index("user_email").get(value.lower())
    if user is None and required:
        raise ApiError(
            400, 1008, "Requester User Not Found", ["No user has the email address in the From header."]
        )
    return user
