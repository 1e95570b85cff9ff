"""Acknowledge an alert through the Events API v2, by its incident key."""

from actionkit import Action
from icon_pagerduty.util.events import send_incident_event

from .schema import Input, Output


class SendAcknowledgeEvent(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        return Output(send_incident_event(self.connection, self.logger, inp, "acknowledge"))
