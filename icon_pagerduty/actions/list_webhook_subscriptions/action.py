"""List the account's v3 webhook subscriptions, all or those of one service or team."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.webhook_subscriptions import subscription_filter

from .schema import Input, Output


class ListWebhookSubscriptions(RestAction[Input, Output]):
    method, path, key = "GET", "/webhook_subscriptions", "webhook_subscriptions"

    def query(self, values: dict) -> dict:
        chosen = subscription_filter(values, default_account=False)
        if chosen is None:
            return {}
        return {"filter_type": chosen["type"].removesuffix("_reference"), "filter_id": chosen.get("id")}
