"""The request core shared by the REST and Events clients.

One ``HttpCore.send()`` does what every call needs: the URL pinned to the configured base,
headers, a timeout, no redirects, bounded retries where a repeat cannot duplicate anything,
error mapping and one debug log line per attempt. It never logs a body or a secret.
"""

from __future__ import annotations

import json as jsonlib
import logging
import re
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.auth import AuthBase

from .errors import (
    HostNotAllowed,
    InvalidConfig,
    InvalidInput,
    NotFound,
    OutcomeUnknown,
    PagerDutyError,
    RateLimited,
    UnexpectedResponse,
    Unreachable,
    error_from_response,
    mask,
    redact,
)
from .retry import RetryPolicy, requested_wait

log = logging.getLogger("icon_pagerduty.client")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
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


def check_base_url(base_url: str, field_name: str) -> str:
    """The base URL without a trailing slash; HTTPS required except on this machine (the simulator)."""
    parts = urlsplit(base_url or "")
    if parts.username or parts.password or parts.query or parts.fragment:
        # Checked first so a URL holding a password is never echoed.
        raise InvalidConfig(
            f"The connection field `{field_name}` must be a plain base URL, without credentials, query or "
            "fragment."
        )
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidConfig(f"The connection field `{field_name}` must be an https:// URL; got {base_url!r}.")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise InvalidConfig(f"The connection field `{field_name}` must use https://; got {base_url!r}.")
    return base_url.rstrip("/")


def check_timeout(timeout: float | Timeout) -> Timeout:
    pair = (timeout, timeout) if isinstance(timeout, (int, float)) else tuple(timeout)
    if len(pair) != 2 or not all(isinstance(t, (int, float)) and t > 0 for t in pair):
        raise InvalidConfig("The timeout must be a positive number of seconds, or a (connect, read) pair.")
    return (float(pair[0]), float(pair[1]))


def _failed_before_sending(exc: requests.exceptions.RequestException) -> bool:
    """True only when no byte of the request can have reached the server, so any method may retry."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        reason = getattr(exc.args[0], "reason", None)
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


def _describe(exc: requests.exceptions.RequestException, host: str, timeout: Timeout) -> str:
    # str(exc) repeats the full URL with its query (which may hold an email), so only names are used.
    # For the same reason the errors raised from here are not chained to exc.
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"connecting to {host} timed out after {timeout[0]:g} s"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"{host} sent no answer within {timeout[1]:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"the TLS handshake with {host} failed"
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    reason = getattr(inner, "reason", None)
    cause = type(reason if isinstance(reason, Exception) else inner).__name__
    if _failed_before_sending(exc):
        return f"could not connect to {host} ({cause})"
    return f"the connection to {host} failed ({cause})"


def _decoded(response: requests.Response) -> Any:
    return response.json() if response.content.strip() else None


def _pinned_session(base_url: str) -> requests.Session:
    """A session that reads proxy and CA settings from the environment once, for the one host it
    talks to. With ``trust_env`` on, requests re-reads ``os.environ`` on every call (16% of a warm
    call in HTTP mode), and could take credentials from ``~/.netrc``."""
    session = requests.Session()
    settings = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    session.trust_env = False
    return session


class HttpCore:
    """Session-per-thread HTTP with PagerDuty's rules; shared by ``RestClient`` and ``EventsClient``.

    ``session``: a ``requests.Session`` to use from every thread (tests mount a fake transport
    on it); by default each thread lazily gets its own, because a Session is not thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        *,
        base_url_field: str,
        timeout: float | Timeout,
        retry: RetryPolicy | None,
        headers: Mapping[str, str],
        auth: AuthBase,
        session: requests.Session | None = None,
        secrets: Iterable[str | None] = (),
        service: str = "PagerDuty",
        throttle_statuses: Iterable[int] = (429,),
        key_hint: str | None = None,
    ):
        self.base_url = check_base_url(base_url, base_url_field)
        self.host = urlsplit(self.base_url).netloc
        self.timeout = check_timeout(timeout)
        self.retry = retry or RetryPolicy()
        self.headers = dict(headers)
        self.auth = auth
        self.service = service
        self.throttle_statuses = frozenset(throttle_statuses)
        self.key_hint = key_hint
        self._secrets = tuple(s for s in secrets if s)
        self._shared_session = session
        self._local = threading.local()
        # Weak, so the session of a finished thread goes away with its thread-local slot.
        self._created: weakref.WeakSet[requests.Session] = weakref.WeakSet()
        self._lock = threading.Lock()

    def session(self) -> requests.Session:
        """The session of the calling thread (or the injected one)."""
        if self._shared_session is not None:
            return self._shared_session
        current = getattr(self._local, "session", None)
        if current is None:
            current = _pinned_session(self.base_url)
            self._local.session = current
            with self._lock:
                self._created.add(current)
        return current

    def close(self) -> None:
        """Close every session this core created, in any thread."""
        with self._lock:
            created = list(self._created)
            self._created = weakref.WeakSet()
        for session in created:
            session.close()

    def resolve(self, method: str, path: str) -> tuple[str, str]:
        """The full URL and the path shown in messages; refuses a URL outside the base URL."""
        if ABSOLUTE_URL.match(path):
            if path != self.base_url and not path.startswith(self.base_url + "/"):
                shown = redact(urlsplit(path)._replace(query="", fragment="").geturl(), self._secrets)
                refusal = f"{method} {shown}: refusing to send a request outside {self.base_url}"
                raise HostNotAllowed(
                    refusal,
                    "Use a path, or a URL that starts with the configured base URL.",
                    method=method,
                    path=shown,
                )
            relative = path[len(self.base_url) :] or "/"
        else:
            relative = "/" + path.lstrip("/")
        return self.base_url + relative, redact(urlsplit(relative).path, self._secrets)

    def shown_path(self, method: str, path: str) -> str:
        """The path as messages show it: relative to the base URL, without the query."""
        return self.resolve(method, path)[1]

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        secrets: Iterable[str] = (),
        raw: bool = False,
    ) -> Any:
        """Send with bounded retries; return the decoded JSON of a 2xx answer (``None`` for an
        empty one) or raise a ``PagerDutyError``.

        A 2xx answer that is not JSON (a proxy's page) is retried like a 5xx. A DELETE answered 404
        after an earlier attempt that may have been carried out (a read timeout, a 5xx) returns
        ``None``: that attempt most likely deleted it, so the goal is met.

        ``idempotent`` (default: by method) says whether a repeat after the request may have
        reached the server is harmless. Only then are 5xx, read timeouts and broken connections
        retried; 429 and failures to connect are retried for every method. ``secrets`` are masked in
        errors besides the core's own (an Events routing key, say).
        """
        method = method.upper()
        url, shown = self.resolve(method, path)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        request_headers = dict(self.headers)
        data = None
        if json is not None or method in WRITE_METHODS:
            request_headers["Content-Type"] = "application/json"
        if json is not None:
            data = jsonlib.dumps(json, separators=(",", ":")).encode()
        request_headers.update({k: v for k, v in (headers or {}).items() if v is not None})
        query = encode_params(params)
        hidden = self._secrets + tuple(s for s in secrets if s)
        waited = 0.0
        attempt = 0
        maybe_carried_out = False
        while True:
            attempt += 1
            try:
                outcome = self._attempt(
                    method, url, shown, query, request_headers, data, idempotent, attempt, hidden
                )
            except NotFound:
                if method == "DELETE" and maybe_carried_out:
                    log.warning("%s %s: 404 on a retry; the earlier attempt deleted it", method, shown)
                    return None
                raise
            if isinstance(outcome, requests.Response):
                if raw:  # the 2xx response itself, undecoded, for callers that need status and headers
                    return outcome
                try:
                    return _decoded(outcome)
                except ValueError:
                    outcome = self._not_json(method, shown, outcome, idempotent, attempt)
            error, wait = outcome
            maybe_carried_out |= not isinstance(error, RateLimited) and not error.before_sending
            if attempt >= self.retry.max_attempts:
                raise error.append_to_cause(f" (gave up after {attempt} attempts)")
            if waited + wait > self.retry.max_total_wait:
                left = max(0.0, self.retry.max_total_wait - waited)
                if isinstance(error, RateLimited):
                    raise error.append_to_cause(
                        f" ({self.service} asks to wait {wait:.0f} s, more than the {left:.0f} s left of "
                        "the retry budget)"
                    )
                raise error.append_to_cause(f" (gave up after {attempt} attempts: retry budget spent)")
            log.warning("%s %s: %s; retrying in %.2f s", method, shown, _reason(error), wait)
            self.retry.sleep(wait)
            waited += wait

    def _not_json(
        self, method: str, shown: str, response: requests.Response, idempotent: bool, attempt: int
    ) -> tuple[PagerDutyError, float]:
        error = UnexpectedResponse(
            f"{method} {shown}: {self.service}'s {response.status_code} answer is not JSON "
            f"({response.headers.get('content-type', 'no content type')}; a proxy or gateway page?)",
            "Check any proxy between this plugin and PagerDuty, then run the step again.",
            method=method,
            path=shown,
            status=response.status_code,
        )
        if not idempotent:
            raise error
        return error, self.retry.backoff(attempt)

    def _attempt(
        self,
        method: str,
        url: str,
        shown: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        data: bytes | None,
        idempotent: bool,
        attempt: int,
        hidden: tuple[str, ...],
    ) -> requests.Response | tuple[PagerDutyError, float]:
        """One attempt: the response if 2xx, else ``(retryable error, wait)``; raises the rest."""
        started = time.monotonic()
        try:
            response = self.session().request(
                method,
                url,
                params=query,
                data=data,
                headers=headers,
                auth=self.auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            elapsed = time.monotonic() - started
            what = _describe(exc, self.host, self.timeout)
            log.debug("%s %s -> no answer in %.3f s: %s", method, shown, elapsed, what)
            if isinstance(exc, requests.exceptions.SSLError):
                raise InvalidConfig(
                    f"{method} {shown}: {what}",
                    "Check the base URL, and any proxy that intercepts TLS.",
                    method=method,
                    path=shown,
                ) from None
            if isinstance(exc, ValueError):
                # InvalidHeader, InvalidURL ...: raised while building the request, nothing was sent.
                raise InvalidInput(
                    f"{method} {shown}: the request could not be built ({type(exc).__name__})",
                    method=method,
                    path=shown,
                ) from None
            before_sending = _failed_before_sending(exc)
            if before_sending or idempotent:
                unreachable = Unreachable(f"{method} {shown}: {what}", method=method, path=shown)
                unreachable.before_sending = before_sending
                return unreachable, self.retry.backoff(attempt)
            raise OutcomeUnknown(
                f"{method} {shown}: {what}; the outcome is unknown",
                f"{self.service} may have carried out the request. Check before running the step again.",
                method=method,
                path=shown,
            ) from None
        elapsed = time.monotonic() - started
        status = response.status_code
        request_id = response.headers.get("x-request-id", "-")
        date = response.headers.get("date", "-")
        log.debug(
            "%s %s -> %s in %.3f s (x-request-id %s, date %s)",
            *(method, shown, status, elapsed, request_id, date),
        )
        if 200 <= status <= 299:
            return response
        if status >= 500:
            log.error("%s %s -> %s (x-request-id %s, date %s)", method, shown, status, request_id, date)
        error = error_from_response(
            method,
            shown,
            response,
            service=self.service,
            secrets=hidden,
            key_hint=self.key_hint,
            base_url=self.base_url,
            throttle_statuses=self.throttle_statuses,
        )
        server_failure = status in RETRYABLE_SERVER_STATUSES
        if status in self.throttle_statuses or (server_failure and idempotent):
            asked = requested_wait(response.headers)
            if isinstance(error, RateLimited):
                error.reset_after = asked
            wait = self.retry.server_wait(asked) if asked is not None else self.retry.backoff(attempt)
            return error, wait
        if 500 <= status <= 599 and not idempotent:
            raise OutcomeUnknown(
                f"{error.cause}; the outcome is unknown",
                f"{self.service} may have carried out the request. Check before running the step again.",
                error.data,
                method=method,
                path=shown,
                status=status,
                code=error.code,
                message=error.message,
                errors=error.errors,
                request_id=error.request_id,
            )
        raise error


def _reason(error: PagerDutyError) -> str:
    return error.cause.split(": ", 1)[1] if ": " in error.cause else error.cause
