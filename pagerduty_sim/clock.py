"""A controllable clock and deterministic identifiers."""

from __future__ import annotations

import random
import string
import threading
from datetime import datetime, timedelta, timezone

_UPPER_DIGITS = string.ascii_uppercase + string.digits
_KEY_CHARS = string.ascii_letters + string.digits


class Clock:
    """UTC wall clock that tests can move: it follows real time plus an offset, or stays frozen."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(timezone.utc) + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        with self._lock:
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

    def set(self, when: datetime, frozen: bool = True) -> None:
        """Jump to ``when``; keep the clock there when ``frozen``, else let it run from there."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        with self._lock:
            if frozen:
                self._frozen = when
            else:
                self._frozen = None
                self._offset = when - datetime.now(timezone.utc)

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
            self._frozen = None

    def iso(self) -> str:
        return iso(self.now())


def iso(when: datetime) -> str:
    """PagerDuty's timestamp form: seconds precision, UTC, trailing Z."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime | None:
    """Parse an ISO 8601 date or date-time (``Z`` or offsets); None when it is not one."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


class IdGenerator:
    """Seeded generator of PagerDuty-shaped identifiers, so a reset replays the same IDs."""

    def __init__(self, seed: str = "pagerduty_sim") -> None:
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        self._rng = random.Random(self._seed)
        self._used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value

    def resource_id(self, length: int = 7, first: str = "P") -> str:
        """Upper-case alphanumeric ID starting with ``first`` (7 chars for resources, 14 for log entries)."""
        return self._unique(lambda: first + "".join(self._rng.choices(_UPPER_DIGITS, k=length - 1)))

    def integration_key(self) -> str:
        """32-character lower-case hex key, the shape of an Events routing key."""
        return self._unique(lambda: f"{self._rng.getrandbits(128):032x}")

    def api_key(self) -> str:
        """20-character REST API key holding ``+``, ``_`` and ``-`` to catch clients that mangle them."""

        def make() -> str:
            chars = self._rng.choices(_KEY_CHARS, k=17)
            for special in "+_-":
                chars.insert(self._rng.randrange(1, len(chars)), special)
            return "".join(chars)

        return self._unique(make)

    def oauth_token(self) -> str:
        return self._unique(lambda: "pdus+_0X" + "".join(self._rng.choices(_KEY_CHARS, k=32)))

    def uuid_like(self) -> str:
        """A UUID-shaped value (used for generated dedup keys)."""
        value = f"{self._rng.getrandbits(128):032x}"
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
