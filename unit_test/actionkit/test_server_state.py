"""Server settings and the state shared by gunicorn workers (slots in shared memory, across fork)."""

from __future__ import annotations

import json
import os

import pytest

from actionkit.server.gunicorn_app import ConfigProblem, gunicorn_settings
from actionkit.server.state import ServerState

SHEDDING = "actionkit.server.shedding.SheddingWorker"


def _in_child(action) -> None:
    """Run ``action()`` in a forked child, as gunicorn runs a worker, and wait for it."""
    pid = os.fork()
    if pid == 0:
        try:
            action()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def test_a_worker_forked_after_the_state_is_counted_by_everyone():
    state = ServerState(slots=4)
    slots = [state.reserve(), state.reserve()]
    for slot in slots:
        _in_child(lambda slot=slot: state.join(slot))  # each "worker" claims its slot, then exits
    assert state.workers() == 2  # the master has not reaped them yet: they still count
    state.release(slots[0])
    assert state.workers() == 1


def test_shutdown_asked_of_one_worker_is_seen_by_the_others():
    state = ServerState(slots=2)
    _in_child(state.initiate_shutdown)
    assert state.shutdown_initiated is True


def test_work_in_flight_is_summed_over_workers_and_dropped_with_a_dead_one():
    state = ServerState(slots=2)
    child_slot = state.reserve()

    def busy_worker():
        state.join(child_slot)
        state.begin_work()
        state.begin_work()

    _in_child(busy_worker)
    state.join(state.reserve())
    state.begin_work()
    assert state.active_work() == 3
    state.release(child_slot)  # reaped: its unfinished work is gone with it
    assert state.active_work() == 1
    state.end_work()
    assert state.active_work() == 0


def test_a_reserved_slot_is_not_free_and_a_full_table_says_so():
    state = ServerState(slots=1)
    assert (state.reserve(), state.reserve()) == (0, -1)


def test_standalone_state_is_one_worker():
    state = ServerState.standalone()
    assert (state.workers(), state.target_workers, state.master_pid) == (1, 1, 0)


# -- gunicorn settings ------------------------------------------------------------------------

def test_flags_become_gunicorn_settings_with_threaded_workers():
    settings, warnings = gunicorn_settings(10001, 2, 8, "sync", 200, 30, False, environ={})
    assert settings == {"bind": "0.0.0.0:10001", "workers": 2, "threads": 8, "worker_class": SHEDDING,
                        "worker_connections": 200, "graceful_timeout": 30, "loglevel": "info"}
    assert warnings == []


def test_actionkit_bind_narrows_the_address_and_debug_the_log_level():
    settings, _ = gunicorn_settings(8080, debug=True, environ={"ACTIONKIT_BIND": "127.0.0.1"})
    assert (settings["bind"], settings["loglevel"]) == ("127.0.0.1:8080", "debug")


def test_an_ipv6_bind_address_gets_brackets():
    settings, _ = gunicorn_settings(8080, environ={"ACTIONKIT_BIND": "::1"})
    assert settings["bind"] == "[::1]:8080"


def test_a_config_file_replaces_every_flag(tmp_path):
    path = tmp_path / "any" / "name.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"bind": "127.0.0.1:9", "threads": 2, "loglevel": "debug", "preload": 1}))
    settings, warnings = gunicorn_settings(10001, 5, 5, environ={"GUNICORN_CONFIG_FILE": str(path),
                                                                 "ACTIONKIT_BIND": "10.0.0.1"})
    assert settings == {"bind": "127.0.0.1:9", "workers": 1, "threads": 2, "worker_class": SHEDDING,
                        "worker_connections": 200, "graceful_timeout": 30, "loglevel": "debug"}
    assert warnings == [f"{path}: ignoring settings preload"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1]", "GUNICORN_CONFIG_FILE {path}: must hold a JSON object of settings."),
        ("{", "GUNICORN_CONFIG_FILE {path}: not valid JSON "
              "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))."),
        ('{"workers": 0}', "workers must be a whole number of at least 1, not 0."),
        ('{"worker_class": "eventlet"}', "worker_class must be sync, gthread or gevent, not 'eventlet'."),
    ],
    ids=["not-object", "not-json", "no-workers", "worker-class"],
)
def test_a_bad_config_file_is_one_clear_line(tmp_path, content, message):
    path = tmp_path / "gunicorn.json"
    path.write_text(content)
    with pytest.raises(ConfigProblem) as raised:
        gunicorn_settings(environ={"GUNICORN_CONFIG_FILE": str(path)})
    assert str(raised.value) == message.format(path=path)


def test_gevent_without_gevent_says_what_to_use(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigProblem, match=r"^worker_class gevent needs the gevent package, which is not "
                                            r"installed; use sync \(threads\)\.$"):
        gunicorn_settings(worker_class="gevent", environ={})
