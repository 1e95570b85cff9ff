"""The command line as a new user meets it: make help, quiet installs, sample, a busy port, plain help."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY = [sys.executable, str(ROOT / "bin" / "icon_pagerduty")]
PHONY = re.search(r"^\.PHONY: (.+)$", (ROOT / "Makefile").read_text(), re.M)[1].split()


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT, **kwargs)


def test_make_help_lists_every_target_on_one_line():
    done = _run(["make", "--no-print-directory", "help"])
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and len(lines) == len(PHONY)
    assert [line.split()[1] for line in lines] == PHONY
    assert all(len(line.split(None, 2)) == 3 for line in lines), "a target without its description"


def test_installs_print_only_failures():
    """The first `make demo` shows the demo: pip runs with -qq and without its version notice."""
    done = _run(["make", "--no-print-directory", "-n", "install", "VENV=/nonexistent/venv"])
    pips = [line for line in done.stdout.splitlines() if " -m pip " in line]
    assert len(pips) == 2 and all("-qq" in line and "--disable-pip-version-check" in line for line in pips)


@pytest.fixture
def busy_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_http_on_a_busy_port_says_so_in_one_line(busy_port):
    env = {**os.environ, "ACTIONKIT_BIND": "127.0.0.1"}
    done = _run([*ENTRY, "http", "--port", str(busy_port)], env=env)
    assert (done.returncode, done.stderr) == (
        2, f"Error: port {busy_port} on 127.0.0.1 is in use by another program; choose another with "
        "--port.\n")


def test_the_simulator_on_a_busy_port_says_so_in_one_line(busy_port):
    done = _run([sys.executable, "-m", "pagerduty_sim", "--port", str(busy_port)])
    assert (done.returncode, done.stderr) == (
        2, f"pagerduty_sim: port {busy_port} on 127.0.0.1 is in use by another program; choose another with "
        "--port (make sim SIM_PORT=...)\n")


def test_sample_is_readable_and_ends_in_a_newline():
    done = _run([*ENTRY, "sample", "get_user_by_id"])
    assert done.returncode == 0 and done.stdout.endswith("}\n")
    assert done.stdout == json.dumps(json.loads(done.stdout), indent=2) + "\n"


def test_a_sample_for_the_local_pagerduty_runs_with_one_flag(sim):
    env = {**os.environ, "PAGERDUTY_SIM_URL": sim.url}
    sampled = _run([*ENTRY, "sample", "get_user_by_email", "--sim"], env=env)
    host = sim.url.split("//")[1]
    hint = f"To run this message: PLUGIN_ALLOWED_HOSTS={host} icon_pagerduty run < message.json\n"
    assert sampled.stderr == hint
    done = _run([*ENTRY, "run"], input=sampled.stdout, env={**os.environ, "PLUGIN_ALLOWED_HOSTS": host})
    assert done.returncode == 0, done.stdout
    # The spec's example user is one of the demo account's.
    output = json.loads(done.stdout)["body"]["output"]
    assert output["found"] is True and output["user"]["email"] == "uma.user@example.com"


def test_sample_for_the_local_pagerduty_says_how_to_start_it():
    done = _run([*ENTRY, "sample", "get_user_by_id", "--sim"],
                env={**os.environ, "PAGERDUTY_SIM_URL": "http://127.0.0.1:9"})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: cannot reach the local PagerDuty at http://127.0.0.1:9 (")
    assert done.stderr.endswith("); start it with `make sim`, or set PAGERDUTY_SIM_URL to where it runs\n")


def test_the_readme_example_finds_its_user_in_the_demo_account(sim):
    readme = (ROOT / "README.md").read_text()
    message = json.loads(re.search(r"```json\n(\{\"type\": \"action_start\".*?)\n```", readme, re.S)[1])
    creds = sim.credentials()
    message["body"]["connection"] = {"api_key": {"secretKey": creds["account_token"]}, "api_url": sim.url}
    done = _run([*ENTRY, "run"], input=json.dumps(message))
    output = json.loads(done.stdout)["body"]["output"]
    assert (output["found"], output["user"]["email"]) == (True, message["body"]["input"]["email"])


def test_the_entry_program_flushes_everything_before_it_ends_the_process(sim):
    """The entry program skips the interpreter's teardown (actionkit.cli.exit_now): the envelope, the
    debug log on stderr, the one-line diagnostic and the exit code must all still come out."""
    creds = sim.credentials()
    connection = {"api_key": {"secretKey": creds["account_token"]}, "api_url": sim.url}
    message = {"type": "action_start", "version": "v1", "body": {
        "action": "get_user_by_id", "meta": {}, "connection": connection, "input": {"id": "PNOSUCH"}}}
    done = _run([*ENTRY, "--debug", "run"], input=json.dumps(message))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["body"]["output"] == {"found": False}
    assert done.stdout.endswith("}\n") and done.stdout.count("\n") == 1
    assert "GET /users/PNOSUCH" in done.stderr  # the debug log, mirrored to stderr
    message["body"]["input"] = {"id": ".."}
    failed = _run([*ENTRY, "run"], input=json.dumps(message))
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["body"]["status"] == "error"
    assert failed.stderr.startswith("icon_pagerduty: ") and failed.stderr.endswith("\n")


@pytest.mark.parametrize("command", [[], ["run"], ["test"], ["info"], ["sample"], ["http"]],
                         ids=["main", "run", "test", "info", "sample", "http"])
def test_cli_help_speaks_plainly(command):
    done = _run([*ENTRY, *command, "--help"])
    assert done.returncode == 0 and done.stdout.startswith("Usage: icon_pagerduty")
    assert not re.search(r"§|\breference\b", done.stdout), done.stdout


def test_the_demo_runs_every_step_through_the_real_cli():
    """The README's first command: `make demo` runs bin/demo, which must end in success."""
    done = subprocess.run([sys.executable, str(ROOT / "bin" / "demo")], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Demo complete" in done.stdout
    for title in ("Create a user", "Trigger an incident", "See who is on call", "Write on it", "Resolve it"):
        assert f"▶ {title}" in done.stdout, title
