"""The WSGI application of HTTP mode: plain WSGI on top of ``Plugin.handle``, no gunicorn needed.

``App(plugin, ...)`` answers every route of reference §4.2 (with and without ``/api/v1``). Around
the routes it adds, in order: a request ID (``X-Request-ID``, echoed back and put in every log
line of the request), the optional bearer token, the body size limit, and a last-resort 500
that is still JSON. Every body it sends is JSON with sorted keys, except the YAML renderings.
"""

from __future__ import annotations

import contextvars
import hmac
import logging
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from actionkit.envelope import error_result
from actionkit.errors import InternalError
from actionkit.server import routes
from actionkit.server.state import ServerState
from actionkit.server.web import (
    BadRequestBody,
    BodyTooLarge,
    Request,
    Response,
    json_response,
    problem,
)

__all__ = ["App", "settings_from_env", "current_request_id", "DEFAULT_MAX_BODY_BYTES"]

DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("actionkit_request_id", default="")


def current_request_id() -> str:
    """The ``X-Request-ID`` of the request this thread serves (generated when the caller sent none)."""
    return _request_id.get()


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``App`` settings from the environment; ``ValueError`` (one clear line) for a bad value.

    ``PLUGIN_API_TOKEN``: bearer token required on every route but status (unset: none).
    ``PLUGIN_MAX_BODY_BYTES``: request body limit (default 4 MiB).
    ``PLUGIN_RUNTIME_ENVIRONMENT=cloud``: no connection cache, no admin/shutdown, no work tracker.
    ``TRACK_WORK``: ``true``/``false``, the work tracker of admin/status (default on outside cloud).
    ``PLUGIN_MAX_WORKERS``: the most workers ``workers/add`` may reach (default 2 per core, at least 4).
    """
    env = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    if "PLUGIN_API_TOKEN" in env:
        if not env["PLUGIN_API_TOKEN"]:
            raise ValueError("PLUGIN_API_TOKEN is set but empty: set a token, or unset it to serve openly.")
        settings["api_token"] = env["PLUGIN_API_TOKEN"]
    limit = env.get("PLUGIN_MAX_BODY_BYTES", "").strip()
    if limit:
        if not limit.isdigit() or int(limit) < 1:
            raise ValueError(f"PLUGIN_MAX_BODY_BYTES must be a positive number of bytes, not {limit!r}.")
        settings["max_body_bytes"] = int(limit)
    cloud = env.get("PLUGIN_RUNTIME_ENVIRONMENT", "").strip().lower() == "cloud"
    settings["cloud"] = cloud
    track = env.get("TRACK_WORK", "").strip().lower()
    if track not in ("", "true", "false"):
        raise ValueError(f"TRACK_WORK must be true or false, not {track!r}.")
    settings["track_work"] = (track == "true") if track else not cloud
    most = env.get("PLUGIN_MAX_WORKERS", "").strip()
    if most:
        if not most.isdigit() or int(most) < 1:
            raise ValueError(f"PLUGIN_MAX_WORKERS must be a whole number of at least 1, not {most!r}.")
        settings["max_workers"] = int(most)
    return settings


class App:
    """The WSGI callable. Thread-safe: one instance serves every thread of a worker.

    ``state`` is shared by the workers of one server (``ServerState``); without one the app
    counts for itself alone. ``workers`` and ``threads`` are the configured sizes shown by
    ``/info``. ``log_stream`` receives the access log and, with ``debug``, each step's log lines,
    all prefixed with the request ID.
    """

    def __init__(
        self,
        plugin: Any,
        *,
        api_token: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        debug: bool = False,
        cloud: bool = False,
        track_work: bool = True,
        state: ServerState | None = None,
        workers: int = 1,
        threads: int = 4,
        log_stream: TextIO | None = None,
        log_level: int = logging.INFO,
        max_workers: int | None = None,
    ):
        if api_token == "":
            raise ValueError("api_token must be None (no token) or a non-empty string.")
        self.plugin = plugin
        self.api_token = api_token.encode("utf-8") if api_token is not None else None
        self.max_body_bytes = max_body_bytes
        self.debug = debug
        self.cloud = cloud
        self.track_work = track_work
        self.state = state or ServerState.standalone()
        self.workers = workers
        self.threads = threads
        self.max_workers = max_workers or max(4, 2 * (os.cpu_count() or 1))
        if cloud:
            plugin.cache.enabled = False  # reference §8: no connections shared across requests in cloud mode
        self.log = _server_logger(log_stream or sys.stderr, log_level)
        self._openapi: dict[str, Any] | None = None

    # -- WSGI ------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = Request.request_id_of(environ) or uuid.uuid4().hex
        token = _request_id.set(request_id)
        request = Request(environ, request_id)
        self.log.debug("[%s] %s %s started", request_id, request.method, request.log_path)
        try:
            response = self._respond(request)
        except Exception:  # noqa: BLE001  (our own defect: still a JSON answer, details in the log)
            self.log.exception("[%s] %s %s failed", request_id, request.method, request.log_path)
            response = self._server_error(request)
        finally:
            _request_id.reset(token)
        response.headers.append(("X-Request-ID", request_id))
        if response.status != 204:  # RFC 9110: a 204 carries no Content-Length
            response.headers.append(("Content-Length", str(len(response.body))))
        start_response(response.status_line, response.headers)
        self.log.info(
            "[%s] %s %s %d %.1fms", request_id, request.method, request.log_path, response.status,
            (time.perf_counter() - started) * 1000,
        )
        return [] if request.method == "HEAD" else [response.body]

    def _respond(self, request: Request) -> Response:
        route, params = routes.match(request.path)
        if self.api_token is not None and not (route is not None and route.path in routes.OPEN_PATHS):
            refused = self._authenticate(request)
            if refused is not None:
                return refused
        if route is None:
            return self.not_found(request)
        handler = route.handler(request.method)
        if handler is None:
            description = route.refusal.format(path=request.full_path) if route.refusal else (
                f"{request.full_path} answers {route.allowed} only.")
            return problem(request, 405, description, [("Allow", route.allowed)])
        try:
            return handler(self, request, **params)
        except BodyTooLarge:
            limit = self.max_body_bytes
            return problem(request, 413, f"The request body is over the limit of {limit} bytes.")
        except BadRequestBody as exc:
            return problem(request, 400, str(exc))

    def _authenticate(self, request: Request) -> Response | None:
        scheme, _, supplied = request.header("Authorization").partition(" ")
        given = supplied.strip().encode("utf-8")
        if scheme.lower() == "bearer" and hmac.compare_digest(given, self.api_token):
            return None
        why = "The bearer token is wrong." if scheme.lower() == "bearer" else "A bearer token is required."
        return problem(
            request, 401, f"{why} Send the header 'Authorization: Bearer <PLUGIN_API_TOKEN>'.",
            [("WWW-Authenticate", 'Bearer realm="plugin"')],
        )

    def admin_refusal(self, request: Request) -> Response | None:
        """Routes that change the server answer only to a caller holding the API token."""
        if self.api_token is not None:
            return None  # _respond has checked the token already
        return problem(request, 403, "Admin routes are off: start the server with PLUGIN_API_TOKEN set and "
                                     "send 'Authorization: Bearer <PLUGIN_API_TOKEN>' to use them.")

    def begin_shutdown(self) -> None:
        """Refuse new action runs from now on; under gunicorn, stop the server once none is in flight."""
        self.state.initiate_shutdown()
        if self.state.master_pid > 0:
            threading.Thread(target=self._stop_when_idle, name="actionkit-shutdown", daemon=True).start()

    def _stop_when_idle(self) -> None:
        while self.state.active_work() > 0:
            time.sleep(0.05)
        self.log.info("Shutdown: no action run in flight; stopping the server")
        os.kill(self.state.master_pid, signal.SIGTERM)

    def not_found(self, request: Request) -> Response:
        return problem(request, 404, f"No route {request.full_path}; GET /api/v1/api describes every route.")

    def _server_error(self, request: Request) -> Response:
        route, _ = routes.match(request.path)
        cause = "The plugin server failed unexpectedly; its log has the details (look for this request's ID)."
        if route is not None and route.out_type is not None and request.method == "POST":
            return json_response(500, error_result(InternalError(cause), route.out_type).envelope)
        return problem(request, 500, cause)

    # -- used by the routes ----------------------------------------------------------------------

    def step_log_mirror(self, request: Request) -> _Mirror:
        """Where ``Plugin.handle`` copies each (masked) log line of this request."""
        return _Mirror(self.log, request.request_id)

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI 3.1 document of this server, built once."""
        if self._openapi is None:
            from actionkit.server.openapi import build  # noqa: PLC0415  (only GET /api needs it)

            self._openapi = build(self.plugin, secured=self.api_token is not None, cloud=self.cloud)
        return self._openapi

    @property
    def sdk_version(self) -> str:
        return _sdk_version()


class _Mirror:
    """A text stream for ``log_mirror``: each line becomes one server log line with the request ID."""

    __slots__ = ("_log", "_request_id")

    def __init__(self, log: logging.Logger, request_id: str):
        self._log = log
        self._request_id = request_id

    def write(self, text: str) -> None:
        text = text.rstrip("\n")
        if text:
            self._log.info("[%s] | %s", self._request_id, text)

    def flush(self) -> None:
        pass


def _server_logger(stream: TextIO, level: int) -> logging.Logger:
    # A logger outside the logging tree: its lines never reach the root logger, where the
    # per-request capture of Plugin.handle listens.
    logger = logging.Logger("actionkit.http", level)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
                                           "%Y-%m-%d %H:%M:%S %z"))
    logger.addHandler(handler)
    return logger


def _sdk_version() -> str:
    import actionkit  # noqa: PLC0415

    return actionkit.__version__
