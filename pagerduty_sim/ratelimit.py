"""Rate limits: a token bucket per REST credential (plus operation buckets), and per routing key.

The REST headers follow the docs (§7.1): ``ratelimit-limit``, ``ratelimit-remaining`` and
``ratelimit-reset`` in whole seconds until the bucket is full again. Where an operation bucket
applies, the headers describe whichever bucket is closer to empty.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from .settings import Settings


class TokenBucket:
    def __init__(self, capacity: int, window: float, now: float):
        self.capacity = max(1, capacity)
        self.rate = self.capacity / max(window, 1e-6)
        self.tokens = float(self.capacity)
        self.updated = now

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def headers(self) -> dict[str, str]:
        reset = math.ceil((self.capacity - self.tokens) / self.rate) if self.tokens < self.capacity else 0
        return {
            "ratelimit-limit": str(self.capacity),
            "ratelimit-remaining": str(max(0, int(self.tokens))),
            "ratelimit-reset": str(reset),
        }


class RateLimiter:
    """REST limits keyed by credential; ``check`` consumes a token and returns (allowed, headers)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def _bucket(self, key: tuple[str, str], limit: int, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None or bucket.capacity != max(1, limit):
            bucket = self._buckets[key] = TokenBucket(limit, self.settings.rate_limit_window, now)
        bucket.refill(now)
        return bucket

    def check(self, credential: str, operation: str | None) -> tuple[bool, dict[str, str]]:
        if not self.settings.rate_limit_enabled:
            return True, {}
        now = time.monotonic()
        with self._lock:
            buckets = [self._bucket((credential, "all"), self.settings.rate_limit, now)]
            if operation is not None:
                buckets.append(self._bucket((credential, operation), self.settings.incident_rate_limit, now))
            allowed = all(b.tokens >= 1 for b in buckets)
            if allowed:
                for bucket in buckets:
                    bucket.tokens -= 1
            tightest = min(buckets, key=lambda b: b.tokens / b.capacity)
            return allowed, tightest.headers()


class EventsLimiter:
    """Events: at most ``events_rate_limit`` events per routing key over a rolling window."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()

    def allow(self, routing_key: str) -> bool:
        if not self.settings.rate_limit_enabled:
            return True
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(routing_key, deque())
            while seen and now - seen[0] >= self.settings.events_rate_limit_window:
                seen.popleft()
            if len(seen) >= self.settings.events_rate_limit:
                return False
            seen.append(now)
            return True
