"""Helpers of the incident feed tests: the plugin in process, a trigger on a thread, REST setup calls."""

from __future__ import annotations

import copy
import threading
import time
from pathlib import Path
from typing import Any

import requests

from actionkit.runtime import Plugin

ACCEPT = "application/vnd.pagerduty+json;version=2"


class Setup:
    """REST calls a test makes to the simulator on its own behalf (as the demo admin)."""

    def __init__(self, sim: Any):
        creds = sim.credentials()
        self.sim = sim
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Token token={creds['account_token']}",
                "From": creds["from_email"],
                "Accept": ACCEPT,
            }
        )
        self.services = {s["name"]: s["id"] for s in sim.state()["services"]}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.session.request(method, self.sim.url + path, json=body, timeout=10)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def incident(self, title: str, service: str = "Checkout API", **fields: Any) -> dict[str, Any]:
        ref = {"id": self.services[service], "type": "service_reference"}
        body = {"incident": {"type": "incident", "title": title, "service": ref, **fields}}
        return self.call("POST", "/incidents", body)["incident"]

    def update(self, incident: dict[str, Any], **fields: Any) -> None:
        self.call(
            "PUT", f"/incidents/{incident['id']}", {"incident": {"type": "incident_reference", **fields}}
        )


def plugin(tmp_path: Path) -> Plugin:
    (tmp_path / "cache").mkdir(exist_ok=True)
    return Plugin.load(
        "icon_pagerduty", state_dir=str(tmp_path / "cache"), stop_flag_path=str(tmp_path / "terminate.flag")
    )


def task_message(connection: dict, state: dict | None = None, **inp: Any) -> dict[str, Any]:
    body = {
        "task": "monitor_incidents",
        "meta": {},
        "connection": copy.deepcopy(connection),
        "input": inp,
        "state": state or {},
    }
    return {"type": "task_start", "version": "v1", "body": body}


class RunningTrigger:
    """A trigger run by ``Plugin.handle`` on a thread; ``events`` are the outputs it sent."""

    def __init__(
        self,
        plugin: Plugin,
        tmp_path: Path,
        connection: dict,
        name: str = "new_incident",
        trigger_id: str = "t-feed",
        dispatcher: Any = None,
        **inp: Any,
    ):
        self.flag = tmp_path / "terminate.flag"
        self.state = state_file(tmp_path, trigger_id)
        self.events: list[dict[str, Any]] = []
        self.result: Any = None
        body = {
            "trigger": name,
            "meta": {"triggerId": trigger_id},
            "connection": copy.deepcopy(connection),
            "input": {"interval": 1, **inp},
            "dispatcher": {"url": "http://127.0.0.1:9/unused"},
        }
        message = {"type": "trigger_start", "version": "v1", "body": body}
        collect = dispatcher or (lambda envelope: self.events.append(envelope["body"]["output"]))
        self.thread = threading.Thread(target=self._run, args=(plugin, message, collect), daemon=True)
        self.thread.start()

    def _run(self, plugin: Plugin, message: dict, collect: Any) -> None:
        try:
            self.result = plugin.handle(message, dispatcher=collect)
        except BaseException as exc:  # noqa: BLE001  (a simulated crash ends the thread; the test reads it)
            self.result = exc

    def started(self, timeout: float = 10.0) -> RunningTrigger:
        """Wait for its first poll: the state file holds the watermark (what exists is history)."""
        deadline = time.monotonic() + timeout
        while not self.state.exists() and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.01)
        assert self.state.exists(), f"the trigger saved no state: {self.result}"
        return self

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.02)
        return self.events

    def stop(self) -> Any:
        self.flag.touch()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the trigger did not stop"
        return self.result


def state_file(tmp_path: Path, trigger_id: str = "t-feed") -> Path:
    return tmp_path / "cache" / f"{trigger_id}.json"
