"""Acknowledge, resolve or change an incident; a change it already had is changed false."""

from __future__ import annotations

from typing import Any

from actionkit import Action, InputError
from icon_pagerduty.actions.incident_lookup import fetch, status_change
from icon_pagerduty.client.paths import segment

from .schema import Input, Output

INCLUDE = ["conference_bridge"]
REFERENCES = (("priority", "priority_reference"), ("escalation_policy", "escalation_policy_reference"))
ROUTING = ("escalation_level", "escalation_policy", "assignees")  # only an open incident takes these


class UpdateIncident(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        rest = self.connection.rest
        current = fetch(rest, inp.id, "id", INCLUDE)
        changes = _changes(current, inp)
        if not changes:
            self.logger.info("Incident #%s already is as asked; nothing sent.",
                             current.get("incident_number"))
            return {"incident": current, "changed": False}
        sender = rest.resolve_from(inp.from_email)
        body = {"incident": {"type": "incident_reference", **changes}}
        updated = rest.put(f"/incidents/{segment(current['id'])}", body, "incident", from_email=sender)
        # The answer shows the bridge only when asked for, which a PUT cannot do.
        bridge = changes.get("conference_bridge") or current.get("conference_bridge")
        if bridge and "conference_bridge" not in updated:
            updated["conference_bridge"] = bridge
        return {"incident": updated, "changed": True}


def _changes(current: dict[str, Any], inp: Input) -> dict[str, Any]:
    """PagerDuty's fields for what differs from ``current``; input errors for what it refuses."""
    changes: dict[str, Any] = {}
    if status_change(current, inp.status or None):
        changes["status"] = inp.status
    if inp.resolution is not None:
        if inp.status != "resolved":
            raise InputError(
                "The input `resolution` is recorded when resolving: set `status` to resolved too.",
                data={"input": "resolution"},
            )
        if "status" in changes:
            changes["resolution"] = inp.resolution
    routing = [name for name in ROUTING if inp.get(name) not in (None, [])]
    stays_open = (changes.get("status") or current.get("status")) != "resolved"
    if routing and not stays_open:
        name = f"#{current.get('incident_number')}"
        state = "being resolved" if "status" in changes else "resolved"
        raise InputError(
            f"Incident {name} is {state}, and PagerDuty escalates and assigns open incidents only; "
            f"leave out {', '.join(f'`{n}`' for n in routing)}.",
            data={"inputs": routing, "status": current.get("status")},
        )
    for name in ("title", "urgency"):
        if inp.get(name) and inp.get(name) != current.get(name):
            changes[name] = inp.get(name)
    for name, kind in REFERENCES:
        if inp.get(name) and inp.get(name) != (current.get(name) or {}).get("id"):
            changes[name] = {"id": inp.get(name), "type": kind}
    if inp.escalation_level is not None:
        changes["escalation_level"] = inp.escalation_level  # the level is not shown, so always sent
    if inp.assignees:
        now = {(a.get("assignee") or {}).get("id") for a in current.get("assignments") or []}
        if set(inp.assignees) != now:
            changes["assignments"] = [{"assignee": {"id": u, "type": "user_reference"}}
                                      for u in inp.assignees]
    bridge = dict(current.get("conference_bridge") or {})
    asked = {n: inp.get(n) for n in ("conference_number", "conference_url") if inp.get(n)}
    if any(bridge.get(n) != v for n, v in asked.items()):
        changes["conference_bridge"] = {**bridge, **asked}
    return changes
