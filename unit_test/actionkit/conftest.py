"""Fixtures of the runtime tests: the hello test plugin, its messages and a canary secret."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

HELLO_ROOT = Path(__file__).resolve().parent / "hello_plugin"
REPO_ROOT = HELLO_ROOT.parents[2]
if str(HELLO_ROOT) not in sys.path:
    sys.path.insert(0, str(HELLO_ROOT))

CANARY = "canary-7f3e9b2c41d8a6e5"  # the secret that must never appear in any envelope
CONNECTION = {"greeting": "Hello, {}!", "api_key": {"secretKey": CANARY}}


@pytest.fixture
def canary():
    return CANARY


@pytest.fixture
def hello_connection():
    return copy.deepcopy(CONNECTION)


@pytest.fixture
def hello_plugin(tmp_path):
    """The hello plugin, with trigger state and stop flag under a temporary directory."""
    from actionkit.runtime import Plugin

    (tmp_path / "cache").mkdir()
    return Plugin.load(
        "icon_hello", state_dir=str(tmp_path / "cache"), stop_flag_path=str(tmp_path / "terminate.flag")
    )


@pytest.fixture
def make_message():
    """``make_message("hello", {"name": "Ada"})``: an action_start with the canary connection."""

    def build(name="hello", inp=None, *, kind="action", connection=None, meta=None, **body):
        message_body = {kind: name, "meta": {"jobId": "j1"} if meta is None else meta,
                        "connection": copy.deepcopy(CONNECTION if connection is None else connection),
                        "input": {"name": "World"} if inp is None and name == "hello" else (inp or {})}
        message_body.update(body)
        return {"body": message_body, "type": f"{kind}_start", "version": "v1"}

    return build


def _run(command, stdin):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HELLO_ROOT), str(REPO_ROOT)])}
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture
def run_hello_cli():
    """Run ``bin/icon_hello ARGS`` with ``stdin``; returns the CompletedProcess (text mode)."""
    entry = str(HELLO_ROOT / "bin" / "icon_hello")
    return lambda *args, stdin="": _run([sys.executable, entry, *args], stdin)


@pytest.fixture
def run_hello_python():
    """Run ``python -c CODE`` with the hello plugin and actionkit importable."""
    return lambda code, stdin="": _run([sys.executable, "-c", code], stdin)
