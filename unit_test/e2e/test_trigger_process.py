"""The new_incident trigger as the orchestrator runs it: ``bin/icon_pagerduty run`` posting events
to a dispatcher URL, stopped by SIGTERM while an event is in flight, then restarted with the same
triggerId. The one real subprocess test of the webhooks area."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from unit_test.e2e.conftest import ENTRY, ROOT
from unit_test.e2e.feed_helpers import Setup


class Dispatcher:
    """Receives trigger events; ``kill_at`` sends SIGTERM to ``process`` on that event, before answering."""

    def __init__(self):
        self.events, self.process, self.kill_at = [], None, None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                envelope = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.events.append(envelope["body"]["output"]["incident"]["id"])
                if len(outer.events) == outer.kill_at:
                    outer.process.send_signal(signal.SIGTERM)  # the stop lands between emit and save
                    time.sleep(0.1)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/events"


def start(message, state_dir):
    env = {**os.environ, "ACTIONKIT_STATE_DIR": str(state_dir)}
    stdin = state_dir / "message.json"
    stdin.write_text(json.dumps(message))
    with stdin.open() as handle:
        return subprocess.Popen(
            [sys.executable, str(ENTRY), "run"],
            stdin=handle,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )


def wait_until(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert check()


def test_sigterm_between_emit_and_save_then_a_restart_loses_and_repeats_nothing(
    sim, connection, tmp_path, secrets
):
    setup, dispatcher = Setup(sim), Dispatcher()
    body = {
        "trigger": "new_incident",
        "meta": {"triggerId": "t-proc"},
        "connection": connection,
        "input": {"interval": 1},
        "dispatcher": {"url": dispatcher.url(), "webhook_url": ""},
    }
    message = {"type": "trigger_start", "version": "v1", "body": body}
    state = tmp_path / "t-proc.json"
    try:
        dispatcher.process, dispatcher.kill_at = start(message, tmp_path), 2
        wait_until(state.exists)  # the first poll set the watermark
        opened = [setup.incident(f"Outage {n}")["id"] for n in range(3)]
        out, err = dispatcher.process.communicate(timeout=20)
        assert dispatcher.process.returncode == 0, err
        assert json.loads(out)["body"]["status"] == "ok"
        assert dispatcher.events == opened[:2]  # stopped after the second, which was saved
        assert json.loads(state.read_text())["seen"][-1] == opened[1]

        dispatcher.process, dispatcher.kill_at = start(message, tmp_path), None
        opened.append(setup.incident("After restart")["id"])
        wait_until(lambda: len(dispatcher.events) == 4)
        dispatcher.process.send_signal(signal.SIGTERM)  # now idle between two polls
        out, err = dispatcher.process.communicate(timeout=10)
        assert dispatcher.process.returncode == 0, err
    finally:
        if dispatcher.process.poll() is None:
            dispatcher.process.kill()
        dispatcher.server.shutdown()
    assert dispatcher.events == opened
    assert not any(secret in out + err for secret in secrets)
