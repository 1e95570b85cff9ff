"""``serve``: the plugin's WSGI app under gunicorn, with threaded workers (reference §4.1).

Only the ``http`` command imports this module, and with it gunicorn. The settings come from the
CLI flags, or, when ``GUNICORN_CONFIG_FILE`` names a JSON file, from that file alone. The
address is ``ACTIONKIT_BIND`` (a host, default ``0.0.0.0``) and ``--port``. SIGTERM is a graceful
stop: requests in flight get ``graceful_timeout`` seconds to finish, then the process exits 0.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from actionkit.server.shedding import backlog_limit
from actionkit.server.state import ServerState
from actionkit.server.wsgi import App, settings_from_env

__all__ = ["serve", "gunicorn_settings", "DEFAULT_HOST"]

DEFAULT_HOST = "0.0.0.0"  # noqa: S104  (the reference's bind; ACTIONKIT_BIND narrows it)
# What a GUNICORN_CONFIG_FILE may set; hooks and the like are ours, other keys are ignored.
FILE_KEYS = frozenset({
    "bind", "workers", "threads", "worker_class", "worker_connections", "graceful_timeout", "timeout",
    "keepalive", "loglevel", "backlog", "max_requests", "max_requests_jitter", "limit_request_line",
    "limit_request_fields", "limit_request_field_size", "errorlog", "accesslog", "access_log_format",
    "certfile", "keyfile", "ca_certs", "forwarded_allow_ips",
})
DEFAULTS = {"bind": f"{DEFAULT_HOST}:10001", "workers": 1, "threads": 4, "worker_class": "sync",
            "worker_connections": 200, "graceful_timeout": 30, "loglevel": "info"}


class ConfigProblem(Exception):
    """A setting that cannot work; its text is one line for the operator."""


def gunicorn_settings(
    port: int = 10001,
    process_workers: int = 1,
    threads_per_worker: int = 4,
    worker_class: str = "sync",
    worker_connections: int = 200,
    graceful_timeout: int = 30,
    debug: bool = False,
    environ: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The gunicorn settings and the warnings about them; ``ConfigProblem`` if they cannot work."""
    env = os.environ if environ is None else environ
    warnings: list[str] = []
    config_file = env.get("GUNICORN_CONFIG_FILE", "").strip()
    if config_file:
        settings = dict(DEFAULTS)
        given = _read_config_file(config_file)
        ignored = sorted(set(given) - FILE_KEYS)
        if ignored:
            warnings.append(f"{config_file}: ignoring settings {', '.join(ignored)}")
        settings.update({key: value for key, value in given.items() if key in FILE_KEYS})
    else:
        host = env.get("ACTIONKIT_BIND", "").strip() or DEFAULT_HOST
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address, as gunicorn writes it
        settings = {
            "bind": f"{host}:{port}",
            "workers": process_workers,
            "threads": threads_per_worker,
            "worker_class": worker_class,
            "worker_connections": worker_connections,
            "graceful_timeout": graceful_timeout,
            "loglevel": "debug" if debug else "info",
        }
    settings["worker_class"] = _worker_class(str(settings["worker_class"]))
    for key in ("workers", "threads"):
        if not isinstance(settings[key], int) or settings[key] < 1:
            raise ConfigProblem(f"{key} must be a whole number of at least 1, not {settings[key]!r}.")
    return settings, warnings


def _read_config_file(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except OSError as exc:
        raise ConfigProblem(f"GUNICORN_CONFIG_FILE {path}: cannot read it ({exc.strerror}).") from None
    except ValueError as exc:
        raise ConfigProblem(f"GUNICORN_CONFIG_FILE {path}: not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise ConfigProblem(f"GUNICORN_CONFIG_FILE {path}: must hold a JSON object of settings.")
    return data


def _worker_class(name: str) -> str:
    if name in ("sync", "gthread"):
        # Threads always (one slow PagerDuty call must not hold the whole worker), with a bounded backlog.
        return "actionkit.server.shedding.SheddingWorker"
    if name == "gevent":
        if importlib.util.find_spec("gevent") is None:
            raise ConfigProblem("worker_class gevent needs the gevent package, which is not installed; "
                                "use sync (threads).")
        return "gevent"
    raise ConfigProblem(f"worker_class must be sync, gthread or gevent, not {name!r}.")


class _Server(BaseApplication):
    def __init__(self, plugin: Any, settings: dict[str, Any], app_settings: dict[str, Any], debug: bool):
        self._plugin = plugin
        self._settings = settings
        self._app_settings = app_settings
        self._debug = debug
        self.state = ServerState()
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._settings.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn >= 24 opens a control socket under $HOME: one path for every server of a user,
            # and no $HOME for the image's user. Nothing here uses it.
            self.cfg.set("control_socket_disable", True)
        state = self.state
        state.target_workers = self.cfg.workers

        def on_starting(server):
            state.master_pid = os.getpid()

        def pre_fork(server, worker):
            worker.actionkit_slot = state.reserve()

        def post_fork(server, worker):
            state.join(worker.actionkit_slot)
            _hold_sigterm_while_booting(worker)

        def child_exit(server, worker):
            state.release(getattr(worker, "actionkit_slot", -1))

        def worker_exit(server, worker):
            if os.getpid() == state.master_pid:  # the master dropped a worker that was already gone
                state.release(getattr(worker, "actionkit_slot", -1))

        def nworkers_changed(server, new_value, old_value):
            state.target_workers = new_value

        def post_worker_init(worker):
            _announce_graceful_stop(worker)

        for hook in (on_starting, pre_fork, post_fork, child_exit, worker_exit, nworkers_changed,
                     post_worker_init):
            self.cfg.set(hook.__name__, hook)

    def load(self) -> App:
        level = logging.getLevelName(str(self.cfg.loglevel).upper())
        return App(
            self._plugin,
            debug=self._debug,
            state=self.state,
            workers=self.cfg.workers,
            threads=self.cfg.threads,
            log_level=level if isinstance(level, int) else logging.INFO,
            **self._app_settings,
        )


def serve(
    plugin: Any,
    port: int = 10001,
    process_workers: int = 1,
    threads_per_worker: int = 4,
    worker_class: str = "sync",
    worker_connections: int = 200,
    graceful_timeout: int = 30,
    debug: bool = False,
) -> None:
    """Serve ``plugin`` until SIGTERM/SIGINT; exits with a one-line error (status 2) on bad settings."""
    try:
        settings, warnings = gunicorn_settings(
            port, process_workers, threads_per_worker, worker_class, worker_connections, graceful_timeout,
            debug,
        )
        app_settings = settings_from_env()
        backlog_limit(int(settings["threads"]))  # a bad PLUGIN_MAX_BACKLOG is one line now, not in a worker
    except (ConfigProblem, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(2)
    if "api_token" not in app_settings and not _loopback_only(settings["bind"]):
        warnings.append(
            f"listening on {settings['bind']} without PLUGIN_API_TOKEN: anyone who can reach this port can "
            "run actions; set PLUGIN_API_TOKEN (admin routes stay off without it)"
        )
    for warning in warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    busy = _busy_address(settings["bind"])
    if busy:  # one line, instead of gunicorn retrying for five seconds and logging each attempt
        from_file = os.environ.get("GUNICORN_CONFIG_FILE", "").strip()
        where = "the bind setting of GUNICORN_CONFIG_FILE" if from_file else "--port"
        print(f"Error: port {busy[1]} on {busy[0]} is in use by another program; choose another with "
              f"{where}.", file=sys.stderr)
        sys.exit(2)
    _preload(plugin)
    _Server(plugin, settings, app_settings, debug).run()


def _busy_address(bind: Any) -> tuple[str, int] | None:
    """The first ``host:port`` of ``bind`` that another program listens on, found by binding it as
    gunicorn will (with SO_REUSEADDR) and letting go at once; ``None`` when all are free."""
    import errno  # noqa: PLC0415
    import socket  # noqa: PLC0415

    for address in bind if isinstance(bind, list) else [bind]:
        host, _, port = str(address).rpartition(":")
        if str(address).startswith("unix:") or not port.isdigit():
            continue
        host = host.strip("[]") or DEFAULT_HOST
        try:
            family, kind, proto, _, sockaddr = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM,
                                                                  flags=socket.AI_PASSIVE)[0]
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(sockaddr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return host, int(port)
    return None


def _loopback_only(bind: Any) -> bool:
    addresses = bind if isinstance(bind, list) else [bind]
    for address in addresses:
        host = str(address).rsplit(":", 1)[0].strip("[]") if not str(address).startswith("unix:") else "unix"
        if host not in ("127.0.0.1", "localhost", "::1", "unix") and not host.startswith("127."):
            return False
    return True


def _hold_sigterm_while_booting(worker: Any) -> None:
    """Keep a SIGTERM that arrives before the worker has its own handlers (a stop right after start).

    Until then the child runs the master's handler, which only queues the signal in the child's copy
    of the master, so gunicorn would wait its whole graceful timeout for a worker that never heard.
    """
    worker.actionkit_sigterm = []
    signal.signal(signal.SIGTERM, lambda signum, frame: worker.actionkit_sigterm.append(signum))


def _announce_graceful_stop(worker: Any) -> None:
    """Say in the log when a worker starts its graceful stop: the requests in flight still finish."""
    stop = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum, frame):
        limit = worker.cfg.graceful_timeout
        worker.log.info("Stopping: finishing the requests in flight (at most %ss)", limit)
        stop(signum, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn has it: let system calls of requests go on
    if getattr(worker, "actionkit_sigterm", None):
        on_sigterm(signal.SIGTERM, None)  # asked to stop while booting: stop before serving


def _preload(plugin: Any) -> None:
    """Import every component before forking, so no worker pays for it on its first request."""
    try:
        plugin.connection_class()
        for kind in ("action", "trigger", "task"):
            for name in plugin.names(kind):
                plugin.component(kind, name)
    except Exception as exc:  # noqa: BLE001  (the broken component answers 500 with this same error)
        print(f"Warning: {exc}", file=sys.stderr)
