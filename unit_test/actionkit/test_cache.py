"""The connection cache: bounded, expiring, scoped by org, and used by Plugin.handle."""

from __future__ import annotations

import hashlib

import pytest

from actionkit.cache import ConnectionCache, connection_key
from actionkit.runtime import Plugin


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key(name: str) -> tuple[str, str]:
    return connection_key({"name": name})


def test_key_is_the_sha256_of_canonical_json():
    digest = hashlib.sha256(b'{"a":1,"b":{"c":"\xc3\xa9"}}').hexdigest()
    assert connection_key({"b": {"c": "é"}, "a": 1}, "org-1") == ("org-1", digest)


def test_least_recently_used_entry_goes_first():
    cache = ConnectionCache(size=2)
    cache.put(key("a"), "A")
    cache.put(key("b"), "B")
    cache.get(key("a"))
    cache.put(key("c"), "C")
    assert (cache.get(key("a")), cache.get(key("b")), cache.get(key("c")), len(cache)) == ("A", None, "C", 2)


def test_entries_expire_after_the_ttl():
    clock = FakeClock()
    cache = ConnectionCache(size=4, ttl=60, clock=clock)
    cache.put(key("a"), "A")
    clock.now += 59.9
    assert cache.get(key("a")) == "A"
    clock.now += 0.1
    assert (cache.get(key("a")), len(cache)) == (None, 0)


def test_get_or_create_creates_once_and_not_on_failure():
    cache = ConnectionCache()
    made = []

    def create():
        made.append(1)
        return object()

    first = cache.get_or_create(key("a"), create)
    assert cache.get_or_create(key("a"), create) is first and len(made) == 1

    def fail():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError, match="^no$"):
        cache.get_or_create(key("b"), fail)
    assert len(cache) == 1


def test_disabled_cache_keeps_nothing():
    cache = ConnectionCache(enabled=False)
    cache.put(key("a"), "A")
    assert (cache.get(key("a")), len(cache)) == (None, 0)


def test_size_must_be_positive():
    with pytest.raises(ValueError, match="^size must be at least 1$"):
        ConnectionCache(size=0)


# -- through Plugin.handle ---------------------------------------------------------------------------


@pytest.fixture
def connects(monkeypatch):
    """Counts calls to the hello connection's connect()."""
    from icon_hello.connection.connection import Connection

    monkeypatch.setattr(Connection, "connects", 0)
    return lambda: Connection.connects


def test_one_connect_per_distinct_connection(hello_plugin, make_message, connects, hello_connection):
    for _ in range(3):
        assert hello_plugin.handle(make_message("hello")).ok
    other = {**hello_connection, "api_key": {"secretKey": "another-key-1234"}}
    hello_plugin.handle(make_message("hello", connection=other))
    assert connects() == 2


def test_orgs_never_share_a_connection(hello_plugin, make_message, connects):
    hello_plugin.handle(make_message("hello"), org_id="org-1")
    hello_plugin.handle(make_message("hello"), org_id="org-2")
    hello_plugin.handle(make_message("hello"), org_id="org-1")
    assert connects() == 2


def test_bypass_connects_every_time(make_message, connects):
    plugin = Plugin.load("icon_hello", cache_enabled=False)
    plugin.handle(make_message("hello"))
    plugin.handle(make_message("hello"))
    assert connects() == 2


def test_cached_connection_logs_into_the_calling_request(hello_plugin, make_message, hello_connection):
    hello_plugin.handle(make_message("hello"))
    test = {"type": "connection_test", "version": "v1", "body": {"connection": hello_connection}}
    second = hello_plugin.handle(test)
    assert second.envelope["body"]["log"] == "actionkit/Hello:1.2.3\nTesting the connection\n"
