"""HTTP mode for real: ``bin/icon_hello http`` under gunicorn on 127.0.0.1, in a subprocess."""

from __future__ import annotations

import http.client
import json
import select
import socket
import subprocess
import sys
import time

import pytest
import requests

from unit_test.actionkit.server_helpers import (
    HELLO_ENTRY,
    RealServer,
    free_port,
    http_call,
    server_env,
    wait_until,
)

BODY_LIMIT = 100_000


def _all_workers_up(server: RealServer, count: int) -> RealServer:
    """Wait for every worker: one still booting would miss a SIGTERM and hold the stop for 30 s."""
    wait_until(lambda: server.call("GET", "/api/v1/workers").json()["num_workers"] == count,
               what=f"{count} live workers")
    return server


def _stop(server: RealServer) -> int:
    server.terminate()
    try:
        return server.wait(30)
    finally:
        server.kill()


TOKEN = "g0od-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def server():
    real = RealServer("--process_workers", "2", "--threads_per_worker", "2",
                      env=server_env(PLUGIN_MAX_BODY_BYTES=str(BODY_LIMIT), PLUGIN_API_TOKEN=TOKEN,
                                     PLUGIN_MAX_WORKERS="3"))
    real.headers = AUTH
    real = _all_workers_up(real.wait_ready(), 2)
    yield real
    _stop(real)


def test_the_server_uses_threaded_workers(server):
    assert "Using worker: actionkit.server.shedding.SheddingWorker" in server.wait_for_line("Using worker:")
    assert server.call("GET", "/api/v1/status").json() == {"status": "Ready"}


@pytest.mark.parametrize("path", ["/api/v1/actions/hello", "/actions/hello"], ids=["v1", "legacy"])
def test_an_action_runs_under_gunicorn(server, make_message, path):
    reply = server.call("POST", path, make_message("hello", {"name": "Ada"}))
    assert reply.status == 200
    assert reply.json()["body"]["output"] == {"message": "Hello, Ada!", "count": 1}


def test_a_plugin_error_is_400_under_gunicorn(server, make_message):
    reply = server.call("POST", "/api/v1/actions/fail", make_message("fail", {"kind": "not_found"}))
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == "Failing with not_found as asked."


def test_the_canary_is_masked_under_gunicorn(server, make_message, canary):
    reply = server.call("POST", "/api/v1/actions/log_secret", make_message("log_secret"))
    assert reply.status == 200
    assert canary not in reply.body.decode()
    assert canary not in server.log()


def test_a_body_over_the_limit_is_a_json_413_the_client_can_read(server):
    """The server answers before the body is read and drops the rest: a real client still sees the 413."""
    url = f"http://127.0.0.1:{server.port}/api/v1/actions/hello"
    reply = requests.post(url, data=b"x" * (10 * BODY_LIMIT), headers=AUTH, timeout=30)
    assert reply.status_code == 413
    assert reply.json()["description"] == f"The request body is over the limit of {BODY_LIMIT} bytes."


def test_info_and_workers_give_the_real_counts(server):
    info = server.call("GET", "/api/v1/info").json()
    assert (info["number_of_workers"], info["threads"]) == (2, 2)
    assert server.call("GET", "/api/v1/workers").json() == {"num_workers": 2}


def test_workers_can_be_added_and_removed_up_to_the_cap(server):
    added = [server.call("POST", "/api/v1/workers/add") for _ in range(3)]
    assert [(reply.status, reply.json()["num_workers"]) for reply in added] == [(200, 3), (409, 3), (409, 3)]
    assert added[1].json()["error"] == "The server keeps at most 3 workers (PLUGIN_MAX_WORKERS)."
    _all_workers_up(server, 3)
    assert server.call("GET", "/api/v1/info").json()["number_of_workers"] == 3
    assert server.call("POST", "/api/v1/workers/remove").json() == {"num_workers": 2}
    _all_workers_up(server, 2)


def test_shutdown_is_seen_by_every_worker_and_stops_the_server(make_message):
    """Each fresh connection may land on either worker; all refuse runs, then the server exits."""
    server = RealServer("--process_workers", "2", env=server_env(PLUGIN_API_TOKEN=TOKEN)).wait_ready()
    try:
        assert http_call(server.port, "POST", "/api/v1/admin/shutdown").status == 401
        server.headers = AUTH
        _all_workers_up(server, 2)
        assert server.call("POST", "/api/v1/admin/shutdown").status == 200
        message = make_message("hello")
        statuses = set()
        for _ in range(6):
            try:
                statuses.add(server.call("POST", "/api/v1/actions/hello", message).status)
            except OSError:
                statuses.add("closed")  # the server may already have stopped: nothing was run
        assert statuses <= {503, "closed"}
        assert server.wait(30) == 0
    finally:
        server.kill()


def test_a_public_bind_without_a_token_is_warned_about():
    server = RealServer(env=server_env(ACTIONKIT_BIND="0.0.0.0"))
    try:
        line = server.wait_for_line("without PLUGIN_API_TOKEN")
        assert "anyone who can reach this port can run actions" in line
    finally:
        server.kill()


def test_sigterm_lets_the_request_in_flight_finish(make_message):
    server = RealServer("--graceful_timeout", "15", debug=True).wait_ready()
    try:
        body = json.dumps(make_message("hello", {"name": "Ada"})).encode()
        head = (
            "POST /api/v1/actions/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Request-ID: slow-1\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
            sock.sendall(head + body[:10])  # the request is in flight: the app waits for the rest
            server.wait_for_line("[slow-1] POST /api/v1/actions/hello started")
            server.terminate()
            server.wait_for_line("Stopping: finishing the requests in flight (at most 15s)")
            sock.sendall(body[10:])
            response = http.client.HTTPResponse(sock)
            response.begin()
            answer = json.loads(response.read())
        assert response.status == 200
        assert answer["body"]["output"] == {"message": "Hello, Ada!", "count": 1}
        assert server.wait(30) == 0
    finally:
        server.kill()


def test_a_config_file_replaces_the_flags(tmp_path):
    port = free_port()
    config = tmp_path / "gunicorn.json"
    config.write_text(json.dumps({"bind": f"127.0.0.1:{port}", "workers": 1, "threads": 3,
                                  "loglevel": "warning", "raw_env": ["X=1"]}))
    server = RealServer(env=server_env(GUNICORN_CONFIG_FILE=str(config)))  # its --port is ignored
    server.port = port
    try:
        server.wait_ready()
        assert server.call("GET", "/api/v1/info").json()["threads"] == 3
        assert server.wait_for_line("Warning:") == f"Warning: {config}: ignoring settings raw_env"
        assert not any("GET /api/v1/info" in line for line in server.lines)  # loglevel warning: no access log
    finally:
        assert _stop(server) == 0


def test_the_token_is_required_under_gunicorn():
    server = RealServer(env=server_env(PLUGIN_API_TOKEN="s3cret-token-value")).wait_ready()
    try:
        assert server.call("GET", "/api/v1/info").status == 401
        headers = {"Authorization": "Bearer s3cret-token-value"}
        assert server.call("GET", "/api/v1/info", headers=headers).status == 200
    finally:
        _stop(server)
    assert "s3cret-token-value" not in server.log()


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"PLUGIN_API_TOKEN": ""},
         "Error: PLUGIN_API_TOKEN is set but empty: set a token, or unset it to serve openly."),
        ({"GUNICORN_CONFIG_FILE": "/nonexistent/gunicorn.json"},
         "Error: GUNICORN_CONFIG_FILE /nonexistent/gunicorn.json: cannot read it "
         "(No such file or directory)."),
    ],
    ids=["empty-token", "missing-config"],
)
def test_bad_settings_stop_the_server_with_one_line(env, error):
    done = subprocess.run([sys.executable, str(HELLO_ENTRY), "http", "--port", str(free_port())],
                          env=server_env(**env), capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stderr, done.stdout) == (2, error + "\n", "")


def test_the_server_stack_is_not_imported_before_serve(run_hello_python):
    done = run_hello_python("import sys, actionkit.server, actionkit.cli; print('gunicorn' in sys.modules)")
    assert done.stdout == "False\n"


def test_nothing_listens_where_the_server_was_told_not_to(server):
    with pytest.raises(OSError):
        http_call(free_port(), "GET", "/api/v1/status", timeout=2)


def _hold(port: int, body: bytes, request_id: str) -> socket.socket:
    """A request whose body is sent only in part: it holds a thread, or a place in the backlog."""
    head = (
        "POST /api/v1/actions/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nX-Request-ID: {request_id}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(head + body[:10])
    return sock


def _answer(sock: socket.socket) -> tuple[int, dict, dict]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, dict(response.getheaders()), json.loads(response.read())


def _answered_without_a_body(held: list[socket.socket]) -> list[socket.socket]:
    """The sockets the server answered although their bodies are incomplete: the refused ones.
    Waits until answers stop coming (0.5 s of quiet once three came, 5 s at most)."""
    answered: list[socket.socket] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        waiting = [sock for sock in held if sock not in answered]
        quiet = 0.5 if len(answered) >= 3 else deadline - time.monotonic()
        ready, _, _ = select.select(waiting, [], [], max(0.0, quiet))
        if not ready:
            break
        answered += ready
    return answered


def test_past_a_full_backlog_the_server_answers_503_at_once(make_message):
    """One thread and a backlog of one: of five slow requests, at most two are taken (one when the
    thread has not yet picked the first from the queue) and the others refused at once."""
    server = RealServer("--threads_per_worker", "1", env=server_env(PLUGIN_MAX_BACKLOG="1")).wait_ready()
    body = json.dumps(make_message("hello", {"name": "Ada"})).encode()
    held = []
    try:
        held += [_hold(server.port, body, f"slow-{n}") for n in range(5)]
        refused = _answered_without_a_body(held)
        assert 3 <= len(refused) <= 4, [_answer(sock) for sock in refused]
        for sock in refused:
            status, headers, answer = _answer(sock)
            assert (status, headers["Retry-After"]) == (503, "1")
            assert answer["description"] == "The plugin server is at capacity; retry after 1 s."
        taken = [sock for sock in held if sock not in refused]
        for sock in taken:
            sock.sendall(body[10:])
            assert _answer(sock)[0] == 200
    finally:
        for sock in held:
            sock.close()
        assert _stop(server) == 0


def test_a_backlog_of_zero_refuses_whatever_finds_every_thread_busy(make_message):
    """PLUGIN_MAX_BACKLOG=0 and one thread: the first slow request holds it, and the four behind it,
    taken off the listener together, are all refused at once."""
    server = RealServer("--threads_per_worker", "1", env=server_env(PLUGIN_MAX_BACKLOG="0")).wait_ready()
    body = json.dumps(make_message("hello", {"name": "Ada"})).encode()
    held = [_hold(server.port, body, "slow-0")]
    try:
        time.sleep(0.3)  # the first is in its thread before the others arrive
        held += [_hold(server.port, body, f"slow-{n}") for n in range(1, 5)]
        refused = _answered_without_a_body(held)
        assert set(refused) == set(held[1:])
        assert {_answer(sock)[0] for sock in refused} == {503}
        held[0].sendall(body[10:])
        assert _answer(held[0])[0] == 200
    finally:
        for sock in held:
            sock.close()
        assert _stop(server) == 0
