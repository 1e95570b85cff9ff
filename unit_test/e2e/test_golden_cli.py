"""Every golden message through the CLI entry point, in process, against a fresh demo simulator.

One test per golden file (``golden.names()``), and a failing one for each action without a file.
Each checks the envelope, the output against the action's output schema, what the golden
expects, and that no secret was printed; the e2e conftest checks every request the plugin sent
against PagerDuty's official OpenAPI.
"""

from __future__ import annotations

import pytest

from unit_test.e2e import golden


def test_every_action_of_the_spec_has_a_golden_message():
    covered = {name.split(".")[0] for name in golden.files()}
    assert sorted(set(golden.spec_actions()) - covered) == []
    assert sorted(covered - set(golden.spec_actions())) == []  # no golden for an action that is gone


@pytest.mark.parametrize("name", golden.names())
def test_golden_message_runs_through_the_cli(name, sim, connection, secrets, monkeypatch):
    case = golden.load(name)
    context = golden.Context(sim, connection)
    message = golden.prepare(case, context, lambda setup: golden.cli_in_process(setup, monkeypatch))
    run = golden.cli_in_process(message, monkeypatch)
    for secret in secrets:
        assert secret not in run.stdout and secret not in run.stderr, "a secret was printed"
    assert run.exit_code == 0, run.envelope["body"].get("error")
    golden.check(case, context, message, run.envelope)
