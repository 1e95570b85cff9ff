"""Delete an extension."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class DeleteExtension(RestAction[Input, Output]):
    method, path, key = "DELETE", "/extensions/{id}", None
    needs_from = False
