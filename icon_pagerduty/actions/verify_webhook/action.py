"""Check that a v3 webhook really comes from PagerDuty, by its X-PagerDuty-Signature, and parse it."""

import json

from actionkit import Action, InputError
from icon_pagerduty.util.signatures import matches, signatures

from .schema import Input, Output


class VerifyWebhook(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        secrets = [item.get("secretKey") for item in inp.secrets if isinstance(item, dict)]
        if not secrets or not all(isinstance(s, str) and s for s in secrets):
            raise InputError(
                "The input `secrets` must list the subscription's signing secrets, each as "
                '{"secretKey": "..."}.',
                "Give the secret that Create Webhook Subscription returned (and the previous one during a "
                "rotation).",
            )
        if not signatures(inp.signature):
            return invalid("The signature header holds no v1=<64 hex digits> value")
        raw = inp.body.encode("utf-8")
        if not matches(raw, inp.signature, secrets):
            return invalid(
                "No v1 signature matches the secrets: the body was changed, or signed with another secret"
            )
        try:
            event = json.loads(inp.body).get("event")
        except (ValueError, AttributeError):
            event = None
        if not isinstance(event, dict):
            return invalid('The body is signed but is not a webhook: it has no {"event": {...}}')
        return {"valid": True, "event": event}


def invalid(reason: str) -> dict:
    return {"valid": False, "reason": reason}
