"""Change the events, filter, description or activity of a webhook subscription."""

from actionkit import InputError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.webhook_subscriptions import subscription_filter

from .schema import Input, Output


class UpdateWebhookSubscription(RestAction[Input, Output]):
    method, path, key = "PUT", "/webhook_subscriptions/{id}", "webhook_subscription"
    needs_from = False

    def body(self, values: dict) -> dict:
        change = {
            name: values[name] for name in ("events", "description", "active") if values.get(name) is not None
        }
        chosen = subscription_filter(values, default_account=False)
        if chosen is not None:
            change["filter"] = chosen
        if not change:
            raise InputError(
                "Nothing to change: give at least one of `events`, `service`, `team`, `account`, "
                "`description` or `active`.",
            )
        return {"webhook_subscription": change}
