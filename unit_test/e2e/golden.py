"""Golden start messages, one per action, and the scenario that runs them in order.

The messages under ``messages/`` are what an orchestrator would send. ``${CONNECTION}`` and
``${USER_ID}`` are filled in at run time: the connection points at the simulator, and the
user ID is the one ``create_user`` returned earlier in the same scenario. The same messages
drive the CLI tests and the HTTP tests, so the two modes cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

MESSAGES = Path(__file__).parent / "messages"

# Each step reads what earlier steps produced, so the order is the scenario.
SCENARIO = (
    "create_user",
    "get_user_by_email",
    "get_user_by_id",
    "send_trigger_event",
    "send_acknowledge_event",
    "send_resolve_event",
    "delete_user_by_id",
)


def message(action: str, context: dict[str, Any]) -> dict[str, Any]:
    """The golden start message of ``action`` with its placeholders filled from ``context``."""
    return _fill(json.loads((MESSAGES / f"{action}.json").read_text()), context)


def run_scenario(send: Callable[[dict[str, Any]], dict[str, Any]], connection: dict[str, Any]) -> dict:
    """Send every golden message in order through ``send``; returns the envelopes by action."""
    context: dict[str, Any] = {"CONNECTION": connection}
    envelopes = {}
    for action in SCENARIO:
        envelope = send(message(action, context))
        envelopes[action] = envelope
        output = envelope["body"].get("output") or {}
        if action == "create_user" and "user" in output:
            context["USER_ID"] = output["user"]["id"]
    return envelopes


def _fill(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return context[value[2:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, context) for v in value]
    return value
