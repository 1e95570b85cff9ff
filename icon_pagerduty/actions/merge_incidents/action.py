"""Merge incidents into one that stays open; the sources end resolved, their alerts moved to it."""

from typing import Any

from actionkit import InputError
from icon_pagerduty.actions.incident_lookup import IncidentAction, incident_id
from icon_pagerduty.client import BadRequest
from icon_pagerduty.client.paths import segment

from .schema import Input, Output

ALREADY_MERGED = 1019


class MergeIncidents(IncidentAction[Input, Output]):
    method, path, key = "PUT", "/incidents/{id}/merge", "incident"

    def values(self, inp: Input) -> dict[str, Any]:
        values = super().values(inp)
        sources: list[str] = []
        for number, given in enumerate(values.get("source_ids") or []):
            ident = incident_id(self.connection.rest, given, f"source_ids[{number}]")
            if ident == values["id"]:
                raise InputError(f"The input `source_ids[{number}]` ({given!r}) is the incident that stays "
                                 "(`id`); an incident cannot be merged into itself.",
                                 data={"input": f"source_ids[{number}]", "value": given})
            if ident not in sources:
                sources.append(ident)
        if not sources:
            raise InputError("The input `source_ids` is empty; give the incidents to merge into `id`.",
                             data={"input": "source_ids"})
        return {**values, "source_ids": sources}

    def body(self, values: dict[str, Any]) -> Any:
        # Unwrapped, as PagerDuty takes it.
        return {"source_incidents": [{"id": s, "type": "incident_reference"} for s in values["source_ids"]]}

    def write(self, path: str, values: dict[str, Any]) -> dict:
        try:
            return super().write(path, values)
        except BadRequest as error:
            if error.code == ALREADY_MERGED:
                raise error.with_assistance(
                    "A source was merged into another incident before; leave it out of `source_ids`."
                ) from None
            raise

    def shape(self, result: Any, values: dict[str, Any], *, truncated: bool = False) -> dict:
        # PagerDuty answers the target as a reference; the output gives it in full, after the merge.
        path = f"/incidents/{segment(values['id'])}"
        return {"incident": self.connection.rest.get(path, "incident", {"include[]": ["conference_bridge"]})}
