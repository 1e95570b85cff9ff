"""Snooze an acknowledged incident; it returns to triggered when the time is up."""

from typing import Any

from icon_pagerduty.actions.incident_lookup import IncidentAction
from icon_pagerduty.client import BadRequest

from .schema import Input, Output

NOT_ACKNOWLEDGED = 1012  # PagerDuty's "Incident is not Acknowledged"


class SnoozeIncident(IncidentAction[Input, Output]):
    method, path, key = "POST", "/incidents/{id}/snooze", "incident"

    def body(self, values: dict[str, Any]) -> Any:
        return {"duration": values.get("duration") or 3600}  # unwrapped, as PagerDuty takes it

    def write(self, path: str, values: dict[str, Any]) -> dict:
        try:
            return super().write(path, values)
        except BadRequest as error:
            if error.code == NOT_ACKNOWLEDGED:
                raise error.with_assistance(
                    "PagerDuty snoozes only an acknowledged incident. Acknowledge it first (update_incident "
                    "with status acknowledged), then snooze it."
                ) from None
            raise
