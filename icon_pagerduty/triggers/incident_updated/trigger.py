"""Start a workflow for each change of an incident: status, assignment, priority, notes, status updates."""

from actionkit import Trigger
from icon_pagerduty.util.incident_feed import CHANGES, change_of, first_mark, new_log_entries
from icon_pagerduty.util.polling import run_poller
from icon_pagerduty.util.watermark import utcnow

from .schema import Input, Output

REMEMBERED = 10_000  # incidents whose last entry type is kept, to tell a creation's assignment apart


class IncidentUpdated(Trigger[Input, Output]):
    def run(self, inp: Input) -> dict:
        rest = self.connection.rest
        wanted = set(inp.changes or CHANGES)
        services = set(inp.services or ())
        last_type: dict[str, str] = {}  # incident ID -> type of its latest entry seen

        def poll(mark):
            for entry in new_log_entries(rest, inp, mark, utcnow()):
                incident_id = _incident_id(entry)
                previous = last_type.get(incident_id)
                if len(last_type) >= REMEMBERED:
                    last_type.clear()
                last_type[incident_id] = entry.get("type")
                yield entry, event(entry, change_of(entry, previous), wanted, services)

        def start():
            return first_mark(rest, inp, utcnow(), "/log_entries")

        return run_poller(self, inp.interval or 60, start, poll)


def event(entry: dict, change: str | None, wanted: set, services: set) -> dict | None:
    """The event of one log entry, or None when it is no wanted change."""
    incident = entry.get("incident")
    if change not in wanted or not isinstance(incident, dict) or "incident_number" not in incident:
        return None  # not a change asked for, or the incident was not included (deleted since)
    if services and (incident.get("service") or {}).get("id") not in services:
        return None
    reference = {key: incident.get(key) for key in ("id", "summary", "self", "html_url")}
    reference["type"] = "incident_reference"
    return {"change": change, "incident": incident, "log_entry": {**entry, "incident": reference}}


def _incident_id(entry: dict) -> str:
    incident = entry.get("incident")
    return str(incident.get("id")) if isinstance(incident, dict) else ""
