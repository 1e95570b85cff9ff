"""The PagerDuty REST API v2 client.

``request()`` sends one call; ``get``/``post``/``put``/``delete`` unwrap PagerDuty's envelope by
its wrapper key (``body["team"]``), so actions never see it; ``iter_all`` reads whole listings
(offset or cursor pages, time windows split past the 10,000 ceiling) and ``find`` picks exact
matches from them. No endpoint needs a method of its own: an action declares its path and key
(see ``icon_pagerduty.actions.rest_action``). The few domain methods below serve existing actions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from actionkit.patterns import LazyPattern

from .errors import BadRequest, Forbidden, InvalidConfig, InvalidInput, MissingFrom, UnexpectedResponse, mask
from .http import HttpCore, Timeout, TokenAuth, default_user_agent
from .paths import check_segments, segment
from .retry import RetryPolicy

# Listings, names for IDs and explaining a 403 load their modules on first use: a cold ``run``
# of a plain get needs none of them.
if TYPE_CHECKING:
    from .pagination import Fetch
    from .resolver import Resolver

__all__ = ["REST_URL", "Reply", "RestClient", "check_email", "segment"]

REST_URL = "https://api.pagerduty.com"
ACCEPT = "application/vnd.pagerduty+json;version=2"
EMAIL = LazyPattern(r"^[^@\s]+@[^@\s]+$")
KEY_FORBIDDEN = LazyPattern(r"[\s\x00-\x1f\x7f]")


def check_email(value: str, field: str) -> str:
    if not EMAIL.match(value or ""):
        raise InvalidInput(f"`{field}` must be the email address of a PagerDuty user; got {value!r}.")
    return value


class Reply:
    """A whole 2xx answer: status, headers (names in lower case) and decoded body (``None`` if empty)."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[str, str], body: Any):
        self.status, self.headers, self.body = status, headers, body

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body!r:.200})"


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
        self.me: dict[str, Any] | None = None  # the key's user, once key_kind() found a user key
        self.clock: Callable[[], float] = time.monotonic  # for listings' progress lines
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
        raw: bool = False,
        explain: bool = True,
    ) -> Any:
        """One call; returns the decoded JSON body (``None`` for an empty one) or raises a ``PagerDutyError``.

        ``From`` is ``from_email``, else the connection's default, else absent. ``path`` is a path
        or an absolute URL under the base URL (such as a resource's ``self``); a "." or ".."
        segment is refused. ``raw``: return the 2xx ``requests.Response`` itself. A 403 on a write
        says, unless ``explain`` is false, when the key is read-only and what key is needed.
        """
        check_segments(path)
        sender = check_email(from_email, "from_email") if from_email else self.from_email
        try:
            return self._http.send(
                method,
                path,
                params=params,
                json=json,
                headers={"From": sender} if sender else None,
                idempotent=idempotent,
                raw=raw,
            )
        except Forbidden as error:
            if not explain or method.upper() == "GET":
                raise
            from .access import explain_forbidden

            raise explain_forbidden(self, error, method.upper()) from None

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
             from_email: str | None = None) -> Reply:
        """Like ``request``, but returns the status and headers along with the body."""
        response = self.request(method, path, params=params, json=json, from_email=from_email, raw=True)
        if response is None:  # a retried DELETE found the object gone: the first attempt deleted it
            return Reply(204, {}, None)
        try:
            body = response.json() if response.content.strip() else None
        except ValueError:
            raise self._unexpected(method.upper(), path, "it is not JSON") from None
        headers = {name.lower(): value for name, value in response.headers.items()}
        return Reply(response.status_code, headers, body)

    # -- generic calls, unwrapped by wrapper key ---------------------------------------------------

    def get(self, path: str, key: str | None = None, params: Mapping[str, Any] | None = None) -> Any:
        """GET; the answer's ``key`` (the whole body when ``key`` is None)."""
        return self._unwrap(self.request("GET", path, params=params), key, "GET", path)

    def post(self, path: str, body: Any = None, key: str | None = None, *, from_email: str | None = None,
             params: Mapping[str, Any] | None = None) -> Any:
        """POST ``body`` as given (e.g. ``{"team": {...}}``); the answer's ``key`` (all when None,
        or when PagerDuty sent nothing)."""
        return self.write("POST", path, body, key, from_email=from_email, params=params)

    def put(self, path: str, body: Any = None, key: str | None = None, *, from_email: str | None = None,
            params: Mapping[str, Any] | None = None) -> Any:
        """PUT ``body`` as given; the answer's ``key`` (all when None, or when PagerDuty sent nothing)."""
        return self.write("PUT", path, body, key, from_email=from_email, params=params)

    def write(self, method: str, path: str, body: Any = None, key: str | None = None, *,
              from_email: str | None = None, params: Mapping[str, Any] | None = None) -> Any:
        """POST, PUT or PATCH ``body``; the answer's ``key`` (all when None, or when it is empty)."""
        answer = self.request(method, path, params=params, json=body, from_email=from_email)
        return self._unwrap(answer, key, method.upper(), path) if answer is not None else None

    def delete(self, path: str, key: str | None = None, *, from_email: str | None = None,
               params: Mapping[str, Any] | None = None) -> Any:
        """DELETE; the body's ``key`` if PagerDuty sent one (it usually answers 204: ``None``)."""
        answer = self.request("DELETE", path, params=params, from_email=from_email)
        return self._unwrap(answer, key, "DELETE", path) if answer is not None else None

    # -- listings --------------------------------------------------------------------------------

    def iter_all(
        self,
        path: str,
        key: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int | None = None,
        cursor: bool | None = None,
        split: bool | None = None,
        fetch: Fetch | None = None,
    ) -> Iterator[Any]:
        """Every item of a listing, lazily, page by page; ``key`` is its wrapper (None: the one list).

        ``cursor`` (default: by path, for PagerDuty's cursor listings such as ``/audit/records``)
        follows ``next_cursor``; other listings page by offset and stop with ``TooManyResults``
        at 10,000 items, except that a listing with ``since`` and ``until`` whose records are
        filtered by time (``split``, default: by path, e.g. ``/incidents``, ``/log_entries``) is
        read in time windows halved until each holds under 10,000, each item once. Long
        listings log their progress at most once a second. ``fetch(params)`` replaces the GET of
        one page (``rest_call`` uses it to keep the headers).
        """
        from .pagination import CURSOR_PATHS, PAGE_SIZE, WINDOWED_PATHS, Pager

        shown = self._http.shown_path("GET", path)
        bare = shown.split("?", 1)[0]
        cursor = bool(CURSOR_PATHS.match(bare)) if cursor is None else cursor
        split = bool(WINDOWED_PATHS.match(bare)) if split is None else split
        if fetch is None:
            def fetch(query: dict[str, Any]) -> Any:
                return self.request("GET", path, params=query)
        pager = Pager(fetch, shown, key, page_size=page_size or PAGE_SIZE, clock=self.clock)
        return pager.items(dict(params or {}), cursor=cursor, split=split)

    def find(self, path: str, key: str, field: str, value: Any,
             params: Mapping[str, Any] | None = None) -> list[dict]:
        """The items of a whole listing whose ``field`` equals ``value`` (strings ignoring case)."""
        wanted = value.casefold() if isinstance(value, str) else value
        found = []
        for item in self.iter_all(path, key, params):
            have = item.get(field) if isinstance(item, dict) else None
            if (have.casefold() if isinstance(have, str) else have) == wanted:
                found.append(item)
        return found

    def resolver(self) -> Resolver:
        """A fresh per-call resolver of names to IDs (see ``icon_pagerduty.client.resolver``)."""
        from .resolver import Resolver

        return Resolver(self)

    # -- From -----------------------------------------------------------------------------------

    def key_kind(self) -> Literal["account", "user"]:
        """Whether the API key is account-level or a user's key (asks ``GET /users/me`` once)."""
        if self._kind is None:
            try:
                self.me = (self.request("GET", "/users/me") or {}).get("user")
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

    # -- users and incidents, for the actions that call them ---------------------------------------

    def get_user(self, user_id: str, include: list[str] | None = None) -> dict:
        return self.get(f"/users/{segment(user_id)}", "user", {"include[]": include})

    def get_current_user(self, include: list[str] | None = None) -> dict:
        return self.get("/users/me", "user", {"include[]": include})

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
        return self.post("/users", {"user": {"type": "user", **user}}, "user", from_email=sender)

    def update_user(self, user_id: str, user: Mapping[str, Any], from_email: str | None = None) -> dict:
        body = {"user": {"type": "user", **user}}
        return self.put(f"/users/{segment(user_id)}", body, "user", from_email=from_email)

    def delete_user(self, user_id: str, from_email: str | None = None) -> None:
        self.delete(f"/users/{segment(user_id)}", from_email=from_email)

    def list_incidents(
        self,
        incident_key: str | None = None,
        statuses: list[str] | None = None,
        service_ids: list[str] | None = None,
    ) -> Iterator[dict]:
        """Incidents of any age: without ``date_range=all`` PagerDuty searches only the last month."""
        params = {"incident_key": incident_key, "statuses[]": statuses, "service_ids[]": service_ids}
        return self.iter_all("/incidents", "incidents", {**params, "date_range": "all"})

    # -- helpers -----------------------------------------------------------------------------------

    def _unwrap(self, body: Any, key: str | None, method: str, path: str) -> Any:
        if key is None:
            return body
        if not isinstance(body, dict) or key not in body:
            raise self._unexpected(method, path, f"the answer has no `{key}`")
        return body[key]

    def _unexpected(self, method: str, path: str, what: str) -> UnexpectedResponse:
        shown = self._http.shown_path(method, path)
        cause = f"{method} {shown}: PagerDuty's answer is unusable: {what}"
        return UnexpectedResponse(cause, method=method, path=shown)
