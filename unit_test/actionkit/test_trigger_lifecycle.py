"""A trigger's life: where its state lives, sleeping between polls, and stopping on SIGTERM
without losing or repeating the event in flight."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

from actionkit.components import Trigger
from actionkit.runtime import Options, Plugin
from actionkit.triggers import MemoryDispatcher


def greet(make_message, count, trigger_id="t-1"):
    return make_message(
        "greet", {"name": "Ada", "count": count}, kind="trigger", meta={"triggerId": trigger_id}
    )


def test_the_state_directory_comes_from_the_environment_unless_given(monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIONKIT_STATE_DIR", str(tmp_path))
    assert Options().state_dir == str(tmp_path)
    assert Options(state_dir="/elsewhere").state_dir == "/elsewhere"
    monkeypatch.delenv("ACTIONKIT_STATE_DIR")
    assert Options().state_dir == "/workspace/cache"


def test_a_missing_state_directory_is_a_warning_in_the_log(make_message, tmp_path):
    plugin = Plugin.load("icon_hello", state_dir=str(tmp_path / "absent"), stop_flag_path="")
    events = MemoryDispatcher()
    plugin.handle(greet(make_message, 1), dispatcher=events)
    (event,) = events.envelopes  # the log since the start rides on the first event
    assert f"The trigger state directory {tmp_path / 'absent'} does not exist" in event["body"]["log"]


def test_wait_sleeps_the_interval_and_wakes_at_once_on_stop():
    trigger = Trigger()
    started = time.monotonic()
    assert trigger.wait(0.05) is True
    assert time.monotonic() - started >= 0.05
    threading.Timer(0.05, trigger.stop).start()
    started = time.monotonic()
    assert trigger.wait(30) is False
    assert time.monotonic() - started < 1


def test_sigterm_during_a_send_delivers_it_saves_and_stops(hello_plugin, make_message, tmp_path):
    """The kill lands between an emit and its save: the event counts once, the next is not sent."""
    before = signal.getsignal(signal.SIGTERM)
    delivered = []

    def dispatcher(envelope):
        delivered.append(envelope["body"]["output"])
        if len(delivered) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # what `docker stop` sends

    result = hello_plugin.handle(greet(make_message, 3), dispatcher=dispatcher)
    assert result.envelope["body"]["status"] == "ok"
    assert delivered == [{"message": "Hello, Ada!"}]
    assert json.loads((tmp_path / "cache" / "t-1.json").read_text()) == {"sent": 1}
    assert signal.getsignal(signal.SIGTERM) is before
