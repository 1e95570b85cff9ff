"""Post a status update on an incident, sent to its subscribers."""

from typing import Any

from icon_pagerduty.actions.incident_lookup import IncidentAction

from .schema import Input, Output


class CreateStatusUpdate(IncidentAction[Input, Output]):
    method, path, key = "POST", "/incidents/{id}/status_updates", "status_update"

    def body(self, values: dict[str, Any]) -> Any:
        return self.fields(values)  # PagerDuty takes {"message", "subject", "html_message"} unwrapped
