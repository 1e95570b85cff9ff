"""Strict inputs and connections: unknown keys, old names, retired inputs, list enums, dates,
numeric bounds, credentials, and names turned into IDs before run(), on the hello plugin."""

from __future__ import annotations

import json

import pytest

from actionkit.inputs import check_input

INPUT_HELP = "Correct the input named above and run the step again."
CONFIG_HELP = "Check the connection settings of this plugin."


def run(plugin, make_message, inp, name="lookup", **message):
    result = plugin.handle(make_message(name, inp, **message))
    return result, result.envelope["body"]


def cause(result) -> tuple[int, str]:
    return result.http_status, result.envelope["body"]["exception"]["cause"]


@pytest.fixture(autouse=True)
def count_resolvers():
    from icon_hello.connection.connection import Connection

    Connection.resolvers = 0
    return Connection


# -- unknown keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inp", "expected"),
    [
        ({"owner": "PADA001", "serverity": "high"}, "unknown input 'serverity'; did you mean 'severity'?"),
        ({"owner": "PADA001", "Severity": "high"}, "unknown input 'Severity'; did you mean 'severity'?"),
        ({"owner": "PADA001", "owner_idd": "P1"}, "unknown input 'owner_idd'; did you mean 'owner'?"),
        ({"owner": "PADA001", "colour": "red"},
         "unknown input 'colour': action 'lookup' takes 'owner', 'teams', 'statuses', 'since', 'severity'."),
    ],
    ids=["typo", "case", "typo-of-an-old-name", "nothing-close"],
)
def test_an_unknown_input_is_named_with_the_closest_declared_name(hello_plugin, make_message, inp, expected):
    result, body = run(hello_plugin, make_message, inp)
    assert cause(result) == (400, expected)
    assert body["error"] == f"{expected} {INPUT_HELP}"


def test_a_component_without_inputs_takes_none(hello_plugin, make_message):
    result, _ = run(hello_plugin, make_message, {"verbose": True}, name="nulls")
    assert cause(result) == (400, "unknown input 'verbose': action 'nulls' takes none.")


def test_an_unknown_input_sent_empty_is_as_good_as_absent(hello_plugin, make_message):
    result, _ = run(hello_plugin, make_message, {"owner": "PADA001", "serverity": ""})
    assert result.ok


def test_an_unknown_connection_setting_is_a_config_error(hello_plugin, make_message, hello_connection):
    result, body = run(hello_plugin, make_message, {"name": "Ada"}, name="hello",
                       connection={**hello_connection, "api_ky": {"secretKey": "x"}})
    assert cause(result) == (400, "unknown connection setting 'api_ky'; did you mean 'api_key'?")
    assert body["exception"]["assistance"] == CONFIG_HELP


# -- old names and retired inputs ------------------------------------------------------------------


def test_an_old_input_name_is_accepted_with_a_warning(hello_plugin, make_message):
    result, body = run(hello_plugin, make_message, {"owner_id": "PADA002"})
    assert body["output"]["input"] == {"owner": "PADA002"}
    assert "WARNING: The input 'owner_id' is deprecated: use 'owner' instead\n" in body["log"]


def test_old_and_new_name_at_once_is_an_error_naming_both(hello_plugin, make_message):
    result, _ = run(hello_plugin, make_message, {"owner_id": "PADA002", "owner": "PADA003"})
    assert cause(result) == (
        400,
        "input 'owner_id' and input 'owner' are the same input ('owner_id' is its old name): give only "
        "'owner'.",
    )


def test_an_old_name_sent_empty_beside_the_new_one_is_no_conflict(hello_plugin, make_message):
    result, body = run(hello_plugin, make_message, {"owner_id": "", "owner": "PADA003"})
    assert body["output"]["input"] == {"owner": "PADA003"}


def test_an_old_connection_setting_name_is_accepted(hello_plugin, make_message, hello_connection):
    connection = {"template": "Hi, {}!", "api_key": hello_connection["api_key"]}
    result, body = run(hello_plugin, make_message, {"name": "Ada"}, name="hello", connection=connection)
    assert body["output"]["message"] == "Hi, Ada!"
    assert "WARNING: The connection setting 'template' is deprecated: use 'greeting' instead\n" in body["log"]


def test_a_retired_input_is_accepted_ignored_and_logged(hello_plugin, make_message):
    result, body = run(hello_plugin, make_message, {"owner": "PADA001", "urgency": "high"})
    assert body["output"]["input"] == {"owner": "PADA001"}
    assert "The input 'urgency' is retired and ignored: The service decides the urgency\n" in body["log"]


# -- list enums and dates ---------------------------------------------------------------------------


def test_list_enums_name_the_item_and_the_allowed_values(hello_plugin, make_message):
    result, _ = run(hello_plugin, make_message, {"owner": "PADA001", "statuses": ["open", "opne", "closed"]})
    assert cause(result) == (400, 'input.statuses[1]: must be one of "open", "closed"; got "opne".')


@pytest.mark.parametrize(
    "since", ["2024-01-31T13:45:00Z", "2024-01-31T13:45:00.123+02:00", "2024-01-31T13:45-0500", "2024-01-31",
              "2024-02-29T00:00:00Z"],
)
def test_iso_8601_dates_are_accepted(hello_plugin, make_message, since):
    result, body = run(hello_plugin, make_message, {"owner": "PADA001", "since": since})
    assert body["output"]["input"]["since"] == since


@pytest.mark.parametrize(
    "since", ["yesterday", "2023-02-29T00:00:00Z", "2024-01-31T25:00:00Z", "31/01/2024",
              "2024-01-31T13:45:00+25:00", "1706708700"],
)
def test_other_dates_are_errors_naming_the_field_with_an_example(hello_plugin, make_message, since):
    result, _ = run(hello_plugin, make_message, {"owner": "PADA001", "since": since})
    assert cause(result) == (
        400,
        f"input.since: {json.dumps(since)} is not an ISO 8601 date-time; use the form 2024-01-31T13:45:00Z.",
    )


def test_dates_are_checked_only_in_inputs():
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    with pytest.raises(Exception, match="is not an ISO 8601 date-time"):
        check_input({"at": "soon"}, schema, "action 'x'")
    from actionkit.shaping import shape_output

    assert shape_output({"at": "soon"}, schema) == {"at": "soon"}  # a vendor's dates are its business


# -- names for IDs ----------------------------------------------------------------------------------


def test_names_become_ids_before_run_and_run_shares_the_calls_cache(hello_plugin, make_message,
                                                                    count_resolvers):
    inp = {"owner": "ada@example.com", "teams": ["Payments", "PTEAM09", "web"]}
    result, body = run(hello_plugin, make_message, inp)
    assert body["output"] == {
        "input": {"owner": "PADA001", "teams": ["PTEAM01", "PTEAM09", "PTEAM02"]},
        "lookups": ["ada@example.com", "Payments", "web"],  # run() looked the owner up again: cached
    }
    resolved = "Input teams: 'Payments', 'PTEAM09', 'web' resolved to 'PTEAM01', 'PTEAM09', 'PTEAM02'\n"
    assert resolved in body["log"]
    assert count_resolvers.resolvers == 1


def test_each_call_gets_its_own_resolver(hello_plugin, make_message, count_resolvers):
    for _ in range(2):
        _, body = run(hello_plugin, make_message, {"owner": "ada@example.com"})
        assert body["output"]["lookups"] == ["ada@example.com"]
    assert count_resolvers.resolvers == 2


def test_no_resolver_is_made_without_a_name_to_resolve(hello_plugin, make_message, count_resolvers):
    assert run(hello_plugin, make_message, {"name": "Ada"}, name="hello")[0].ok
    assert count_resolvers.resolvers == 0


def test_a_name_that_cannot_be_resolved_is_the_resolvers_error(hello_plugin, make_message):
    result, _ = run(hello_plugin, make_message, {"owner": "PADA001", "teams": ["web", "ops"]})
    assert cause(result) == (400, "No team named 'ops' (input teams[1]).")
    assert result.error.kind == "input"


def test_a_crashing_resolver_is_internal(hello_plugin, make_message):
    result, body = run(hello_plugin, make_message, {"owner": "crash"})
    expected = "Resolving input owner failed unexpectedly: RuntimeError: the directory is down"
    assert cause(result) == (500, expected)


def test_a_connection_without_a_resolver_is_a_defect(hello_plugin, make_message, count_resolvers,
                                                     monkeypatch):
    monkeypatch.delattr(count_resolvers, "resolver")
    result, _ = run(hello_plugin, make_message, {"owner": "ada@example.com"})
    assert cause(result) == (500, "Lookup resolves names to IDs, but the connection has no resolver().")


# -- connection values: credentials, bounds, odd numbers, odd characters ------------------------------


def test_a_plain_string_credential_shows_the_object_form_never_the_value(hello_plugin, make_message, canary):
    result, _ = run(hello_plugin, make_message, {"name": "Ada"}, name="hello",
                    connection={"greeting": "Hi {}", "api_key": canary})
    assert cause(result) == (400, 'connection.api_key: expected an object of the form {"secretKey": "..."}, '
                                  "got a string.")
    assert canary not in json.dumps(result.envelope)


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (0, "connection.timeout: must be more than 0; got 0."),
        (-1, "connection.timeout: must be more than 0; got -1."),
        (1e300, "connection.timeout: must be at most 300; got 1e+300."),
        (10**400, "connection.timeout: must be at most 300; got 1" + "0" * 56 + "..."),
        (float("inf"), "connection.timeout: not a JSON number (Infinity, NaN, or too large)."),
        (float("nan"), "connection.timeout: not a JSON number (Infinity, NaN, or too large)."),
        ("10", "connection.timeout: expected number, got string."),
    ],
    ids=["zero", "negative", "1e300", "huge-integer", "infinity", "nan", "string"],
)
def test_numbers_out_of_bounds_are_config_errors_naming_the_field(
    hello_plugin, make_message, hello_connection, timeout, expected
):
    result, _ = run(hello_plugin, make_message, {"name": "Ada"}, name="hello",
                    connection={**hello_connection, "timeout": timeout})
    assert cause(result) == (400, expected)
    assert result.error.kind == "config"


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e400"])
def test_json_text_with_odd_numbers_names_the_field(hello_plugin, make_message, literal):
    text = json.dumps(make_message("hello", {"name": "Ada", "times": 1}))
    text = text.replace('"times": 1', f'"times": {literal}')
    result = hello_plugin.handle(text)
    assert cause(result) == (400, "input.times: not a JSON number (Infinity, NaN, or too large).")


def test_a_secret_no_http_header_can_carry_is_named_never_echoed(hello_plugin, make_message):
    connection = {"greeting": "Hi {}", "api_key": {"secretKey": "u+Y7€xq1Qz"}, "password": "pässwörd€"}
    result, _ = run(hello_plugin, make_message, {"name": "Ada"}, name="hello", connection=connection)
    assert cause(result) == (400, (
        "connection.api_key.secretKey: holds a character that no HTTP header can carry (at position 5 of "
        "10); check that it was copied whole and correctly.\n"
        "connection.password: holds a character that no HTTP header can carry (at position 9 of 9); check "
        "that it was copied whole and correctly."
    ))
    assert "u+Y7" not in json.dumps(result.envelope)


# -- meta ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("j1", "body.meta must be a JSON object, got string."),
        ([1], "body.meta must be a JSON object, got array."),
        ({"n": float("nan")}, "body.meta.n: not a JSON number (Infinity, NaN, or too large)."),
    ],
    ids=["string", "list", "nan"],
)
def test_meta_must_be_an_object_of_json(hello_plugin, make_message, meta, expected):
    result = hello_plugin.handle(make_message("hello", meta=meta))
    assert cause(result) == (400, expected)
    assert result.envelope["body"]["meta"] is None
    json.loads(result.to_json())  # still JSON


def test_null_meta_is_echoed(hello_plugin, make_message):
    message = make_message("hello")
    message["body"]["meta"] = None
    result = hello_plugin.handle(message)
    assert (result.ok, result.envelope["body"]["meta"]) == (True, None)
