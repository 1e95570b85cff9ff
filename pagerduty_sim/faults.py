"""Scripted faults: answer matching requests with a status, a delay, a dropped connection, a
truncated or a non-JSON body, for the next N matching requests or a fraction of them.

A rule matches on the method (``*`` for any) and a glob on the URL path (``fnmatch`` syntax, so
``/users/*`` matches every user path). Fractions draw from a seeded generator, so a run is
repeatable. Control requests under ``/_sim/`` are never faulted.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Fault:
    """One rule. ``remaining`` None means no count limit (the default when ``fraction`` is set)."""

    method: str = "*"
    path: str = "*"
    status: int | None = None
    body: Any = None  # None: PagerDuty's error body for the status; str: raw text; dict/list: JSON
    bare: bool = False  # no body and no rate-limit or request-id headers
    delay: float = 0.0
    drop: bool = False
    truncate: bool = False
    non_json: bool = False
    remaining: int | None = 1
    fraction: float | None = None
    hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FAULT_FIELDS = {
    "method",
    "path",
    "status",
    "body",
    "bare",
    "delay",
    "drop",
    "truncate",
    "non_json",
    "count",
    "fraction",
}


def make_fault(
    method: str = "*",
    path: str = "*",
    status: int | None = None,
    body: Any = None,
    bare: bool = False,
    delay: float = 0.0,
    drop: bool = False,
    truncate: bool = False,
    non_json: bool = False,
    count: int | None = None,
    fraction: float | None = None,
) -> Fault:
    """Validate arguments into a Fault; ``count`` defaults to 1, or unlimited when ``fraction`` is set."""
    if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
        raise ValueError("status must be an HTTP status code between 100 and 599")
    if fraction is not None and not (isinstance(fraction, (int, float)) and 0 < fraction <= 1):
        raise ValueError("fraction must be a number in (0, 1]")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError("count must be a positive integer")
    if not isinstance(delay, (int, float)) or delay < 0 or delay > 600:
        raise ValueError("delay must be a number of seconds between 0 and 600")
    if not isinstance(path, str) or not path:
        raise ValueError("path must be a non-empty glob such as /users/*")
    if status is None and not (delay or drop or truncate or non_json):
        raise ValueError("give at least one of status, delay, drop, truncate or non_json")
    remaining = count if count is not None else (None if fraction is not None else 1)
    return Fault(
        method=(method or "*").upper(),
        path=path,
        status=status,
        body=body,
        bare=bare,
        delay=float(delay),
        drop=drop,
        truncate=truncate,
        non_json=non_json,
        remaining=remaining,
        fraction=fraction,
    )


class Faults:
    """The active rules; ``take`` returns the first rule that fires for a request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._rng = random.Random(0)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rng = random.Random(0)

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.as_dict() for f in self._rules]

    def take(self, method: str, path: str) -> Fault | None:
        if not self._rules:
            return None
        with self._lock:
            for fault in self._rules:
                if fault.method not in ("*", method) or not fnmatch.fnmatchcase(path, fault.path):
                    continue
                if fault.fraction is not None and self._rng.random() >= fault.fraction:
                    continue
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._rules.remove(fault)
                return fault
        return None
