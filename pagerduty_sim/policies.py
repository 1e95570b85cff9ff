"""Escalation policies (pagerduty-api.md §8.3); schedules are in ``schedules.py``."""

from __future__ import annotations

from typing import Any

from .errors import invalid, missing_ability
from .resources import by_name, in_teams
from .store import Field, Resource, Store

MAX_TARGETS = 10  # the documents' maxItems for a rule's targets
EP_TARGET_TYPES = {
    "user_reference": "users",
    "user": "users",
    "schedule_reference": "schedules",
    "schedule": "schedules",
    "schedule_v3_reference": "schedules",
}


# -- escalation policies --------------------------------------------------------------------------


def _rules(store: Store, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise invalid("Escalation rules must be a list")
    rules = []
    for number, rule in enumerate(raw, 1):
        if not isinstance(rule, dict):
            raise invalid(f"Escalation rule {number} must be an object")
        delay = rule.get("escalation_delay_in_minutes", 30)
        if not isinstance(delay, int) or isinstance(delay, bool) or delay < 1:
            raise invalid(f"Escalation rule {number}: escalation_delay_in_minutes must be a positive integer")
        targets = rule.get("targets")
        if not isinstance(targets, list) or not targets:
            raise invalid(f"Escalation rule {number} must have at least one target")
        if len(targets) > MAX_TARGETS:
            raise invalid(f"Escalation rule {number} may have at most {MAX_TARGETS} targets")
        resolved = []
        for target in targets:
            plural = EP_TARGET_TYPES.get(target.get("type")) if isinstance(target, dict) else None
            if plural is None:
                raise invalid(
                    f"Escalation rule {number}: each target needs an id and a type among "
                    f"{', '.join(EP_TARGET_TYPES)}"
                )
            if target.get("id") not in store.table(plural):
                raise invalid(f"Escalation rule {number}: {plural[:-1]} {target.get('id')} not found")
            resolved.append([plural, target["id"]])
        strategy = rule.get("escalation_rule_assignment_strategy")
        rules.append(
            {
                "id": rule.get("id") or store.ids.resource_id(),
                "escalation_delay_in_minutes": delay,
                "targets": resolved,
                **({"escalation_rule_assignment_strategy": strategy} if strategy else {}),
            }
        )
    return rules


def _validate_ep(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if "escalation_rules" in values:
        if existing is not None and values["escalation_rules"] == []:
            raise invalid("Cannot Delete Only Rule For Escalation Policy")
        values["escalation_rules"] = _rules(store, values["escalation_rules"])
        if not values["escalation_rules"]:
            raise invalid("Escalation policy must have at least one escalation rule")
    name = values.get("name")
    if name is not None:
        for other in store.table("escalation_policies").values():
            if other["name"].lower() == name.lower() and (existing is None or other["id"] != existing["id"]):
                raise invalid("Escalation Policy has already been taken")
    teams = values.get("teams")
    if teams:
        if "teams" not in store.settings.abilities:
            raise missing_ability("teams")
        if len(teams) > 1:
            raise invalid("Only one team may be associated with an escalation policy")


def _ep_in_use(store: Store, record: dict[str, Any], ctx: Any) -> None:
    # The status and wording of the live refusal are unverified (reference §16); naming the
    # services is ours, so a caller can say what to move first.
    names = sorted(
        s["name"] for s in store.table("services").values() if s["escalation_policy"] == record["id"]
    )
    if names:
        raise invalid(
            "This escalation policy is used by one or more services and cannot be deleted: "
            + ", ".join(names)
        )


def _render_ep(store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]) -> None:
    expand_targets = "targets" in includes
    out["escalation_rules"] = [
        {
            **{k: v for k, v in rule.items() if k != "targets"},
            "targets": [
                store.render(p, store.table(p)[i])
                if expand_targets and i in store.table(p)
                else store.ref(p, i)
                for p, i in rule["targets"]
            ],
        }
        for rule in record["escalation_rules"]
    ]
    services = [s for s in store.table("services").values() if s["escalation_policy"] == record["id"]]
    out["services"] = [
        store.render("services", s) if "services" in includes else store.ref("services", s["id"])
        for s in services
    ]


ESCALATION_POLICIES = Resource(
    plural="escalation_policies",
    singular="escalation_policy",
    fields=(
        Field("name", required=True, max_len=255),
        Field("description", default=""),
        Field("num_loops", "int", default=0, nullable=False),
        Field("on_call_handoff_notifications", default="if_has_services", enum=("if_has_services", "always")),
        Field("escalation_rules", "list", required=True),
        Field("teams", "refs", target="teams", default=list),
    ),
    filters={
        "team_ids[]": in_teams,
        "user_ids[]": lambda store, r, values: any(
            p == "users" and i in values for rule in r["escalation_rules"] for p, i in rule["targets"]
        ),
    },
    includes={
        "services": None,
        "teams": "teams",
        "targets": None,
        "escalation_rule_assignment_strategies": None,
    },
    html_path="escalation_policies",
    sort_key=by_name,
    validate=_validate_ep,
    render=_render_ep,
    before_delete=_ep_in_use,
)
