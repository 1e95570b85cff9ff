"""HTTP plumbing: a threaded HTTP/1.1 server with keep-alive that hands requests to the app.

Each response goes out in one write with an exact ``Content-Length`` and Nagle disabled, so
pooled clients get low latency. Malformed HTTP gets PagerDuty's JSON error body, never HTML or
a traceback. Nothing is logged per request unless ``verbose``.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .store import Query
from .wire import Request, Response

MAX_BODY = 8 * 1024 * 1024
REASONS = {s.value: s.phrase for s in HTTPStatus}


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app: Any):
        self.app = app
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, SimHandler)

    def close_connections(self) -> None:
        with self.connections_lock:
            for conn in list(self.connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.connections.clear()


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pagerduty_sim"
    sys_version = ""
    timeout = 300  # seconds an idle keep-alive connection is kept before its thread lets it go
    server: SimHTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if self.server.app.settings.verbose:
            sys.stderr.write(f"pagerduty_sim: {self.address_string()} {format % args}\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP: answer with PagerDuty's JSON error envelope and close."""
        self.close_connection = True
        response = Response.json(
            code, {"error": {"message": message or REASONS.get(code, "Error"), "code": 2001}}
        )
        self._write(response)

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        size = int(length)
        if size < 0 or size > MAX_BODY:
            return None
        return self.rfile.read(size)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            body = None
        if body is None:
            self.send_error(
                413 if self.headers.get("Content-Length", "").isdigit() else 400, "Invalid request body"
            )
            return
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=split.path or "/",
            query=Query(parse_qs(split.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.server.app.handle(request)
        if response.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._write(response)

    def _write(self, response: Response) -> None:
        body = response.body
        head = [f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Unknown')}"]
        head.extend(f"{k}: {v}" for k, v in response.headers.items())
        head.append(f"Content-Length: {len(body)}")
        if response.truncate:
            body = body[: len(body) // 2]
            self.close_connection = True
        if self.close_connection:
            head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (b"" if self.command == "HEAD" else body)
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve


def serve(app: Any, host: str, port: int) -> tuple[SimHTTPServer, threading.Thread]:
    """Bind and start serving in a daemon thread; returns the server and its thread."""
    server = SimHTTPServer((host, port), app)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="pagerduty_sim", daemon=True
    )
    thread.start()
    return server, thread


def shutdown(server: SimHTTPServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.close_connections()
    server.server_close()
    thread.join(timeout=5)
    time.sleep(0)
