"""Get an extension by name or ID."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class GetExtension(RestAction[Input, Output]):
    method, path, key = "GET", "/extensions/{id}", "extension"
