"""Return each incident created since the previous run exactly once, oldest first."""

from actionkit import Task
from icon_pagerduty.client import PagerDutyError
from icon_pagerduty.util.incident_feed import first_mark, incident_page
from icon_pagerduty.util.watermark import Watermark, utcnow

from .schema import Input, Output


class MonitorIncidents(Task[Input, Output]):
    """One page per call. The state the platform keeps between calls is the watermark (an
    inclusive ``since`` and the IDs returned at that instant), so a page edge between incidents
    of the same second loses and repeats nothing; ``has_more_pages`` asks for the next page at once."""

    def run(self, inp: Input, state: dict, custom_config: dict) -> tuple:
        rest = self.connection.rest
        mark = Watermark.load(state)
        try:
            if mark is None:
                mark = first_mark(rest, inp, utcnow())
                if not inp.backfill:
                    self.logger.info("First run: new incidents are counted from %s on", mark.dump()["since"])
                    return [], mark.dump(), False, 200, None
            incidents, more = incident_page(rest, inp, mark, utcnow())
        except PagerDutyError as error:
            # The platform keeps the state it sent, so the next run starts where this one did.
            self.logger.warning("Reading new incidents failed: %s", error)
            return [], state, False, error.status or 500, error
        for incident in incidents:
            mark.advance(incident)
        return [{"incident": incident} for incident in incidents], mark.dump(), more, 200, None
