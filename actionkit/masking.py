"""Secret masking: no credential of the connection ever leaves the plugin in clear.

What is a secret (collected from the connection, and from the input's password fields):

* every string under a key named ``secretKey``, ``password``, ``key``, ``token`` or
  ``privateKey``, at any depth of the connection;
* every string whose schema has ``format: password`` (the ``password`` type and the secret field
  of each ``credential_*`` type), in the connection or the input.

How it is masked, in ``log``, ``output``, ``error`` and ``exception`` of every envelope:

* a secret of 4 characters or more is replaced with ``********`` wherever it appears inside a
  string, also in its JSON-escaped form and as a prefix of at least 80 % of its length (a
  truncated secret is still a secret);
* a secret shorter than 4 characters is replaced only where a whole string value equals it:
  searching free text for ``"ab"`` would mask unrelated words, and so much text would be
  garbled that the log would be useless. Such a secret cannot be a real credential anyway.

When code mentions a secret on purpose (``API key ending in 1234``) it uses ``last4()``, which
shows the last 4 characters only when they are at most a third of the secret.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

MASK = "********"
SECRET_KEYS = frozenset({"secretKey", "password", "key", "token", "privateKey"})
MIN_SEARCHED_LENGTH = 4

__all__ = ["MASK", "Masker", "collect_secrets", "last4"]


def last4(secret: str) -> str:
    """``****wxyz`` for secrets of 12+ characters, else ``********`` (never most of a short one)."""
    if not isinstance(secret, str) or len(secret) < 12:
        return MASK
    return "****" + secret[-4:]


def _resolve(schema: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            return definitions.get(ref[len("#/definitions/"):], {})
    return schema


def collect_secrets(value: Any, schema: Any = None, *, by_key_name: bool = True) -> set[str]:
    """The secret strings in ``value`` (a connection or an input), guided by its schema.

    ``by_key_name`` adds strings under the well-known credential key names; it is meant for
    connections, where a key named ``key`` is a credential, not for inputs.
    """
    found: set[str] = set()
    definitions = schema.get("definitions", {}) if isinstance(schema, dict) else {}
    _walk(value, schema, definitions if isinstance(definitions, dict) else {}, by_key_name, False, found)
    found.discard("")
    return found


def _walk(value: Any, schema: Any, definitions: dict, by_key: bool, secret: bool, found: set[str]) -> None:
    schema = _resolve(schema, definitions)
    if not isinstance(schema, dict):
        schema = {}
    if schema.get("format") == "password":
        secret = True
    if isinstance(value, str):
        if secret:
            found.add(value)
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        for name, sub in value.items():
            named = by_key and name in SECRET_KEYS
            _walk(sub, properties.get(name), definitions, by_key, secret or named, found)
    elif isinstance(value, list):
        for item in value:
            _walk(item, schema.get("items"), definitions, by_key, secret, found)


@functools.lru_cache(maxsize=64)
def masker_for(secrets: frozenset[str]) -> Masker:
    """A shared Masker for ``secrets``: HTTP mode sees the same connection on every request, and
    building one derives every truncated variant of every secret."""
    return Masker(secrets)


class Masker:
    """Replaces the given secrets in strings and in JSON-like structures."""

    def __init__(self, secrets: set[str] | frozenset[str] = frozenset()):
        self.exact = frozenset(s for s in secrets if isinstance(s, str) and s)
        searched = [s for s in self.exact if len(s) >= MIN_SEARCHED_LENGTH]
        variants: set[str] = set()
        needles: set[str] = set()
        for secret in searched:
            for form in {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}:
                shortest = max(MIN_SEARCHED_LENGTH, -(-len(form) * 8 // 10))
                variants.update(form[:end] for end in range(shortest, len(form) + 1))
                needles.add(form[:shortest])
        # Longest first, so that the alternation always consumes the whole secret when present.
        ordered = sorted(variants, key=lambda v: (-len(v), v))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        # Every variant starts with the shortest variant of its form: a string holding none of
        # these cannot hold a secret, and ``in`` answers that far faster than the regex.
        self.needles = tuple(sorted(needles))

    def __bool__(self) -> bool:
        return bool(self.exact)

    def text(self, value: str) -> str:
        """Mask a free-text string (a log, an error line)."""
        if value in self.exact:
            return MASK
        if self._pattern is None:
            return value
        for needle in self.needles:
            if needle in value:
                return self._pattern.sub(MASK, value)
        return value

    def data(self, value: Any) -> Any:
        """Mask every string (keys included) of a JSON-like structure; returns a new structure."""
        if not self.exact:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value
