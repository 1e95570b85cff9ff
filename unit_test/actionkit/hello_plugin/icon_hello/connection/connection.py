"""The hello connection: a greeting template, a secret key, and a resolver of names."""

from __future__ import annotations

import re

from actionkit import ConfigError, InputError
from actionkit import Connection as BaseConnection

from .schema import Input


class Connection(BaseConnection[Input]):
    connects = 0

    def connect(self, params: Input) -> None:
        if "{}" not in params.greeting:
            raise ConfigError(
                "connection.greeting: the template has no {} for the name.", "Put {} where the name goes."
            )
        if params.greeting == "crash {}":
            raise RuntimeError("the greeting service is down")
        self.logger.info("Connected with greeting %r", params.greeting)
        self.greeting = params.greeting
        self.secret = params.api_key["secretKey"]
        self.password = params.password
        type(self).connects += 1  # lets tests see whether the cache connected again

    def test(self) -> dict | None:
        self.logger.info("Testing the connection")
        if self.secret == "bad":
            raise ConfigError(
                "The API key was rejected.", "Check the API key in the connection.", "401 from server"
            )
        if self.secret == "none":
            return None
        return {"success": True}

    def resolver(self) -> NameBook:
        type(self).resolvers += 1  # lets tests see that each call gets one resolver, only when needed
        return NameBook()

    resolvers = 0


class NameBook:
    """A per-call resolver: IDs pass unchanged; known names become IDs, each looked up once."""

    KNOWN = {
        ("user", "ada@example.com"): "PADA001", ("team", "payments"): "PTEAM01", ("team", "web"): "PTEAM02",
    }

    def __init__(self) -> None:
        self.lookups: list[str] = []
        self.cache: dict[tuple[str, str], str] = {}

    def resolve(self, kind: str, value: str, field: str) -> str:
        if re.fullmatch(r"P[A-Z0-9]{6}", value):
            return value
        if value == "crash":
            raise RuntimeError("the directory is down")
        key = (kind, value.lower())
        if key not in self.cache:
            self.lookups.append(value)
            if key not in self.KNOWN:
                raise InputError(f"No {kind} named {value!r} (input {field}).")
            self.cache[key] = self.KNOWN[key]
        return self.cache[key]
