"""The PagerDuty REST API v2 client.

``request()`` and ``iter_all()`` do the work; the domain methods are one or two lines each and
return the unwrapped entity (``body["user"]``), so actions never see PagerDuty's envelope.
Adding an endpoint is one more such method, built on ``fetch``/``create``/``update``/``remove``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal
from urllib.parse import quote

from .errors import (
    BadRequest,
    InvalidConfig,
    InvalidInput,
    MissingFrom,
    TooManyResults,
    UnexpectedResponse,
    mask,
)
from .http import HttpCore, Timeout, TokenAuth, default_user_agent, log
from .retry import RetryPolicy

REST_URL = "https://api.pagerduty.com"
ACCEPT = "application/vnd.pagerduty+json;version=2"
PAGE_SIZE = 100
OFFSET_CEILING = 10_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
KEY_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")


def segment(value: Any, name: str = "id") -> str:
    """One path segment from a caller's value, percent-encoded so it cannot leave its place."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise InvalidInput(f"The input `{name}` is empty; give the PagerDuty ID.")
    return quote(text, safe="")


def check_email(value: str, field: str) -> str:
    if not EMAIL.match(value or ""):
        raise InvalidInput(f"`{field}` must be the email address of a PagerDuty user; got {value!r}.")
    return value


class RestClient:
    """The REST API v2 client of one connection; safe to share between threads.

    ``api_key`` is sent as ``Authorization: Token token=<key>`` (``token_type="bearer"`` for an
    OAuth token) and never shown except as its last 4 characters. ``from_email`` is the
    connection's default ``From``. ``timeout`` is ``(connect, read)`` seconds, or one number.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = REST_URL,
        from_email: str | None = None,
        timeout: float | Timeout = (10.0, 60.0),
        retry: RetryPolicy | None = None,
        session: Any = None,
        user_agent: str | None = None,
        token_type: Literal["token", "bearer"] = "token",
    ):
        if not api_key or KEY_FORBIDDEN.search(api_key):
            raise InvalidConfig(
                "The connection field `api_key` is empty or contains spaces or control characters.",
                "Paste the PagerDuty REST API key again, without surrounding spaces.",
            )
        if from_email and not EMAIL.match(from_email):
            raise InvalidConfig(
                "The connection field `from_email` must be the email address of a PagerDuty user; "
                f"got {from_email!r}."
            )
        self.from_email = from_email or None
        self.masked_key = mask(api_key)
        self._kind: str | None = None
        self._http = HttpCore(
            base_url,
            base_url_field="api_url",
            timeout=timeout,
            retry=retry,
            headers={"Accept": ACCEPT, "User-Agent": user_agent or default_user_agent()},
            auth=TokenAuth(api_key, token_type),
            session=session,
            secrets=(api_key,),
            key_hint=self.masked_key,
        )

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def __repr__(self) -> str:
        return f"RestClient(base_url={self.base_url!r}, api_key={self.masked_key!r})"

    def close(self) -> None:
        self._http.close()

    # -- the core ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        from_email: str | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """One call; returns the decoded JSON body (``None`` for an empty one) or raises a ``PagerDutyError``.

        ``From`` is ``from_email``, else the connection's default, else absent. ``path`` is a path
        or an absolute URL under the base URL (such as a resource's ``self``).
        """
        sender = check_email(from_email, "from_email") if from_email else self.from_email
        return self._http.send(
            method,
            path,
            params=params,
            json=json,
            headers={"From": sender} if sender else None,
            idempotent=idempotent,
        )

    def iter_all(
        self, path: str, key: str, params: Mapping[str, Any] | None = None, *, limit: int = PAGE_SIZE
    ) -> Iterator[dict]:
        """Every item of a classic (offset) listing, page by page.

        The offset advances by the items received, not the echoed limit; the listing ends when
        ``more`` is false or missing. Before a request would pass PagerDuty's 10,000 ceiling it
        raises ``TooManyResults`` (after yielding the first 10,000 items).
        """
        shown = self._http.shown_path("GET", path)
        offset = 0
        while True:
            page_size = min(limit, OFFSET_CEILING - offset)
            if page_size <= 0:
                raise TooManyResults(
                    f"GET {shown}: listing stopped at {OFFSET_CEILING:,} results, the most PagerDuty returns "
                    "for one listing",
                    "Narrow the filter (for example a shorter time range) so fewer results match.",
                    method="GET",
                    path=shown,
                )
            body = self.request("GET", path, params={**(params or {}), "limit": page_size, "offset": offset})
            items = self._unwrap(body, key, "GET", path)
            if not isinstance(items, list):
                raise self._unexpected("GET", path, f"`{key}` is not a list")
            yield from items
            if "more" not in body:
                log.warning("GET %s: the page has no `more`; the listing ends here", shown)
                return
            if not body["more"]:
                return
            if not items:
                raise self._unexpected("GET", path, "`more` is true but the page is empty")
            offset += len(items)

    # -- one-line building blocks for domain methods ------------------------------------------

    def fetch(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET one entity and unwrap it."""
        return self._unwrap(self.request("GET", path, params=params), key, "GET", path)

    def create(self, path: str, key: str | None, body: Any, *, from_email: str | None = None) -> Any:
        """POST ``{key: body}`` (``body`` as is when ``key`` is None) and unwrap the answer's ``key``."""
        answer = self.request("POST", path, json={key: body} if key else body, from_email=from_email)
        return self._unwrap(answer, key, "POST", path) if key else answer

    def update(self, path: str, key: str | None, body: Any, *, from_email: str | None = None) -> Any:
        """PUT ``{key: body}`` (``body`` as is when ``key`` is None) and unwrap the answer's ``key``."""
        answer = self.request("PUT", path, json={key: body} if key else body, from_email=from_email)
        return self._unwrap(answer, key, "PUT", path) if key and answer is not None else answer

    def remove(self, path: str, *, params: Mapping[str, Any] | None = None, from_email: str | None = None):
        """DELETE; returns the body if PagerDuty sent one (it usually answers 204)."""
        return self.request("DELETE", path, params=params, from_email=from_email)

    # -- From -----------------------------------------------------------------------------------

    def key_kind(self) -> Literal["account", "user"]:
        """Whether the API key is account-level or a user's key (asks ``GET /users/me`` once)."""
        if self._kind is None:
            try:
                self.request("GET", "/users/me")
                self._kind = "user"
            except BadRequest as error:
                said = f"{error.message} {error.errors}".lower()
                if "account-level access token" not in said:
                    raise
                self._kind = "account"
        return self._kind  # type: ignore[return-value]

    def resolve_from(self, from_email: str | None) -> str | None:
        """The ``From`` for a write that needs one: the action's input, else the connection's default.

        With neither, a user key may go without (PagerDuty takes the key's user); an account-level
        key raises ``MissingFrom`` naming the input and the connection field to set.
        """
        if from_email:
            return check_email(from_email, "from_email")
        if self.from_email:
            return self.from_email
        if self.key_kind() == "user":
            return None
        raise MissingFrom(
            "This API key is account-level, so PagerDuty needs the email of the user to act as (the From "
            "header), and none was given.",
            "Set the action input `from_email`, or the connection field `from_email`, to the email address "
            "of a PagerDuty user.",
        )

    # -- users -----------------------------------------------------------------------------------

    def get_user(self, user_id: str, include: list[str] | None = None) -> dict:
        return self.fetch(f"/users/{segment(user_id)}", "user", {"include[]": include})

    def get_current_user(self, include: list[str] | None = None) -> dict:
        return self.fetch("/users/me", "user", {"include[]": include})

    def list_users(
        self, query: str | None = None, include: list[str] | None = None, team_ids: list[str] | None = None
    ) -> Iterator[dict]:
        params = {"query": query, "include[]": include, "team_ids[]": team_ids}
        return self.iter_all("/users", "users", params)

    def find_user_by_email(self, email: str) -> dict | None:
        """The user whose email is ``email`` (ignoring case), or None; PagerDuty's ``query`` only filters."""
        wanted = check_email(email, "email").lower()
        matches = (u for u in self.list_users(query=email) if (u.get("email") or "").lower() == wanted)
        return next(matches, None)

    def create_user(self, user: Mapping[str, Any], from_email: str | None = None) -> dict:
        sender = self.resolve_from(from_email)
        return self.create("/users", "user", {"type": "user", **user}, from_email=sender)

    def update_user(self, user_id: str, user: Mapping[str, Any], from_email: str | None = None) -> dict:
        path = f"/users/{segment(user_id)}"
        return self.update(path, "user", {"type": "user", **user}, from_email=from_email)

    def delete_user(self, user_id: str, from_email: str | None = None) -> None:
        self.remove(f"/users/{segment(user_id)}", from_email=from_email)

    # -- incidents -------------------------------------------------------------------------------

    def list_incidents(
        self,
        incident_key: str | None = None,
        statuses: list[str] | None = None,
        service_ids: list[str] | None = None,
    ) -> Iterator[dict]:
        """Incidents of any age: without ``date_range=all`` PagerDuty searches only the last month."""
        params = {
            "incident_key": incident_key,
            "statuses[]": statuses,
            "service_ids[]": service_ids,
            "date_range": "all",
        }
        return self.iter_all("/incidents", "incidents", params)

    # -- helpers -----------------------------------------------------------------------------------

    def _unwrap(self, body: Any, key: str, method: str, path: str) -> Any:
        if not isinstance(body, dict) or key not in body:
            raise self._unexpected(method, path, f"the answer has no `{key}`")
        return body[key]

    def _unexpected(self, method: str, path: str, what: str) -> UnexpectedResponse:
        shown = self._http.shown_path(method, path)
        cause = f"{method} {shown}: PagerDuty's answer is unusable: {what}"
        return UnexpectedResponse(cause, method=method, path=shown)
