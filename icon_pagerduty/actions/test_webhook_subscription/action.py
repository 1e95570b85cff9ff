"""Ask PagerDuty to send a test webhook (a pagey.ping event) to the subscription's URL."""

from actionkit import Action
from icon_pagerduty.client import NotFound
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class TestWebhookSubscription(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        try:
            # PagerDuty answers 202 with no body: the ping is queued, and delivered like any webhook.
            self.connection.rest.post(f"/webhook_subscriptions/{segment(inp.id)}/ping")
        except NotFound as error:
            raise error.with_assistance(
                f"No webhook subscription with id {inp.id!r} is visible to this API key; check the input "
                "`id` (List Webhook Subscriptions shows them)."
            ) from None
        return {"success": True}
