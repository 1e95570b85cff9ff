"""Get an incident by its ID, its number or its incident key; nothing found is found false."""

from typing import Any

from actionkit import InputError
from icon_pagerduty.actions.incident_lookup import by_key, number_of
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output

INCLUDE = ["conference_bridge"]  # shown only when asked for


class GetIncident(RestAction[Input, Output]):
    # PagerDuty's GET /incidents/{id} takes an ID or a number; a 404 is {"found": false}.
    method, path, key = "GET", "/incidents/{id}", "incident"
    fixed = {"include[]": INCLUDE}
    not_sent = RestAction.not_sent | {"incident_key"}

    def run(self, inp: Input) -> dict:
        given = [name for name in ("id", "incident_key") if (inp.get(name) or "").strip()]
        if len(given) != 1:
            said = "both" if given else "neither"
            raise InputError(
                f"Give the input `id` (the incident's ID or number) or `incident_key`; {said} was given.",
                data={"inputs": given},
            )
        if inp.id:
            return super().run(inp)
        incident = by_key(self.connection.rest, inp.incident_key.strip(), INCLUDE)
        return {"found": False} if incident is None else {"found": True, "incident": incident}

    def values(self, inp: Input) -> dict[str, Any]:
        values = super().values(inp)
        values["id"] = number_of(values["id"]) or values["id"].strip()  # "#1234" -> "1234"
        return values
