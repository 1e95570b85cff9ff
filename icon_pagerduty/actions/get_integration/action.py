"""Get an integration of a service, with its integration key."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.actions.service_helpers import integration_id

from .schema import Input, Output


class GetIntegration(RestAction[Input, Output]):
    method, path, key = "GET", "/services/{service}/integrations/{id}", "integration"

    def values(self, inp):
        values = super().values(inp)
        return {**values, "id": integration_id(self.connection.rest, values["service"], values["id"])}
