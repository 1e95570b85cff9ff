"""The PagerDuty Events API client: alert events (v2), change events (v2) and legacy v1 events.

Events are validated before sending, so PagerDuty never has to reject them. A trigger without a
dedup key gets one generated before the first attempt, which makes every retry harmless. The
routing key travels in the body: no body is ever logged, and messages show only its last 4
characters.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from .errors import (
    InvalidInput,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    StepTimeout,
    UnexpectedResponse,
    Unreachable,
    mask,
)
from .http import HttpCore, NoAuth, Timeout, default_user_agent
from .retry import RetryPolicy
from .urls import EVENTS_URL

# Every event carries a dedup key, so a repeat is harmless: events get more attempts than REST
# calls (six in 30 s), which keeps a trigger through a 30% fault rate from giving up (0.07%).
EVENTS_RETRY = RetryPolicy(max_attempts=6)

# Failures after which the event may or may not have been accepted.
ANSWER_LOST = (Unreachable, ServerError, UnexpectedResponse, OutcomeUnknown, StepTimeout, RateLimited)

ENQUEUE_PATH = "/v2/enqueue"
CHANGE_PATH = "/v2/change/enqueue"
V1_PATH = "/generic/2010-04-15/create_event.json"
ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")
ROUTING_KEY = re.compile(r"^[A-Za-z0-9]{32}$")
MAX_DEDUP_KEY = 255
MAX_SUMMARY = 1024
MAX_BODY_BYTES = 512 * 1024


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


# The inputs of this plugin's event actions that carry each Events v2 field.
ACTION_INPUTS = {"routing_key": "service_key", "summary": "description", "dedup_key": "incident_key"}


class EventsClient:
    """Sends events to one Events host; safe to share between threads.

    ``input_names`` maps an Events field to the action input that supplies it, so that a
    message about a bad value names what the user can change (``description``, not ``summary``).
    """

    def __init__(
        self,
        base_url: str = EVENTS_URL,
        timeout: float | Timeout = (10.0, 60.0),
        retry: RetryPolicy | None = None,
        session: Any = None,
        user_agent: str | None = None,
        input_names: dict[str, str] | None = None,
    ):
        self.input_names = {**ACTION_INPUTS, **(input_names or {})}
        core_args: dict[str, Any] = {
            "base_url_field": "events_url",
            "timeout": timeout,
            "retry": retry or EVENTS_RETRY,
            "headers": {"Accept": "application/json", "User-Agent": user_agent or default_user_agent()},
            "auth": NoAuth(),
            "session": session,
        }
        self._http = HttpCore(base_url, **core_args)
        # Events v1 signals throttling with 403, so its calls retry that like a 429.
        self._http_v1 = HttpCore(base_url, throttle_statuses=(429, 403), **core_args)

    def named(self, **input_names: str) -> EventsClient:
        """This client (the same connections) with messages naming other inputs, such as
        ``named(routing_key="routing_key")`` for an action whose input has PagerDuty's name."""
        twin = copy.copy(self)
        twin.input_names = {**self.input_names, **input_names}
        return twin

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def __repr__(self) -> str:
        return f"EventsClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()
        self._http_v1.close()

    def enqueue(
        self,
        routing_key: str,
        event_action: str,
        dedup_key: str | None = None,
        payload: dict[str, Any] | None = None,
        links: list[dict[str, Any]] | None = None,
        images: list[dict[str, Any]] | None = None,
        client: str | None = None,
        client_url: str | None = None,
    ) -> dict[str, Any]:
        """Send an alert event; returns PagerDuty's 202 body ``{status, message, dedup_key}``.

        A 202 means *accepted* for asynchronous processing, not that an incident exists.
        """
        self._check_routing_key(routing_key)
        if event_action not in ACTIONS:
            raise InvalidInput(f"`event_action` must be one of {', '.join(ACTIONS)}; got {event_action!r}.")
        if event_action == "trigger":
            self._check_payload(payload)
            dedup_key = dedup_key or uuid.uuid4().hex
        elif not dedup_key:
            raise InvalidInput(
                f"The input `{self._input('dedup_key')}` is required to {event_action} an alert; give the "
                "key its trigger returned."
            )
        self._check_dedup_key(dedup_key, self._input("dedup_key"))
        trigger_only = {"payload": payload, "links": links, "images": images, "client": client,
                        "client_url": client_url} if event_action == "trigger" else {}
        body = _drop_none({"routing_key": routing_key, "event_action": event_action, "dedup_key": dedup_key,
                           **trigger_only})
        with self._naming_the_key(event_action, self._input("dedup_key"), dedup_key):
            answer = self._send(self._http, ENQUEUE_PATH, body, routing_key)
            if not isinstance(answer, dict) or not answer.get("dedup_key"):
                raise UnexpectedResponse(
                    f"POST {ENQUEUE_PATH}: PagerDuty accepted the event but its answer has no dedup_key",
                    method="POST",
                    path=ENQUEUE_PATH,
                )
        return answer

    def send_change_event(
        self,
        routing_key: str,
        summary: str,
        source: str | None = None,
        timestamp: str | None = None,
        custom_details: dict[str, Any] | None = None,
        links: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Send a change event (the timestamp defaults to now, UTC); returns the 202 body, possibly ``{}``."""
        self._check_routing_key(routing_key)
        self._check_summary(summary, self._input("summary"))
        payload = _drop_none({
            "summary": summary,
            "source": source,
            "timestamp": timestamp or datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "custom_details": custom_details,
        })
        body = _drop_none({"routing_key": routing_key, "payload": payload, "links": links})
        return self._send(self._http, CHANGE_PATH, body, routing_key) or {}

    def create_event_v1(
        self,
        service_key: str,
        event_type: str,
        incident_key: str | None = None,
        description: str | None = None,
        details: dict[str, Any] | None = None,
        client: str | None = None,
        client_url: str | None = None,
        contexts: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Send a legacy Events v1 event; returns the 200 body ``{status, message, incident_key}``."""
        self._check_routing_key(service_key)
        if event_type not in ACTIONS:
            raise InvalidInput(f"`event_type` must be one of {', '.join(ACTIONS)}; got {event_type!r}.")
        if event_type == "trigger":
            self._check_summary(description, "description")
            incident_key = incident_key or uuid.uuid4().hex
        elif not incident_key:
            raise InvalidInput(
                f"`incident_key` is required to {event_type} an incident; give the key of its trigger."
            )
        self._check_dedup_key(incident_key, "incident_key")
        trigger_only = {"description": description, "details": details, "client": client,
                        "client_url": client_url, "contexts": contexts} if event_type == "trigger" else {}
        body = _drop_none({"service_key": service_key, "event_type": event_type, "incident_key": incident_key,
                           **trigger_only})
        with self._naming_the_key(event_type, "incident_key", incident_key):
            return self._send(self._http_v1, V1_PATH, body, service_key) or {}

    # -- checks and sending -----------------------------------------------------------------------

    @staticmethod
    @contextmanager
    def _naming_the_key(event_action: str, name: str, key: str) -> Iterator[None]:
        """A trigger whose answer was lost may still have opened an incident: its error names the key
        the event carried (often generated here), so that a re-run can reuse it instead of opening a
        second incident."""
        try:
            yield
        except ANSWER_LOST as error:
            if event_action != "trigger":
                raise
            error.append_to_cause(f"; the event's {name} was {key!r}")
            error.data = {**(error.data if isinstance(error.data, dict) else {}), name: key}
            raise error.with_assistance(
                f"PagerDuty may have accepted the event. Run the step again with the input {name} set to "
                f"{key!r}: a trigger with the same key cannot open a second incident."
            ) from None

    def _send(self, core: HttpCore, path: str, body: dict[str, Any], routing_key: str) -> Any:
        size = len(json.dumps(body, separators=(",", ":")).encode())
        if size > MAX_BODY_BYTES:
            raise InvalidInput(
                f"The event is {size:,} bytes long; PagerDuty accepts at most {MAX_BODY_BYTES:,}. "
                "Shorten the details."
            )
        # Every event carries its dedup key (or has no effect on repeat), so retrying is safe.
        return core.send("POST", path, json=body, idempotent=True, secrets=(routing_key,))

    def _check_routing_key(self, key: str) -> None:
        if not isinstance(key, str) or not ROUTING_KEY.match(key):
            length = len(key) if isinstance(key, str) else 0
            problem = "characters other than letters and digits" if length == 32 else f"{length} characters"
            raise InvalidInput(
                f"The input `{self._input('routing_key')}` must be the 32-character integration key of a "
                f"PagerDuty Events integration, letters and digits only; the value given ({mask(key)}) has "
                f"{problem}.",
                "Copy the Integration Key from the service's Integrations tab in PagerDuty. A REST API key "
                "does not work here.",
            )

    def _input(self, field: str) -> str:
        return self.input_names.get(field, field)

    @staticmethod
    def _check_summary(summary: str | None, name: str) -> None:
        if not summary or not str(summary).strip():
            raise InvalidInput(f"The input `{name}` is required to trigger; say briefly what is wrong.")
        if len(summary) > MAX_SUMMARY:
            raise InvalidInput(
                f"The input `{name}` is {len(summary):,} characters long; PagerDuty accepts at most "
                f"{MAX_SUMMARY:,}.",
                "Shorten it, and put the rest in the details.",
            )

    def _check_payload(self, payload: dict[str, Any] | None) -> None:
        if not isinstance(payload, dict):
            raise InvalidInput("`payload` is required to trigger, with `summary`, `source` and `severity`.")
        self._check_summary(payload.get("summary"), self._input("summary"))
        if not payload.get("source"):
            raise InvalidInput("`source` is required to trigger: name the affected system, e.g. a hostname.")
        if payload.get("severity") not in SEVERITIES:
            raise InvalidInput(
                f"`severity` must be one of {', '.join(SEVERITIES)}; got {payload.get('severity')!r}."
            )

    @staticmethod
    def _check_dedup_key(key: str, name: str) -> None:
        if len(key) > MAX_DEDUP_KEY:
            raise InvalidInput(
                f"The input `{name}` is {len(key):,} characters long; PagerDuty accepts at most "
                f"{MAX_DEDUP_KEY}.",
                "Use a shorter key, such as a host and check name.",
            )
