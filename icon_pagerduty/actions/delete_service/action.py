"""Delete a PagerDuty service; refused while it has open incidents."""

from icon_pagerduty.actions.service_helpers import SERVICE_REFUSALS, ExplainedRestAction

from .schema import Input, Output


class DeleteService(ExplainedRestAction[Input, Output]):
    method, path, key = "DELETE", "/services/{id}", None
    needs_from = False
    refusals = SERVICE_REFUSALS
