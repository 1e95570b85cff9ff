"""HTTP mode, in process: the read-only routes, the admin routes, and 404/405 as JSON."""

from __future__ import annotations

import pytest
import yaml

from actionkit.spec import load_spec
from unit_test.actionkit.server_helpers import HELLO_ROOT, make_app, wsgi_call

HELLO_SPEC = load_spec(HELLO_ROOT / "plugin.spec.yaml")  # read where it is: the manifest holds no copy


@pytest.fixture
def app(hello_plugin):
    return make_app(hello_plugin, workers=3, threads=5)[0]


def test_info_has_the_plugin_keys_and_the_server_size(app):
    reply = wsgi_call(app, "GET", "/api/v1/info")
    assert reply.status == 200
    info = reply.json()
    assert {key: info[key] for key in ("name", "title", "version", "vendor", "enable_cache")} == {
        "name": "hello", "title": "Hello", "version": "1.2.3", "vendor": "actionkit", "enable_cache": True}
    assert (info["number_of_workers"], info["threads"]) == (3, 5)
    assert isinstance(info["sdk_version"], str) and info["sdk_version"]


@pytest.mark.parametrize("query", ["", "?format=json"], ids=["default", "json"])
def test_spec_as_json(app, query):
    reply = wsgi_call(app, "GET", f"/api/v1/spec{query}")
    assert (reply.status, reply.json()) == (200, HELLO_SPEC.data)


def test_spec_as_yaml_is_the_raw_text(app):
    reply = wsgi_call(app, "GET", "/api/v1/spec?format=yaml")
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/yaml; charset=utf-8"
    assert reply.body.decode() == HELLO_SPEC.text


@pytest.mark.parametrize("path", ["/api/v1/spec?format=xml", "/api/v1/api?format=toml"], ids=["spec", "api"])
def test_an_unknown_format_is_422(app, path):
    reply = wsgi_call(app, "GET", path)
    assert (reply.status, reply.json()) == (422, {"error": "The specified format is not supported"})


def test_the_api_document_is_json_and_yaml(app):
    as_json = wsgi_call(app, "GET", "/api/v1/api")
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json()["openapi"] == "3.1.0"
    as_yaml = wsgi_call(app, "GET", "/api/v1/api?format=yaml")
    assert as_yaml.headers["content-type"] == "application/yaml; charset=utf-8"
    assert yaml.safe_load(as_yaml.body) == as_json.json()


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/api/v1/actions", ["hello", "fail", "bad_output", "nulls", "log_secret", "lookup"]),
        ("/api/v1/triggers", ["greet"]),
        ("/api/v1/tasks", []),
    ],
    ids=["actions", "triggers", "tasks"],
)
def test_component_lists_keep_spec_order(app, path, names):
    assert wsgi_call(app, "GET", path).json() == names


def test_a_component_detail_is_in_spec_form(app):
    reply = wsgi_call(app, "GET", "/api/v1/actions/hello")
    spec = HELLO_SPEC.data["actions"]["hello"]
    assert reply.json() == {"title": "Hello", "description": "Greet someone", "input": spec["input"],
                            "output": spec["output"]}


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/api/v1/actions/nope", "Action nope does not exist"),
        ("/api/v1/tasks/nope", "Task nope does not exist"),
    ],
    ids=["action", "task"],
)
def test_an_unknown_component_detail_is_400(app, path, error):
    reply = wsgi_call(app, "GET", path)
    assert (reply.status, reply.json()) == (400, {"error": error})


def test_action_definitions_carry_each_input_schema(app):
    from icon_hello.actions.fail.schema import Input

    definitions = wsgi_call(app, "GET", "/api/v1/definitions/actions").json()["actionsDefinitions"]
    names = [item["identifier"] for item in definitions]
    assert names == ["hello", "fail", "bad_output", "nulls", "log_secret", "lookup"]
    assert definitions[1]["inputJsonSchema"] == Input.SCHEMA


def test_the_connection_schema_keeps_its_definitions(app):
    schema = wsgi_call(app, "GET", "/api/v1/connection").json()
    assert sorted(schema) == ["definitions", "properties", "required", "title", "type"]
    assert schema["properties"]["api_key"]["$ref"] == "#/definitions/credential_secret_key"
    assert "credential_secret_key" in schema["definitions"]


@pytest.mark.parametrize("path", ["/api/v1/status", "/status"], ids=["v1", "legacy"])
def test_status_is_ready(app, path):
    assert wsgi_call(app, "GET", path).json() == {"status": "Ready"}


def test_workers_counts_the_live_workers(app):
    assert wsgi_call(app, "GET", "/api/v1/workers").json() == {"num_workers": 1}


AUTH = {"Authorization": "Bearer adm1n"}


@pytest.fixture
def admin_app(hello_plugin):
    return make_app(hello_plugin, api_token="adm1n")[0]


def test_workers_cannot_change_outside_gunicorn(admin_app):
    reply = wsgi_call(admin_app, "POST", "/api/v1/workers/add", headers=AUTH)
    assert (reply.status, reply.json()) == (
        501, {"error": "Workers can be added or removed only when served by `http` (gunicorn)."})


@pytest.mark.parametrize("path", ["/api/v1/admin/shutdown", "/api/v1/workers/add", "/api/v1/workers/remove",
                                  "/admin/shutdown"])
def test_admin_routes_are_off_without_a_token(app, path):
    reply = wsgi_call(app, "POST", path)
    assert reply.status == 403
    assert reply.json()["description"] == (
        "Admin routes are off: start the server with PLUGIN_API_TOKEN set and send "
        "'Authorization: Bearer <PLUGIN_API_TOKEN>' to use them.")
    assert wsgi_call(app, "GET", "/api/v1/status").json() == {"status": "Ready"}
    assert wsgi_call(app, "GET", "/api/v1/admin/status").json()["shutdown_initiated"] is False


def test_admin_status_before_and_after_shutdown(admin_app):
    status = "/api/v1/admin/status"
    assert wsgi_call(admin_app, "GET", status, headers=AUTH).json() == {
        "active_work": 0, "shutdown_initiated": False, "shutdown_safe": False}
    wsgi_call(admin_app, "POST", "/api/v1/admin/shutdown", headers=AUTH)
    assert wsgi_call(admin_app, "GET", status, headers=AUTH).json() == {
        "active_work": 0, "shutdown_initiated": True, "shutdown_safe": True}


def test_status_says_shutting_down_so_a_load_balancer_stops_sending(admin_app):
    wsgi_call(admin_app, "POST", "/api/v1/admin/shutdown", headers=AUTH)
    reply = wsgi_call(admin_app, "GET", "/api/v1/status")
    assert (reply.status, reply.json()) == (503, {"status": "Shutting down"})


def test_an_unknown_url_is_a_json_404(app):
    reply = wsgi_call(app, "GET", "/api/v1/nope?x=1")
    assert reply.status == 404
    assert reply.json() == {
        "code": 404, "description": "No route /api/v1/nope; GET /api/v1/api describes every route.",
        "method": "GET", "name": "Not Found", "response": None, "url": "http://127.0.0.1/api/v1/nope?x=1",
    }


def test_other_connection_routes_name_the_real_ones(app):
    reply = wsgi_call(app, "POST", "/api/v1/connection/nope", {"a": 1})
    assert (reply.status, reply.json()) == (404, {
        "error": "The connection routes are /api/v1/connection/test and /api/v1/connection/test_task.",
        "code": 404, "method": "POST", "name": "Not Found"})


def test_a_wrong_method_is_a_json_405_with_allow(app):
    reply = wsgi_call(app, "DELETE", "/api/v1/actions/hello")
    assert (reply.status, reply.headers["allow"]) == (405, "GET, POST, HEAD")
    assert reply.json() == {
        "code": 405, "description": "/api/v1/actions/hello answers GET, POST, HEAD only.", "method": "DELETE",
        "name": "Method Not Allowed", "response": None, "url": "http://127.0.0.1/api/v1/actions/hello",
    }


def test_triggers_cannot_start_over_http(app, make_message):
    message = make_message("greet", {"name": "Ada"}, kind="trigger")
    reply = wsgi_call(app, "POST", "/api/v1/triggers/greet", message)
    assert (reply.status, reply.headers["allow"]) == (405, "GET, HEAD")
    assert reply.json()["description"] == (
        "Triggers start only through the CLI (`run` with a trigger_start message); "
        "POST /api/v1/triggers/greet/test tests one."
    )


def test_head_answers_like_get_without_a_body(app):
    reply = wsgi_call(app, "HEAD", "/api/v1/status")
    assert (reply.status, reply.body) == (200, b"")
    assert reply.headers["content-length"] == str(len(wsgi_call(app, "GET", "/api/v1/status").body))


def test_a_broken_read_only_route_is_a_json_500(app, monkeypatch):
    monkeypatch.setattr(type(app.plugin), "names", lambda self, kind: 1 / 0)
    reply = wsgi_call(app, "GET", "/api/v1/actions")
    assert reply.status == 500
    assert reply.json()["description"] == (
        "The plugin server failed unexpectedly; its log has the details (look for this request's ID)."
    )


def test_cloud_mode_has_no_shutdown_and_no_cache(hello_plugin):
    app, _ = make_app(hello_plugin, cloud=True, track_work=False)
    assert wsgi_call(app, "POST", "/api/v1/admin/shutdown").status == 404
    assert wsgi_call(app, "GET", "/api/v1/admin/status").status == 404
    assert hello_plugin.cache.enabled is False
