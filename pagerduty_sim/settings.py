"""Switches for the behaviours the live API leaves open (pagerduty-api.md §16) and for test needs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ABILITIES = ("teams", "urgencies", "coordinated_responding", "read_only_users")


@dataclass
class Settings:
    """Mutable simulator settings; change attributes directly, or ``update()`` from a JSON dict."""

    # Rate limits (§7): a token bucket per credential; limit requests per window seconds.
    rate_limit_enabled: bool = True
    rate_limit: int = 960
    rate_limit_window: float = 60.0
    # Lower operation limits on POST /incidents and PUT /incidents ("human speed").
    incident_rate_limit: int = 120
    # Events: per routing key, over a rolling window.
    events_rate_limit: int = 120
    events_rate_limit_window: float = 60.0
    # Answer 429 with no headers and no body, the "exceptional" form clients must survive.
    bare_429: bool = False
    # Pagination: return pages shorter than ``limit`` while ``more`` is true (catches clients
    # that advance by limit); reject limit > 100 with 400 instead of clamping it.
    page_short: bool = False
    reject_limit_over_100: bool = False
    # Events processing delay in seconds (0: processed before the 202 is sent).
    events_delay: float = 0.0
    # A well-formed but unknown routing key: 400 "Invalid routing key" (default) or 202 and drop.
    unknown_routing_key_202: bool = False
    # Re-acknowledging an acknowledged incident: 400 code 1002 (default) or success.
    reacknowledge_error: bool = True
    # Reopening a resolved incident (PUT status triggered/acknowledged): documented in the OpenAPI
    # but a feature not every account has; off, it answers 400 code 1001 "Incident Already Resolved".
    reopen_incidents: bool = False
    # POST /schedules answers 200 as observed live; on, the documented 201.
    schedule_create_201: bool = False
    # The code of the missing-"From" error: 2016 as observed live.
    from_missing_code: int = 2016
    # Account abilities (§8.9).
    abilities: list[str] = field(default_factory=lambda: list(DEFAULT_ABILITIES))
    # Keep at most this many entries in the request log.
    request_log_limit: int = 10000
    # Log each request to stderr.
    verbose: bool = False

    def update(self, changes: dict[str, Any]) -> None:
        """Apply ``changes``; unknown names or wrong types raise ValueError naming the field."""
        known = {f.name: f for f in dataclasses.fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown setting '{name}'; known: {', '.join(sorted(known))}")
            current = getattr(self, name)
            if isinstance(current, bool):
                ok = isinstance(value, bool)
            elif isinstance(current, float):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                value = float(value) if ok else value
            elif isinstance(current, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            elif isinstance(current, list):
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            else:
                ok = True
            if not ok:
                raise ValueError(f"setting '{name}' must be a {type(current).__name__}, got {value!r}")
        for name, value in changes.items():
            setattr(self, name, float(value) if isinstance(getattr(self, name), float) else value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
