"""Send v3 webhooks of incidents to a URL; the answer holds the signing secret, shown only this once."""

from actionkit import UpstreamError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.webhook_subscriptions import secret_of, subscription_filter

from .schema import Input, Output


class CreateWebhookSubscription(RestAction[Input, Output]):
    method, path, key = "POST", "/webhook_subscriptions", "webhook_subscription"
    needs_from = False  # PagerDuty acts as the key here; no requester is needed

    def body(self, values: dict) -> dict:
        delivery = {"type": "http_delivery_method", "url": values["url"]}
        if values.get("custom_headers"):
            delivery["custom_headers"] = values["custom_headers"]
        subscription = {
            "type": "webhook_subscription",
            "delivery_method": delivery,
            "events": values["events"],
            "filter": subscription_filter(values, default_account=True),
            "active": values.get("active") is not False,
        }
        if values.get("description"):
            subscription["description"] = values["description"]
        return {"webhook_subscription": subscription}

    def shape(self, result, values, *, truncated=False) -> dict:
        secret = secret_of(result)
        if not secret:
            raise UpstreamError(
                f"POST /webhook_subscriptions: PagerDuty created subscription {(result or {}).get('id')} but "
                "sent no signing secret.",
                "Delete it and create it again; without its secret no webhook can be verified.",
            )
        return {"webhook_subscription": result, "secret": secret}
