"""List the kinds of extension PagerDuty offers."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListExtensionSchemas(RestAction[Input, Output]):
    method, path, key = "GET", "/extension_schemas", "extension_schemas"
