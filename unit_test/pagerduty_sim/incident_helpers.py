"""Small helpers shared by the incident behaviour tests (plain functions over an ``Api``)."""

from __future__ import annotations

from typing import Any


def ref(kind: str, ident: str) -> dict[str, str]:
    return {"id": ident, "type": f"{kind}_reference"}


def create(api: Any, service_id: str, **fields: Any) -> dict[str, Any]:
    """``POST /incidents`` on ``service_id``; asserts the 201 and returns the incident."""
    body = {
        "incident": {"type": "incident", "title": "Checkout is down", "service": ref("service", service_id)}
    }
    body["incident"].update(fields)
    response = api.post("/incidents", json=body)
    assert response.status_code == 201, response.text
    return response.json()["incident"]


def update(api: Any, ident: str, **fields: Any) -> Any:
    """``PUT /incidents/{ident}`` with ``fields``; returns the response."""
    return api.put(f"/incidents/{ident}", json={"incident": {"type": "incident_reference", **fields}})


def incident(api: Any, ident: str, *includes: str) -> dict[str, Any]:
    params = [("include[]", i) for i in includes]
    response = api.get(f"/incidents/{ident}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["incident"]


def log_types(api: Any, ident: str, **params: Any) -> list[str]:
    entries = api.get(f"/incidents/{ident}/log_entries", params=params).json()["log_entries"]
    return [e["type"] for e in entries]


def error(response: Any) -> tuple[int, dict[str, Any]]:
    return response.status_code, response.json()["error"]
