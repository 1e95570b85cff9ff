"""Transport-neutral request and response objects, and the routing table."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from .errors import ApiError
from .store import Query

_request_ids = itertools.count(1)


@dataclass
class Request:
    method: str
    path: str
    query: Query
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)
    principal: Any = None
    actor: str | None = None  # the acting user's ID for REST writes
    _parsed: Any = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The JSON body; a PagerDuty-style 400 when it is not JSON."""
        if self._parsed is None:
            if not self.body.strip():
                self._parsed = {}
            else:
                try:
                    self._parsed = json.loads(self.body)
                except (ValueError, UnicodeDecodeError):
                    raise ApiError(400, 2001, None, ["The request body is not valid JSON"]) from None
        return self._parsed


class Response:
    """A response ready to write; ``body`` is bytes. ``drop``/``truncate`` come from faults."""

    __slots__ = ("status", "body", "headers", "drop", "truncate", "bare")

    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else {}
        self.drop = False
        self.truncate = False
        self.bare = False  # no body and none of PagerDuty's usual headers

    @classmethod
    def bare_status(cls, status: int) -> Response:
        response = cls(status)
        response.bare = True
        return response

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        data = json.dumps(payload, separators=(",", ":")).encode()
        out = {"Content-Type": "application/json; charset=utf-8"}
        if headers:
            out.update(headers)
        return cls(status, data, out)

    @classmethod
    def empty(cls, status: int = 204) -> Response:
        return cls(status, b"", {})

    @classmethod
    def error(cls, exc: ApiError) -> Response:
        return cls.json(exc.status, exc.body())

    def stamp(self) -> None:
        """Add the headers PagerDuty sends on every response."""
        self.headers.setdefault("x-request-id", f"{next(_request_ids):032x}")
        self.headers.setdefault("Date", formatdate(usegmt=True))


Handler = Callable[..., Response]


@dataclass
class Route:
    method: str
    pattern: str
    handler: Handler
    kind: str = "rest"  # rest | events | control
    from_required: bool = False
    operation: str | None = None  # name of an operation-specific rate limit
    segments: tuple[str, ...] = ()


class Router:
    """Routes by method and path segments; literal segments win over ``{param}`` ones."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, int], list[Route]] = {}
        self._paths: set[tuple[int, tuple[str, ...]]] = set()

    def add(self, method: str, pattern: str, handler: Handler, **meta: Any) -> None:
        segments = tuple(pattern.strip("/").split("/"))
        route = Route(method, pattern, handler, segments=segments, **meta)
        bucket = self._routes.setdefault((method, len(segments)), [])
        bucket.append(route)
        bucket.sort(key=lambda r: -sum(1 for s in r.segments if not s.startswith("{")))

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        parts = path.strip("/").split("/")
        for route in self._routes.get((method, len(parts)), ()):
            params = _params(route, parts)
            if params is not None:
                return route, params
        return None, {}

    def methods(self, path: str) -> list[str]:
        """The methods served on ``path`` (for a 405's ``Allow``); empty for an unknown path."""
        parts = path.strip("/").split("/")
        return sorted(
            {
                r.method
                for (_, size), bucket in self._routes.items()
                if size == len(parts)
                for r in bucket
                if r.kind != "control" and _params(r, parts) is not None
            }
        )

    def routes(self) -> list[Route]:
        return [r for bucket in self._routes.values() for r in bucket]


def _params(route: Route, parts: list[str]) -> dict[str, str] | None:
    """The path parameters when ``parts`` fits ``route``'s pattern, else None."""
    params = {}
    for want, got in zip(route.segments, parts, strict=False):
        if want[0] == "{":
            if not got:
                return None
            params[want[1:-1]] = got
        elif want != got:
            return None
    return params
