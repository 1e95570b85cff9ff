"""Add an integration to a service; an Events integration's key is the routing key for events."""

from actionkit import InputError
from icon_pagerduty.actions.service_helpers import ExplainedRestAction

from .schema import Input, Output

# The action's short names for PagerDuty's integration types.
TYPES = {
    "events_api_v2": "events_api_v2_inbound_integration",
    "generic": "generic_events_api_inbound_integration",
    "email": "generic_email_inbound_integration",
}


class CreateIntegration(ExplainedRestAction[Input, Output]):
    method, path, key = "POST", "/services/{service}/integrations", "integration"
    needs_from = False  # PagerDuty takes no From here
    refusals = (
        ("integration email",
         "Set the input `integration_email` to a free address at the account's subdomain, such as "
         "checkout-alerts@<subdomain>.pagerduty.com."),
    )

    def values(self, inp):
        values = super().values(inp)
        kind = values.get("type") or "events_api_v2"
        if kind == "email" and not values.get("integration_email"):
            raise InputError(
                "An email integration needs the input `integration_email`, which is empty.",
                "Set integration_email to an address at the account's subdomain, such as "
                "checkout-alerts@<subdomain>.pagerduty.com.",
                data={"input": "integration_email"},
            )
        if kind != "email" and values.get("integration_email"):
            raise InputError(
                f"The input `integration_email` is only for type email; the type is {kind}.",
                "Leave integration_email empty, or set type to email.",
                data={"input": "integration_email"},
            )
        return {**values, "type": TYPES[kind]}

    def shape(self, result, values, *, truncated=False):
        # The key is the point of this action: output, never logged (the runtime logs no output).
        output = super().shape(result, values, truncated=truncated)
        if result.get("integration_key"):
            output["integration_key"] = result["integration_key"]
        return output
