"""Trigger an alert through the Events API v2."""

from actionkit import Action
from icon_pagerduty.util.events import event_output, split_contexts

from .schema import Input, Output

DEFAULT_SOURCE = "icon_pagerduty"


class SendTriggerEvent(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        links, images = split_contexts(inp.contexts)
        payload = {
            "summary": inp.description,
            "source": inp.source or inp.client or DEFAULT_SOURCE,
            "severity": inp.severity or "error",
            "component": inp.component,
            "group": inp.group,
            "class": inp.class_,
            "custom_details": inp.details,
        }
        body = self.connection.enqueue(
            inp.service_key,
            "trigger",
            dedup_key=inp.incident_key,
            payload={k: v for k, v in payload.items() if v not in (None, "")},
            links=links,
            images=images,
            client=inp.client,
            client_url=inp.client_url,
        )
        return Output(event_output(body, inp.incident_key))
