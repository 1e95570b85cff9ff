"""List how and when a user is notified of incidents assigned to them."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListNotificationRules(RestAction[Input, Output]):
    # Each rule's contact method comes in full, so its address is in the output.
    method, path, key = "GET", "/users/{user}/notification_rules", "notification_rules"
    fixed = {"include[]": ["contact_methods"]}

    def query(self, values):
        # PagerDuty's default is high; the spec's is all (an orchestrator may not fill it in).
        return {**super().query(values), "urgency": values.get("urgency") or "all"}

    def list_items(self, path, values):
        # Not paginated: one GET, without the limit and offset PagerDuty does not take here.
        return self.shape(self.connection.rest.get(path, self.key, self.query(values)), values)
