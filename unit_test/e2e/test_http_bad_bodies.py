"""Bodies that are JSON but not a message, posted to every kind of route of the plugin's server.

`make fuzz` found a JSON array posted to a task's run route answering 500; every route must answer
400 with an envelope that says the message must be a JSON object.
"""

from __future__ import annotations

import io

import pytest

from actionkit.runtime import Plugin
from actionkit.server import create_app
from unit_test.actionkit.server_helpers import wsgi_call

ROUTES = ["/api/v1/actions/get_user_by_id", "/api/v1/actions/get_user_by_id/test",
          "/api/v1/tasks/monitor_incidents", "/api/v1/triggers/new_incident/test",
          "/api/v1/connection/test", "/api/v1/connection/test_task"]


@pytest.fixture(scope="module")
def app():
    return create_app(Plugin.load("icon_pagerduty"), log_stream=io.StringIO())


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("body", [b"[null, null]", b"7", b"true"], ids=["array", "number", "boolean"])
def test_a_body_that_is_not_an_object_is_a_400_naming_the_problem(app, route, body):
    reply = wsgi_call(app, "POST", route, body)
    assert reply.status == 400, (route, reply.json())
    assert reply.json()["body"]["exception"]["cause"].startswith("The message must be a JSON object"), route
