"""Bad connection values are configuration errors naming the field, before anything is sent (issue 17.4).

In process through the real dispatch core: the checks run before the connection is built, so the CLI
and HTTP mode answer the same.
"""

from __future__ import annotations

import json

import pytest

from actionkit.testing import PluginHarness


@pytest.mark.parametrize(
    ("changes", "cause"),
    [
        ({"connect_timeout": 0}, "connection.connect_timeout: must be more than 0; got 0."),
        ({"read_timeout": 1e300}, "connection.read_timeout: must be at most 3600; got 1e+300."),
        ({"connect_timeout": float("inf")},
         "connection.connect_timeout: not a JSON number (Infinity, NaN, or too large)."),
        ({"read_timeout": float("nan")},
         "connection.read_timeout: not a JSON number (Infinity, NaN, or too large)."),
        ({"api_key": "y_Nab3+Qk-7XbW2mT9cR"},
         'connection.api_key: expected an object of the form {"secretKey": "..."}, got a string.'),
        ({"api_key": {"secretKey": "y_Nab3+Qk-7Xb€2mT9cR"}},
         "connection.api_key.secretKey: holds a character that no HTTP header can carry (at position 14 of "
         "20); check that it was copied whole and correctly."),
        ({"api_kye": {"secretKey": "x"}}, "unknown connection setting 'api_kye'; did you mean 'api_key'?"),
    ],
    ids=["zero-timeout", "huge-timeout", "infinite-timeout", "nan-timeout", "plain-string-key", "euro-in-key",
         "misspelt-setting"],
)
def test_bad_connection_values_name_the_field(connection, sim, changes, cause):
    harness = PluginHarness("icon_pagerduty", connection={**connection, **changes})
    result = harness.handle("get_user_by_id", {"id": "PXPGF42"})
    assert (result.http_status, result.error.kind, result.envelope["body"]["exception"]["cause"]) == (
        400, "config", cause
    )
    assert "Traceback" not in result.to_json() and "y_Nab3" not in result.to_json()
    json.loads(result.to_json())
    assert [r for r in sim.requests() if not r["path"].startswith("/_sim/")] == []
