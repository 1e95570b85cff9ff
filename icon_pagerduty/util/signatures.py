"""Verifying PagerDuty's v3 webhook signatures (pagerduty-api.md §12.3).

``X-PagerDuty-Signature`` holds one or more comma-separated ``v1=<hex>`` values (several during a
secret rotation); each is the HMAC-SHA256 of the raw body bytes keyed with a secret. A webhook
is authentic when any ``v1`` value matches any of the given secrets. Values of other versions
are ignored; a header without a usable ``v1`` value is invalid, never an error.
"""

from __future__ import annotations

import hashlib
import hmac
import re

__all__ = ["signatures", "sign", "matches"]

_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


def sign(secret: str, body: bytes) -> str:
    """The ``v1=`` value PagerDuty sends for ``body`` signed with ``secret``."""
    return "v1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signatures(header: str) -> list[bytes]:
    """The ``v1`` digests of a signature header, decoded; malformed entries are left out."""
    found = []
    for part in (header or "").split(","):
        version, _, value = part.strip().partition("=")
        if version.strip() == "v1" and _HEX.match(value.strip()):
            found.append(bytes.fromhex(value.strip()))
    return found


def matches(body: bytes, header: str, secrets: list[str]) -> bool:
    """Whether a ``v1`` digest of ``header`` is ``body`` signed with one of ``secrets``.

    Every pair is compared in constant time, and all pairs are compared, so the time taken says
    nothing about which secret or how much of a digest matched.
    """
    digests = signatures(header)
    found = False
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
        for digest in digests:
            found |= hmac.compare_digest(expected, digest)
    return found
