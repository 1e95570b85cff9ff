"""The PagerDuty clients: ``RestClient`` (REST API v2) and ``EventsClient`` (Events API), with their errors.

Every error is a ``PagerDutyError`` and also the actionkit error of its kind (see ``errors``).
``EventsClient`` is imported on first use: a REST action's cold ``run`` never loads the Events code.
"""

from typing import Any

from .errors import (
    BadRequest,
    Forbidden,
    HostNotAllowed,
    InvalidConfig,
    InvalidInput,
    MissingAbility,
    MissingFrom,
    NotFound,
    OutcomeUnknown,
    PagerDutyError,
    RateLimited,
    Redirected,
    Rejected,
    ServerError,
    StepTimeout,
    TooManyResults,
    Unauthorized,
    UnexpectedResponse,
    Unreachable,
    error_from_response,
    mask,
)
from .rest import REST_URL, RestClient
from .retry import NO_RETRY, RetryPolicy
from .urls import ALLOWED_HOSTS_VARIABLE, EVENTS_URL
from .wire import encode_params

EU_EVENTS_URL = "https://events.eu.pagerduty.com"
EU_REST_URL = "https://api.eu.pagerduty.com"

__all__ = [
    "ALLOWED_HOSTS_VARIABLE",
    "BadRequest",
    "EU_EVENTS_URL",
    "EU_REST_URL",
    "EVENTS_URL",
    "EventsClient",
    "Forbidden",
    "HostNotAllowed",
    "InvalidConfig",
    "InvalidInput",
    "MissingAbility",
    "MissingFrom",
    "NO_RETRY",
    "NotFound",
    "OutcomeUnknown",
    "PagerDutyError",
    "REST_URL",
    "RateLimited",
    "Redirected",
    "Rejected",
    "RestClient",
    "RetryPolicy",
    "ServerError",
    "StepTimeout",
    "TooManyResults",
    "Unauthorized",
    "UnexpectedResponse",
    "Unreachable",
    "encode_params",
    "error_from_response",
    "mask",
]


def __getattr__(name: str) -> Any:
    if name == "EventsClient":
        from .events import EventsClient

        return EventsClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
