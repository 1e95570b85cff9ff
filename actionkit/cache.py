"""The connection cache: connect once per distinct connection, but not forever.

Keyed by the caller's scope (the org in HTTP mode, so two orgs never share a connection) and the
SHA-256 of the canonical connection JSON, so any credential change makes a new entry. Bounded
(least recently used entries go first) and with a time to live, so tokens obtained in
``connect`` are refreshed eventually. Thread-safe. ``enabled=False`` bypasses it.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

__all__ = ["ConnectionCache", "connection_key"]


def connection_key(params: Any, scope: str = "") -> tuple[str, str]:
    """``(scope, sha256 of the canonical JSON of params)``."""
    import hashlib  # noqa: PLC0415  (loading OpenSSL costs milliseconds a CLI run never needs)

    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ConnectionCache:
    """A bounded LRU of connected connections, each kept at most ``ttl`` seconds."""

    def __init__(
        self,
        size: int = 32,
        ttl: float = 3600.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ):
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self.ttl = ttl
        self.enabled = enabled
        self._clock = clock
        self._entries: OrderedDict[tuple[str, str], tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, key: tuple[str, str]) -> Any | None:
        """The live entry for ``key`` or ``None``; a hit becomes the most recently used."""
        if not self.enabled:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            created, value = entry
            if self._clock() - created >= self.ttl:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: tuple[str, str], value: Any) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_create(self, key: tuple[str, str], create: Callable[[], Any]) -> Any:
        """The cached value, or ``create()`` stored under ``key``. ``create`` runs outside the
        lock (it may do network I/O); two racing misses both connect and the later one wins,
        which costs a connect but never blocks other keys. Failures are not cached."""
        value = self.get(key)
        if value is None:
            value = create()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
