"""List maintenance windows, optionally of some services or teams, past, future or ongoing."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListMaintenanceWindows(RestAction[Input, Output]):
    method, path, key = "GET", "/maintenance_windows", "maintenance_windows"
    rename = {"services": "service_ids[]", "teams": "team_ids[]"}
