"""What goes on the wire: query encoding, authorization, the user agent, timeouts and sessions."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from typing import Any

import requests
from requests.auth import AuthBase

from .errors import InvalidConfig, mask
from .pacing import Pacer

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_TIMEOUT = 3600.0
Timeout = tuple[float, float]


def default_user_agent() -> str:
    from icon_pagerduty.manifest import VERSION

    return f"icon_pagerduty/{VERSION} python-requests/{requests.__version__}"


def encode_params(params: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Query parameters as PagerDuty reads them.

    Lists become repeated ``key[]=`` pairs (``[]`` appended when missing), booleans ``true`` or
    ``false``, and ``None`` (alone or in a list) is dropped, never sent as ``'None'``.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            name = key if key.endswith("[]") else f"{key}[]"
            pairs.extend((name, _scalar(item)) for item in value if item is not None)
        else:
            pairs.append((key, _scalar(value)))
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class TokenAuth(AuthBase):
    """Sets ``Authorization``; its repr shows only the key's last 4 characters.

    Passing an auth object also stops ``requests`` from replacing the header with ``.netrc``
    credentials.
    """

    def __init__(self, key: str, scheme: str = "token"):
        self._header = f"Token token={key}" if scheme == "token" else f"Bearer {key}"
        self.masked = mask(key)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:
        return f"TokenAuth({self.masked})"


class NoAuth(AuthBase):
    """For Events calls: no ``Authorization``, and no ``.netrc`` credentials either."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


def check_timeout(timeout: float | Timeout) -> Timeout:
    pair = (timeout, timeout) if isinstance(timeout, (int, float)) else tuple(timeout)
    if len(pair) != 2 or not all(
        isinstance(t, (int, float)) and not isinstance(t, bool) and 0 < t <= MAX_TIMEOUT for t in pair
    ):
        raise InvalidConfig(
            f"The timeout must be a positive number of seconds (at most {MAX_TIMEOUT:g}), or a (connect, "
            "read) pair."
        )
    return (float(pair[0]), float(pair[1]))


def pinned_session(base_url: str) -> requests.Session:
    """A session that reads proxy and CA settings from the environment once, for the one host it
    talks to. With ``trust_env`` on, requests re-reads ``os.environ`` on every call (16% of a warm
    call in HTTP mode), and could take credentials from ``~/.netrc``."""
    session = requests.Session()
    settings = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    session.trust_env = False
    return session


class Call:
    """One ``send``: the request as it goes on the wire, and what messages show of it: ``shown`` is
    the path without query, secrets masked; ``hidden`` the secrets to mask in errors; ``operation``
    the unit of rate limiting."""

    __slots__ = ("method", "url", "shown", "query", "headers", "data", "idempotent", "hidden", "operation")

    def __init__(self, *, method: str, url: str, shown: str, query: list[tuple[str, str]],
                 headers: dict[str, str], data: bytes | None, idempotent: bool, hidden: tuple[str, ...],
                 operation: str):
        self.method, self.url, self.shown, self.query = method, url, shown, query
        self.headers, self.data, self.idempotent = headers, data, idempotent
        self.hidden, self.operation = hidden, operation

    @property
    def label(self) -> str:
        return f"{self.method} {self.shown}"

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        shown: str,
        params: Mapping[str, Any] | None,
        json: Any,
        headers: Mapping[str, str | None],
        idempotent: bool | None,
        hidden: tuple[str, ...],
    ) -> Call:
        """``json`` is encoded compactly; a header whose value is ``None`` is left out."""
        sent = {k: v for k, v in headers.items() if v is not None}
        if json is not None or method in WRITE_METHODS:
            sent.setdefault("Content-Type", "application/json")
        data = jsonlib.dumps(json, separators=(",", ":")).encode() if json is not None else None
        return cls(
            method=method,
            url=url,
            shown=shown,
            query=encode_params(params),
            headers=sent,
            data=data,
            idempotent=method in IDEMPOTENT_METHODS if idempotent is None else idempotent,
            hidden=hidden,
            operation=Pacer.operation(method, shown),
        )
