"""Start a workflow once for each new incident, oldest first."""

from actionkit import Trigger
from icon_pagerduty.util.incident_feed import first_mark, new_incidents
from icon_pagerduty.util.polling import run_poller
from icon_pagerduty.util.watermark import utcnow

from .schema import Input, Output


class NewIncident(Trigger[Input, Output]):
    def run(self, inp: Input) -> dict:
        rest = self.connection.rest

        def poll(mark):
            for incident in new_incidents(rest, inp, mark, utcnow()):
                yield incident, {"incident": incident}

        return run_poller(self, inp.interval or 60, lambda: first_mark(rest, inp, utcnow()), poll)
