"""The plugin CLI: a few runs of the real bin/icon_hello, the rest through click's runner."""

from __future__ import annotations

import json
import sys
import types

import pytest
from click.testing import CliRunner

from actionkit.cli import build_cli
from actionkit.validate import validate

INFO_TEXT = """\
Name:        Hello
Vendor:      actionkit
Version:     1.2.3
Description: A small plugin that exercises every path of actionkit's runtime

Triggers (1):
└── greet (Send a greeting event count times, then return)

Actions (6):
└── hello (Greet someone)
└── fail (Raise the error kind asked for)
└── bad_output (Return output that breaks the spec in the way asked for)
└── nulls (Return None in optional output fields, nested too)
└── log_secret (Log the connection's secrets and echo them in the output)
└── lookup (Echo its input after names became IDs, and look the owner up again in run())
"""


@pytest.fixture
def cli():
    """Invoke the hello CLI in process: ``cli("run", stdin=...)`` returns click's Result."""
    runner = CliRunner()
    command = build_cli("icon_hello")

    def invoke(*args, stdin=""):
        return runner.invoke(command, list(args), input=stdin, prog_name="icon_hello")

    return invoke


# -- the real entry program -------------------------------------------------------------------------


def test_run_prints_exactly_one_envelope(run_hello_cli, make_message):
    done = run_hello_cli("run", stdin=json.dumps(make_message("nulls")))
    assert (done.returncode, done.stdout.count("\n"), done.stdout.endswith("\n")) == (0, 1, True)
    assert json.loads(done.stdout)["body"]["status"] == "ok"
    assert done.stderr == "a stray print from plugin code\n"


def test_bad_stdin_gives_an_error_envelope_and_exit_1(run_hello_cli):
    done = run_hello_cli("run", stdin="not json")
    envelope = json.loads(done.stdout)
    assert (done.returncode, envelope["type"], envelope["body"]["meta"], envelope["body"]["status"]) == (
        1, None, None, "error"
    )
    assert done.stderr.startswith("icon_hello: The message is not valid JSON: ")
    assert "Traceback" not in done.stderr


def test_debug_mirrors_the_log_to_stderr(run_hello_cli, make_message, canary):
    done = run_hello_cli("--debug", "run", stdin=json.dumps(make_message("log_secret")))
    assert done.returncode == 0
    assert "The secret is ********\n" in done.stderr and canary not in done.stderr + done.stdout


def test_debug_sends_tracebacks_to_stderr_never_to_the_envelope(run_hello_cli, make_message):
    done = run_hello_cli("--debug", "run", stdin=json.dumps(make_message("fail", {"kind": "unexpected"})))
    assert (done.returncode, json.loads(done.stdout)["body"]["status"]) == (1, "error")
    assert "Traceback" not in done.stdout
    assert "ERROR: Action 'fail' failed unexpectedly\nTraceback (most recent call last):\n" in done.stderr


def test_debug_shows_why_the_plugin_cannot_load(run_hello_python):
    code = ("import sys; sys.argv = ['x', '--debug', 'run']; from actionkit.cli import run_cli; "
            "run_cli('icon_nonexistent')")
    done = run_hello_python(code, stdin="{}")
    assert "Traceback" not in done.stdout and "Traceback (most recent call last):" in done.stderr
    error = json.loads(done.stdout)["body"]["error"]
    assert error.startswith("Cannot load the plugin package icon_nonexistent")


def test_usage_error_exits_2(run_hello_cli):
    assert run_hello_cli("nope").returncode == 2


@pytest.mark.parametrize(
    ("command", "heavy"),
    [("run", "'click', 'hashlib'"), ("info", "'actionkit.runtime'")],
    ids=["run", "info"],
)
def test_start_up_imports_no_heavy_module(run_hello_python, make_message, command, heavy):
    probe = (
        "import atexit, sys\n"
        "heavy = ('jsonschema', 'yaml', 'requests', 'gunicorn', 'actionkit.codegen', 'actionkit.spec', "
        f"{heavy})\n"
        "loaded = lambda: ','.join(m for m in heavy if m in sys.modules)\n"
        "atexit.register(lambda: sys.stderr.write('loaded: ' + loaded()))\n"
        f"sys.argv = ['icon_hello', '{command}']\n"
        "from icon_hello.__main__ import main\n"
        "main()\n"
    )
    done = run_hello_python(probe, stdin=json.dumps(make_message("hello")))
    assert (done.returncode, done.stderr) == (0, "loaded: ")


# -- in process -------------------------------------------------------------------------------------


def test_run_exit_codes(cli, make_message):
    ok = cli("run", stdin=json.dumps(make_message("hello")))
    failed = cli("run", stdin=json.dumps(make_message("fail", {"kind": "upstream"})))
    assert (ok.exit_code, failed.exit_code) == (0, 1)
    assert json.loads(failed.stdout)["body"]["exception"]["cause"] == "Failing with upstream as asked."


@pytest.mark.parametrize(
    ("stdin", "cause"),
    [
        ("", "The message is empty."),
        ('{"type": "action_start", "version": "v1", "body": {"action": "nope"}}', "Unknown action 'nope'."),
        ('{"type": "action_start", "version": "2", "body": {"action": "hello"}}',
         "Unsupported message version '2'."),
    ],
    ids=["empty-stdin", "unknown-action", "wrong-version"],
)
def test_run_errors_print_an_envelope_and_exit_1(cli, stdin, cause):
    result = cli("run", stdin=stdin)
    assert (result.exit_code, json.loads(result.stdout)["body"]["exception"]["cause"]) == (1, cause)


def test_test_runs_the_connection_test(cli, hello_connection):
    message = {"type": "connection_test", "version": "v1", "body": {"connection": hello_connection}}
    result = cli("test", stdin=json.dumps(message))
    assert (result.exit_code, json.loads(result.stdout)["body"]["output"]) == (0, {"success": True})


def test_trigger_events_come_one_per_line_before_the_envelope(cli, make_message):
    result = cli("run", stdin=json.dumps(make_message("greet", {"name": "Ada"}, kind="trigger")))
    lines = result.stdout.splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["trigger_event"] * 3
    assert json.loads(lines[-1])["body"]["output"] == {"sent": 2}


def test_version(cli):
    assert (cli("--version").exit_code, cli("--version").stdout) == (0, "1.2.3\n")


def test_no_command_prints_help(cli):
    result = cli()
    assert result.exit_code == 0 and result.stdout.startswith("Usage: icon_hello [OPTIONS]")
    commands = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert commands == {"http", "info", "run", "sample", "test"}


def test_info_text(cli):
    assert cli("info").stdout == INFO_TEXT


def test_info_json(cli):
    info = json.loads(cli("info", "--json").stdout)
    assert (info["title"], info["version"], info["connection"], list(info["actions"]), info["tasks"]) == (
        "Hello", "1.2.3", True, ["hello", "fail", "bad_output", "nulls", "log_secret", "lookup"], {}
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [("hello", "action"), ("fail", "action"), ("bad_output", "action"), ("nulls", "action"),
     ("log_secret", "action"), ("greet", "trigger")],
    ids=["hello", "fail", "bad_output", "nulls", "log_secret", "greet"],
)
def test_samples_are_valid_start_messages(cli, name, kind):
    import importlib

    result = cli("sample", name)
    message = json.loads(result.stdout)
    schema = importlib.import_module(f"icon_hello.{kind}s.{name}.schema")
    connection = importlib.import_module("icon_hello.connection.schema")
    assert (result.exit_code, result.stdout.endswith("}\n"), message["type"]) == (0, True, f"{kind}_start")
    assert validate(message["body"]["input"], schema.Input.SCHEMA, "input", required_not_empty=True) == []
    assert validate(message["body"]["connection"], connection.Input.SCHEMA, "connection") == []


def test_the_hello_sample_runs(cli):
    sample = cli("sample", "hello").stdout
    result = cli("run", stdin=sample)
    assert json.loads(result.stdout)["body"]["output"] == {"message": "Hello, World!", "count": 1}


def test_trigger_sample_has_a_dispatcher(cli):
    body = json.loads(cli("sample", "greet").stdout)["body"]
    assert body["dispatcher"] == {"url": "http://localhost:8000", "webhook_url": ""}


def test_unknown_sample_exits_1(cli):
    result = cli("sample", "nope")
    assert (result.exit_code, result.stderr) == (
        1, "Error: no component named 'nope'; choose one of: greet, hello, fail, bad_output, nulls, "
        "log_secret, lookup.\n"
    )


def test_sample_without_a_name_is_a_usage_error(cli):
    assert cli("sample").exit_code == 2


def test_http_passes_the_flags_to_the_server(cli, monkeypatch):
    calls = []
    server = types.ModuleType("actionkit.server")
    server.serve = lambda plugin, **settings: calls.append((plugin.package, settings))
    monkeypatch.setitem(sys.modules, "actionkit.server", server)
    result = cli("--debug", "http", "--port", "9999", "--worker_class", "gevent")
    assert result.exit_code == 0
    settings = {"port": 9999, "process_workers": 1, "threads_per_worker": 4, "worker_class": "gevent",
                "worker_connections": 200, "graceful_timeout": 30, "debug": True}
    assert calls == [("icon_hello", settings)]


def test_a_missing_manifest_is_a_clear_error():
    result = CliRunner().invoke(build_cli("icon_missing"), ["info"], prog_name="icon_missing")
    assert (result.exit_code, result.stderr) == (
        1, "Error: cannot load icon_missing.manifest (No module named 'icon_missing'); generate it with: "
        "python -m actionkit generate\n"
    )
