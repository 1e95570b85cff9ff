"""A loopback webhook receiver for tests: records each POST and answers scripted statuses."""

from __future__ import annotations

import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """``Receiver().start()``; ``url``; ``received`` holds ``(headers, raw body)`` per POST.

    ``script(500, 500)`` answers the next POSTs with those statuses, then 200 again.
    """

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: deque[int] = deque()
        self.delays: deque[float] = deque()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    delay = receiver.delays.popleft() if receiver.delays else 0.0
                if delay:
                    time.sleep(delay)  # answer late, as a slow endpoint does
                with receiver.lock:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, raw))
                    status = receiver.statuses.popleft() if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/pagerduty/hook"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, *statuses: int) -> None:
        with self.lock:
            self.statuses.extend(statuses)

    def slow(self, *delays: float) -> None:
        """Answer the next POSTs after these pauses (seconds)."""
        with self.lock:
            self.delays.extend(delays)

    def events(self) -> list[dict[str, Any]]:
        import json

        with self.lock:
            return [json.loads(body)["event"] for _, body in self.received]


def subscription_body(url: str, events: list[str], flt: dict[str, Any] | None = None, **extra: Any) -> dict:
    return {
        "webhook_subscription": {
            "type": "webhook_subscription",
            "delivery_method": {"type": "http_delivery_method", "url": url, **extra},
            "events": events,
            "filter": flt or {"type": "account_reference"},
        }
    }
