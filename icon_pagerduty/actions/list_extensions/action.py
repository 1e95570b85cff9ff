"""List the account's extensions, optionally those of a service or matching a query."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListExtensions(RestAction[Input, Output]):
    method, path, key = "GET", "/extensions", "extensions"
    rename = {"service": "extension_object_id", "extension_schema": "extension_schema_id"}
