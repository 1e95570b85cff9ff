"""List escalation policies, optionally by name, team or targeted user."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListEscalationPolicies(RestAction[Input, Output]):
    method, path, key = "GET", "/escalation_policies", "escalation_policies"
    rename = {"teams": "team_ids[]", "users": "user_ids[]"}
