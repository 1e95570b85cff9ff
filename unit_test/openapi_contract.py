"""Checks requests and responses against PagerDuty's official OpenAPI documents.

The documents are internal test data read in place from ``../shared/pagerduty-openapi/`` (or
``$PD_OPENAPI_DIR``); they are never copied into the project. When they are absent,
``contract()`` skips the calling test with a clear reason.

Every known quirk of those documents (reference ``pagerduty-api.md`` §14) is handled here and
nowhere else, each where it applies, tagged ``quirk N``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = Path(os.environ.get("PD_OPENAPI_DIR", REPO_ROOT.parent / "shared" / "pagerduty-openapi"))
DOCUMENTS = {
    # file name -> path prefix under which the simulator and the client address its paths
    "rest-api-v2.openapiv3.json": "",
    "events-api-v2.openapiv3.json": "/v2",
    "events-api-v1.openapiv3.json": "/generic/2010-04-15",
}
METHODS = ("get", "put", "post", "delete", "patch")

# quirk 5: live 2xx codes that differ from the documented ones; both are accepted.
LIVE_SUCCESS = {
    ("post", "/schedules"): {200},
    ("get", "/schedules/{id}/overrides"): {200},
    ("post", "/incidents/{id}/notes"): {201},
    ("post", "/incidents/{id}/status_updates"): {201},
    ("post", "/incidents/{id}/responder_requests"): {201},
    ("post", "/webhook_subscriptions"): {201},
}
# quirk 9 and 11: request fields whose documented schema is wrong; errors under them are ignored.
WRONG_REQUEST_SCHEMAS = (
    ("incident", "body", "details"),
    ("responder_request_targets",),
)
# quirk 13: placeholder "patterns" that are not regular expressions.
PLACEHOLDER_PATTERN_PARAMS = {"since", "until"}


def _skip(reason: str) -> None:
    import pytest

    pytest.skip(reason)


@dataclass
class Operation:
    document: str
    method: str
    template: str  # the documented path, e.g. /users/{id}
    spec: dict[str, Any]
    pointer: str  # JSON pointer to the operation inside its document


class Contract:
    """The three PagerDuty OpenAPI documents, with route lookup and validators."""

    def __init__(self, spec_dir: Path = SPEC_DIR):
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        self.documents: dict[str, dict[str, Any]] = {}
        resources = []
        self._routes: list[tuple[re.Pattern[str], int, Operation]] = []
        for name, prefix in DOCUMENTS.items():
            document = json.loads((spec_dir / name).read_text())
            self.documents[name] = document
            resources.append((f"urn:pd:{name}", Resource(contents=document, specification=DRAFT4)))
            for template, item in document["paths"].items():
                for method in METHODS:
                    if method in item:
                        pointer = f"/paths/{_escape(template)}/{method}"
                        op = Operation(name, method, template, item[method], pointer)
                        self._routes.append(_route(prefix + template, op))
        # Literal segments win over parameters: /users/me before /users/{id}.
        self._routes.sort(key=lambda route: route[1])
        self.registry = Registry().with_resources(resources)

    # ----- lookup -------------------------------------------------------------------------
    def operation(self, method: str, path: str) -> Operation | None:
        method = method.lower()
        for pattern, _, op in self._routes:
            if op.method == method and pattern.fullmatch(path):
                return op
        return None

    def _deref(self, document: str, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node and len(node) == 1:
            node = _pointer(self.documents[document], node["$ref"][1:])
        return node

    # ----- requests -----------------------------------------------------------------------
    def request_problems(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> list[str]:
        """Problems with a request, one line each; an empty list means it conforms."""
        where = f"{method.upper()} {path}"
        op = self.operation(method, path)
        if op is None:
            return [f"{where}: no such operation in the official OpenAPI"]
        problems: list[str] = []
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        params = [self._deref(op.document, p) for p in op.spec.get("parameters", [])]
        known_query = {}
        for param in params:
            name, location = param["name"], param["in"]
            if location == "query":
                known_query[name] = param
            elif location == "header":
                problems += self._header_problems(where, method, param, headers, body)
        for name, values in (query or {}).items():
            param = known_query.get(name)
            if param is None:
                problems.append(f"{where}: query parameter {name!r} is not documented for this operation")
                continue
            problems += self._query_problems(where, op, param, values)
        for name, param in known_query.items():
            if param.get("required") and name not in (query or {}):
                problems.append(f"{where}: required query parameter {name!r} is missing")
        problems += self._body_problems(where, op, body)
        return problems

    def _header_problems(self, where, method, param, headers, body) -> list[str]:
        name = param["name"].lower()
        if name == "from":
            # quirk 1: required only for account-level keys, so only a present value is checked.
            value = headers.get("from")
            if value is not None and "@" not in value:
                return [f"{where}: From header {value!r} is not an email address"]
            return []
        if name == "authorization":
            return []  # quirk 12: the documented pattern rejects real tokens
        if name == "content-type":
            # quirk 2: documented as required even on GET and DELETE; only bodies need it.
            if body is not None and not headers.get("content-type", "").startswith("application/json"):
                return [f"{where}: a JSON body needs Content-Type: application/json"]
            return []
        if name == "accept":
            expected = param.get("schema", {}).get("default")
            if headers.get("accept") != expected:
                return [f"{where}: Accept header must be {expected!r}, got {headers.get('accept')!r}"]
            return []
        if param.get("required") and name not in headers:
            return [f"{where}: required header {param['name']!r} is missing"]
        return []

    def _query_problems(self, where, op, param, values) -> list[str]:
        name = param["name"]
        schema = self._deref(op.document, param.get("schema", {}))
        if schema.get("type") == "array":
            item_schema = self._deref(op.document, schema.get("items", {}))
            if param.get("explode") is False:  # quirk 8: comma-separated, e.g. sort_by
                values = [part for value in values for part in value.split(",")]
        elif name.endswith("[]"):
            item_schema = schema  # quirk 7: multi-value parameters typed as a single string
        else:
            if len(values) != 1:
                return [f"{where}: query parameter {name!r} takes one value, got {len(values)}"]
            item_schema = schema
        problems = []
        for raw in values:
            value, error = _coerce(raw, item_schema.get("type"))
            if error:
                problems.append(f"{where}: query parameter {name!r}={raw!r} {error}")
                continue
            check = {k: v for k, v in item_schema.items() if k not in ("default", "example")}
            if name in PLACEHOLDER_PATTERN_PARAMS:
                check.pop("pattern", None)  # quirk 13
            for message in self._schema_errors(op.document, check, value, write=True):
                problems.append(f"{where}: query parameter {name!r}={raw!r}: {message}")
        return problems

    def _body_problems(self, where, op, body) -> list[str]:
        request_body = self._deref(op.document, op.spec.get("requestBody"))
        if request_body is None:
            return [] if body is None else [f"{where}: this operation takes no request body"]
        if body is None:
            return [f"{where}: a request body is required"] if request_body.get("required") else []
        content = request_body.get("content", {}).get("application/json")
        if not content or "schema" not in content:
            return []
        pointer = _request_schema_pointer(op, request_body)
        problems = []
        for error in self._validator(op.document, pointer, write=True).iter_errors(body):
            location = tuple(str(p) for p in error.absolute_path)
            if op.method == "put" and error.validator == "required":
                continue  # quirk 3: updates are partial though the schemas reuse create's required lists
            if any(location[: len(prefix)] == prefix for prefix in WRONG_REQUEST_SCHEMAS):
                continue
            problems.append(f"{where}: body.{'.'.join(location) or '(root)'}: {_short(error.message)}")
        return problems

    # ----- responses ----------------------------------------------------------------------
    def response_problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Problems with a response to ``method path``; an empty list means it conforms."""
        where = f"{method.upper()} {path} -> {status}"
        op = self.operation(method, path)
        if op is None:
            return [f"{method.upper()} {path}: no such operation in the official OpenAPI"]
        responses = op.spec.get("responses", {})
        key = self._response_key(op, responses, status)
        if key is None:
            if 400 <= status < 600:
                return _error_body_problems(where, op, body)  # quirk 6: undocumented 4xx/5xx
            return [f"{where}: status {status} is not documented for this operation"]
        response = self._deref(op.document, responses[key])
        content = (response.get("content") or {}).get("application/json")
        if status >= 400 and (content is None or "schema" not in content):
            return _error_body_problems(where, op, body)  # quirk 17: Events errors without schema
        if content is None or "schema" not in content:
            if body not in (None, b"", ""):
                return [f"{where}: documented without a body, but one was sent"]
            return []
        validator = self._validator(op.document, _response_schema_pointer(op, key), write=False)
        if status < 300:
            problems = _channel_problems(where, body) + _identity_null_problems(where, body)
            body = _ack_entries_as_log_entries(_without_channels(body))
            body = _without_allowed_nulls(body, validator.iter_errors(body))
        else:
            problems = []
        problems += [
            f"{where}: body.{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {_short(e.message)}"
            for e in validator.iter_errors(body)
        ]
        if status >= 400:
            problems += _error_body_problems(where, op, body)  # quirk 15: nothing is required there
        return problems

    def _response_key(self, op: Operation, responses: dict[str, Any], status: int) -> str | None:
        if str(status) in responses:
            return str(status)
        wildcard = f"{status // 100}XX"
        if wildcard in responses:
            return wildcard
        if status in LIVE_SUCCESS.get((op.method, op.template), set()):
            documented = [code for code in responses if code.startswith("2")]
            return documented[0] if documented else None
        return None

    # ----- schema validation --------------------------------------------------------------
    def _validator(self, document: str, pointer: str, write: bool):
        return _validator(self, document, pointer, write)

    def _schema_errors(self, document: str, schema: dict[str, Any], instance: Any, write: bool) -> list[str]:
        from openapi_schema_validator import OAS30ReadValidator, OAS30Validator

        cls = OAS30Validator if write else OAS30ReadValidator
        validator = cls(_rebase(schema, document), registry=self.registry)
        return [_short(e.message) for e in validator.iter_errors(instance)]


@functools.cache
def _validator(contract: Contract, document: str, pointer: str, write: bool):
    from openapi_schema_validator import OAS30ReadValidator, OAS30Validator

    # Requests are not checked for readOnly fields: PagerDuty ignores them in bodies (reference
    # §4), its own examples send them (`type`), and allOf merges mark some as readOnly by mistake.
    cls = OAS30Validator if write else OAS30ReadValidator
    return cls({"$ref": f"urn:pd:{document}#{pointer}"}, registry=contract.registry)


def _rebase(schema: Any, document: str) -> Any:
    """Point local ``#/...`` references of a detached sub-schema at its document."""
    if isinstance(schema, dict):
        return {
            k: (f"urn:pd:{document}{v}" if k == "$ref" and v.startswith("#") else _rebase(v, document))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v, document) for v in schema]
    return schema


def _request_schema_pointer(op: Operation, request_body: dict[str, Any]) -> str:
    ref = op.spec["requestBody"].get("$ref")
    base = ref[1:] if ref else f"{op.pointer}/requestBody"
    return f"{base}/content/application~1json/schema"


# Identity fields PagerDuty always fills, on objects and references alike (reference §4, References).
NEVER_NULL = frozenset({"self", "html_url"})


def _without_allowed_nulls(body: Any, errors: Any) -> Any:
    """Quirk 21: "any field may be null unless it is required; arrays and booleans are never null"
    (reference §4), but the documents mark no field ``nullable``. Each null the schema refuses is
    judged by that rule: an allowed one (not an array, a boolean or an identity field) is removed
    from a copy, so that a required field left null is still reported as missing; any other null
    stays and is reported. Nulls are judged one by one, never dropped wholesale."""
    allowed = []
    for error in _with_variant_errors(errors):
        path = list(error.absolute_path)
        if error.instance is not None or not path or not isinstance(path[-1], str) or path[-1] in NEVER_NULL:
            continue
        if not (error.validator == "type" and error.validator_value in ("array", "boolean")):
            allowed.append(path)
    body = json.loads(json.dumps(body))  # a copy: the caller's body stays as it was sent
    for path in sorted(allowed, key=len, reverse=True):
        parent = body
        for part in path[:-1]:
            parent = parent[part]
        parent.pop(path[-1], None)
    return body


# Objects whose web URL PagerDuty gives as null: contact methods and notification rules have no page
# of their own (observed; the 3.x plugin's recorded users show it).
NULL_HTML_TYPES = ("contact_method", "notification_rule")


def _identity_null_problems(where: str, value: Any, path: str = "body") -> list[str]:
    """Quirk 21, the other half: the documents mark ``self`` and ``html_url`` nullable, but PagerDuty
    fills them on every object and reference that has a page (reference §4, References)."""
    problems = []
    if isinstance(value, dict):
        kind = str(value.get("type", ""))
        if kind and not any(word in kind for word in NULL_HTML_TYPES):
            problems += [f"{where}: {path}.{key}: null, where PagerDuty gives a URL"
                         for key in NEVER_NULL if key in value and value[key] is None]
        for key, item in value.items():
            problems += _identity_null_problems(where, item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _identity_null_problems(where, item, f"{path}.{index}")
    return problems


def _with_variant_errors(errors: Any) -> Any:
    """Each error, then the errors of the variants a ``oneOf``/``anyOf`` tried, depth first: a null
    inside an object that must match one of several schemas is reported only there."""
    for error in errors:
        yield error
        yield from _with_variant_errors(error.context or ())


def _is_log_entry_channel(key: str, item: Any, parent: dict[str, Any]) -> bool:
    return key == "channel" and isinstance(item, dict) and str(parent.get("type", "")).endswith("_log_entry")


def _without_channels(value: Any) -> Any:
    """Quirk 22: the ``Channel`` schema is a ``oneOf`` of variants that require nothing, so every
    channel matches several variants and fails; ``_channel_problems`` checks channels instead."""
    if isinstance(value, dict):
        return {
            k: _without_channels(v) for k, v in value.items() if not _is_log_entry_channel(k, v, value)
        }
    if isinstance(value, list):
        return [_without_channels(v) for v in value]
    return value


def _ack_entries_as_log_entries(value: Any) -> Any:
    """Quirk 23: ``AcknowledgeLogEntry`` narrows ``type`` to ``acknowledgement_log_entry``, while the
    ``LogEntry`` it extends (and the live API) spell it ``acknowledge_log_entry``, so no acknowledge
    entry can match any variant. Such an entry is checked as the plain ``LogEntry`` it is, under the
    name of a variant that adds nothing to ``LogEntry`` (``trigger_log_entry``)."""
    if isinstance(value, dict):
        out = {k: _ack_entries_as_log_entries(v) for k, v in value.items()}
        if out.get("type") == "acknowledge_log_entry" and "created_at" in out:
            out["type"] = "trigger_log_entry"
        return out
    if isinstance(value, list):
        return [_ack_entries_as_log_entries(v) for v in value]
    return value


def _channel_problems(where: str, value: Any) -> list[str]:
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_log_entry_channel(key, item, value) and not isinstance(item.get("type"), str):
                problems.append(f"{where}: a log entry channel has no type: {_short(repr(item))}")
            else:
                problems += _channel_problems(where, item)
    elif isinstance(value, list):
        for item in value:
            problems += _channel_problems(where, item)
    return problems


def _response_schema_pointer(op: Operation, key: str) -> str:
    ref = op.spec["responses"][key].get("$ref")
    base = ref[1:] if ref else f"{op.pointer}/responses/{key}"
    return f"{base}/content/application~1json/schema"


def _error_body_problems(where: str, op: Operation, body: Any) -> list[str]:
    if op.document.startswith("events-api-"):
        ok = isinstance(body, dict) and isinstance(body.get("status"), str) and isinstance(
            body.get("message"), str
        )
        return [] if ok else [f"{where}: Events error body must carry status and message strings"]
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return [f"{where}: error body must be {{'error': {{...}}}}, got {_short(repr(body))}"]
    problems = []
    if not isinstance(error.get("message"), str):
        problems.append(f"{where}: error.message must be a string")
    if not isinstance(error.get("code"), int):
        problems.append(f"{where}: error.code must be an integer")
    errors = error.get("errors", [])
    if not isinstance(errors, (list, dict)):
        problems.append(f"{where}: error.errors must be a list (or a map, for V3 errors)")
    return problems


def _coerce(raw: str, kind: str | None) -> tuple[Any, str | None]:
    if kind == "integer":
        return (int(raw), None) if re.fullmatch(r"-?\d+", raw) else (raw, "is not an integer")
    if kind == "boolean":
        if raw in ("true", "false"):
            return raw == "true", None
        return raw, "is not a lower-case boolean ('true' or 'false')"
    if kind == "number":
        try:
            return float(raw), None
        except ValueError:
            return raw, "is not a number"
    return raw, None


def _route(template: str, op: Operation) -> tuple[re.Pattern[str], int, Operation]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(regex), template.count("{"), op


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@functools.lru_cache(maxsize=1)
def _load() -> Contract:
    return Contract()


def contract() -> Contract:
    """The loaded contract, or a pytest skip with the reason when the documents are absent."""
    missing = [name for name in DOCUMENTS if not (SPEC_DIR / name).is_file()]
    if missing:
        _skip(
            f"PagerDuty OpenAPI specs not found at {SPEC_DIR} (missing {', '.join(missing)}); "
            "contract tests skipped"
        )
    return _load()
