"""Per-thread sessions read the environment once, and events retry more than REST calls."""

import pytest

from icon_pagerduty.client import EventsClient, RestClient
from icon_pagerduty.client.events import EVENTS_RETRY

KEY = "CANARY+key_1234567-x"


@pytest.fixture
def clean_proxy_env(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
                 "ALL_PROXY", "all_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_proxy_and_ca_bundle_from_the_environment_are_honoured(clean_proxy_env, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    clean_proxy_env.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    clean_proxy_env.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    session = RestClient(KEY)._http.session()
    assert session.proxies["https"] == "http://proxy.internal:3128"
    assert session.verify == str(bundle)
    assert session.trust_env is False  # read once here, not again on every call


def test_no_proxy_for_the_configured_host_is_honoured(clean_proxy_env):
    clean_proxy_env.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    clean_proxy_env.setenv("NO_PROXY", "api.pagerduty.com")
    assert RestClient(KEY)._http.session().proxies == {}


def test_events_get_more_attempts_than_rest_calls():
    assert EventsClient()._http.retry is EVENTS_RETRY
    assert EVENTS_RETRY.max_attempts > RestClient(KEY)._http.retry.max_attempts
