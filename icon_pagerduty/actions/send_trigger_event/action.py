"""Trigger an alert through the Events API v2, or create an incident through the REST API (3.x inputs)."""

import hashlib
import json

from actionkit import Action
from icon_pagerduty.util.events import event_output, split_contexts
from icon_pagerduty.util.rest_shape import create_incident, is_rest_trigger

from .schema import Input, Output

DEFAULT_SOURCE = "icon_pagerduty"
# The orchestrator's names for one step of one workflow run (InsightConnect, then legacy Komand).
STEP_IDENTITY = (("jobId", "stepId"), ("workflow_uid", "step_uid"))


def step_dedup_key(meta, event: dict) -> str | None:
    """A dedup key that a re-run of the same step reproduces, so it cannot open a second incident.

    A new workflow run has a new job ID, so it still opens a new incident; so does a step that
    sends different content. Without the orchestrator's identity the client generates a random key.
    """
    if not isinstance(meta, dict):
        return None
    for job, step in STEP_IDENTITY:
        if meta.get(job) and meta.get(step):
            seed = json.dumps([str(meta[job]), str(meta[step]), event], sort_keys=True, default=str)
            return hashlib.sha256(seed.encode()).hexdigest()[:32]
    return None


class SendTriggerEvent(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        if is_rest_trigger(inp):  # the 3.x inputs: the incident is created through the REST API
            return Output(create_incident(self.connection.rest, self.logger, inp))
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
        event = {
            "payload": {k: v for k, v in payload.items() if v not in (None, "")},
            "links": links,
            "images": images,
            "client": inp.client,
            "client_url": inp.client_url,
        }
        incident_key = inp.incident_key or step_dedup_key(self.meta, event)
        if incident_key and not inp.incident_key:
            self.logger.info("Incident key %s derived from this workflow step, so a re-run reuses it",
                             incident_key)
        body = self.connection.enqueue(inp.service_key, "trigger", dedup_key=incident_key, **event)
        return Output(event_output(body, incident_key))
