"""The declarative store: a new resource is one ``Resource(...)`` and gets its REST routes for free."""

import json

import pytest

from pagerduty_sim.app import App
from pagerduty_sim.store import Field, Query, Resource
from pagerduty_sim.wire import Request

WIDGETS = Resource(
    plural="widgets",
    singular="widget",
    fields=(
        Field("name", required=True, max_len=20),
        Field("size", "int", default=1, nullable=False),
        Field("owner", "ref", target="users", default=None),
    ),
    html_path="widgets",
)


@pytest.fixture
def app():
    app = App(seed="demo", extra_resources=(WIDGETS,))
    app.settings.rate_limit_enabled = False
    return app


@pytest.fixture
def call(app):
    headers = {
        "authorization": f"Token token={app.credentials['user_token']}",
        "content-type": "application/json",
    }

    def call(method, path, body=None, query=None):
        request = Request(
            method, path, Query(query or {}), headers, json.dumps(body).encode() if body else b""
        )
        response = app.handle(request)
        return response.status, json.loads(response.body) if response.body else None

    return call


def test_declared_resource_gets_crud_routes(app, call):
    owner = next(iter(app.store.table("users")))
    status, body = call(
        "POST", "/widgets", {"widget": {"name": "Gear", "owner": {"id": owner, "type": "user"}}}
    )
    assert status == 201
    widget = body["widget"]
    assert (widget["type"], widget["size"], widget["owner"]["type"]) == ("widget", 1, "user_reference")
    assert call("PUT", f"/widgets/{widget['id']}", {"widget": {"size": 3}})[1]["widget"]["size"] == 3
    assert call("GET", "/widgets", query={"query": ["gea"]})[1]["widgets"][0]["id"] == widget["id"]
    assert call("DELETE", f"/widgets/{widget['id']}") == (204, None)
    assert call("GET", f"/widgets/{widget['id']}")[0] == 404


def test_declared_fields_are_checked(call):
    status, body = call("POST", "/widgets", {"widget": {"name": "x" * 21, "size": "big"}})
    assert status == 400
    assert body["error"]["errors"] == [
        "Name is too long (maximum is 20 characters)",
        "Size must be an integer",
    ]


def test_declared_references_must_exist(call):
    status, body = call(
        "POST", "/widgets", {"widget": {"name": "Gear", "owner": {"id": "PNOPE12", "type": "user"}}}
    )
    assert (status, body["error"]["errors"]) == (400, ["User PNOPE12 not found"])


def test_reset_replays_the_same_ids():
    first, second = App(seed="demo"), App(seed="demo")
    second.reset()
    assert first.credentials == second.credentials
    assert list(first.store.table("users")) == list(second.store.table("users"))
