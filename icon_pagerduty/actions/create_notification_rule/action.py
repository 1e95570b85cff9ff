"""Notify a user through one of their contact methods, some minutes after an incident is assigned."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.people import contact_method

from .schema import Input, Output


class CreateNotificationRule(RestAction[Input, Output]):
    method, path, key = "POST", "/users/{user}/notification_rules", "notification_rule"
    fixed = {"type": "assignment_notification_rule"}
    needs_from = False  # a user's own settings: PagerDuty takes no requester

    def values(self, inp):
        values = super().values(inp)
        # The spec's defaults, which an orchestrator may not fill in.
        values["urgency"] = values.get("urgency") or "high"
        values["start_delay_in_minutes"] = values.get("start_delay_in_minutes") or 0
        rest = self.connection.rest
        method = contact_method(rest, values["user"], values["contact_method"], "contact_method")
        # PagerDuty wants a typed reference, such as {"id": ..., "type": "sms_contact_method_reference"}.
        values["contact_method"] = {"id": method["id"], "type": f"{method['type']}_reference"}
        return values
