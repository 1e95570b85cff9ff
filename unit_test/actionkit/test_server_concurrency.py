"""HTTP mode over real sockets, in process: concurrent requests keep their logs apart.

The app runs in a threaded wsgiref server on 127.0.0.1. A logging filter holds every request at
the same point inside the action until all of them are there, so the requests truly overlap
while they log.
"""

from __future__ import annotations

import logging
import socketserver
import threading
from concurrent.futures import ThreadPoolExecutor
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from unit_test.actionkit.server_helpers import http_call, make_app

PARALLEL = 4


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Rendezvous(logging.Filter):
    """Holds each ``Greeting <name>`` record until ``parties`` threads (the test's too) arrive."""

    def __init__(self, parties: int):
        super().__init__()
        self.everyone_inside = threading.Barrier(parties, timeout=10)
        self.go = threading.Event()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Greeting %s":
            self.everyone_inside.wait()
            self.go.wait(10)
        return True


@pytest.fixture
def served(hello_plugin):
    app, _ = make_app(hello_plugin)
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def rendezvous():
    gate = Rendezvous(PARALLEL + 1)
    logger = logging.getLogger("icon_hello.actions.hello")
    logger.addFilter(gate)
    yield gate
    gate.go.set()
    logger.removeFilter(gate)


def test_concurrent_requests_each_get_only_their_own_log(served, rendezvous, make_message):
    def greet(number: int):
        message = make_message("hello", {"name": f"person-{number}"})
        return http_call(served, "POST", "/api/v1/actions/hello", message)

    with ThreadPoolExecutor(PARALLEL) as pool:
        replies = [pool.submit(greet, number) for number in range(PARALLEL)]
        rendezvous.everyone_inside.wait()  # every request is now inside the action, at once
        in_flight = http_call(served, "GET", "/api/v1/admin/status").json()["active_work"]
        rendezvous.go.set()
        replies = [reply.result(timeout=20) for reply in replies]
    assert in_flight == PARALLEL
    for number, reply in enumerate(replies):
        assert reply.status == 200
        log = reply.json()["body"]["log"]
        assert [line for line in log.splitlines() if "person-" in line] == [f"Greeting person-{number}"]
    assert http_call(served, "GET", "/api/v1/admin/status").json()["active_work"] == 0
