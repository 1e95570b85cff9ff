"""10. Triggers: from an incident's creation to the new_incident event, and requests per idle poll.

The simulator runs in this process (rate limit off); the ``new_incident`` trigger runs through
``Plugin.handle`` on a thread with an in-memory dispatcher that notes when each event arrives.
Incidents are opened through REST at a spacing that is not a divisor of the interval, so they land
at every phase of the poll cycle. Latency is the time from the ``POST /incidents`` answer to the
event; the target is the interval plus one second (a poll every ``interval`` finds anything
created meanwhile). Then the trigger is restarted on the same state with nothing new to find,
for several intervals: the requests per idle poll are the simulator's ``GET /incidents`` (and,
for ``incident_updated``, ``GET /log_entries``) divided by the polls the trigger reports; the
target is 1.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from actionkit.runtime import Plugin
from pagerduty_sim import Simulator

from .common import PD_ACCEPT, Config, median, percentile

TITLE = "Triggers (creation-to-event latency, requests per idle poll)"
SPACING = 0.37  # seconds between two incidents: not a divisor of the interval, so every phase gets some


class _Trigger:
    """One trigger run on a thread: its events with their arrival times, stopped by the flag file."""

    def __init__(self, plugin: Plugin, flag: Path, name: str, connection: dict, interval: int):
        self.flag, self.arrivals, self.result = flag, {}, None
        self.state = Path(plugin.options.state_dir) / f"bench-{name}.json"
        body = {
            "trigger": name,
            "meta": {"triggerId": f"bench-{name}"},
            "connection": connection,
            "input": {"interval": interval},
        }
        message = {"type": "trigger_start", "version": "v1", "body": body}

        def note(envelope: dict) -> None:
            incident = envelope["body"]["output"]["incident"]
            self.arrivals.setdefault(incident["id"], time.monotonic())

        self.thread = threading.Thread(
            target=lambda: setattr(self, "result", plugin.handle(message, dispatcher=note)), daemon=True
        )
        self.thread.start()

    def started(self) -> None:
        """Wait for the first poll to save the watermark."""
        while not self.state.exists():
            if not self.thread.is_alive():
                raise RuntimeError(f"the trigger ended before its first poll: {self.result}")
            time.sleep(0.01)

    def stop(self) -> dict[str, Any]:
        self.flag.touch()
        self.thread.join(timeout=30)
        body = self.result.envelope["body"]
        if body["status"] != "ok":
            raise RuntimeError(f"the trigger failed: {body.get('error')}")
        return body["output"]


def run(cfg: Config) -> dict[str, Any]:
    interval = 1 if cfg.quick else 2
    count = 8 if cfg.quick else 30
    idle_seconds = 3 * interval if cfg.quick else 6 * interval
    with Simulator(seed="demo") as sim, tempfile.TemporaryDirectory() as scratch:
        sim.settings.rate_limit_enabled = False
        creds = sim.credentials()
        connection = {
            "api_key": {"secretKey": creds["account_token"]},
            "from_email": creds["from_email"],
            "api_url": sim.url,
            "events_url": sim.url,
        }
        cache = Path(scratch) / "cache"
        cache.mkdir()
        flag = Path(scratch) / "terminate.flag"
        plugin = Plugin.load("icon_pagerduty", state_dir=str(cache), stop_flag_path=str(flag))
        session = requests.Session()
        session.headers.update(
            {
                "Authorization": f"Token token={creds['account_token']}",
                "From": creds["from_email"],
                "Accept": PD_ACCEPT,
            }
        )
        service = sim.state()["services"][0]["id"]

        trigger = _Trigger(plugin, flag, "new_incident", connection, interval)
        trigger.started()
        created: dict[str, float] = {}
        for number in range(count):
            body = {
                "incident": {
                    "type": "incident",
                    "title": f"Bench {number}",
                    "service": {"id": service, "type": "service_reference"},
                }
            }
            answer = session.post(sim.url + "/incidents", json=body, timeout=10)
            created[answer.json()["incident"]["id"]] = time.monotonic()
            time.sleep(SPACING)
        deadline = time.monotonic() + interval + 5
        while len(trigger.arrivals) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        trigger.stop()
        latencies = [trigger.arrivals[i] - at for i, at in created.items() if i in trigger.arrivals]
        idle = {
            name: _idle(plugin, flag, sim, name, connection, interval, idle_seconds)
            for name in ("new_incident", "incident_updated")
        }
    return _result(interval, count, len(latencies), latencies, idle)


def _idle(
    plugin: Plugin, flag: Path, sim: Simulator, name: str, connection: dict, interval: int, seconds: float
) -> dict[str, Any]:
    """Requests per poll of ``name`` over ``seconds`` with nothing new (after its first start)."""
    path = "/incidents" if name == "new_incident" else "/log_entries"
    if name == "incident_updated":  # its first start sets the watermark (one more request, once)
        first = _Trigger(plugin, flag, name, connection, interval)
        first.started()
        first.stop()
    requests.delete(sim.url + "/_sim/requests", timeout=10)
    trigger = _Trigger(plugin, flag, name, connection, interval)
    time.sleep(seconds)
    polls = trigger.stop()["polls"]
    gets = sum(1 for r in sim.requests() if r["method"] == "GET" and r["path"] == path)
    return {"polls": polls, "requests": gets, "per_poll": round(gets / polls, 2) if polls else None}


def _result(interval: int, count: int, delivered: int, latencies: list[float], idle: dict) -> dict[str, Any]:
    worst = max(latencies) if latencies else float("inf")
    figures = {
        "interval_s": interval,
        "incidents": count,
        "events": delivered,
        "latency_median_s": round(median(latencies), 3),
        "latency_p95_s": round(percentile(latencies, 0.95), 3),
        "latency_max_s": round(worst, 3),
        "idle": idle,
    }
    latency_target = {
        "name": f"Creation to event within interval + 1 s ({interval + 1} s), every incident",
        "value": round(worst, 3),
        "unit": "s",
        "met": delivered == count and worst <= interval + 1,
    }
    targets = [latency_target]
    for name, found in idle.items():
        targets.append(
            {
                "name": f"{name}: requests per idle poll",
                "value": found["per_poll"],
                "unit": "requests",
                "met": found["per_poll"] == 1,
            }
        )
    return {
        "title": TITLE,
        "figures": figures,
        "targets": targets,
        "notes": [
            f"{count} incidents opened {SPACING} s apart through REST while new_incident polled every "
            f"{interval} s; latency from the POST's answer to the event reaching the dispatcher.",
            "Idle: the trigger restarted on its saved state with nothing new; GET requests counted in the "
            "simulator's log and divided by the polls the trigger reported.",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    figures = result["figures"]
    interval = figures["interval_s"]
    out = [
        (
            f"new_incident: creation to event ({figures['events']}/{figures['incidents']} events)",
            f"median {figures['latency_median_s'] * 1000:.0f} ms, "
            f"p95 {figures['latency_p95_s'] * 1000:.0f} ms, max {figures['latency_max_s'] * 1000:.0f} ms",
            f"interval {interval} s",
            f"max {figures['latency_max_s'] / (interval + 1):.2f}x target",
        )
    ]
    for name, found in figures["idle"].items():
        out.append(
            (
                f"{name}: requests per idle poll",
                f"{found['requests']} req / {found['polls']} polls",
                "1 req",
                f"{found['per_poll']}",
            )
        )
    return out
