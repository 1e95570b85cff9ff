"""3. Per-action overhead: what the runtime adds to one action in process.

``Plugin.handle(message bytes).to_json()`` (envelope checks, validation in and out, log capture,
masking, the envelope) against the bare client call the action makes, with the connection
cached as in HTTP mode. Both go through a replaying transport: the simulator's real answers are
recorded once, then ``requests``' adapter returns copies of them, so the network and the
simulator's own time drop out of both sides and the difference is the runtime alone.

The bare calls run with the root logger at its default level (WARNING), as in a process without
actionkit, so the cost of log records the runtime enables (it sets the root logger to DEBUG to
capture) is counted as overhead.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from actionkit.runtime import Plugin
from icon_pagerduty.client import EventsClient, RestClient
from pagerduty_sim import Simulator

from .common import (
    TRIGGER_INPUT,
    Config,
    action_message,
    connection_for,
    median,
    phase_lines,
    profiled,
    ratio,
    self_time_by_module,
)

TITLE = "Per-action runtime overhead (in process)"
TARGET_US = 1000.0
# Where the time of handle(...).to_json() goes; each share is of the whole call.
PHASES = (
    ("the action with its client call (the bare side)", "icon_pagerduty/actions/", "run"),
    ("envelope checks (envelope.check)", "actionkit/envelope.py", "check"),
    ("secret collection (masking.collect_secrets)", "actionkit/masking.py", "collect_secrets"),
    ("connection validation and cache lookup (Plugin._connect)", "actionkit/runtime.py", "_connect"),
    ("input checks (inputs.check_input)", "actionkit/inputs.py", "check_input"),
    ("output shaping, validation and masking (shaping.shape_output)", "actionkit/shaping.py", "shape_output"),
    ("masked envelope (envelope.ok)", "actionkit/envelope.py", "ok"),
    ("JSON text (Result.to_json)", "actionkit/envelope.py", "to_json"),
)


class Recording:
    """Answers of the simulator by (method, path), replayed by ``requests``' adapter."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[int, bytes, dict[str, str]]] = {}

    @contextmanager
    def recording(self):
        real_send = HTTPAdapter.send

        def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            response = real_send(adapter, request, **kwargs)
            key = (request.method, urlsplit(request.url).path)
            self.answers[key] = (response.status_code, response.content, dict(response.headers))
            return response

        with _patched(send):
            yield

    @contextmanager
    def replaying(self):
        def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            status, content, headers = self.answers[(request.method, urlsplit(request.url).path)]
            response = requests.Response()
            response.status_code, response._content, response.reason = status, content, "OK"
            response.headers = CaseInsensitiveDict(headers)
            response.url, response.request, response.encoding = request.url, request, "utf-8"
            return response

        with _patched(send):
            yield


@contextmanager
def _patched(send: Callable[..., requests.Response]):
    original = HTTPAdapter.send
    HTTPAdapter.send = send
    try:
        yield
    finally:
        HTTPAdapter.send = original


@contextmanager
def _root_level(level: int):
    root = logging.getLogger()
    before = root.level
    root.setLevel(level)
    try:
        yield
    finally:
        root.setLevel(before)


def run(cfg: Config) -> dict[str, Any]:
    plugin = Plugin.load("icon_pagerduty")
    recording = Recording()
    with Simulator(seed="demo") as sim:
        sim.settings.rate_limit_enabled = False
        cases = _cases(sim)
        loopback = {}
        with recording.recording():
            for name, (message, bare) in cases.items():
                _handle(plugin, message)
                bare()
                loopback[name] = _per_call(bare, 200)
    figures: dict[str, Any] = {}
    profiles: dict[str, list[str]] = {}
    with recording.replaying():
        for name, (message, bare) in cases.items():
            figures[name], profiles[name] = _replayed(plugin, message, bare, cfg, loopback[name])
    return {
        "title": TITLE,
        "figures": figures,
        "targets": _targets(figures, profiles),
        "profile": profiles,
        "notes": [
            "Runtime call = Plugin.handle(message bytes).to_json(), connection cached; bare = the client "
            "method the action calls. Both through a replaying transport (recorded simulator answers).",
            "loopback_client_us: the bare client call against the real simulator on 127.0.0.1, for scale.",
        ],
    }


def _cases(sim: Simulator) -> dict[str, tuple[bytes, Callable[[], Any]]]:
    """Per action: its message to ``Plugin.handle``, and the bare client call it makes."""
    creds = sim.credentials()
    connection = connection_for(sim.url, creds)
    user_id = next(u["id"] for u in sim.state()["users"] if u["email"] == creds["from_email"])
    rest = RestClient(creds["account_token"], base_url=sim.url, from_email=creds["from_email"])
    events = EventsClient(base_url=sim.url)
    routing_key = connection["service_key"]["secretKey"]
    payload = {k: TRIGGER_INPUT[k] for k in ("source", "severity", "component")}
    payload |= {"summary": TRIGGER_INPUT["description"], "custom_details": TRIGGER_INPUT["details"]}
    return {
        "get_user_by_id": (
            json.dumps(action_message("get_user_by_id", {"id": user_id}, connection)).encode(),
            lambda: rest.get_user(user_id),
        ),
        "send_trigger_event": (
            json.dumps(action_message("send_trigger_event", TRIGGER_INPUT, connection)).encode(),
            lambda: events.enqueue(routing_key, "trigger", dedup_key=TRIGGER_INPUT["incident_key"],
                                   payload=payload),
        ),
    }


def _replayed(plugin: Plugin, message: bytes, bare: Callable[[], Any], cfg: Config, loopback_s: float
              ) -> tuple[dict[str, Any], list[str]]:
    """One action's figures and profile, against the replaying transport."""
    handled, direct = [], []
    _per_call(lambda: _handle(plugin, message), 100)  # warm up both paths
    _per_call(bare, 100)
    for _ in range(cfg.repeats):
        handled.append(_per_call(lambda: _handle(plugin, message), cfg.overhead_calls))
        with _root_level(logging.WARNING):
            direct.append(_per_call(bare, cfg.overhead_calls))
    runtime_us, bare_us = median(handled) * 1e6, median(direct) * 1e6
    figure = {
        "handle_us": round(runtime_us, 1),
        "bare_client_us": round(bare_us, 1),
        "overhead_us": round(runtime_us - bare_us, 1),
        "x_bare": ratio(runtime_us, bare_us),
        "loopback_client_us": round(loopback_s * 1e6, 1),
        "batches": cfg.repeats,
        "calls_per_batch": cfg.overhead_calls,
    }
    stats = profiled(lambda: [_handle(plugin, message) for _ in range(200)])
    profile = phase_lines(stats, PHASES)
    figure["self_time"] = self_time_by_module(stats)
    return figure, profile


def _targets(figures: dict[str, Any], profiles: dict[str, list[str]]) -> list[dict[str, Any]]:
    targets = []
    for name, figure in figures.items():
        target = {"name": f"Runtime overhead per action under 1 ms ({name})", "value": figure["overhead_us"],
                  "unit": "us", "met": figure["overhead_us"] < TARGET_US}
        if not target["met"]:
            target["dominated_by"] = profiles[name] + figure["self_time"][:3]
        targets.append(target)
    return targets


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    out = []
    for name, figure in result["figures"].items():
        out.append((
            f"overhead {name}",
            f"+{figure['overhead_us']:.0f} us (handle {figure['handle_us']:.0f} us)",
            f"client {figure['bare_client_us']:.0f} us",
            f"{figure['x_bare']:.2f}x",
        ))
    return out


def _handle(plugin: Plugin, message: bytes) -> str:
    result = plugin.handle(message)
    if not result.ok:
        raise RuntimeError(f"the action failed: {result.envelope['body'].get('error')}")
    return result.to_json()


def _per_call(function: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls
