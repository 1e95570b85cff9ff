"""List the notes of an incident, oldest first."""

from icon_pagerduty.actions.incident_lookup import IncidentAction

from .schema import Input, Output


class ListNotes(IncidentAction[Input, Output]):
    method, path, key = "GET", "/incidents/{id}/notes", "notes"
    many = False  # PagerDuty answers every note at once, without paging fields
