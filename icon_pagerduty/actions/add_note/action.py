"""Write a note on an incident."""

from icon_pagerduty.actions.incident_lookup import IncidentAction

from .schema import Input, Output


class AddNote(IncidentAction[Input, Output]):
    # Body {"note": {"content": ...}} with the From header; PagerDuty answers 201 live (200 documented).
    method, path, key = "POST", "/incidents/{id}/notes", "note"
