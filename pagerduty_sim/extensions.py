"""Extension schemas and extensions (pagerduty-api.md §8.6).

Extension schemas are PagerDuty's catalogue of outbound extension types: read-only, the same in
every account, so the seed gives them fixed IDs. An extension attaches one schema to services
(``extension_objects``); webhook schemas need an ``endpoint_url``. ``POST /extensions/{id}/enable``
clears ``temporarily_disabled`` and answers 200 with the extension.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import invalid
from .resources import by_name
from .store import Field, Query, Resource, Store
from .wire import Request, Response, Router

ALL_SEND_TYPES = ["trigger", "acknowledge", "resolve", "delegate", "escalate", "unacknowledge", "assign"]
# id, key, label, description, send types, needs an endpoint_url
SCHEMAS = (
    (
        "PJFWPEP",
        "generic_webhook",
        "Generic Webhook",
        "Sends an HTTP POST to your endpoint when an incident changes (v1 webhooks, deprecated).",
        ALL_SEND_TYPES,
        True,
    ),
    (
        "P8X2W9Q",
        "generic_v2_webhook",
        "Generic V2 Webhook",
        "Sends a v2 webhook message to your endpoint when an incident changes (deprecated in favour "
        "of v3 webhook subscriptions).",
        ALL_SEND_TYPES,
        True,
    ),
    (
        "PCUSTA1",
        "custom_webhook",
        "Custom Incident Action",
        "Adds a button to the incident page that sends the incident to your endpoint.",
        ["custom"],
        True,
    ),
    (
        "PSLK2V7",
        "slack_v2",
        "Slack V2",
        "Posts incident notifications to a Slack channel and lets responders act on them there.",
        ALL_SEND_TYPES,
        False,
    ),
    (
        "PSNW7V7",
        "servicenow_v7",
        "ServiceNow (v7)",
        "Creates and synchronises ServiceNow incidents from PagerDuty incidents.",
        ALL_SEND_TYPES,
        True,
    ),
)
URL_RE = re.compile(r"^https?://[^\s/]+\S*$")


def seed_schemas(store: Store) -> None:
    """Load PagerDuty's extension schema catalogue (fixed IDs, as they are global in PagerDuty)."""
    table = store.table("extension_schemas")
    for sid, key, label, description, send_types, needs_url in SCHEMAS:
        table[sid] = {
            "id": sid,
            "key": key,
            "label": label,
            "description": description,
            "send_types": list(send_types),
            "icon_url": f"https://assets.pagerduty.com/extensions/{key}/icon.png",
            "logo_url": f"https://assets.pagerduty.com/extensions/{key}/logo.png",
            "guide_url": f"https://support.pagerduty.com/docs/{key.replace('_', '-')}",
            "url": "",
            "needs_endpoint_url": needs_url,
        }


EXTENSION_SCHEMAS = Resource(
    plural="extension_schemas",
    singular="extension_schema",
    fields=(
        Field("label", writable=False),
        Field("key", writable=False),
        Field("description", writable=False),
        Field("icon_url", writable=False),
        Field("logo_url", writable=False),
        Field("guide_url", writable=False),
        Field("send_types", "list", writable=False),
        Field("url", writable=False),
    ),
    endpoints=frozenset({"get"}),
    summary=lambda r: r["label"],
    html_path="extension_schemas",
    sort_key=lambda r: r["label"].lower(),
)


def _validate(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if existing is not None and values.get("extension_schema") not in (None, existing["extension_schema"]):
        raise invalid("Extension schema cannot be changed; create a new extension with the other schema")
    if "extension_objects" in values and not values["extension_objects"]:
        raise invalid("Extension objects can't be blank; send at least one service reference")
    schema_id = values.get("extension_schema") or existing["extension_schema"]
    schema = store.table("extension_schemas")[schema_id]
    url = values.get("endpoint_url", existing["endpoint_url"] if existing else None)
    if schema["needs_endpoint_url"] and not url:
        raise invalid(f"Endpoint url can't be blank for a {schema['label']} extension")
    if url is not None and not URL_RE.match(url):
        raise invalid("Endpoint url must be an http:// or https:// URL")
    if values.get("config") is None and existing is None:
        values["config"] = {}


EXTENSIONS = Resource(
    plural="extensions",
    singular="extension",
    fields=(
        Field("name", required=True, max_len=255),
        Field("endpoint_url", default=None),
        Field("extension_schema", "ref", target="extension_schemas", required=True),
        Field("extension_objects", "refs", target="services", required=True),
        Field("config", "dict", default=dict),
        Field("temporarily_disabled", "bool", default=False, writable=False),
    ),
    filters={
        "extension_object_id": lambda store, r, values: values[-1] in r["extension_objects"],
        "extension_schema_id": lambda store, r, values: r["extension_schema"] == values[-1],
    },
    includes={
        "extension_objects": "extension_objects",
        "extension_schemas": "extension_schema",
        "temporarily_disabled": None,
    },
    html_path="extensions",
    sort_key=by_name,
    validate=_validate,
)


def list_schemas(app: Any, request: Request) -> Response:
    """The catalogue, paginated. PagerDuty documents no ``query`` here and ignores one, so does this:
    a client looking a schema up by label must match the label itself."""
    query = Query({k: v for k, v in request.query.values.items() if k != "query"})
    return Response.json(200, app.store.list("extension_schemas", query))


def enable_extension(app: Any, request: Request) -> Response:
    record = app.store.require("extensions", request.params["id"])
    record["temporarily_disabled"] = False
    return Response.json(200, {"extension": app.store.render("extensions", record)})


def forget_service(store: Store, service_id: str) -> None:
    """A deleted service stops being an object of any extension."""
    for extension in store.table("extensions").values():
        extension["extension_objects"] = [s for s in extension["extension_objects"] if s != service_id]


def register(router: Router) -> None:
    router.add("GET", "/extension_schemas", list_schemas)
    router.add("POST", "/extensions/{id}/enable", enable_extension)
