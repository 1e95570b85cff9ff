"""Rename an integration of a service; its integration key stays the same."""

from icon_pagerduty.actions.service_helpers import ExplainedRestAction, integration_id

from .schema import Input, Output


class UpdateIntegration(ExplainedRestAction[Input, Output]):
    method, path, key = "PUT", "/services/{service}/integrations/{id}", "integration"
    needs_from = False  # PagerDuty takes no From here
    refusals = (("name", "Set the input `name` to the integration's new name."),)

    def values(self, inp):
        values = super().values(inp)
        return {**values, "id": integration_id(self.connection.rest, values["service"], values["id"])}
