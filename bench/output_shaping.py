"""7. Output shaping: 10,000 incidents made plain, optional nulls dropped, validated and masked.

What the runtime does to a ``list_incidents`` answer before it leaves the plugin, in process:
``actionkit.shaping.shape_output`` (one pass) against the floor, ``json.dumps`` of the same data
(the least any runtime must do to send it), and against the four rules run one after the other
(``plain``, ``drop_optional_nulls``, ``validate``, ``Masker.data``: the runtime before one-pass
shaping), all measured in the same run.

The incidents are modelled on PagerDuty's incident object (40 fields, seven references, assignments,
alert counts, nulls where PagerDuty answers null), typed through ``actionkit.types`` as a spec's
custom types would be; the connection has one secret, as a real one does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from actionkit.masking import Masker
from actionkit.shaping import shape_output
from actionkit.types import section_schema
from actionkit.validate import validate
from actionkit.values import drop_optional_nulls, plain

from .common import Config, median, profiled, ratio, self_time_by_module

TITLE = "Output shaping (10,000 incidents)"
TARGET_S = 0.5  # "well under a second"
SECRET = "y_Nab3+Qk-7XbW2mT9cR"


def _field(spec_type: str, **keys: Any) -> dict[str, Any]:
    return {"title": "T", "description": "D", "type": spec_type, **keys}


REFERENCE = {name: _field("string") for name in ("id", "type", "summary", "self", "html_url")}
INCIDENT = {
    **{name: _field("string") for name in ("type", "summary", "self", "html_url", "title", "description",
                                           "incident_key", "assigned_via", "urgency")},
    "id": _field("string", required=True),
    "incident_number": _field("integer"),
    "escalation_level": _field("integer"),
    "is_mergeable": _field("boolean"),
    "status": _field("string", enum=["triggered", "acknowledged", "resolved"]),
    **{name: _field("date") for name in ("created_at", "updated_at", "last_status_change_at", "resolved_at")},
    **{name: _field("reference") for name in ("service", "first_trigger_log_entry", "escalation_policy",
                                              "last_status_change_by", "priority")},
    **{name: _field("[]reference") for name in ("teams", "impacted_services")},
    "assignments": _field("[]assignment"),
    "alert_counts": _field("alert_counts"),
    **{name: _field("[]object") for name in ("pending_actions", "acknowledgements", "incidents_responders",
                                             "responder_requests", "custom_fields")},
    **{name: _field("object") for name in ("basic_alert_grouping", "alert_grouping", "resolve_reason",
                                           "conference_bridge", "body", "occurrence", "incident_type",
                                           "metadata")},
}
TYPES = {
    "reference": REFERENCE,
    "incident": INCIDENT,
    "assignment": {"at": _field("date"), "assignee": _field("reference")},
    "alert_counts": {name: _field("integer") for name in ("all", "triggered", "resolved")},
}
SCHEMA = section_schema({"incidents": _field("[]incident", required=True)}, TYPES)


def _reference(kind: str, number: int) -> dict[str, str]:
    ident = f"P{number % 999_999:06d}"
    return {"id": ident, "type": f"{kind}_reference", "summary": f"{kind.replace('_', ' ')} {number}",
            "self": f"https://api.pagerduty.com/{kind}s/{ident}",
            "html_url": f"https://acme.pagerduty.com/{kind}s/{ident}"}


def incident(number: int) -> dict[str, Any]:
    """One incident as PagerDuty answers it: nulls included, a log entry mentioning a secret."""
    at = f"2024-01-{number % 28 + 1:02d}T{number % 24:02d}:15:00Z"
    return {
        "id": f"Q{number:06d}", "type": "incident",
        "summary": f"[#{number}] Disk at 99% on web-{number % 50}",
        "self": f"https://api.pagerduty.com/incidents/Q{number:06d}",
        "html_url": f"https://acme.pagerduty.com/incidents/Q{number:06d}",
        "title": f"Disk at 99% on web-{number % 50}", "description": f"Disk at 99% on web-{number % 50}",
        "incident_key": f"web-{number % 50}/disk/{number}", "assigned_via": "escalation_policy",
        "urgency": "high", "incident_number": number, "escalation_level": 1, "is_mergeable": True,
        "status": ("triggered", "acknowledged", "resolved")[number % 3],
        "created_at": at, "updated_at": at, "last_status_change_at": at,
        "resolved_at": at if number % 3 == 2 else None,
        "service": _reference("service", number), "first_trigger_log_entry": _reference("log_entry", number),
        "escalation_policy": _reference("escalation_policy", number),
        "last_status_change_by": _reference("user", number), "priority": None,
        "teams": [_reference("team", number)], "impacted_services": [_reference("service", number)],
        "assignments": [{"at": at, "assignee": _reference("user", number)}] if number % 3 == 0 else [],
        "alert_counts": {"all": 1, "triggered": int(number % 3 == 0), "resolved": int(number % 3 == 2)},
        "pending_actions": [], "acknowledgements": [], "incidents_responders": [], "responder_requests": [],
        "custom_fields": [], "basic_alert_grouping": None, "alert_grouping": None, "resolve_reason": None,
        "conference_bridge": None, "occurrence": None, "incident_type": {"name": "incident_default"},
        "metadata": {},
        "body": {"type": "incident_body", "details": f"curl -H 'Token {SECRET}'" if number == 7 else "df -h"},
    }


def _four_passes(data: Any, masker: Masker) -> Any:
    value = plain(data)
    value, _ = drop_optional_nulls(value, SCHEMA)
    if validate(value, SCHEMA, "output"):
        raise RuntimeError("the benchmark's incidents do not match their schema")
    return masker.data(value)


def _timed(function: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return median(times)


def run(cfg: Config) -> dict[str, Any]:
    count = 2_000 if cfg.quick else 10_000
    rounds = 1 if cfg.quick else 5
    data = {"incidents": [incident(number) for number in range(count)]}
    masker = Masker({SECRET})
    shaped = shape_output(data, SCHEMA, "output", masker)
    if shaped != _four_passes(data, masker) or SECRET in json.dumps(shaped):
        raise RuntimeError("one-pass shaping differs from the four rules")
    floor = _timed(lambda: json.dumps(data), rounds)
    one_pass = _timed(lambda: shape_output(data, SCHEMA, "output", masker), rounds)
    four_passes = _timed(lambda: _four_passes(data, masker), max(1, rounds // 2))
    figures = {
        "json.dumps (floor)": {"seconds": round(floor, 3), "x_floor": 1.0},
        "one pass (shape_output)": {"seconds": round(one_pass, 3), "x_floor": ratio(one_pass, floor)},
        "four passes (before)": {"seconds": round(four_passes, 3), "x_floor": ratio(four_passes, floor)},
    }
    scaled = one_pass * 10_000 / count
    target = {"name": f"10,000 incidents shaped, validated and masked under {TARGET_S} s",
              "value": round(scaled, 3), "unit": "s", "met": scaled < TARGET_S}
    if not target["met"]:
        stats = profiled(lambda: shape_output(data, SCHEMA, "output", masker))
        target["dominated_by"] = self_time_by_module(stats)
    return {
        "title": TITLE,
        "figures": figures,
        "incidents": count,
        "rounds": rounds,
        "targets": [target],
        "notes": [
            f"{count:,} incidents of {len(INCIDENT)} fields; one secret in the connection; median of "
            f"{rounds} rounds (the four passes: half as many).",
            "Floor: json.dumps of the same data, measured in the same run.",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    count = result["incidents"]
    floor = result["figures"]["json.dumps (floor)"]["seconds"]
    out = []
    for name, figure in result["figures"].items():
        out.append((f"shape {count:,} incidents: {name}", f"{figure['seconds'] * 1000:.0f} ms",
                    "floor" if name.startswith("json") else f"json.dumps {floor * 1000:.0f} ms",
                    f"{figure['x_floor']:.2f}x"))
    return out
