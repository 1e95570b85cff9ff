"""How long to wait before another attempt, and when to give up."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries. Every attribute is named so a connection or a test can tune one of them.

    * ``max_attempts``: attempts in total, the first included (1 means no retry).
    * ``backoff_base``/``backoff_cap``: exponential backoff ``base * 2**(n-1)`` seconds before
      retry ``n``, plus up to ``jitter`` (a fraction) of itself, each wait capped at ``backoff_cap``.
    * ``reset_jitter``: at most this many seconds added to a wait the server asked for
      (``ratelimit-reset`` or ``Retry-After``), so clients sharing a key do not return in step.
    * ``max_total_wait``: the budget of all waits of one call. A server-requested wait that does
      not fit in what is left ends the call at once instead of waiting in vain.
    * ``sleep`` and ``random`` are injectable so tests neither sleep nor depend on chance.
    """

    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    jitter: float = 0.25
    reset_jitter: float = 0.5
    max_total_wait: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        for name in ("backoff_base", "backoff_cap", "jitter", "reset_jitter", "max_total_wait"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryPolicy.{name} must not be negative")

    def backoff(self, retry_number: int) -> float:
        """The wait before retry ``retry_number`` (1 for the first retry) when the server named none."""
        base = min(self.backoff_cap, self.backoff_base * 2 ** (retry_number - 1))
        return min(self.backoff_cap, base * (1 + self.jitter * self.random()))

    def server_wait(self, seconds: float) -> float:
        """The wait for a server that asked for ``seconds``: exactly that plus a little jitter."""
        return seconds + self.reset_jitter * self.random()


NO_RETRY = RetryPolicy(max_attempts=1)


def requested_wait(headers: Mapping[str, str], now: Callable[[], datetime] | None = None) -> float | None:
    """Seconds the server asked us to wait: ``ratelimit-reset``, else ``Retry-After``; ``None`` if neither.

    ``Retry-After`` may be seconds or an HTTP date. Unparseable values count as absent, negative
    ones as zero.
    """
    for name in ("ratelimit-reset", "retry-after"):
        value = headers.get(name)
        if value is None or not value.strip():
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = now() if now else datetime.now(timezone.utc)
        return max(0.0, (when - current).total_seconds())
    return None
