"""The golden messages, in order, through the real CLI: the workflow a SOAR user would build."""

from unit_test.e2e.golden import SCENARIO, run_scenario


def test_golden_scenario_succeeds_step_by_step(cli, connection):
    envelopes = run_scenario(lambda message: cli(message, "run").envelope, connection)
    assert list(envelopes) == list(SCENARIO)
    for action, envelope in envelopes.items():
        assert envelope["type"] == "action_event", action
        assert envelope["body"]["status"] == "ok", (action, envelope["body"].get("error"))
    created = envelopes["create_user"]["body"]["output"]["user"]
    assert envelopes["get_user_by_email"]["body"]["output"] == {"found": True, "user": created}
    assert envelopes["get_user_by_id"]["body"]["output"] == {"found": True, "user": created}
    deleted = envelopes["delete_user_by_id"]["body"]["output"]
    assert deleted == {"success": True, "found": True, "user": created}
    assert envelopes["send_trigger_event"]["body"]["meta"] == {"jobId": "golden-1"}
