"""Remove one of a user's notification rules."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class DeleteNotificationRule(RestAction[Input, Output]):
    method, path = "DELETE", "/users/{user}/notification_rules/{id}"
