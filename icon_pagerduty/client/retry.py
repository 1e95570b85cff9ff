"""How long to wait before another attempt, when to give up, and the one deadline of a step."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import datetime, timezone

from actionkit.logs import current_capture

DEFAULT_STEP_TIMEOUT = 120.0


class RetryPolicy:
    """Bounded retries. Every attribute is named so a connection or a test can tune one of them.

    * ``max_attempts``: attempts in total, the first included (1 means no retry).
    * ``max_connect_attempts``: attempts when the connection itself fails (refused, a temporary
      DNS failure, a connect timeout). Lower than ``max_attempts``, so that a wrong or dead
      address is reported within seconds instead of after the whole retry schedule.
    * ``backoff_base``/``backoff_cap``: exponential backoff ``base * 2**(n-1)`` seconds before
      retry ``n``, plus up to ``jitter`` (a fraction) of itself, each wait capped at ``backoff_cap``.
    * ``reset_jitter``: at most this many seconds added to a wait the server asked for
      (``ratelimit-reset`` or ``Retry-After``), so clients sharing a key do not return in step.
    * ``step_timeout``: the deadline of one step (an action), in seconds. Every request timeout,
      retry wait and rate-limit pause of the step fits before it; a wait that does not fit ends
      the step at once with an error saying what it was waiting for.
    * ``sleep``, ``clock`` and ``random`` are injectable so tests neither sleep nor depend on chance.
    """

    # A plain class, not a dataclass: see KeyAccess in access.py. Shared policies are module
    # constants, so attributes cannot be set after __init__; ``replace`` makes a changed copy.
    BOUNDS = ("max_attempts", "max_connect_attempts", "backoff_base", "backoff_cap", "jitter",
              "reset_jitter", "step_timeout")
    __slots__ = (*BOUNDS, "sleep", "clock", "random")

    def __init__(
        self,
        *,
        max_attempts: int = 4,
        max_connect_attempts: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        jitter: float = 0.25,
        reset_jitter: float = 0.5,
        step_timeout: float = DEFAULT_STEP_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = random.random,
    ):
        for name, value in locals().items():  # every parameter is the attribute of its name
            if name != "self":
                object.__setattr__(self, name, value)
        for name in ("max_attempts", "max_connect_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"RetryPolicy.{name} must be at least 1")
        for name in ("backoff_base", "backoff_cap", "jitter", "reset_jitter"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryPolicy.{name} must not be negative")
        if not (isinstance(step_timeout, (int, float)) and 0 < step_timeout < math.inf):
            raise ValueError("RetryPolicy.step_timeout must be a positive number of seconds")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RetryPolicy is immutable; use replace({name}=...)")

    def replace(self, **changes: object) -> RetryPolicy:
        """A copy with ``changes``, checked as a new policy is."""
        current = {name: getattr(self, name) for name in self.__slots__}
        return RetryPolicy(**{**current, **changes})  # type: ignore[arg-type]

    def bounds(self) -> dict[str, float]:
        """The numeric settings, as reports show them (the injectable functions left out)."""
        return {name: getattr(self, name) for name in self.BOUNDS}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RetryPolicy) and self.bounds() == other.bounds()

    def __hash__(self) -> int:
        return hash(tuple(self.bounds().values()))

    def __repr__(self) -> str:
        return "RetryPolicy(" + ", ".join(f"{k}={v!r}" for k, v in self.bounds().items()) + ")"

    def backoff(self, retry_number: int) -> float:
        """The wait before retry ``retry_number`` (1 for the first retry) when the server named none."""
        base = min(self.backoff_cap, self.backoff_base * 2 ** (retry_number - 1))
        return min(self.backoff_cap, base * (1 + self.jitter * self.random()))

    def server_wait(self, seconds: float) -> float:
        """The wait for a server that asked for ``seconds``: exactly that plus a little jitter."""
        return seconds + self.reset_jitter * self.random()


NO_RETRY = RetryPolicy(max_attempts=1, max_connect_attempts=1)


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
            seconds = float(value)
        except ValueError:
            seconds = _seconds_until(value, now)
        if seconds is not None and math.isfinite(seconds):
            return max(0.0, seconds)
    return None


def _seconds_until(value: str, now: Callable[[], datetime] | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now() if now else datetime.now(timezone.utc)
    return (when - current).total_seconds()


class Deadline:
    """The end of one step on ``clock``: what is left, and whether a wait still fits."""

    __slots__ = ("seconds", "ends", "clock")

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = float(seconds)
        self.clock = clock
        self.ends = clock() + self.seconds

    def left(self) -> float:
        return max(0.0, self.ends - self.clock())

    def fits(self, wait: float) -> bool:
        return wait < self.left()


# The deadline of the step now running in this context, with the step it belongs to.
_held: ContextVar[tuple[object, Deadline] | None] = ContextVar("icon_pagerduty_step_deadline", default=None)


def step_deadline(policy: RetryPolicy) -> Deadline:
    """The deadline of the running step, started by the step's first request.

    A step is one call of the actionkit runtime, recognised by its log capture: there is one per
    call and context, so concurrent calls in threads each get their own deadline, and the REST
    and Events clients of one connection share it within a call. Outside the runtime (a script,
    a test) each request with its retries gets a deadline of its own. The capture stays
    referenced here until the context's next step, so that its identity cannot be reused.
    """
    step = current_capture()
    if step is None:
        return Deadline(policy.step_timeout, policy.clock)
    held = _held.get()
    if held is None or held[0] is not step:
        held = (step, Deadline(policy.step_timeout, policy.clock))
        _held.set(held)
    return held[1]


def new_step() -> None:
    """Start a fresh ``step_timeout`` deadline at the next request of this context.

    A trigger is one long runtime call; each of its polls is a step of its own, so that the
    deadline bounds a poll and does not run out after the trigger's first two minutes.
    """
    _held.set(None)
