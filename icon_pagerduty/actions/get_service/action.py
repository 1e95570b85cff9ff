"""Get a PagerDuty service by name or ID."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.actions.service_helpers import without_keys

from .schema import Input, Output


class GetService(RestAction[Input, Output]):
    method, path, key = "GET", "/services/{id}", "service"
    rename = {"include": "include[]"}

    def shape(self, result, values, *, truncated=False):
        # include integrations embeds each integration with its key; Get Integration gives one.
        return super().shape(without_keys(result), values, truncated=truncated)
