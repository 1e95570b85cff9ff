"""List the account's services, optionally those matching a query or of some teams."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.actions.service_helpers import without_keys

from .schema import Input, Output


class ListServices(RestAction[Input, Output]):
    method, path, key = "GET", "/services", "services"
    rename = {"teams": "team_ids[]", "include": "include[]"}

    def shape(self, result, values, *, truncated=False):
        # include integrations embeds each integration with its key: not what a listing is for.
        return super().shape(without_keys(result), values, truncated=truncated)
