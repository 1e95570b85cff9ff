"""Delete an escalation policy; PagerDuty refuses while a service uses it."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions.oncall_inputs import listed
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest, PagerDutyError
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class DeleteEscalationPolicy(RestAction[Input, Output]):
    method, path = "DELETE", "/escalation_policies/{id}"

    def run(self, inp: Input) -> dict:
        try:
            return super().run(inp)
        except BadRequest as error:
            raise error.with_assistance(self.why(inp.id)) from None

    def why(self, policy_id: str) -> str:
        """The refusal explained: which services still use the policy."""
        try:
            policy: dict[str, Any] = self.connection.rest.get(
                f"/escalation_policies/{segment(policy_id)}", "escalation_policy"
            )
        except PagerDutyError:
            policy = {}
        services = policy.get("services") or []
        if not services:
            return "PagerDuty refuses to delete an escalation policy that a service uses; check the services."
        return (
            f"PagerDuty does not delete an escalation policy that services use; this one is used by "
            f"{listed(services)}. Move those services to another escalation policy first (or delete them), "
            "then run this step again."
        )
