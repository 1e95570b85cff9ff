"""Open an incident on a service; a duplicate incident_key returns the open incident, created false."""

from typing import Any

from actionkit import InputError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest

from .schema import Input, Output

OPEN = ["triggered", "acknowledged"]


class CreateIncident(RestAction[Input, Output]):
    method, path, key = "POST", "/incidents", "incident"

    def run(self, inp: Input) -> dict:
        if inp.escalation_policy and inp.assignees:
            raise InputError(
                "Give the input `escalation_policy` or `assignees`, not both: PagerDuty assigns a new "
                "incident either through a policy or directly.",
                data={"inputs": ["escalation_policy", "assignees"]},
            )
        return super().run(inp)

    def body(self, values: dict[str, Any]) -> Any:
        incident: dict[str, Any] = {"type": "incident", "title": values["title"],
                                    "service": _ref(values["service"], "service_reference")}
        for name in ("urgency", "incident_key"):
            if values.get(name):
                incident[name] = values[name]
        if values.get("priority"):
            incident["priority"] = _ref(values["priority"], "priority_reference")
        if values.get("details"):
            incident["body"] = {"type": "incident_body", "details": values["details"]}
        if values.get("escalation_policy"):
            incident["escalation_policy"] = _ref(values["escalation_policy"], "escalation_policy_reference")
        if values.get("assignees"):
            incident["assignments"] = [{"assignee": _ref(u, "user_reference")} for u in values["assignees"]]
        bridge = {n: values[n] for n in ("conference_number", "conference_url") if values.get(n)}
        if bridge:
            incident["conference_bridge"] = bridge
        return {"incident": incident}

    def write(self, path: str, values: dict[str, Any]) -> dict:
        try:
            return {**super().write(path, values), "created": True}
        except BadRequest as error:
            existing = self.duplicate_of(error, values)
            if existing is None:
                raise
        self.logger.info(
            "Incident #%s (%s) is open on this service with incident_key %r, so PagerDuty opened no "
            "other; returning it with created false.",
            existing.get("incident_number"), existing.get("id"), values["incident_key"],
        )
        return {"incident": existing, "created": False}

    def duplicate_of(self, error: BadRequest, values: dict[str, Any]) -> dict[str, Any] | None:
        """The open incident of the service with this incident_key, when that is why PagerDuty refused."""
        key = values.get("incident_key")
        said = f"{error.message} {error.errors}".lower()
        if not key or not any(word in said for word in ("dedup key", "incident key", "incident_key")):
            return None
        params = {"incident_key": key, "service_ids[]": [values["service"]], "statuses[]": OPEN,
                  "date_range": "all"}
        found = self.connection.rest.iter_all("/incidents", "incidents", params)
        return next((i for i in found if i.get("incident_key") == key), None)


def _ref(ident: str, kind: str) -> dict[str, str]:
    return {"id": ident, "type": kind}
