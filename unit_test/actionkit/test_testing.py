"""actionkit.testing: the harness plugin tests use, and the one-line conformance check."""

from __future__ import annotations

import pytest

from actionkit.errors import UpstreamError
from actionkit.testing import PluginHarness, check_plugin


@pytest.fixture
def harness(hello_connection):
    return PluginHarness("icon_hello", connection=hello_connection)


def test_run_action_returns_the_output(harness):
    assert harness.run_action("hello", {"name": "Ada"}) == {"message": "Hello, Ada!", "count": 1}


def test_run_action_raises_the_steps_error(harness):
    with pytest.raises(UpstreamError, match=r"^Failing with upstream as asked\.$"):
        harness.run_action("fail", {"kind": "upstream"})


def test_test_connection(harness):
    assert harness.test_connection() == {"success": True}


def test_run_trigger_collects_the_events(harness):
    events, result = harness.run_trigger("greet", {"name": "Ada", "count": 3})
    assert (events, result.envelope["body"]["output"]) == ([{"message": "Hello, Ada!"}] * 3, {"sent": 3})


def test_the_hello_plugin_conforms():
    assert check_plugin("icon_hello") == []


def test_conformance_problems_are_listed(monkeypatch):
    from icon_hello.actions.hello import schema

    monkeypatch.setitem(schema.Input.EXAMPLE, "times", "many")
    monkeypatch.delattr(schema, "Output")
    assert check_plugin("icon_hello") == [
        "action hello input example.times: expected integer, got string",
        "action hello: icon_hello.actions.hello.schema has no Output class",
    ]
