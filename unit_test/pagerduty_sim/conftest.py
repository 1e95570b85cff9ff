"""Fixtures for the simulator's own tests: HTTP helpers over ``sim`` (from ``unit_test/conftest.py``)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

ACCEPT = "application/vnd.pagerduty+json;version=2"


class Api:
    """A thin requests wrapper for tests: REST calls with a chosen credential, and Events calls."""

    def __init__(self, sim: Any, token: str, scheme: str = "token", from_email: str | None = None):
        self.sim = sim
        self.session = requests.Session()
        auth = f"Token token={token}" if scheme == "token" else f"Bearer {token}"
        self.session.headers.update({"Authorization": auth, "Accept": ACCEPT})
        if from_email:
            self.session.headers["From"] = from_email

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.sim.url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def creds(sim: Any) -> dict[str, Any]:
    return sim.credentials()


@pytest.fixture
def make_api(sim: Any):
    """Build an ``Api`` with any credential: ``make_api(token, scheme="token"|"bearer", from_email=None)``."""
    return lambda token, scheme="token", from_email=None: Api(sim, token, scheme, from_email)


@pytest.fixture
def api(sim: Any, creds: dict[str, Any]) -> Api:
    """Account-level key with the seeded admin's email as ``From``."""
    return Api(sim, creds["account_token"], from_email=creds["from_email"])


@pytest.fixture
def account_api(sim: Any, creds: dict[str, Any]) -> Api:
    """Account-level key without ``From``."""
    return Api(sim, creds["account_token"])


@pytest.fixture
def user_api(sim: Any, creds: dict[str, Any]) -> Api:
    """The seeded admin's user-level key."""
    return Api(sim, creds["user_token"])


@pytest.fixture
def events(sim: Any) -> requests.Session:
    session = requests.Session()
    yield session
    session.close()


@pytest.fixture
def users(sim: Any) -> dict[str, dict[str, Any]]:
    """Seeded users by name."""
    return {u["name"]: u for u in sim.state()["users"]}


@pytest.fixture
def services(sim: Any) -> dict[str, dict[str, Any]]:
    """Seeded services by name."""
    return {s["name"]: s for s in sim.state()["services"]}
