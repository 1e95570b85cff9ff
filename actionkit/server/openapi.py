"""The OpenAPI 3.1 document of HTTP mode, generated from the plugin's spec and schemas.

Every route of ``actionkit.server.routes`` is described under ``/api/v1`` (each also answers
without the prefix). Each component gets its own paths, so each request and response envelope
references that component's real ``Input`` and ``Output`` JSON schemas, with an example built
from the spec's examples. The schemas' ``definitions`` (custom and built-in types) become
``components/schemas/types.<name>``.
"""

from __future__ import annotations

import copy
from typing import Any

from actionkit.server.inspection import schema_of

__all__ = ["build"]

PREFIX = "/api/v1"
KINDS = ("action", "trigger", "task")
REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _json(schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _answer(description: str, schema: dict[str, Any] | None = None, example: Any = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = _json(schema, example)
    return answer


class _Builder:
    def __init__(self, plugin: Any, secured: bool, cloud: bool):
        self.plugin = plugin
        self.secured = secured
        self.cloud = cloud
        self.schemas: dict[str, Any] = dict(_COMMON_SCHEMAS)
        self.paths: dict[str, Any] = {}
        self.has_connection = bool(getattr(plugin.manifest, "CONNECTION", False))
        self.connection_example: dict[str, Any] = {}

    # -- schemas ---------------------------------------------------------------------------------

    def add_schema(self, name: str, schema: dict[str, Any]) -> None:
        """Add a generated JSON schema, moving its definitions to shared ``types.<name>`` schemas."""
        schema = copy.deepcopy(schema)
        for key in ("$schema", "$id"):
            schema.pop(key, None)
        definitions = schema.pop("definitions", None) or {}
        for type_name, definition in definitions.items():
            self.schemas.setdefault(f"types.{type_name}", _rewrite(definition))
        self.schemas[name] = _rewrite(schema) if schema else {"type": "object"}

    def envelope(self, name: str, message_type: str, body: dict[str, Any], required: list[str]) -> None:
        self.schemas[name] = {
            "type": "object",
            "required": ["body", "type", "version"],
            "properties": {
                "body": {"type": "object", "required": required, "properties": body},
                "type": {"const": message_type},
                "version": {"const": "v1"},
            },
        }

    # -- paths -----------------------------------------------------------------------------------

    def operation(self, path: str, method: str, tag: str, summary: str, responses: dict[str, Any],
                  request: dict[str, Any] | None = None, **extra: Any) -> None:
        operation: dict[str, Any] = {"tags": [tag], "summary": summary,
                                     "operationId": _operation_id(method, path)}
        operation.update(extra)
        if request is not None:
            operation["requestBody"] = {"required": True, "content": request}
            responses = {**responses, "413": _answer("The body is over the size limit", _ref("Problem"))}
        if self.secured and path != f"{PREFIX}/status":
            responses = {**responses, "401": _answer("The bearer token is missing or wrong", _ref("Problem"))}
        elif path == f"{PREFIX}/status":
            operation["security"] = []
        operation["responses"] = responses
        self.paths.setdefault(path, {})[method] = operation

    def components(self) -> None:
        package = self.plugin.package
        if self.has_connection:
            connection = schema_of(package, None).Input
            self.add_schema("Connection", connection.SCHEMA)
            self.connection_example = copy.deepcopy(connection.EXAMPLE)
        else:
            self.schemas["Connection"] = {"type": "object"}
        for kind in KINDS:
            names = self.plugin.names(kind)
            plural = f"{kind}s"
            listing = {"type": "array", "items": {"enum": list(names)}} if names else {"type": "array",
                                                                                      "maxItems": 0}
            self.operation(f"{PREFIX}/{plural}", "get", plural, f"The names of the {plural}",
                           {"200": _answer("Names, in spec order", listing)})
            for name, about in names.items():
                self.component(kind, name, about)

    def component(self, kind: str, name: str, about: dict[str, Any]) -> None:
        module = schema_of(self.plugin.package, kind, name)
        base = f"{kind}s.{name}"
        self.add_schema(f"{base}.Input", module.Input.SCHEMA)
        self.add_schema(f"{base}.Output", module.Output.SCHEMA)
        start = f"{kind}_start"
        body = {kind: {"const": name}, "meta": _ref("Meta"), "connection": _ref("Connection"),
                "input": _ref(f"{base}.Input")}
        if kind == "trigger":
            body["dispatcher"] = {"type": "object", "properties": {"url": {"type": "string"},
                                                                   "webhook_url": {"type": "string"}}}
        if kind == "task":
            body["state"] = {"type": "object"}
        self.envelope(f"{base}.Start", start, body, [kind])
        example = {"type": start, "version": "v1", "body": {
            kind: name, "meta": {}, "connection": self.connection_example,
            "input": copy.deepcopy(module.Input.EXAMPLE)}}
        request = _json(_ref(f"{base}.Start"), example)
        title, description = about.get("title", name), about.get("description", "")
        path = f"{PREFIX}/{kind}s/{name}"
        failures = {"400": _answer("A bad message or input, or an error the plugin raised on purpose "
                                   "(body.exception says which)", _ref("ErrorEnvelope")),
                    "500": _answer("A defect of the plugin", _ref("ErrorEnvelope"))}
        self.operation(path, "get", f"{kind}s", f"{title}: its spec",
                       {"200": _answer("Title, description, input and output in spec form", _ref("Detail"))})
        if kind != "trigger":
            event = f"{kind}_event"
            output: dict[str, Any] = {"log": {"type": "string"}, "status": {"const": "ok"},
                                      "meta": _ref("Meta"), "output": _ref(f"{base}.Output")}
            if kind == "task":
                output.update(state={"type": "object"}, has_more_pages={"type": "boolean"},
                              status_code={"type": "integer"}, exception=_ref("Exception"))
            self.envelope(f"{base}.Event", event, output, ["log", "status", "meta", "output"])
            responses = {"200": _answer("The step succeeded", _ref(f"{base}.Event")), **failures}
            if kind == "action":
                responses["503"] = _answer("The server is shutting down", _ref("ErrorEnvelope"))
            self.operation(path, "post", f"{kind}s", f"Run {title}", responses, request,
                           description=description)
        self.operation(f"{path}/test", "post", f"{kind}s", f"Test {title}",
                       {"200": _answer("The test passed (the connection's test when it has one)",
                                       _ref("TestEnvelope")),
                        **failures, "501": _answer("Nothing to test", _ref("ErrorEnvelope"))},
                       request)

    def connection_routes(self) -> None:
        body = {"meta": _ref("Meta"), "connection": _ref("Connection")}
        self.envelope("ConnectionTest", "connection_test", body, [])
        example = {"type": "connection_test", "version": "v1",
                   "body": {"meta": {}, "connection": self.connection_example}}
        request = _json(_ref("ConnectionTest"), example)
        failed = _answer("The connection was rejected", _ref("ErrorEnvelope"))
        schema = _answer("properties, required, title, type and definitions", {"type": "object"})
        self.operation(f"{PREFIX}/connection", "get", "connection", "The connection's JSON schema",
                       {"200": schema})
        self.operation(f"{PREFIX}/connection/test", "post", "connection", "Test the connection", {
            "200": _answer("The test passed", _ref("TestEnvelope")),
            "204": _answer("The test passed and returned nothing"),
            "400": failed, "500": _answer("A defect of the plugin", _ref("ErrorEnvelope")),
            "501": _answer("The connection defines no test", _ref("ErrorEnvelope")),
        }, request)
        self.operation(f"{PREFIX}/connection/test_task", "post", "connection",
                       "The task-aware connection test (not supported: always 501)",
                       {"400": failed, "501": _answer("No task-aware test", _ref("ErrorEnvelope"))}, request)

    def plugin_routes(self) -> None:
        unsupported = _answer("An unknown format", _ref("Error"))
        # The YAML text describes the same object as the JSON (a YAML-aware client parses it into one).
        both = {**_json({"type": "object"}), "application/yaml": {"schema": {"type": "object"}}}
        spec = {"description": "The spec as JSON, or its YAML text", "content": both}
        api = {"description": "OpenAPI 3.1, as JSON or YAML", "content": both}
        workers = _answer("The number of worker processes", _object(num_workers={"type": "integer"}))
        add = [
            ("get", "/info", "plugin", "The plugin's identity and the server's size",
             {"200": _answer("Plugin metadata", _ref("Info"))}, {}),
            ("get", "/spec", "plugin", "The whole plugin.spec.yaml",
             {"200": spec, "422": unsupported}, {"parameters": _FORMAT}),
            ("get", "/api", "plugin", "This document",
             {"200": api, "422": unsupported}, {"parameters": _FORMAT}),
            ("get", "/definitions/actions", "plugin", "Every action's input JSON schema",
             {"200": _answer("actionsDefinitions", _DEFINITIONS)}, {}),
            ("get", "/status", "admin", "Liveness (no token needed)",
             {"200": _answer("Ready", _object(status={"const": "Ready"})),
              "503": _answer("Shutting down", _object(status={"const": "Shutting down"}))}, {}),
            ("get", "/workers", "admin", "Live worker processes", {"200": workers}, {}),
            ("get", "/admin/status", "admin", "Work in flight and shutdown state",
             {"200": _answer("Counts over every worker", _ADMIN_STATUS)}, {}),
        ]
        admin_off = {"403": _answer("Admin routes are off: no PLUGIN_API_TOKEN", _ref("Problem"))}
        count = _object(error=_STRING, num_workers={"type": "integer"})
        changes = {"200": workers, **admin_off, "409": _answer("Refused; the count is unchanged", count),
                   "501": _answer("Not served by gunicorn", _ref("Error")),
                   "503": _answer("Not confirmed in time", count)}
        for change in ("add", "remove"):
            add.append(("post", f"/workers/{change}", "admin", f"Ask the server to {change} a worker",
                        changes, {}))
        if not self.cloud:
            add.append(("post", "/admin/shutdown", "admin", "Refuse new action runs (503) from now on",
                        {"200": _answer("Accepted", _object(message=_STRING)), **admin_off}, {}))
        for method, path, tag, summary, responses, extra in add:
            self.operation(PREFIX + path, method, tag, summary, responses, **extra)

    def document(self) -> dict[str, Any]:
        self.components()
        self.connection_routes()
        self.plugin_routes()
        info = self.plugin.info
        document: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {
                "title": f"{info.get('title', self.plugin.package)} plugin",
                "version": str(info.get("version", "")),
                "description": (
                    f"{info.get('description', '')}\n\nEvery route also answers without the /api/v1 prefix. "
                    "Envelope routes take and return the InsightConnect message envelope."
                ),
            },
            "paths": dict(sorted(self.paths.items())),
            "components": {"schemas": self.schemas},
        }
        if self.secured:
            document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            document["security"] = [{"bearer": []}]
        return document


def build(plugin: Any, *, secured: bool = False, cloud: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``plugin``'s server (``secured``: a bearer token is required)."""
    return _Builder(plugin, secured, cloud).document()


def _rewrite(value: Any) -> Any:
    """Point ``#/definitions/x`` references at ``#/components/schemas/types.x``."""
    if isinstance(value, dict):
        out = {key: _rewrite(item) for key, item in value.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            out["$ref"] = REF + "types." + ref[len("#/definitions/"):]
        return out
    if isinstance(value, list):
        return [_rewrite(item) for item in value]
    return value


def _operation_id(method: str, path: str) -> str:
    words = [part for part in path[len(PREFIX):].split("/") if part]
    return "_".join([method, *words])


_STRING = {"type": "string"}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


_FORMAT = [{"name": "format", "in": "query", "required": False,
            "schema": {"enum": ["json", "yaml"], "default": "json"}}]
_DEFINITIONS = _object(actionsDefinitions={"type": "array", "items": _object(
    identifier=_STRING, inputJsonSchema={"type": "object"})})
_ADMIN_STATUS = _object(active_work={"type": "integer"}, shutdown_initiated={"type": "boolean"},
                        shutdown_safe={"type": "boolean"})
_COMMON_SCHEMAS: dict[str, Any] = {
    "Meta": {"type": ["object", "null"], "description": "Opaque; echoed back in the response"},
    "Exception": {"type": "object", "required": ["cause", "assistance", "data"],
                  "properties": {"cause": _STRING, "assistance": _STRING, "data": _STRING}},
    "ErrorEnvelope": {
        "type": "object",
        "required": ["body", "type", "version"],
        "properties": {
            "body": {"type": "object", "required": ["log", "status", "meta", "error", "exception"],
                     "properties": {"log": _STRING, "status": {"const": "error"}, "meta": _ref("Meta"),
                                    "error": _STRING, "exception": _ref("Exception")}},
            "type": {"type": ["string", "null"]},
            "version": {"const": "v1"},
        },
    },
    "TestEnvelope": {
        "type": "object",
        "required": ["body", "type", "version"],
        "properties": {
            "body": {"type": "object", "properties": {"log": _STRING, "status": {"const": "ok"},
                                                      "meta": _ref("Meta"), "output": {}}},
            "type": _STRING,
            "version": {"const": "v1"},
        },
    },
    "Detail": {"type": "object", "required": ["title", "description", "input", "output"],
               "properties": {"title": _STRING, "description": _STRING, "input": {"type": "object"},
                              "output": {"type": "object"}, "schedule": {"type": "object"},
                              "state": {"type": "object"}}},
    "Info": {"type": "object", "properties": {
        key: _STRING for key in ("name", "title", "description", "version", "vendor", "plugin_spec_version",
                                 "support", "sdk_version")} | {
        "tags": {"type": "array", "items": _STRING}, "enable_cache": {"type": "boolean"},
        "number_of_workers": {"type": "integer"}, "threads": {"type": "integer"}}},
    "Problem": {"type": "object", "required": ["code", "description", "method", "name", "response", "url"],
                "properties": {"code": {"type": "integer"}, "description": _STRING, "method": _STRING,
                               "name": _STRING, "response": {"type": "null"}, "url": _STRING}},
    "Error": {"type": "object", "required": ["error"], "properties": {"error": _STRING}},
}
