"""PagerDuty client errors: one hierarchy on actionkit's kinds, and the one status-to-class map.

Every class is a ``PagerDutyError`` and also the actionkit error of its kind, so the runtime
renders it without knowing PagerDuty, and an action may catch either. Messages start with the
request (``GET /users/PXYZ123: ...``) and end with PagerDuty's evidence. No error keeps the
``requests`` response or request objects, because the request carries the API key.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import requests

from actionkit.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    PluginError,
    TransientError,
    UpstreamError,
)

DETAIL_LIMIT = 200
EU_REST_URL = "https://api.eu.pagerduty.com"
US_REST_URL = "https://api.pagerduty.com"


def mask(secret: str | None) -> str:
    """A secret as shown anywhere: ``****`` and its last 4 characters (only ``****`` if short)."""
    if not secret or len(secret) < 8:
        return "****"
    return "****" + secret[-4:]


# A secret shorter than this would mask unrelated text (a 1-character key matches every "e");
# such a key cannot be valid anyway, and PagerDuty's refusal of it names no secret.
MIN_REDACTED_LENGTH = 4


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret in ``text``, also in its URL-encoded forms, by its masked form."""
    for secret in secrets:
        if not secret or len(secret) < MIN_REDACTED_LENGTH:
            continue
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, mask(secret))
    return text


def truncate(text: str, limit: int = DETAIL_LIMIT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class PagerDutyError(PluginError):
    """Base of every client error.

    Attributes (``None`` when not applicable): ``method``, ``path`` (no query string),
    ``status``, ``code``, ``message`` and ``errors`` (PagerDuty's ``error`` object; ``errors``
    is a list or a field-to-messages dict), ``request_id`` (``x-request-id``).
    ``before_sending`` is true when the request never left this machine, so it cannot have
    been carried out.
    """

    before_sending = False

    def __init__(
        self,
        cause: str,
        assistance: str = "",
        data: Any = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        code: int | None = None,
        message: str | None = None,
        errors: Any = None,
        request_id: str | None = None,
    ):
        super().__init__(cause, assistance, data)
        self.method = method
        self.path = path
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.request_id = request_id

    def append_to_cause(self, text: str) -> PagerDutyError:
        """Add to the cause, e.g. how many attempts were made; returns self for ``raise``."""
        self.cause = f"{self.cause}{text}"
        self.args = (self.cause,)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.cause!r})"


class BadRequest(PagerDutyError, InputError):
    """400 or 413: PagerDuty rejected the arguments; on a write that is almost always the input."""


class Unauthorized(PagerDutyError, ConfigError):
    """401: the API key is wrong, revoked, or belongs to the other service region."""


class MissingAbility(PagerDutyError, UpstreamError):
    """402: the PagerDuty account lacks the plan feature (ability) this needs."""


class Forbidden(PagerDutyError, ConfigError):
    """403: the key is valid but its user's role, or the token's scope, forbids this."""


class NotFound(PagerDutyError, NotFoundError):
    """404: no such object, or not visible to this key."""


class Rejected(PagerDutyError, UpstreamError):
    """Another 4xx (405, 409, 422 ...): PagerDuty refused; retrying will not change it."""


class RateLimited(PagerDutyError, TransientError):
    """429 (or Events v1's 403) that outlived the retries. ``reset_after``: seconds, if known."""

    reset_after: float | None = None


class ServerError(PagerDutyError, TransientError):
    """5xx (or 408) from PagerDuty that outlived the retries."""


class Unreachable(PagerDutyError, TransientError):
    """No answer: connection failed or timed out, on a request that was safe to retry."""


class OutcomeUnknown(PagerDutyError, TransientError):
    """A write that cannot be repeated safely failed mid-way; it may have been carried out."""


class StepTimeout(PagerDutyError, TransientError):
    """The step's deadline (``step_timeout``) ran out; the message says what it was waiting for."""


class Redirected(PagerDutyError, ConfigError):
    """A 3xx answer; redirects are never followed, so the base URL is probably wrong."""


class UnexpectedResponse(PagerDutyError, UpstreamError):
    """A 2xx answer the client cannot use: not JSON, or without the expected key."""


class InvalidInput(PagerDutyError, InputError):
    """The client refused to send: an argument is invalid. Names the input to correct."""


class TooManyResults(PagerDutyError, InputError):
    """A listing reached PagerDuty's 10,000-result ceiling; the filter must be narrowed."""


class InvalidConfig(PagerDutyError, ConfigError):
    """The client's own settings (API key, base URL, default From) are unusable."""


class MissingFrom(InvalidInput):
    """An account-level key must name the acting user's email, and none was given."""


class HostNotAllowed(InvalidInput):
    """An absolute URL outside the configured base URL; refused so the key never leaves."""


def parse_error_body(response: requests.Response) -> tuple[dict[str, Any] | None, str]:
    """PagerDuty's error object (REST ``{"error": {...}}`` or the Events top-level form) and the body text.

    The object is ``None`` when the body is not JSON or has neither form.
    """
    text = response.text or ""
    try:
        body = json.loads(text) if text.strip() else None
    except ValueError:
        return None, text
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"], text
    if isinstance(body, dict) and ("message" in body or "errors" in body):
        return body, text
    return None, text


def _errors_text(errors: Any) -> str:
    if isinstance(errors, dict):
        parts = []
        for field, messages in errors.items():
            listed = messages if isinstance(messages, list) else [messages]
            parts.append(f"{field}: " + ", ".join(str(m) for m in listed))
        return "; ".join(parts)
    if isinstance(errors, list):
        return "; ".join(str(e) for e in errors)
    return "" if errors is None else str(errors)


def _class_for(status: int, throttle_statuses: Iterable[int]) -> type[PagerDutyError]:
    if status in throttle_statuses:
        return RateLimited
    if status in (400, 413):
        return BadRequest
    fixed = {401: Unauthorized, 402: MissingAbility, 403: Forbidden, 404: NotFound, 408: ServerError}
    if status in fixed:
        return fixed[status]
    if 500 <= status <= 599:
        return ServerError
    if 400 <= status <= 499:
        return Rejected
    if 300 <= status <= 399:
        return Redirected
    return UnexpectedResponse


def _assistance(cls: type[PagerDutyError], key_hint: str | None, base_url: str | None) -> str:
    key = f"The API key {key_hint}" if key_hint else "The key"
    if cls is Unauthorized:
        regions = {US_REST_URL: EU_REST_URL, EU_REST_URL: US_REST_URL}
        other = regions.get((base_url or "").rstrip("/"))
        where = f" by {base_url}" if base_url else ""
        region = (
            f"that it belongs to this service region (the other region is {other})"
            if other
            else "that the base URL is right"
        )
        return f"{key} was refused{where}: check that it is correct and not revoked, and {region}."
    if cls is Forbidden:
        return f"{key} is valid but not allowed to do this: its user's role or the token's scope forbids it."
    if cls is MissingAbility:
        return "The PagerDuty account's plan lacks the feature (ability) this needs."
    if cls is Redirected:
        return "Redirects are not followed; check the base URL in the connection settings."
    if cls is BadRequest:
        # PagerDuty's reasons (in the cause) name its own fields, which the inputs mirror.
        return "PagerDuty refused the values sent: correct the inputs its reasons point to, then run again."
    return ""


# PagerDuty's refusals of what was sent: their text reads "PagerDuty rejected the request", so
# that they cannot be mistaken for the plugin's own input checks.
REJECTION_STATUSES = frozenset({400, 413, 422})


def error_from_response(
    method: str,
    path: str,
    response: requests.Response,
    *,
    service: str = "PagerDuty",
    secrets: Iterable[str | None] = (),
    key_hint: str | None = None,
    base_url: str | None = None,
    throttle_statuses: Iterable[int] = (429,),
) -> PagerDutyError:
    """The one map from a non-2xx response to an error, with the request first and the evidence last.

    ``secrets`` are masked wherever they appear in the body; ``key_hint`` (an already masked key)
    and ``base_url`` feed the 401 and 403 assistance; ``throttle_statuses`` are the statuses that
    mean "rate limited" (429, plus 403 for Events v1). A body that is not PagerDuty's error form (a
    proxy's page, another service's answer) is summarised by its type and size, never echoed.
    """
    secrets = tuple(secrets)
    path = redact(path, secrets)
    status = response.status_code
    cls = _class_for(status, tuple(throttle_statuses))
    error, text = parse_error_body(response)
    data: dict[str, Any] = {"status": status}
    code = message = errors = None
    if error is not None:
        code, message, errors = error.get("code"), error.get("message"), error.get("errors") or None
        detail = ": ".join(part for part in (str(message or ""), _errors_text(errors)) if part)
        data.update({k: v for k, v in (("code", code), ("message", message), ("errors", errors)) if v})
    else:
        detail = summarise_body(response, text)
        if detail:
            data.update(content_type=_content_type(response), bytes=len(response.content or b""))
    head, detail = _head(f"{method} {path}: {service}", response, code, detail, rejection=error is not None)
    if cls is Redirected:
        detail = f"redirect to {response.headers.get('location', 'nowhere')} not followed"
    request_id = response.headers.get("x-request-id")
    if request_id:
        data["request_id"] = request_id
    # Redact before truncating too, so a secret cut at the limit cannot show a prefix.
    cause = redact(f"{head}: {truncate(redact(detail, secrets))}" if detail.strip() else head, secrets)
    evidence = json.loads(redact(json.dumps(data, default=str), secrets))
    return cls(
        cause,
        _assistance(cls, key_hint, base_url),
        evidence,
        method=method,
        path=path,
        status=status,
        code=code,
        message=redact(str(message), secrets) if message is not None else None,
        errors=evidence.get("errors"),
        request_id=request_id,
    )


def _head(who: str, response: requests.Response, code: Any, detail: str, rejection: bool) -> tuple[str, str]:
    """``(head, detail)`` of a cause; PagerDuty's refusals of what was sent read "rejected the request"."""
    status = response.status_code
    status_text = f"{status} {response.reason or http.client.responses.get(status, '')}".rstrip()
    if rejection and status in REJECTION_STATUSES and detail:
        numbers = f"{status_text}, code {code}" if code is not None else status_text
        return f"{who} rejected the request", f"{detail} ({numbers})"
    return f"{who} answered {status_text}" + (f" (code {code})" if code is not None else ""), detail


def _content_type(response: requests.Response) -> str:
    return (response.headers.get("content-type") or "no content type").split(";", 1)[0].strip()


def summarise_body(response: requests.Response, text: str | None = None) -> str:
    """A body that is not PagerDuty's, described without a word of it: ``an HTML page of 1,234 bytes``."""
    text = response.text if text is None else text
    if not text.strip():
        return ""
    size = len(response.content or text.encode())
    kind = _content_type(response)
    if "html" in kind or text.lstrip()[:1] == "<":
        what = "an HTML page"
    elif "json" in kind:
        what = "a JSON body"
    else:
        what = f"a body ({kind})"
    return f"{what} of {size:,} bytes, not a PagerDuty error (from a proxy or another service?)"
