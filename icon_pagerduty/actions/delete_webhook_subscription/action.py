"""Stop and delete a webhook subscription."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class DeleteWebhookSubscription(RestAction[Input, Output]):
    method, path = "DELETE", "/webhook_subscriptions/{id}"
    needs_from = False
