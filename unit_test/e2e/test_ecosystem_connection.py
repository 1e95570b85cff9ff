"""The connection's service_key is a credential, as the ecosystem wants every secret of a connection."""

from __future__ import annotations

from actionkit.testing import PluginHarness


def test_a_service_key_given_as_a_plain_string_names_the_form_it_needs(connection, sim):
    plain = {**connection, "service_key": connection["service_key"]["secretKey"]}
    harness = PluginHarness("icon_pagerduty", connection=plain)
    result = harness.handle("send_trigger_event", {"description": "x"})
    assert (result.http_status, result.envelope["body"]["exception"]["cause"]) == (
        400, 'connection.service_key: expected an object of the form {"secretKey": "..."}, got a string.')


def test_the_default_service_key_credential_routes_the_event(connection, sim):
    harness = PluginHarness("icon_pagerduty", connection=connection)
    result = harness.handle("send_trigger_event", {"description": "x"})
    assert result.envelope["body"]["output"]["status"] == "success"
    assert [alert["summary"] for alert in sim.state()["alerts"]][-1:] == ["x"]
