"""GET /api/v1/api: a valid OpenAPI 3.1 document of every route, with the real schemas."""

from __future__ import annotations

import jsonschema
import pytest

from actionkit.server import routes
from actionkit.server.openapi import build
from unit_test.actionkit.server_helpers import make_app, wsgi_call


@pytest.fixture
def document(hello_plugin):
    return build(hello_plugin)


def _validates(document: dict, name: str, value) -> list[str]:
    """The errors of ``value`` against ``#/components/schemas/<name>`` of ``document``."""
    schema = {**document, "$ref": f"#/components/schemas/{name}"}
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(value)]


def test_the_document_is_valid_openapi_3_1(document):
    validator = pytest.importorskip("openapi_spec_validator",
                                    reason="openapi-spec-validator is not installed")
    validator.validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_route_is_described(hello_plugin, document):
    expected = set()
    for route in routes.ROUTES:
        if "*" in route.methods:
            continue  # /connection/{other}: the catch-all that explains the real connection routes
        kind = route.path.split("/")[1][:-1]
        names = list(hello_plugin.names(kind)) if "{name}" in route.path else [None]
        for name in names:
            path = "/api/v1" + (route.path.replace("{name}", name) if name else route.path)
            expected |= {(method.lower(), path) for method in route.methods}
    described = {(method, path) for path, item in document["paths"].items() for method in item}
    assert described == expected


def test_an_action_references_its_real_input_and_output(hello_plugin, document):
    from icon_hello.actions.hello.schema import Input, Output

    post = document["paths"]["/api/v1/actions/hello"]["post"]
    request = post["requestBody"]["content"]["application/json"]
    assert request["schema"] == {"$ref": "#/components/schemas/actions.hello.Start"}
    schemas = document["components"]["schemas"]
    assert schemas["actions.hello.Start"]["properties"]["body"]["properties"]["input"] == {
        "$ref": "#/components/schemas/actions.hello.Input"}
    person = schemas["actions.hello.Input"]["properties"]["person"]
    assert person["$ref"] == "#/components/schemas/types.person"
    assert schemas["types.person"] == Input.SCHEMA["definitions"]["person"]
    assert schemas["actions.hello.Output"]["properties"] == Output.SCHEMA["properties"]
    assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/actions.hello.Event"}
    assert _validates(document, "actions.hello.Start", request["example"]) == []


def test_a_real_response_matches_its_documented_schema(hello_plugin, make_message):
    app, _ = make_app(hello_plugin)
    document = wsgi_call(app, "GET", "/api/v1/api").json()
    good = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", {"name": "Ada"})).json()
    bad = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", {"name": 5})).json()
    assert _validates(document, "actions.hello.Event", good) == []
    assert _validates(document, "ErrorEnvelope", bad) == []


def test_a_wrong_input_breaks_the_documented_request_schema(document, make_message):
    errors = _validates(document, "actions.hello.Start", make_message("hello", {"name": 5}))
    assert errors == ["5 is not of type 'string'"]


def test_the_plugin_identity_titles_the_document(document):
    assert (document["info"]["title"], document["info"]["version"]) == ("Hello plugin", "1.2.3")


def test_cloud_mode_documents_no_shutdown(hello_plugin):
    assert "/api/v1/admin/shutdown" not in build(hello_plugin, cloud=True)["paths"]
