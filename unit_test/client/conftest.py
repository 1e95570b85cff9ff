"""Fixtures of the client tests: a scripted fake transport, checked clients, and the canary key.

The fake transport is a ``requests`` adapter mounted on the client's session. It holds an
ordered script of expected requests and their answers, fails on any request it does not
expect and, at teardown, on any answer left unused. Every request it receives is also checked
against PagerDuty's official OpenAPI when the files are present.
"""

from __future__ import annotations

import http.client
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from icon_pagerduty.client import EventsClient, RestClient, RetryPolicy

CANARY_KEY = "CANARY+key_1234567-x"
CANARY_ROUTING_KEY = "R0CANARYroutingKEY0123456789abcd"
SECRETS = (CANARY_KEY, CANARY_ROUTING_KEY)
ANY = object()


@dataclass
class Step:
    method: str
    path: str
    query: dict[str, list[str]] | None
    json: Any
    headers: dict[str, str] | None
    status: int
    body: Any
    reply_headers: dict[str, str]
    raises: Exception | None
    on_send: Any = None


@dataclass
class Sent:
    """A request the fake received: what a test may inspect afterwards."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CaseInsensitiveDict
    json: Any
    timeout: Any


@dataclass
class FakeTransport(BaseAdapter):
    check_request: Any = None
    script: deque = field(default_factory=deque)
    sent: list[Sent] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def expect(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, list[str]] | None = None,
        json: Any = ANY,
        headers: dict[str, str] | None = None,
        status: int = 200,
        body: Any = None,
        reply_headers: dict[str, str] | None = None,
        raises: Exception | None = None,
        on_send: Any = None,
    ) -> None:
        """Script the next request (``query`` and ``json`` compared exactly when given, ``headers`` as a
        subset) and its answer: ``status``/``body``/``reply_headers``, or ``raises``. ``on_send()`` runs
        before the answer (to move a fake clock, say)."""
        step = Step(method, path, query, json, headers, status, body, reply_headers or {}, raises, on_send)
        self.script.append(step)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        query = parse_qs(parts.query, keep_blank_values=True)
        body = json.loads(request.body) if request.body else None
        sent = Sent(request.method, parts.path, query, CaseInsensitiveDict(request.headers), body, timeout)
        self.sent.append(sent)
        label = f"{request.method} {parts.path}"
        if self.check_request is not None:
            for problem in self.check_request(request.method, parts.path, query, dict(request.headers), body):
                self._fail(f"{label} breaks the OpenAPI contract: {problem}")
        if not self.script:
            self._fail(f"unexpected request {label}")
        step = self.script.popleft()
        if (step.method, step.path) != (request.method, parts.path):
            self._fail(f"expected {step.method} {step.path}, got {label}")
        if step.query is not None and query != step.query:
            self._fail(f"{label}: expected query {step.query}, got {query}")
        if step.json is not ANY and body != step.json:
            self._fail(f"{label}: expected body {step.json}, got {body}")
        for name, value in (step.headers or {}).items():
            if sent.headers.get(name) != value:
                self._fail(f"{label}: expected header {name}: {value!r}, got {sent.headers.get(name)!r}")
        if step.on_send is not None:
            step.on_send()
        if step.raises is not None:
            step.raises.request = request
            raise step.raises
        return self._response(request, step)

    def _fail(self, problem: str) -> None:
        self.problems.append(problem)
        raise AssertionError(problem)

    @staticmethod
    def _response(request, step: Step) -> requests.Response:
        response = requests.Response()
        response.status_code = step.status
        response.reason = http.client.responses.get(step.status, "")
        if isinstance(step.body, (dict, list)):
            content = json.dumps(step.body).encode()
            headers = {"Content-Type": "application/json"}
        else:
            content = (step.body or "").encode()
            headers = {"Content-Type": "text/html"} if content else {}
        response._content = content
        response._content_consumed = True
        response.headers = CaseInsensitiveDict({**headers, **step.reply_headers})
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture(scope="session")
def openapi_check():
    """The contract's request checker, or None when the OpenAPI files (or the checker) are absent."""
    try:
        from unit_test.openapi_contract import contract
    except ImportError:
        return None
    try:
        return contract().request_problems
    except pytest.skip.Exception:
        return None


@pytest.fixture
def fake(openapi_check):
    transport = FakeTransport(check_request=openapi_check)
    yield transport
    unused = [f"{s.method} {s.path}" for s in transport.script]
    assert not transport.problems, transport.problems
    assert not unused, f"scripted requests never sent: {unused}"


class FakeTime:
    """A clock that only ``sleep`` moves: tests neither sleep nor depend on how fast they run."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def waits(fake_time) -> list[float]:
    """The waits the client asked for, in order (the fake ``sleep`` records them and moves the clock)."""
    return fake_time.waits


@pytest.fixture
def policy(fake_time) -> RetryPolicy:
    """The default policy with no jitter, on the fake clock."""
    return RetryPolicy(sleep=fake_time.sleep, clock=fake_time.clock, random=lambda: 0.0)


@pytest.fixture
def session(fake) -> requests.Session:
    s = requests.Session()
    s.mount("https://", fake)
    s.mount("http://", fake)
    return s


@pytest.fixture
def rest(session, policy) -> RestClient:
    return RestClient(CANARY_KEY, session=session, retry=policy)


@pytest.fixture
def events(session, policy) -> EventsClient:
    return EventsClient(session=session, retry=policy)


@pytest.fixture(autouse=True)
def no_secret_in_logs(caplog):
    """Every client test runs with DEBUG logging captured, and fails if a secret reaches a log record."""
    caplog.set_level(logging.DEBUG, logger="icon_pagerduty")
    yield caplog
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        leaked = [s for s in SECRETS if s in text or s.replace("+", "%2B") in text]
        assert not leaked, f"a secret reached the log: {record.getMessage()!r}"
