"""Ask users and escalation policies to join the response to an incident."""

from typing import Any

from actionkit import InputError
from icon_pagerduty.actions.incident_lookup import IncidentAction

from .schema import Input, Output


class AddResponders(IncidentAction[Input, Output]):
    # PagerDuty takes the requester in the body (requester_id), not in the From header.
    method, path, key = "POST", "/incidents/{id}/responder_requests", "responder_request"
    needs_from = False

    def run(self, inp: Input) -> dict:
        if not inp.users and not inp.escalation_policies:
            raise InputError("Give the users or escalation_policies to ask; both inputs are empty.",
                             data={"inputs": ["users", "escalation_policies"]})
        return super().run(inp)

    def body(self, values: dict[str, Any]) -> Any:
        targets = [(u, "user_reference") for u in values.get("users") or []]
        targets += [(p, "escalation_policy_reference") for p in values.get("escalation_policies") or []]
        return {
            "requester_id": self.requester(values.get("requester")),
            "message": values["message"],
            # Each target wrapped, as PagerDuty's example and the live API have it.
            "responder_request_targets": [
                {"responder_request_target": {"id": ident, "type": kind}} for ident, kind in targets
            ],
        }

    def requester(self, given: str | None) -> str:
        """The requesting user: the input, else the connection's from_email, else the key's own user."""
        if given:
            return given
        rest = self.connection.rest
        if rest.from_email:
            return self.resolver.resolve("user", rest.from_email, "requester")
        if rest.key_kind() == "user":
            return rest.get("/users/me", "user")["id"]
        raise InputError(
            "PagerDuty needs the user who asks for responders, and this API key is account-level with no "
            "from_email in the connection.",
            "Set the input `requester` to the email or ID of a PagerDuty user.",
            data={"input": "requester"},
        )
