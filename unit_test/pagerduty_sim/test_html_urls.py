"""Objects and references carry the web URL PagerDuty gives them, never null: integrations are
nested under their service, also where they appear as references (services, alerts, change events)."""

from pagerduty_sim.store import HTML_BASE


def _integration_url(ref: dict) -> str:
    service = ref["self"].split("/services/")[1].split("/")[0]
    return f"{HTML_BASE}/services/{service}/integrations/{ref['id']}"


def test_integration_references_carry_their_web_url(api):
    refs = [ref for service in api.get("/services").json()["services"] for ref in service["integrations"]]
    assert refs and all(ref["html_url"] == _integration_url(ref) for ref in refs)
    path = "/" + refs[0]["self"].split("/", 3)[3]  # /services/<id>/integrations/<id>
    full = api.get(path).json()["integration"]
    assert full["html_url"] == refs[0]["html_url"]


def test_an_alert_names_its_integration_with_its_web_url(api):
    alert = api.get("/incidents/PDEMO01/alerts").json()["alerts"][0]
    assert alert["integration"]["html_url"] == _integration_url(alert["integration"])
