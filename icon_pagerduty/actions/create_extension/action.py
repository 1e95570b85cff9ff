"""Create an extension, such as a webhook, for some services."""

from icon_pagerduty.actions.service_helpers import EXTENSION_REFUSALS, ExplainedRestAction

from .schema import Input, Output


class CreateExtension(ExplainedRestAction[Input, Output]):
    method, path, key = "POST", "/extensions", "extension"
    rename = {"services": "extension_objects"}
    references = {"extension_schema": "extension_schema_reference", "services": "service_reference"}
    fixed = {"type": "extension"}
    needs_from = False  # PagerDuty takes no From here
    refusals = EXTENSION_REFUSALS
