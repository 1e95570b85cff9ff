"""Get an escalation policy with its rules, targets and the services that use it."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class GetEscalationPolicy(RestAction[Input, Output]):
    method, path, key = "GET", "/escalation_policies/{id}", "escalation_policy"
