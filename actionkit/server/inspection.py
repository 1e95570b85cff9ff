"""The read-only routes: info, spec, the OpenAPI document, components and their schemas (§4.4)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from actionkit import specfile
from actionkit.server.web import Request, Response, json_response, problem, text_response

if TYPE_CHECKING:
    from actionkit.server.wsgi import App

__all__ = [
    "info", "plugin_spec", "spec", "api", "names", "detail", "action_definitions", "connection_schema",
    "schema_of",
]

YAML = "application/yaml"
UNSUPPORTED_FORMAT = {"error": "The specified format is not supported"}
CONNECTION_KEYS = ("properties", "required", "title", "type", "definitions")  # definitions: defect #14


def schema_of(package: str, kind: str | None, name: str | None = None) -> Any:
    """The generated schema module of a component, or of the connection (``kind`` None)."""
    module = f"{package}.connection.schema" if kind is None else f"{package}.{kind}s.{name}.schema"
    return importlib.import_module(module)


def info(app: App, request: Request) -> Response:
    data = dict(app.plugin.info)
    state = app.state
    workers = state.target_workers if state.master_pid > 0 else app.workers  # after workers/add|remove too
    data.update(number_of_workers=workers, threads=app.threads, sdk_version=app.sdk_version)
    return json_response(200, data)


def plugin_spec(app: App) -> specfile.PluginSpec:
    """The whole plugin.spec.yaml, read once; the manifest holds only an index of it."""
    plugin = app.plugin
    return specfile.load(plugin.package, getattr(plugin.manifest, "SPEC_SHA256", None))


def spec(app: App, request: Request) -> Response:
    wanted = request.arg("format", "json")
    if wanted not in ("json", "yaml"):
        return json_response(422, UNSUPPORTED_FORMAT)
    try:
        found = plugin_spec(app)
    except specfile.SpecFileError as exc:
        return problem(request, 500, str(exc))
    if wanted == "json":
        return json_response(200, found.data)
    return text_response(200, found.text, YAML)


def api(app: App, request: Request) -> Response:
    wanted = request.arg("format", "json")
    if wanted not in ("json", "yaml"):
        return json_response(422, UNSUPPORTED_FORMAT)
    document = app.openapi()
    if wanted == "json":
        return json_response(200, document)
    import yaml  # noqa: PLC0415  (only this rendering needs it)

    return text_response(200, yaml.safe_dump(document, sort_keys=False, allow_unicode=True), YAML)


def names(kind: str):
    def handler(app: App, request: Request) -> Response:
        return json_response(200, list(app.plugin.names(kind)))

    return handler


def detail(kind: str):
    """``{title, description, input, output}`` of a component in spec form (tasks: also schedule, state)."""

    def handler(app: App, request: Request, name: str) -> Response:
        if name not in app.plugin.names(kind):
            return json_response(400, {"error": f"{kind.capitalize()} {name} does not exist"})
        try:
            section = plugin_spec(app).data.get(f"{kind}s") or {}
        except specfile.SpecFileError as exc:
            return problem(request, 500, str(exc))
        if name not in section:
            return json_response(400, {"error": f"{kind.capitalize()} {name} does not exist"})
        component = section[name] or {}
        data = {
            "title": component.get("title", ""),
            "description": component.get("description", ""),
            "input": component.get("input") or {},
            "output": component.get("output") or {},
        }
        if kind == "task":
            data["schedule"] = component.get("schedule") or {}
            data["state"] = component.get("state") or {}
        return json_response(200, data)

    return handler


def action_definitions(app: App, request: Request) -> Response:
    package = app.plugin.package
    definitions = [
        {"identifier": name, "inputJsonSchema": schema_of(package, "action", name).Input.SCHEMA}
        for name in app.plugin.names("action")
    ]
    return json_response(200, {"actionsDefinitions": definitions})


def connection_schema(app: App, request: Request) -> Response:
    if not getattr(app.plugin.manifest, "CONNECTION", False):
        return json_response(200, {})
    schema = schema_of(app.plugin.package, None).Input.SCHEMA
    return json_response(200, {key: schema[key] for key in CONNECTION_KEYS if key in schema})
