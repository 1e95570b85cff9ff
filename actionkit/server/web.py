"""The small HTTP layer under the routes: requests, JSON responses, error bodies, the body limit."""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from wsgiref.util import request_uri

__all__ = [
    "Request", "Response", "BodyTooLarge", "BadRequestBody", "json_response", "problem", "text_response",
]

JSON = "application/json"
_CHUNK = 64 * 1024
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=@-]{1,128}")


class BodyTooLarge(Exception):
    """The request body is over the server's limit (413)."""


class BadRequestBody(Exception):
    """The request framing is wrong: a Content-Length that is not a number (400)."""


class Response:
    """Status, headers and body of one answer."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, body: bytes = b"", headers: list[tuple[str, str]] | None = None):
        self.status = status
        self.body = body
        self.headers = headers or []

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def json_response(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    """JSON with sorted keys, as the reference's HTTP mode answers."""
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body + b"\n", [("Content-Type", JSON), *(headers or [])])


def text_response(status: int, text: str, content_type: str) -> Response:
    return Response(status, text.encode("utf-8"), [("Content-Type", f"{content_type}; charset=utf-8")])


def problem(request: Request, status: int, description: str, headers=None, **extra: Any) -> Response:
    """The reference's non-envelope error body: ``{code, description, method, name, response, url}``."""
    data = {
        "code": status,
        "description": description,
        "method": request.method,
        "name": HTTPStatus(status).phrase,
        "response": None,
        "url": request.url,
    }
    data.update(extra)
    return json_response(status, data, headers)


class Request:
    """One WSGI request: method, path (without the ``/api/v1`` prefix), query, headers, body."""

    __slots__ = ("environ", "method", "full_path", "path", "query", "request_id")  # full_path: as sent

    PREFIX = "/api/v1"

    def __init__(self, environ: dict[str, Any], request_id: str):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        self.full_path = path
        if path == self.PREFIX or path.startswith(self.PREFIX + "/"):
            path = path[len(self.PREFIX):] or "/"
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        self.path = path
        self.query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self.request_id = request_id

    @staticmethod
    def request_id_of(environ: dict[str, Any]) -> str | None:
        """The caller's ``X-Request-ID`` if it is a sane token (it goes into log lines), else None."""
        supplied = environ.get("HTTP_X_REQUEST_ID", "")
        return supplied if _REQUEST_ID.fullmatch(supplied) else None

    @property
    def log_path(self) -> str:
        """The path as a log line may show it: a decoded %0A must not start a forged line."""
        return self.full_path if self.full_path.isprintable() else ascii(self.full_path)

    @property
    def url(self) -> str:
        return request_uri(self.environ, include_query=True)

    def header(self, name: str) -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), "")

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def read_body(self, limit: int) -> bytes:
        """The whole body, never buffering more than ``limit`` bytes (``BodyTooLarge`` beyond)."""
        stream = self.environ.get("wsgi.input")
        length = self.environ.get("CONTENT_LENGTH", "").strip()
        if length:
            try:
                size = int(length)
            except ValueError:
                raise BadRequestBody(f"Content-Length {length!r} is not a number.") from None
            if size > limit:
                raise BodyTooLarge()
            return _read(stream, size)
        # No length: a chunked body, readable to its end only when the server says it is framed.
        if not self.environ.get("wsgi.input_terminated") or stream is None:
            return b""
        data = _read(stream, limit + 1)
        if len(data) > limit:
            raise BodyTooLarge()
        return data


def _read(stream: Any, size: int) -> bytes:
    parts = []
    while size > 0 and stream is not None:
        chunk = stream.read(min(size, _CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)
