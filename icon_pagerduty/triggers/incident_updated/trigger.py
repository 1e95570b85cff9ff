"""Start a workflow for each change of an incident: status, assignment, priority, notes, status updates."""

from actionkit import Trigger
from icon_pagerduty.util.incident_feed import CHANGES, change_of, first_mark, new_log_entries
from icon_pagerduty.util.polling import run_poller
from icon_pagerduty.util.watermark import utcnow

from .schema import Input, Output


class IncidentUpdated(Trigger[Input, Output]):
    def run(self, inp: Input) -> dict:
        rest = self.connection.rest
        wanted = set(inp.changes or CHANGES)
        services = set(inp.services or ())

        def poll(mark):
            for entry in new_log_entries(rest, inp, mark, utcnow()):
                yield entry, self.event(entry, wanted, services)

        def start():
            return first_mark(rest, inp, utcnow(), "/log_entries")

        return run_poller(self, inp.interval or 60, start, poll)

    @staticmethod
    def event(entry: dict, wanted: set, services: set) -> dict | None:
        """The event of one log entry, or None when it is no wanted change."""
        change = change_of(entry)
        incident = entry.get("incident")
        if change not in wanted or not isinstance(incident, dict) or "incident_number" not in incident:
            return None  # not a change asked for, or the incident was not included (deleted since)
        if services and (incident.get("service") or {}).get("id") not in services:
            return None
        reference = {key: incident.get(key) for key in ("id", "type", "summary", "self", "html_url")}
        reference["type"] = "incident_reference"
        return {"change": change, "incident": incident, "log_entry": {**entry, "incident": reference}}
