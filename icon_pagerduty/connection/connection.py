"""Builds the PagerDuty clients from the validated connection, and tests the API key."""

from __future__ import annotations

from urllib.parse import urlsplit

from actionkit import Connection as BaseConnection
from actionkit.errors import ConfigError, InputError
from icon_pagerduty.client import BadRequest, EventsClient, RestClient

from .schema import Input

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Connection(BaseConnection[Input]):
    def connect(self, params: Input) -> None:
        api_url = _base_url("api_url", params.api_url or "https://api.pagerduty.com")
        events_url = _base_url("events_url", params.events_url or "https://events.pagerduty.com")
        timeout = (float(params.connect_timeout or 10), float(params.read_timeout or 60))
        self.rest = RestClient(
            params.api_key["secretKey"], base_url=api_url, from_email=params.from_email, timeout=timeout
        )
        self.events = EventsClient(base_url=events_url, timeout=timeout)
        self.default_service_key = params.service_key

    def test(self) -> dict:
        """Prove the key works without writing anything, and say which kind of key it is."""
        kind = self.rest.key_kind()
        if kind == "user":
            return {"success": True, "message": "The API key works; it is a user-level key."}
        message = "The API key works; it is an account-level key."
        if not self.rest.from_email:
            message += " Writes such as Create User need a requester: set from_email in the connection."
        return {"success": True, "message": message}

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


def _base_url(field: str, url: str) -> str:
    """Refuse a base URL that would send the API key in clear text to another machine."""
    parts = urlsplit(url)
    local = parts.hostname in LOOPBACK_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and local) or not parts.hostname:
        raise ConfigError(
            f"connection.{field}: {url!r} is not an https:// URL.",
            f"Set {field} to an https:// URL such as the default; plain http is accepted only for a "
            "local simulator on 127.0.0.1 or localhost.",
        )
    return url.rstrip("/")
