"""2. Warm HTTP mode: ``bin/icon_pagerduty http`` (gunicorn) with 1 and with 2 worker processes.

A fixed number of requests from several concurrent clients for ``get_user_by_id`` and
``send_trigger_event`` (``POST /api/v1/actions/{name}``), after a warm-up that builds each worker's
cached connection. The floor: the same PagerDuty requests (``GET /users/{id}``, ``POST
/v2/enqueue`` with the body the action sends) straight to the simulator, from the same clients,
in the same rounds. The server binds 127.0.0.1 only (``ACTIONKIT_BIND``).

The clients use keep-alive ``http.client`` connections rather than ``requests``: on a 2-core
machine a ``requests`` client saturates near 800 requests per second by itself (see the simulator
benchmark), which would cap the floor and flatter the ratio.
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any
from wsgiref.util import setup_testing_defaults

import requests

from actionkit.runtime import Plugin
from actionkit.server import create_app

from .common import (
    ENTRY,
    PD_ACCEPT,
    TRIGGER_INPUT,
    Config,
    SimProcess,
    action_message,
    child_env,
    compile_bytecode,
    connection_for,
    cumulative_share,
    profiled,
    ratio,
    self_time_by_module,
)
from .load import StdlibSession, median_run, run_load

TITLE = "Warm HTTP mode (gunicorn) against requests straight to the simulator"
TARGET_RATIO = 1.5
WORKER_SETTINGS = (1, 2)
THREADS_PER_WORKER = 4
ACTIONS = ("get_user_by_id", "send_trigger_event")


class PluginServer:
    """``bin/icon_pagerduty http`` on a free 127.0.0.1 port, until ``stop()``."""

    def __init__(self, workers: int, threads: int, **extra_env: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        env = child_env(ACTIONKIT_BIND="127.0.0.1", **extra_env)
        for name in ("GUNICORN_CONFIG_FILE", "PLUGIN_API_TOKEN"):  # they would override the settings here
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, str(ENTRY), "http", "--port", str(self.port), "--process_workers", str(workers),
             "--threads_per_worker", str(threads)],
            stdout=self.log, stderr=self.log, env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(self.url + "/api/v1/status", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the plugin server did not start: {self.output()[-800:]}")
            time.sleep(0.1)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def requests_for(sim_url: str, creds: dict[str, Any], user_id: str) -> dict[str, dict[str, Any]]:
    """Per action: the plugin request and the floor's PagerDuty request, as (method, url, headers, body)."""
    connection = connection_for(sim_url, creds)
    rest = {"Authorization": f"Token token={creds['account_token']}", "Accept": PD_ACCEPT,
            "From": creds["from_email"]}
    payload = {k: TRIGGER_INPUT[k] for k in ("source", "severity", "component")}
    payload |= {"summary": TRIGGER_INPUT["description"], "custom_details": TRIGGER_INPUT["details"]}
    event = {"routing_key": connection["service_key"]["secretKey"], "event_action": "trigger",
             "dedup_key": TRIGGER_INPUT["incident_key"], "payload": payload}
    inputs = {"get_user_by_id": {"id": user_id}, "send_trigger_event": TRIGGER_INPUT}
    json_headers = {"Content-Type": "application/json"}
    return {
        name: {
            "plugin": ("POST", f"/api/v1/actions/{name}", json_headers,
                       json.dumps(action_message(name, inputs[name], connection)).encode(), 200),
            "floor": ("GET", f"/users/{user_id}", rest, None, 200) if name == "get_user_by_id"
            else ("POST", "/v2/enqueue", {**json_headers, "Accept": "application/json"},
                  json.dumps(event).encode(), 202),
        }
        for name in ACTIONS
    }


def _load(base_url: str, spec: tuple, cfg: Config, total: int) -> dict[str, Any]:
    method, path, headers, body, expected = spec
    url = base_url + path
    return run_load(lambda session: session.request(method, url, headers, body), total, cfg.http_clients,
                    cfg.load_max_seconds, expected=expected, session_factory=lambda: StdlibSession(base_url))


def run(cfg: Config) -> dict[str, Any]:
    compile_bytecode()
    figures: dict[str, Any] = {}
    with SimProcess() as sim:
        creds = sim.credentials()
        user_id = sim.state()["users"][0]["id"]
        specs = requests_for(sim.url, creds, user_id)
        for workers in WORKER_SETTINGS:
            server = PluginServer(workers, THREADS_PER_WORKER)
            try:
                for name in ACTIONS:
                    _load(server.url, specs[name]["plugin"], cfg, 100)  # every worker connects
                    _load(sim.url, specs[name]["floor"], cfg, 100)
                    floors, plugin_runs = [], []
                    for _ in range(cfg.runs):
                        floors.append(_load(sim.url, specs[name]["floor"], cfg, cfg.http_requests))
                        plugin_runs.append(_load(server.url, specs[name]["plugin"], cfg, cfg.http_requests))
                    plugin, floor = median_run(plugin_runs), median_run(floors)
                    figures[f"{name}, {workers} worker{'s' if workers > 1 else ''}"] = {
                        "action": name,
                        "workers": workers,
                        "threads_per_worker": THREADS_PER_WORKER,
                        "plugin": plugin,
                        "floor": floor,
                        "x_floor_p50": ratio(plugin["p50_ms"], floor["p50_ms"]),
                        "x_floor_p99": ratio(plugin["p99_ms"], floor["p99_ms"]),
                        "x_floor_rps": ratio(floor["rps"], plugin["rps"]),
                    }
            finally:
                server.stop()
        per_request_ms, profile = _worker_profile(sim.url, specs)
    floor_p50 = figures["get_user_by_id, 1 worker"]["floor"]["p50_ms"]
    profile.insert(0, f"one get_user_by_id alone takes {per_request_ms:.2f} ms of a worker thread, "
                      f"{per_request_ms / floor_p50:.1f}x the floor's p50 before any queueing; concurrent "
                      "requests then queue for each worker's GIL")
    targets = []
    for label, figure in figures.items():
        worst = max(figure["x_floor_p50"] or 0, figure["x_floor_rps"] or 0)
        target = {"name": f"HTTP mode within {TARGET_RATIO:g}x of the direct floor ({label})", "value": worst,
                  "unit": "x", "met": worst <= TARGET_RATIO}
        if not target["met"]:
            target["dominated_by"] = profile
        targets.append(target)
    return {
        "title": TITLE,
        "figures": figures,
        "targets": targets,
        "profile": profile,
        "notes": [
            f"{cfg.http_requests} requests per run from {cfg.http_clients} concurrent clients, {cfg.runs} "
            f"runs (floor and plugin alternating); {THREADS_PER_WORKER} threads per worker; simulator, "
            "server and clients share the machine's cores.",
            "Ratio for the target: the worse of p50 latency (plugin / floor) and throughput "
            "(floor / plugin).",
            "Profile: the WSGI app driven in process against the same simulator, under cProfile: shares of "
            "its time by phase (cumulative) and by module (self).",
            "The plugin's path is the floor's request plus a second HTTP hop made with requests, which by "
            "itself saturates near 850-900 req/s in one process here (see the simulator benchmark).",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    out = []
    for label, figure in result["figures"].items():
        plugin, floor = figure["plugin"], figure["floor"]
        out.append((
            f"http {label}",
            f"{plugin['rps']:.0f} req/s, p50 {plugin['p50_ms']:.2f} ms, p99 {plugin['p99_ms']:.1f} ms",
            f"{floor['rps']:.0f} req/s, p50 {floor['p50_ms']:.2f} ms",
            f"{figure['x_floor_p50']:.1f}x p50, {figure['x_floor_rps']:.1f}x req/s",
        ))
    return out


# (label, file part, function): cumulative time, nested in this order.
APP = ("actionkit/server/wsgi.py", "__call__")
HANDLE = ("actionkit/runtime.py", "handle")
CALL = ("client/http.py", "send")
PROXY_LOOKUP = ("requests/sessions.py", "merge_environment_settings")


def _worker_profile(sim_url: str, specs: dict[str, Any], calls: int = 200) -> tuple[float, list[str]]:
    """Where a worker's time goes per request: the WSGI app driven in process under cProfile."""
    app = create_app(Plugin.load("icon_pagerduty"), log_stream=io.StringIO())
    _method, path, _headers, body, _expected = specs["get_user_by_id"]["plugin"]

    def one() -> None:
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "CONTENT_TYPE": "application/json",
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        setup_testing_defaults(environ)
        app(environ, lambda status, headers: None)

    one()
    started = time.perf_counter()
    for _ in range(calls):
        one()
    per_request = (time.perf_counter() - started) / calls
    stats = profiled(lambda: [one() for _ in range(calls)])
    app, handle, call, lookup = (cumulative_share(stats, *part) for part in (APP, HANDLE, CALL, PROXY_LOOKUP))
    return per_request * 1000, [
        "shares of a worker's time per request, under cProfile:",
        f"{app - handle:4.0%} server: the WSGI app outside Plugin.handle (parsing, routing, access log)",
        f"{handle - call:4.0%} runtime: Plugin.handle outside the PagerDuty call",
        f"{call:4.0%} the PagerDuty call through requests (HttpCore.send; waiting for the simulator "
        "included)",
        f"{lookup:4.0%}   of which requests' proxy lookup in os.environ, on every request "
        "(Session.merge_environment_settings)",
        *self_time_by_module(stats, limit=3),
    ]
