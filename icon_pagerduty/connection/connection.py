"""Builds the PagerDuty clients from the validated connection, and tests the API key."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from actionkit import Connection as BaseConnection
from actionkit.errors import InputError
from icon_pagerduty.client import EVENTS_URL, REST_URL, BadRequest, InvalidConfig, RestClient
from icon_pagerduty.client.retry import DEFAULT_STEP_TIMEOUT, RetryPolicy
from icon_pagerduty.client.urls import check_base_url

from .schema import Input

if TYPE_CHECKING:
    from icon_pagerduty.client.events import EventsClient

MAX_SECONDS = 3600.0


def seconds(params: Input, field: str, default: float) -> float:
    """A duration setting, or the config error naming it: positive, finite, at most an hour."""
    value = getattr(params, field)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_SECONDS:
        shown = value if isinstance(value, (int, float)) and math.isfinite(value) else repr(value)
        raise InvalidConfig(
            f"The connection field `{field}` must be a number of seconds above 0 and at most "
            f"{MAX_SECONDS:g}; got {shown}.",
            f"Set {field} to a number such as {default:g}, or leave it out for the default ({default:g}).",
        )
    return float(value)


def no_api_key() -> InvalidConfig:
    return InvalidConfig(
        "This needs PagerDuty's REST API, and the connection has no API key.",
        "Set the connection field api_key to a REST API key (Integrations > API Access Keys).",
    )


class Connection(BaseConnection[Input]):
    _rest: RestClient | None = None

    def connect(self, params: Input) -> None:
        # The clients refuse a base URL outside PagerDuty's hosts (unless PLUGIN_ALLOWED_HOSTS lists
        # it), so a key never travels to a host the operator did not allow.
        timeout = (seconds(params, "connect_timeout", 10), seconds(params, "read_timeout", 60))
        # One deadline for the whole step: every request, retry wait and rate-limit pause fits in it.
        step_timeout = seconds(params, "step_timeout", DEFAULT_STEP_TIMEOUT)
        # Without a REST key only the event actions work (unconfirmed); see ``rest``.
        api_key = (params.api_key or {}).get("secretKey")
        self._rest = RestClient(
            api_key,
            base_url=params.api_url or REST_URL,
            from_email=params.from_email,
            timeout=timeout,
            retry=RetryPolicy(step_timeout=step_timeout),
        ) if api_key else None
        # Checked now so a bad events_url fails every step, though the client is built on first use.
        self._events_url = check_base_url(params.events_url or EVENTS_URL, "events_url")
        self._timeouts = timeout, step_timeout
        self._events: EventsClient | None = None
        # A credential ({"secretKey": ...}), as the ecosystem wants every secret of a connection.
        self.default_service_key = (params.service_key or {}).get("secretKey")

    @property
    def events(self) -> EventsClient:
        """The Events client, built on first use so a REST action never imports it. Two threads may
        race to build it; the loser's client is dropped before it has opened any connection."""
        if self._events is None:
            from icon_pagerduty.client.events import EVENTS_RETRY, EventsClient

            timeout, step_timeout = self._timeouts
            retry = EVENTS_RETRY.replace(step_timeout=step_timeout)
            self._events = EventsClient(base_url=self._events_url, timeout=timeout, retry=retry)
        return self._events

    @property
    def has_rest(self) -> bool:
        """Whether the connection has a REST API key (``api_key``)."""
        return self._rest is not None

    @property
    def rest(self) -> RestClient:
        """The REST client; a config error naming ``api_key`` when the connection has none."""
        if self._rest is None:
            raise no_api_key()
        return self._rest

    @rest.setter
    def rest(self, client: RestClient) -> None:
        self._rest = client

    def test(self) -> dict:
        """Prove the key works without changing anything, and say what kind of key it is: account-level
        or a user's (whose), read-only or full access (see ``icon_pagerduty.client.access``)."""
        if not self.has_rest:
            if not self.default_service_key:
                raise no_api_key()
            return {"success": True, "message": (
                "No API key: only the event actions work, and acknowledge and resolve cannot confirm "
                "their effect. Set api_key to a REST API key for the other actions.")}
        from icon_pagerduty.client.access import key_access  # only the connection test needs it

        access = key_access(self.rest)
        message = f"The API key works; it is {access.describe()}."
        if access.read_only:
            message += " Actions that change PagerDuty will fail with it; reading actions work."
        elif access.level == "account" and not self.rest.from_email:
            message += " Writes such as Create User need a requester: set from_email in the connection."
        return {"success": True, "message": message}

    def resolver(self):
        """A fresh resolver of names to IDs for one call (the runtime asks once per call)."""
        return self.rest.resolver()

    def enqueue(self, service_key: str | None, event_action: str, **event) -> dict:
        """Send an Events v2 event through the action's service key, else the connection's default."""
        try:
            return self.events.enqueue(self.routing_key(service_key), event_action, **event)
        except BadRequest as error:
            raise error.with_assistance(
                "PagerDuty refused the event. When its reason is the routing key, set service_key (the "
                "action input, or the connection's Default Service Key) to the integration key of the "
                "service's Events API v2 integration."
            ) from None

    def routing_key(self, service_key: str | None) -> str:
        """The Events integration key: the action's own, else the connection's default."""
        key = service_key or self.default_service_key
        if not key:
            raise InputError(
                "No service key: the action input service_key is empty and the connection has no default.",
                "Set the action input service_key, or the connection's Default Service Key, to the "
                "integration key of the service's Events API v2 integration.",
            )
        return key
