"""Change an extension; only the inputs given change."""

from actionkit import InputError
from icon_pagerduty.actions.service_helpers import EXTENSION_REFUSALS, ExplainedRestAction

from .schema import Input, Output


class UpdateExtension(ExplainedRestAction[Input, Output]):
    method, path, key = "PUT", "/extensions/{id}", "extension"
    rename = {"services": "extension_objects"}
    references = {"services": "service_reference"}
    fixed = {"type": "extension"}
    needs_from = False  # PagerDuty takes no From here
    refusals = EXTENSION_REFUSALS

    def values(self, inp):
        values = super().values(inp)
        if all(value is None for name, value in values.items() if name != "id"):
            raise InputError(
                "Nothing to change: give at least one of the inputs `name`, `endpoint_url`, `services`, "
                "`config`.",
                data={"input": "id", "value": inp.id},
            )
        return values
