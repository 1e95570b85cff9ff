"""Helpers of the server tests: an in-process WSGI client, and the real server in a subprocess."""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

HELLO_ROOT = Path(__file__).resolve().parent / "hello_plugin"
REPO_ROOT = HELLO_ROOT.parents[2]
HELLO_ENTRY = HELLO_ROOT / "bin" / "icon_hello"
SERVER_ENV = {"ACTIONKIT_BIND": "127.0.0.1"}
START_TIMEOUT = 20.0


class Reply:
    """What a request got back: ``status`` (int), ``headers`` (dict, case-folded keys), ``body``."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.body[:300]!r})"


def wsgi_call(app, method: str, path: str, body: bytes | str | dict | None = None, headers=None,
              stream: Any = None, chunked: bool = False) -> Reply:
    """Call the WSGI ``app`` in process, as a server would. ``dict`` bodies are sent as JSON;
    ``stream`` replaces wsgi.input; ``chunked`` sends no Content-Length (a framed chunked body)."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    path, _, query = path.partition("?")
    environ.update(REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=query)
    environ["wsgi.input"] = stream if stream is not None else io.BytesIO(body or b"")
    if chunked:
        environ["wsgi.input_terminated"] = True
    elif body is not None:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = {key.lower(): value for key, value in response_headers}

    chunks = app(environ, start_response)
    return Reply(seen["status"], seen["headers"], b"".join(chunks))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_call(port: int, method: str, path: str, body: Any = None, headers=None,
              timeout: float = 10.0) -> Reply:
    """One request over a real socket to 127.0.0.1:``port``."""
    if isinstance(body, dict):
        body = json.dumps(body)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def server_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PLUGIN_API_TOKEN", "GUNICORN_CONFIG_FILE", "PLUGIN_MAX_BODY_BYTES")}
    env.update(SERVER_ENV)
    env.update(extra)
    return env


class RealServer:
    """``bin/icon_hello http`` on 127.0.0.1 in a subprocess, its stderr collected line by line."""

    def __init__(self, *args: str, port: int | None = None, env: dict[str, str] | None = None,
                 debug: bool = False):
        self.port = port or free_port()
        command = [sys.executable, str(HELLO_ENTRY), *(["--debug"] if debug else []), "http"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), *args],
            env=env or server_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )
        self.headers: dict[str, str] = {}  # sent with every call (a bearer token, say)
        self.lines: list[str] = []
        self._new_line = threading.Condition()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            with self._new_line:
                self.lines.append(line.rstrip("\n"))
                self._new_line.notify_all()

    def wait_for_line(self, text: str, timeout: float = START_TIMEOUT) -> str:
        """The first stderr line containing ``text``, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                found = next((line for line in self.lines if text in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"no stderr line with {text!r}: {self.log()}")
                self._new_line.wait(min(left, 0.2))

    def wait_ready(self) -> RealServer:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited with {self.process.returncode}: {self.log()}")
            try:
                if http_call(self.port, "GET", "/api/v1/status", timeout=2).status == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError(f"the server did not answer within {START_TIMEOUT}s: {self.log()}")

    def call(self, method: str, path: str, body: Any = None, headers=None) -> Reply:
        return http_call(self.port, method, path, body, {**self.headers, **(headers or {})})

    def terminate(self) -> None:
        self.process.terminate()

    def wait(self, timeout: float = 30.0) -> int:
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code

    def log(self) -> str:
        with self._new_line:
            return "\n".join(self.lines[-40:])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)


def wait_until(condition, timeout: float = 10.0, what: str = "the condition"):
    """Poll ``condition()`` until it returns a true value (returned), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def make_app(plugin, **settings: Any):
    """``(App, log)``: the WSGI app of ``plugin`` writing its server log into the StringIO ``log``."""
    from actionkit.server.wsgi import App

    log = io.StringIO()
    return App(plugin, log_stream=log, **settings), log


def connection_test_message(connection: dict, meta: dict | None = None) -> dict:
    body = {"meta": meta or {}, "connection": connection}
    return {"type": "connection_test", "version": "v1", "body": body}
