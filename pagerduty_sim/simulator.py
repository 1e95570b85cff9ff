"""``Simulator``: the public, in-process handle on a running local PagerDuty."""

from __future__ import annotations

from typing import Any

from .app import App
from .faults import make_fault
from .server import serve, shutdown
from .settings import Settings


class Simulator:
    """A local PagerDuty serving REST v2, Events v2 and Events v1 on one port.

    ``Simulator(seed="demo", host="127.0.0.1", port=0, events_delay=0.0)`` is not started;
    ``start()``/``stop()`` or use it as a context manager. ``port=0`` picks a free port.
    """

    def __init__(
        self,
        seed: str = "demo",
        host: str = "127.0.0.1",
        port: int = 0,
        events_delay: float = 0.0,
        settings: Settings | None = None,
    ):
        self.settings = settings or Settings()
        self.settings.events_delay = events_delay
        self.app = App(seed=seed, settings=self.settings)
        self.host = host
        self.port = port
        self._server: Any = None
        self._thread: Any = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Simulator:
        if self._server is None:
            self._server, self._thread = serve(self.app, self.host, self.port)
            self.port = self._server.server_address[1]
            self.app.store.base_url = self.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            shutdown(self._server, self._thread)
            self._server = self._thread = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL of REST and Events, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    # -- control --------------------------------------------------------------------------------

    def credentials(self) -> dict[str, Any]:
        """``{account_token, user_token, from_email, routing_keys: {service name: key}, ...}``."""
        creds = dict(self.app.credentials)
        creds["routing_keys"] = dict(creds["routing_keys"])
        return creds

    def reset(self) -> None:
        """Restore the seed (same IDs and keys); clears faults, the request log and rate limits."""
        self.app.reset()

    def state(self) -> dict[str, Any]:
        """Every table as the API renders it, plus keys, routing keys and counters."""
        return self.app.state()

    def requests(self) -> list[dict[str, Any]]:
        """The request log: method, path, query, headers (secrets masked), body, time."""
        return self.app.requests()

    def drain(self) -> None:
        """Process the events still waiting for ``events_delay``."""
        self.app.queue.drain()

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Every webhook delivery attempt: subscription, webhook and event IDs, event type, URL,
        attempt number, HTTP status, outcome (delivered, retry, dropped, skipped) and time."""
        return self.app.webhooks.snapshot()["deliveries"]

    def wait_webhooks(self, timeout: float = 10.0) -> bool:
        """Wait until no webhook is queued or in flight; False if ``timeout`` seconds pass first."""
        return self.app.webhooks.wait_idle(timeout)

    def add_fault(
        self,
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
    ) -> dict[str, Any]:
        """Fault the next ``count`` (default 1; unlimited with ``fraction``) requests matching the method and
        the path glob. Returns the rule as a dict."""
        fault = make_fault(
            method=method,
            path=path,
            status=status,
            body=body,
            bare=bare,
            delay=delay,
            drop=drop,
            truncate=truncate,
            non_json=non_json,
            count=count,
            fraction=fraction,
        )
        return self.app.faults.add(fault).as_dict()

    def clear_faults(self) -> None:
        self.app.faults.clear()

    @property
    def clock(self) -> Any:
        """The simulator's clock: ``advance(seconds)``, ``set(datetime, frozen=True)``, ``now()``."""
        return self.app.clock
