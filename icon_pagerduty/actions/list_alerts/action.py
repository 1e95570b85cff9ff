"""List the alerts of an incident."""

from icon_pagerduty.actions.incident_lookup import IncidentAction

from .schema import Input, Output


class ListAlerts(IncidentAction[Input, Output]):
    method, path, key = "GET", "/incidents/{id}/alerts", "alerts"
    rename = {"statuses": "statuses[]"}
