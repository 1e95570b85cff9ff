"""What went wrong when no answer came back, in words a user can act on.

``requests`` reports a refused connection as ``ConnectionError(MaxRetryError('HTTPConnectionPool(...):
Max retries exceeded ... NewConnectionError ...'))``: library text that names neither the setting
nor the cause. ``classify`` walks the exception's chain down to the operating system's error
(``ConnectionRefusedError``, ``socket.gaierror``, ``ssl.SSLError`` ...) and returns a ``Failure``
saying what happened and whether the request can have reached the server. Nothing from the
library's messages is kept: they repeat the full URL, query included (which may hold an email).
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

import requests

# Kinds of failure, by what the user can do about them.
CONNECT = "connect"  # no connection: nothing was sent, a retry is harmless
DNS = "dns"  # the host name does not exist: a wrong setting, retrying will not help
TLS = "tls"  # the TLS handshake failed: a wrong URL or an intercepting proxy
TIMEOUT = "timeout"  # connected, sent, no answer in time: the request may have been carried out
BROKEN = "broken"  # the connection broke after sending: the request may have been carried out
BUILD = "build"  # the request could not even be built (an invalid header): nothing was sent

UNREACHABLE_ERRNOS = {
    errno.ENETUNREACH: "the network is unreachable",
    errno.EHOSTUNREACH: "the host is unreachable",
    errno.ECONNREFUSED: "connection refused",
}


class Failure:
    """``kind`` (one of the constants above) and ``what`` happened, e.g. ``connection refused``."""

    __slots__ = ("kind", "what", "timed_out")

    def __init__(self, kind: str, what: str, timed_out: bool = False):
        self.kind, self.what, self.timed_out = kind, what, timed_out

    def __repr__(self) -> str:
        return f"Failure({self.kind!r}, {self.what!r})"

    @property
    def before_sending(self) -> bool:
        """True only when no byte of the request can have reached the server."""
        return self.kind in (CONNECT, DNS, TLS, BUILD)


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps: ``reason``, ``__cause__``, ``__context__`` and ``args``."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args)
        todo.extend(e for e in inner if isinstance(e, BaseException))


def classify(exc: requests.exceptions.RequestException, timeout: tuple[float, float]) -> Failure:
    """The failure behind a ``requests`` exception; ``timeout`` is the (connect, read) pair used."""
    if isinstance(exc, ValueError):  # InvalidHeader, InvalidURL ...: raised before anything was sent
        return Failure(BUILD, f"the request could not be built ({type(exc).__name__})")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Failure(CONNECT, f"no connection within {timeout[0]:g} s (connect_timeout)", True)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Failure(TIMEOUT, f"no answer within {timeout[1]:g} s (read_timeout)", True)
    causes = list(chain(exc))
    found = _tls(causes) or _dns(causes) or _os_error(causes)
    if found is not None:
        return found
    if isinstance(exc, requests.exceptions.SSLError):
        return Failure(TLS, "the TLS handshake failed")
    if isinstance(exc, requests.exceptions.ProxyError):
        return Failure(BROKEN, "the proxy (HTTPS_PROXY) failed to relay the request")
    if any(type(e).__name__ == "NewConnectionError" for e in causes):
        return Failure(CONNECT, "the connection failed")
    return Failure(BROKEN, "the connection broke before an answer arrived")


def _tls(causes: list[BaseException]) -> Failure | None:
    for error in causes:
        if isinstance(error, ssl.SSLCertVerificationError):
            detail = error.verify_message or "certificate verify failed"
            return Failure(TLS, f"the server's TLS certificate was refused ({detail})")
    for error in causes:
        if isinstance(error, ssl.SSLError) and not isinstance(error, ssl.SSLEOFError):
            reason = getattr(error, "reason", None)
            detail = f" ({reason.lower().replace('_', ' ')})" if isinstance(reason, str) else ""
            return Failure(TLS, f"the TLS handshake failed{detail}")
    return None


def _dns(causes: list[BaseException]) -> Failure | None:
    for error in causes:
        if isinstance(error, socket.gaierror):
            if error.errno == socket.EAI_AGAIN:
                return Failure(CONNECT, "the host name could not be resolved (a temporary DNS failure)")
            return Failure(DNS, "the host name was not found (DNS)")
    return None


def _os_error(causes: list[BaseException]) -> Failure | None:
    for error in causes:
        if isinstance(error, ConnectionRefusedError):
            return Failure(CONNECT, "connection refused")
        if isinstance(error, (socket.timeout, TimeoutError)) and _while_connecting(causes):
            return Failure(CONNECT, "no connection (timed out)", True)
        if isinstance(error, OSError) and error.errno in UNREACHABLE_ERRNOS:
            return Failure(CONNECT, UNREACHABLE_ERRNOS[error.errno])
        if isinstance(error, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            if _while_connecting(causes):
                return Failure(CONNECT, "the connection was reset while connecting")
            return Failure(BROKEN, "the connection was reset before an answer arrived")
    return None


def _while_connecting(causes: list[BaseException]) -> bool:
    return any(type(e).__name__ in ("NewConnectionError", "ConnectTimeoutError") for e in causes)
