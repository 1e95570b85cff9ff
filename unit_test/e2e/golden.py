"""Golden messages: for every action, a start message that runs alone against a fresh demo simulator.

A file ``messages/<action>.json`` (more cases: ``messages/<action>.<case>.json``) holds::

    {"setup":   [{"action": "send_trigger_event", "input": {"incident_key": "web-01/disk", ...}}],
     "message": {"type": "action_start", "version": "v1",
                 "body": {"action": "send_acknowledge_event", "meta": {"jobId": "golden-2"},
                          "connection": "${CONNECTION}", "input": {"incident_key": "web-01/disk"}}},
     "expect":  {"incident_key": "web-01/disk"},
     "effects": {"incidents": [{"incident_key": "web-01/disk", "status": "acknowledged"}]}}

``message`` is what an orchestrator sends. ``setup`` (optional) lists actions run first, in
order, each of which must succeed. ``expect`` (optional) is part of the output: every key given
must be there with that value (dicts compared the same way, lists item by item). ``effects``
(optional) names records that must be in the simulator afterwards (``sim.state()``), each given
by some of its fields. Placeholders, in any string, are filled just before use:

- ``${CONNECTION}``: the connection to the simulator (an account key, a requester, a routing key);
  ``${CONNECTION:user_token}``: the same with another of the simulator's keys (``user_token``,
  ``read_only_token``, ``observer_token``...);
- ``${users:Uma User}``: the ID of the record of ``users`` whose name, email, title or key is
  ``Uma User`` (``${users:Uma User:email}``: another of its fields), from the demo seed or setup;
- ``${setup.0.user.id}``: a value of the output of setup step 0.

A placeholder that is the whole string gives the value itself (an object, a number); inside
a longer string it gives its text. The same files drive the CLI tests and the HTTP tests.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

MESSAGES = Path(__file__).parent / "messages"
PACKAGE = "icon_pagerduty"
KEYS = {"setup", "message", "expect", "effects"}
LOOKUP_FIELDS = ("name", "email", "title", "incident_key", "summary")
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Golden:
    """One golden message file."""

    name: str  # the file name without .json: the action, or "<action>.<case>"
    message: dict[str, Any]
    setup: list[dict[str, Any]] = field(default_factory=list)
    expect: dict[str, Any] | None = None
    effects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.name.split(".")[0]


def spec_actions() -> list[str]:
    """The actions of the plugin, from the generated component index."""
    from icon_pagerduty import manifest

    return list(manifest.ACTIONS)


def files() -> dict[str, Path]:
    """Every golden file by name (``create_user``, ``create_user.if_exists``...)."""
    return {path.name[: -len(".json")]: path for path in sorted(MESSAGES.glob("*.json"))}


def names() -> list[str]:
    """What the golden tests run: every golden file, and every action without one (which fails)."""
    found = files()
    missing = [action for action in spec_actions() if not any(n.split(".")[0] == action for n in found)]
    return sorted([*found, *missing])


def load(name: str) -> Golden:
    path = MESSAGES / f"{name}.json"
    if not path.is_file():
        raise AssertionError(f"action '{name}' has no golden message: write "
                             f"unit_test/e2e/messages/{name}.json (the format is in unit_test/e2e/golden.py)")
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(data) - KEYS)
    if unknown or "message" not in data:
        raise AssertionError(f"{path.name}: the keys are {sorted(KEYS)}, 'message' required; "
                             f"found {sorted(data)}")
    golden = Golden(name, data["message"], data.get("setup") or [], data.get("expect"),
                    data.get("effects") or {})
    if golden.message.get("body", {}).get("action") != golden.action:
        raise AssertionError(f"{path.name}: its message must start action '{golden.action}'")
    return golden


class Context:
    """The values of the placeholders: the connection, the simulator's records, setup outputs."""

    def __init__(self, sim: Any, connection: dict[str, Any]):
        self.sim = sim
        self.connection = connection
        self.outputs: list[Any] = []

    def fill(self, value: Any) -> Any:
        state: dict[str, Any] = {}  # read once per fill, after the setup steps it may depend on
        return self._fill(value, state)

    def _fill(self, value: Any, state: dict[str, Any]) -> Any:
        if isinstance(value, dict):
            return {key: self._fill(item, state) for key, item in value.items()}
        if isinstance(value, list):
            return [self._fill(item, state) for item in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        whole = _PLACEHOLDER.fullmatch(value)
        if whole:
            return self._resolve(whole.group(1), state)
        return _PLACEHOLDER.sub(lambda found: str(self._resolve(found.group(1), state)), value)

    def _resolve(self, token: str, state: dict[str, Any]) -> Any:
        if token == "CONNECTION":
            return self.connection
        if token.startswith("CONNECTION:"):
            key = self.sim.credentials()[token.split(":", 1)[1]]
            return {**self.connection, "api_key": {"secretKey": key}}
        if token.startswith("setup."):
            return _walk(self.outputs, token.split(".")[1:], token)
        if ":" in token:
            if not state:
                state.update(self.sim.state())
            return _lookup(state, token)
        raise AssertionError(f"unknown placeholder ${{{token}}}: use ${{CONNECTION}}, ${{setup.N.path}} "
                             "or ${collection:name[:field]}")


def _walk(value: Any, steps: list[str], token: str) -> Any:
    for step in steps:
        try:
            value = value[int(step)] if isinstance(value, list) else value[step]
        except (KeyError, IndexError, ValueError, TypeError):
            raise AssertionError(f"${{{token}}}: no '{step}' in {json.dumps(value)[:300]}") from None
    return value


def _lookup(state: dict[str, Any], token: str) -> Any:
    collection, _, rest = token.partition(":")
    key, _, wanted = rest.partition(":")
    records = state.get(collection)
    if not isinstance(records, list):
        raise AssertionError(f"${{{token}}}: the simulator has no collection '{collection}'")
    for record in records:
        if any(record.get(name) == key for name in LOOKUP_FIELDS):
            return record[wanted or "id"]
    known = [record.get("name") or record.get("summary") for record in records]
    raise AssertionError(f"${{{token}}}: no record '{key}' in {collection}; there are: {known}")


@dataclass
class Run:
    """One message through the CLI in process: the exit code, the envelope and what was printed."""

    exit_code: int
    envelope: dict[str, Any]
    stdout: str
    stderr: str


def cli_in_process(message: dict[str, Any], monkeypatch: Any, debug: bool = False) -> Run:
    """``icon_pagerduty [--debug] run`` with ``message`` on stdin, through the CLI entry point, in
    this process."""
    from actionkit.cli import run_cli

    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(message).encode("utf-8")), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdin", stdin)
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        try:
            run_cli(PACKAGE, ["--debug", "run"] if debug else ["run"])
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
    text = stdout.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1, text
    return Run(code, json.loads(text), text, stderr.getvalue())


def prepare(golden: Golden, context: Context, send: Callable[[dict[str, Any]], Run]) -> dict[str, Any]:
    """Run the setup steps through ``send``; returns the golden's message, filled."""
    for number, step in enumerate(golden.setup):
        body = {"action": step["action"], "meta": {}, "connection": "${CONNECTION}",
                "input": step.get("input", {})}
        run = send(context.fill({"type": "action_start", "version": "v1", "body": body}))
        assert run.exit_code == 0, f"{golden.name}: setup {number} ({step['action']}) failed: {run.envelope}"
        context.outputs.append(run.envelope["body"]["output"])
    return context.fill(golden.message)


def check(golden: Golden, context: Context, message: dict[str, Any], envelope: dict[str, Any]) -> None:
    """The envelope succeeded, echoes the meta, and its output is valid, expected and took effect."""
    body = envelope["body"]
    assert (envelope["type"], body["status"]) == ("action_event", "ok"), body.get("error")
    assert body["meta"] == message["body"].get("meta", {})
    schema = importlib.import_module(f"{PACKAGE}.actions.{golden.action}.schema").Output.SCHEMA
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft202012Validator(schema).iter_errors(body["output"])]
    assert errors == [], f"{golden.name}: the output does not match the action's output schema"
    if golden.expect is not None:
        problems = mismatches(context.fill(golden.expect), body["output"])
        assert problems == [], f"{golden.name}: the output is not what the golden expects"
    if golden.effects:
        state = context.sim.state()
        for collection, records in context.fill(golden.effects).items():
            for record in records:
                if not any(not mismatches(record, item) for item in state[collection]):
                    seen = [{key: item.get(key) for key in record} for item in state[collection]]
                    raise AssertionError(f"{golden.name}: no record {record} in {collection}; "
                                         f"there are {seen}")


def mismatches(expected: Any, actual: Any, where: str = "output") -> list[str]:
    """Where ``actual`` differs from ``expected``: dicts need the expected keys only, lists the same
    length with each item matching, anything else equality."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key} is missing")
            else:
                problems += mismatches(value, actual[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [problem for index, (want, got) in enumerate(zip(expected, actual, strict=True))
                for problem in mismatches(want, got, f"{where}[{index}]")]
    if expected == actual:
        return []
    return [f"{where} is {json.dumps(actual)[:200]}, not {json.dumps(expected)}"]
