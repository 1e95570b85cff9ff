"""Create a PagerDuty service on an escalation policy."""

from actionkit import InputError
from icon_pagerduty.actions.service_helpers import SERVICE_REFUSALS, ExplainedRestAction, service_values

from .schema import Input, Output


class CreateService(ExplainedRestAction[Input, Output]):
    method, path, key = "POST", "/services", "service"
    references = {"escalation_policy": "escalation_policy_reference"}
    fixed = {"type": "service"}
    needs_from = False  # PagerDuty takes no From here
    refusals = SERVICE_REFUSALS

    def values(self, inp):
        if inp.urgency_rule == "use_support_hours" and not inp.support_hours:
            raise InputError(
                "The urgency rule use_support_hours needs the input `support_hours`, which is empty.",
                'Set support_hours, such as {"time_zone": "Europe/London", "days_of_week": [1, 2, 3, 4, 5], '
                '"start_time": "09:00:00", "end_time": "17:00:00"}, or choose another urgency_rule.',
                data={"input": "support_hours"},
            )
        return service_values(super().values(inp))
