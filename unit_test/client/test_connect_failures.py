"""Failures to connect: named by the setting and its value, in plain words, and reported within seconds."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests
import urllib3.exceptions

from icon_pagerduty.client import InvalidConfig, RestClient, Unreachable
from unit_test.client.conftest import CANARY_KEY

USER = {"id": "PXYZ123", "type": "user", "name": "Ada", "email": "ada@example.com"}
LIBRARY_WORDS = ("urllib3", "NewConnectionError", "HTTPConnectionPool", "HTTPSConnectionPool", "Max retries",
                 "MaxRetryError", "NameResolutionError", "Errno")


def wrapped(os_error: BaseException, cls=urllib3.exceptions.NewConnectionError) -> Exception:
    """What requests raises: its ConnectionError around urllib3's MaxRetryError around ``cls``, caused by
    ``os_error``, each with the library's own wording."""
    reason = cls(None, f"Failed to establish a new connection: {os_error}")
    reason.__cause__ = os_error
    pool = urllib3.exceptions.MaxRetryError(None, "/users/PXYZ123?query=a@b.c", reason)
    error_class = requests.exceptions.SSLError if isinstance(os_error, ssl.SSLError) else \
        requests.exceptions.ConnectionError
    return error_class(pool)


def tls_error(reason: str) -> ssl.SSLError:
    error = ssl.SSLError(1, f"[SSL: {reason}] {reason.lower()} (_ssl.c:1006)")
    error.reason = reason
    return error


def cert_error() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    error.verify_message = "self-signed certificate"
    return error


def test_refused_is_retried_briefly_then_names_the_setting(rest, fake, waits):
    for _ in range(3):
        fake.expect("GET", "/users/PXYZ123", raises=wrapped(ConnectionRefusedError(111, "refused")))
    with pytest.raises(Unreachable) as caught:
        rest.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: cannot connect to api_url https://api.pagerduty.com: connection refused "
        "(gave up after 3 attempts)"
    )
    assert caught.value.assistance == (
        "Check the connection field api_url, and that api.pagerduty.com can be reached from where the plugin "
        "runs; then run the step again."
    )
    assert waits == [0.5, 1.0]  # three attempts within 1.5 s, not the whole retry schedule


def test_a_refusal_then_an_answer_succeeds(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", raises=wrapped(ConnectionRefusedError(111, "Connection refused")))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    assert rest.get_user("PXYZ123") == USER


@pytest.mark.parametrize(
    ("failure", "what", "retried"),
    [
        (lambda: wrapped(socket.gaierror(socket.EAI_NONAME, "Name or service not known")),
         "the host name was not found (DNS)", False),
        (lambda: wrapped(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")),
         "the host name could not be resolved (a temporary DNS failure)", True),
        (lambda: wrapped(OSError(101, "Network is unreachable")), "the network is unreachable", True),
        (lambda: wrapped(tls_error("WRONG_VERSION_NUMBER")),
         "the TLS handshake failed (wrong version number)", False),
        (lambda: wrapped(cert_error()), "the server's TLS certificate was refused (self-signed certificate)",
         False),
        (lambda: requests.exceptions.ConnectTimeout("connect timed out"),
         "no connection within 10 s (connect_timeout)", True),
    ],
    ids=["dns-unknown-host", "dns-temporary", "network-unreachable", "tls-http-server", "tls-certificate",
         "connect-timeout"],
)
def test_each_connect_failure_is_named_in_plain_words(session, policy, fake, waits, failure, what, retried):
    client = RestClient(CANARY_KEY, session=session, retry=policy)
    for _ in range(3 if retried else 1):
        fake.expect("GET", "/users/me", raises=failure())
    with pytest.raises((Unreachable, InvalidConfig)) as caught:
        client.get_current_user()
    attempts = " (gave up after 3 attempts)" if retried else ""
    where = "cannot connect to api_url https://api.pagerduty.com"
    assert str(caught.value) == f"GET /users/me: {where}: {what}{attempts}"
    assert caught.value.kind == ("transient" if retried else "config")
    shown = caught.value.error_text()
    assert [word for word in LIBRARY_WORDS if word in shown] == []
    assert "a@b.c" not in shown


def test_a_post_that_could_not_connect_is_retried_because_nothing_was_sent(rest, fake, waits):
    fake.expect("POST", "/users", raises=wrapped(ConnectionRefusedError(111, "Connection refused")))
    fake.expect("POST", "/users", status=201, body={"user": USER})
    assert rest.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com") == USER
    assert waits == [0.5]


def test_an_invalid_header_is_refused_as_input_before_sending(rest, fake):
    fake.expect("GET", "/users/PXYZ123", raises=requests.exceptions.InvalidHeader("bad header"))
    expected = r"^GET /users/PXYZ123: the request could not be built \(InvalidHeader\)$"
    with pytest.raises(Exception, match=expected) as caught:
        rest.get_user("PXYZ123")
    assert caught.value.kind == "input"
