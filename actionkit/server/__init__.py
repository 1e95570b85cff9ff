"""HTTP mode (reference §4): the plugin's routes as a plain WSGI app, served by gunicorn.

``create_app(plugin, **settings)`` builds the WSGI application (``actionkit.server.wsgi.App``),
taking its settings from the environment (``PLUGIN_API_TOKEN``, ``PLUGIN_MAX_BODY_BYTES``, ...)
unless given. It needs no gunicorn: tests and other servers drive it directly.
``serve(plugin, port, ...)`` is what ``<entry> http`` calls; it alone imports gunicorn.
"""

from __future__ import annotations

from typing import Any

from actionkit.server.wsgi import App, current_request_id, settings_from_env

__all__ = ["App", "create_app", "serve", "current_request_id"]


def create_app(plugin: Any, **settings: Any) -> App:
    """The WSGI app of ``plugin``: settings from the environment, overridden by ``settings``."""
    return App(plugin, **{**settings_from_env(), **settings})


def serve(plugin: Any, port: int = 10001, process_workers: int = 1, threads_per_worker: int = 4,
          worker_class: str = "sync", worker_connections: int = 200, graceful_timeout: int = 30,
          debug: bool = False) -> None:
    """Serve ``plugin`` with gunicorn until SIGTERM (see ``actionkit.server.gunicorn_app``)."""
    from actionkit.server.gunicorn_app import serve as run  # noqa: PLC0415  (gunicorn only for `http`)

    run(plugin, port, process_workers, threads_per_worker, worker_class, worker_connections,
        graceful_timeout, debug)
