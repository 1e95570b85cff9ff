"""Change a PagerDuty service; only the inputs given change."""

from actionkit import InputError
from icon_pagerduty.actions.service_helpers import SERVICE_REFUSALS, ExplainedRestAction, service_values

from .schema import Input, Output


class UpdateService(ExplainedRestAction[Input, Output]):
    method, path, key = "PUT", "/services/{id}", "service"
    references = {"escalation_policy": "escalation_policy_reference"}
    fixed = {"type": "service"}
    needs_from = False  # PagerDuty takes no From here
    refusals = SERVICE_REFUSALS

    def values(self, inp):
        values = super().values(inp)
        if all(value is None for name, value in values.items() if name != "id"):
            raise InputError(
                "Nothing to change: give at least one input besides `id`, such as status or description.",
                data={"input": "id", "value": inp.id},
            )
        return service_values(values)
