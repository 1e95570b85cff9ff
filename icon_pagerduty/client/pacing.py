"""Pacing from PagerDuty's rate-limit headers, so bulk work runs near the allowed rate without 429s.

Every REST answer carries ``ratelimit-limit``, ``ratelimit-remaining`` and ``ratelimit-reset``
(seconds until the limit is whole again). Spending the ``remaining`` requests evenly over the
``reset`` seconds, one request every ``reset / remaining`` seconds, is safe whether PagerDuty
counts in fixed windows (the budget lasts exactly to the reset) or as a token bucket (the bucket
then settles half full, and the pace equals its refill rate). Several clients sharing a key (threads
of other connections, other workers, other replicas) each see the same, lower ``remaining`` and
slow down together: with ``n`` of them the bucket settles at ``limit / (n + 1)`` and together they
still run at the refill rate. A 429's own headers (``remaining`` 0) make the next request wait the
whole ``reset``, which is PagerDuty's advice.

Within one client, threads take turns: each request reserves the next free slot, so a client's
threads together keep the pace. The state is per operation (method and first path segment),
because PagerDuty's headers describe the tightest bucket of the operation, and a few operations
(``POST /incidents``, ``GET /oncalls``) have buckets of their own.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping


class Pace:
    """``interval``: seconds between two requests, from the latest headers; ``last_slot``: when the
    latest request was allowed to go; ``remaining`` and ``reset`` as the latest headers said."""

    __slots__ = ("interval", "last_slot", "remaining", "reset")

    def __init__(self, interval: float = 0.0, last_slot: float = -math.inf, remaining: int | None = None,
                 reset: float | None = None):
        self.interval, self.last_slot, self.remaining, self.reset = interval, last_slot, remaining, reset


def read_headers(headers: Mapping[str, str]) -> tuple[int, float] | None:
    """``(remaining, reset seconds)`` from the rate-limit headers, or ``None`` when absent or unusable."""
    try:
        remaining = int(headers["ratelimit-remaining"])
        reset = float(headers["ratelimit-reset"])
    except (KeyError, TypeError, ValueError):
        return None
    if remaining < 0 or not 0 <= reset < math.inf:
        return None
    return remaining, reset


MAX_OPERATIONS = 256  # a generic call may name any path: the state must stay bounded


class Pacer:
    """Spaces the requests of one client by the rate-limit headers of its latest answers."""

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._lock = threading.Lock()
        self._paces: dict[str, Pace] = {}

    @staticmethod
    def operation(method: str, path: str) -> str:
        """``GET users`` for ``/users/PXYZ123?x=1``: the unit PagerDuty's limits are counted in."""
        first = path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        return f"{method} {first}"

    def reserve(self, operation: str, not_before: float) -> tuple[float, Pace]:
        """Take the next slot of ``operation`` at or after ``not_before`` (a ``clock`` time); returns
        the seconds to wait for it (``0.0`` if it is now) and the pace it was taken under."""
        with self._lock:
            pace = self._pace(operation)
            now = self._clock()
            slot = max(now, not_before, pace.last_slot + pace.interval)
            pace.last_slot = slot
            return slot - now, Pace(pace.interval, slot, pace.remaining, pace.reset)

    def observe(self, operation: str, headers: Mapping[str, str]) -> None:
        """Take the pace from an answer's headers; an answer without them leaves it as it was."""
        found = read_headers(headers)
        if found is None:
            return
        remaining, reset = found
        with self._lock:
            pace = self._pace(operation)
            pace.interval = reset / max(remaining, 1)
            pace.remaining, pace.reset = remaining, reset

    def _pace(self, operation: str) -> Pace:
        pace = self._paces.get(operation)
        if pace is None:
            if len(self._paces) >= MAX_OPERATIONS:
                self._paces.clear()
            pace = self._paces[operation] = Pace()
        return pace
