"""The request core shared by the REST and Events clients.

One ``HttpCore.send()`` does what every call needs: the URL pinned to the configured base,
headers, a timeout that fits in the step's deadline, pacing by PagerDuty's rate-limit headers,
no redirects, bounded retries where a repeat cannot duplicate anything, error mapping and one
debug log line per attempt. It never logs a body or a secret.

Reading order: ``send`` (the retry loop) > ``_attempt`` (one request) > ``_failed`` (no answer)
and ``_answered`` (an answer that is not a success).
"""

from __future__ import annotations

import logging
import math
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from actionkit.patterns import LazyPattern

from . import transport
from .errors import (
    HostNotAllowed,
    InvalidConfig,
    InvalidInput,
    NotFound,
    OutcomeUnknown,
    PagerDutyError,
    RateLimited,
    StepTimeout,
    UnexpectedResponse,
    Unreachable,
    error_from_response,
    redact,
)
from .pacing import Pacer
from .retry import Deadline, RetryPolicy, requested_wait, step_deadline
from .urls import check_base_url
from .wire import Call, NoAuth, Timeout, TokenAuth, check_timeout, default_user_agent, pinned_session

log = logging.getLogger("icon_pagerduty.client")

RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504})
ABSOLUTE_URL = LazyPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# A retryable failure and the wait the server asked for (None: the policy's backoff).
Retry = tuple[PagerDutyError, "float | None"]

# The names the clients import from here.
__all__ = ["HttpCore", "NoAuth", "Timeout", "TokenAuth", "check_base_url", "default_user_agent", "log"]


def _decoded(response: requests.Response) -> Any:
    return response.json() if response.content.strip() else None


class HttpCore:
    """Session-per-thread HTTP with PagerDuty's rules; shared by ``RestClient`` and ``EventsClient``.

    ``session``: a ``requests.Session`` to use from every thread (tests mount a fake transport
    on it); by default each thread lazily gets its own, because a Session is not thread-safe.
    ``base_url_field`` names the connection field the base URL came from, for messages.
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
        self.base_url_field = base_url_field
        self.host = urlsplit(self.base_url).netloc
        self.timeout = check_timeout(timeout)
        self.retry = retry or RetryPolicy()
        self.pacer = Pacer(self.retry.clock)
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

    @property
    def where(self) -> str:
        """The setting and its value, as messages name them: ``api_url https://api.pagerduty.com``."""
        return f"{self.base_url_field} {self.base_url}"

    def session(self) -> requests.Session:
        """The session of the calling thread (or the injected one)."""
        if self._shared_session is not None:
            return self._shared_session
        current = getattr(self._local, "session", None)
        if current is None:
            current = pinned_session(self.base_url)
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

    # -- the retry loop ------------------------------------------------------------------------------

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
        retried; 429 and failures to connect are retried for every method. Every wait and request
        of the step fits in its deadline (``RetryPolicy.step_timeout``). ``secrets`` are masked in
        errors besides the core's own (an Events routing key, say).
        """
        call = self._prepare(method, path, params, json, headers, idempotent, secrets)
        deadline = step_deadline(self.retry)
        attempt = connect_failures = 0
        maybe_carried_out = False
        not_before = -math.inf
        while True:
            attempt += 1
            self._pause(call, not_before, deadline)
            try:
                outcome = self._attempt(call, deadline)
            except NotFound:
                if call.method == "DELETE" and maybe_carried_out:
                    log.warning("%s: 404 on a retry; the earlier attempt deleted it", call.label)
                    return None
                raise
            if isinstance(outcome, requests.Response):
                if raw:  # the 2xx response itself, undecoded, for callers that need status and headers
                    return outcome
                try:
                    return _decoded(outcome)
                except ValueError:
                    outcome = self._not_json(call, outcome)
            error, asked = outcome
            wait = self.retry.backoff(attempt) if asked is None else asked
            connect_failures += isinstance(error, Unreachable) and error.before_sending
            maybe_carried_out |= not isinstance(error, RateLimited) and not error.before_sending
            if attempt >= self.retry.max_attempts or connect_failures >= self.retry.max_connect_attempts:
                raise error.append_to_cause(f" (gave up after {attempt} attempts)")
            if not deadline.fits(wait):
                raise self._out_of_time(error, wait, deadline)
            log.warning("%s: %s; retrying in %.2f s", call.label, _reason(error), wait)
            not_before = self.retry.clock() + wait

    def _prepare(self, method, path, params, json, headers, idempotent, secrets) -> Call:
        method = method.upper()
        url, shown = self.resolve(method, path)
        hidden = self._secrets + tuple(s for s in secrets if s)
        sent = {**self.headers, **{k: v for k, v in (headers or {}).items() if v is not None}}
        return Call.build(method, url, shown, params, json, sent, idempotent, hidden)

    def _pause(self, call: Call, not_before: float, deadline: Deadline) -> None:
        """Wait for the retry's time and the rate limit's next slot, if the deadline allows it."""
        wait, pace = self.pacer.reserve(call.operation, not_before)
        if wait <= 0:
            return
        if not deadline.fits(wait):
            waiting = f"the next request in {wait:.1f} s"
            if pace.remaining is not None:
                waiting = (
                    f"{self.service}'s rate limit to allow another request (in {wait:.1f} s; "
                    f"ratelimit-remaining {pace.remaining}, ratelimit-reset {pace.reset:g} s)"
                )
            raise self._step_timeout(call, deadline, waiting)
        if wait >= 1:
            log.info("%s: waiting %.1f s for %s's rate limit", call.label, wait, self.service)
        self.retry.sleep(wait)

    def _out_of_time(self, error: PagerDutyError, wait: float, deadline: Deadline) -> PagerDutyError:
        left = deadline.left()
        budget = f"the step's step_timeout of {deadline.seconds:g} s"
        if isinstance(error, RateLimited):
            return error.append_to_cause(
                f" ({self.service} asks to wait {wait:.0f} s; only {left:.0f} s are left of {budget})"
            )
        return error.append_to_cause(f" (no time for another attempt: {left:.1f} s are left of {budget})")

    def _step_timeout(self, call: Call, deadline: Deadline, waiting: str) -> StepTimeout:
        return StepTimeout(
            f"{call.label}: the step ran out of time (step_timeout {deadline.seconds:g} s) waiting for "
            f"{waiting}",
            "Run the step again later, or raise step_timeout in the connection if the step needs longer.",
            {"step_timeout": deadline.seconds, "waiting_for": waiting},
            method=call.method,
            path=call.shown,
        )

    def _not_json(self, call: Call, response: requests.Response) -> Retry:
        error = UnexpectedResponse(
            f"{call.label}: {self.service}'s {response.status_code} answer is not JSON "
            f"({response.headers.get('content-type', 'no content type')}; a proxy or gateway page?)",
            "Check any proxy between this plugin and PagerDuty, then run the step again.",
            method=call.method,
            path=call.shown,
            status=response.status_code,
        )
        if not call.idempotent:
            raise error
        return error, None

    # -- one attempt ----------------------------------------------------------------------------------

    def _attempt(self, call: Call, deadline: Deadline) -> requests.Response | Retry:
        """One request: the response if 2xx, else ``(retryable error, wait)``; raises the rest."""
        left = deadline.left()
        if left <= 0:
            raise self._step_timeout(call, deadline, "a chance to send the request")
        timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
        started = self.retry.clock()
        try:
            response = self.session().request(
                call.method,
                call.url,
                params=call.query,
                data=call.data,
                headers=call.headers,
                auth=self.auth,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            failure: transport.Failure | None = transport.classify(exc, timeout)
        else:
            failure = None
        elapsed = self.retry.clock() - started
        if failure is not None:
            # Handled outside the except block, so no error chains to the requests exception.
            return self._failed(call, failure, timeout, deadline, elapsed)
        self.pacer.observe(call.operation, response.headers)
        status = response.status_code
        request_id = response.headers.get("x-request-id", "-")
        date = response.headers.get("date", "-")
        log.debug(
            "%s -> %s in %.3f s (x-request-id %s, date %s)", call.label, status, elapsed, request_id, date
        )
        if 200 <= status <= 299:
            return response
        if status >= 500:
            log.error("%s -> %s (x-request-id %s, date %s)", call.label, status, request_id, date)
        return self._answered(call, response, status)

    def _failed(
        self, call: Call, failure: transport.Failure, timeout: Timeout, deadline: Deadline, elapsed: float
    ) -> Retry:
        """No answer: a config error, a retryable ``Unreachable``, or an unknown outcome. Raised from
        here without the ``requests`` exception as cause, whose text repeats the URL and its query."""
        log.debug("%s -> no answer in %.3f s: %s", call.label, elapsed, failure.what)
        cut_short = failure.timed_out and (timeout[1] < self.timeout[1] or timeout[0] < self.timeout[0])
        where = dict(method=call.method, path=call.shown)
        if failure.kind == transport.BUILD:
            raise InvalidInput(f"{call.label}: {failure.what}", **where)
        if failure.kind in (transport.TLS, transport.DNS):
            raise InvalidConfig(
                f"{call.label}: cannot connect to {self.where}: {failure.what}",
                f"Check the connection field {self.base_url_field}, and any proxy or firewall between this "
                "plugin and PagerDuty (a proxy that intercepts TLS needs its CA in REQUESTS_CA_BUNDLE).",
                {"field": self.base_url_field, "url": self.base_url},
                **where,
            )
        if cut_short and deadline.left() <= 0:
            waiting = f"an answer from {self.where}"
            if call.idempotent or failure.before_sending:
                raise self._step_timeout(call, deadline, waiting)
            raise self._unknown_outcome(call, f"the step ran out of time waiting for {waiting}")
        if failure.before_sending:
            what = f"cannot connect to {self.where}: {failure.what}"
        else:
            what = f"{self.where}: {failure.what}"
        if not (failure.before_sending or call.idempotent):
            raise self._unknown_outcome(call, what)
        unreachable = Unreachable(
            f"{call.label}: {what}",
            f"Check the connection field {self.base_url_field}, and that {self.host} can be reached from "
            "where the plugin runs; then run the step again.",
            **where,
        )
        unreachable.before_sending = failure.before_sending
        return unreachable, None

    def _unknown_outcome(self, call: Call, what: str) -> OutcomeUnknown:
        return OutcomeUnknown(
            f"{call.label}: {what}; the outcome is unknown",
            f"{self.service} may have carried out the request. Check before running the step again.",
            method=call.method,
            path=call.shown,
        )

    def _answered(self, call: Call, response: requests.Response, status: int) -> Retry:
        """A non-2xx answer: ``(error, wait)`` when a retry may help, else the error raised."""
        error = error_from_response(
            call.method,
            call.shown,
            response,
            service=self.service,
            secrets=call.hidden,
            key_hint=self.key_hint,
            base_url=self.base_url,
            throttle_statuses=self.throttle_statuses,
        )
        server_failure = status in RETRYABLE_SERVER_STATUSES
        if status in self.throttle_statuses or (server_failure and call.idempotent):
            asked = requested_wait(response.headers)
            if isinstance(error, RateLimited):
                error.reset_after = asked
            return error, self.retry.server_wait(asked) if asked is not None else None
        if 500 <= status <= 599 and not call.idempotent:
            raise OutcomeUnknown(
                f"{error.cause}; the outcome is unknown",
                f"{self.service} may have carried out the request. Check before running the step again.",
                error.data,
                method=call.method,
                path=call.shown,
                status=status,
                code=error.code,
                message=error.message,
                errors=error.errors,
                request_id=error.request_id,
            )
        raise error


def _reason(error: PagerDutyError) -> str:
    return error.cause.split(": ", 1)[1] if ": " in error.cause else error.cause
