"""Base URLs: https to PagerDuty's hosts by default, other hosts only when PLUGIN_ALLOWED_HOSTS lists them,
and never an endpoint's path where the base URL belongs."""

from __future__ import annotations

import pytest

from icon_pagerduty.client import EventsClient, InvalidConfig, RestClient
from unit_test.client.conftest import CANARY_KEY

PLAIN = "must be a plain base URL, without credentials, query or fragment."


@pytest.fixture
def no_list(monkeypatch):
    """The default: PLUGIN_ALLOWED_HOSTS unset (the suite's conftest sets it for the simulator)."""
    monkeypatch.delenv("PLUGIN_ALLOWED_HOSTS", raising=False)
    return monkeypatch


def refusal(base_url: str, field: str = "api_url") -> InvalidConfig:
    with pytest.raises(InvalidConfig) as caught:
        if field == "api_url":
            RestClient(CANARY_KEY, base_url=base_url)
        else:
            EventsClient(base_url=base_url)
    return caught.value


@pytest.mark.parametrize(
    "url",
    ["https://api.pagerduty.com", "https://api.eu.pagerduty.com/", "https://API.PagerDuty.com:443"],
    ids=["us", "eu-trailing-slash", "upper-case-explicit-port"],
)
def test_pagerduty_rest_hosts_work_with_no_variable_set(no_list, url):
    assert RestClient(CANARY_KEY, base_url=url).base_url == url.rstrip("/")


@pytest.mark.parametrize("url", ["https://events.pagerduty.com", "https://events.eu.pagerduty.com"],
                         ids=["us", "eu"])
def test_pagerduty_events_hosts_work_with_no_variable_set(no_list, url):
    assert EventsClient(base_url=url).base_url == url


def test_plain_http_to_a_host_not_listed_is_refused_naming_the_field_and_the_variable(no_list):
    error = refusal("http://127.0.0.1:8080")
    assert str(error) == (
        "The connection field `api_url` names a host that is not PagerDuty's; got 'http://127.0.0.1:8080'. "
        "Only https://api.pagerduty.com and https://api.eu.pagerduty.com are allowed unless the host is "
        "listed in the environment variable PLUGIN_ALLOWED_HOSTS."
    )
    assert error.assistance == (
        "Use https://api.pagerduty.com (EU accounts: https://api.eu.pagerduty.com). To reach another host, "
        "such as a local simulator or a company proxy, the plugin's operator lists it in "
        "PLUGIN_ALLOWED_HOSTS (comma-separated host or host:port), for example "
        "PLUGIN_ALLOWED_HOSTS=127.0.0.1:8080."
    )
    assert error.kind == "config"
    assert error.data == {"field": "api_url", "host": "127.0.0.1", "port": 8080,
                          "variable": "PLUGIN_ALLOWED_HOSTS"}


@pytest.mark.parametrize(
    ("url", "field", "problem"),
    [
        ("https://internal.example.com", "api_url", "names a host that is not PagerDuty's"),
        ("http://api.pagerduty.com", "api_url", "must use https:// (port 443)"),
        ("https://api.pagerduty.com:8443", "api_url", "must use https:// (port 443)"),
        ("https://events.pagerduty.com", "api_url", "names events.pagerduty.com, which serves the other API"),
        ("https://api.eu.pagerduty.com", "events_url",
         "names api.eu.pagerduty.com, which serves the other API"),
        ("http://169.254.169.254", "events_url", "names a host that is not PagerDuty's"),
    ],
    ids=["other-host", "plain-http", "other-port", "events-host-as-api", "api-host-as-events", "metadata"],
)
def test_other_hosts_and_plain_http_are_refused_by_default(no_list, url, field, problem):
    error = refusal(url, field)
    assert str(error).startswith(f"The connection field `{field}` {problem}; got {url!r}.")
    assert str(error).endswith("unless the host is listed in the environment variable PLUGIN_ALLOWED_HOSTS.")


def test_a_listed_host_may_use_http_on_any_port(no_list):
    no_list.setenv("PLUGIN_ALLOWED_HOSTS", " pd-proxy.corp.example , 127.0.0.1 ")
    assert RestClient(CANARY_KEY, base_url="http://127.0.0.1:8080").base_url == "http://127.0.0.1:8080"
    assert EventsClient(base_url="http://127.0.0.1:9999/").base_url == "http://127.0.0.1:9999"
    proxied = RestClient(CANARY_KEY, base_url="https://PD-Proxy.corp.example/pagerduty")
    assert proxied.base_url == "https://PD-Proxy.corp.example/pagerduty"


def test_a_listed_host_and_port_allows_that_port_only(no_list):
    no_list.setenv("PLUGIN_ALLOWED_HOSTS", "127.0.0.1:8080,[::1]:9000")
    assert RestClient(CANARY_KEY, base_url="http://127.0.0.1:8080").base_url == "http://127.0.0.1:8080"
    assert RestClient(CANARY_KEY, base_url="http://[::1]:9000").base_url == "http://[::1]:9000"
    assert "PLUGIN_ALLOWED_HOSTS=127.0.0.1:8081" in refusal("http://127.0.0.1:8081").assistance
    assert "PLUGIN_ALLOWED_HOSTS=127.0.0.1." in refusal("http://127.0.0.1").assistance


def test_an_entry_with_an_unusable_port_allows_nothing(no_list):
    no_list.setenv("PLUGIN_ALLOWED_HOSTS", "127.0.0.1:http")
    refusal("http://127.0.0.1:8080")
    refusal("http://127.0.0.1")


@pytest.mark.parametrize(
    ("url", "field", "path", "example"),
    [
        ("https://api.pagerduty.com/api/v2", "api_url", "/api/v2", "https://api.pagerduty.com"),
        ("https://api.pagerduty.com/v2/", "api_url", "/v2", "https://api.pagerduty.com"),
        ("https://api.pagerduty.com/users", "api_url", "/users", "https://api.pagerduty.com"),
        ("https://events.pagerduty.com/v2/enqueue", "events_url", "/v2/enqueue", "https://events.pagerduty.com"),
        ("https://events.pagerduty.com/v2/change/enqueue", "events_url", "/v2/change/enqueue",
         "https://events.pagerduty.com"),
        ("http://127.0.0.1:8080/v2/enqueue", "events_url", "/v2/enqueue", "https://events.pagerduty.com"),
    ],
    ids=["api-v2", "v2", "endpoint", "enqueue", "change-enqueue", "listed-host-too"],
)
def test_an_endpoint_path_instead_of_the_base_is_refused_showing_the_expected_form(url, field, path, example):
    error = refusal(url, field)
    assert str(error) == (
        f"The connection field `{field}` must be the base URL of the API, without the path {path!r}; "
        f"got {url!r}."
    )
    assert error.assistance == (
        f"Use the scheme and host only, for example {example}: the plugin adds each endpoint's path."
    )


def test_any_path_on_a_pagerduty_host_is_refused(no_list):
    error = refusal("https://api.pagerduty.com/something")
    assert str(error) == (
        "The connection field `api_url` must be api.pagerduty.com's base URL without a path; got "
        "'https://api.pagerduty.com/something'."
    )
    assert error.assistance == "Use https://api.pagerduty.com: the plugin adds each endpoint's path."


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("ftp://api.pagerduty.com", "must be an https:// URL; got 'ftp://api.pagerduty.com'."),
        ("", "must be an https:// URL; got ''."),
        ("https://api.pagerduty.com:99999", "must be an https:// URL; got 'https://api.pagerduty.com:99999'."),
        ("https://user:pw@api.pagerduty.com", PLAIN),
        ("https://api.pagerduty.com?x=1", PLAIN),
    ],
    ids=["ftp", "empty", "bad-port", "credentials", "query"],
)
def test_malformed_base_url_is_a_config_error(base_url, message):
    with pytest.raises(InvalidConfig) as caught:
        RestClient(CANARY_KEY, base_url=base_url)
    assert str(caught.value) == f"The connection field `api_url` {message}"
    assert "pw" not in caught.value.error_text()
