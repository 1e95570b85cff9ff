"""The image's install steps, without Docker: what the Dockerfile does, in a fresh virtual environment.

The build stage's COPY lines are read from the Dockerfile, so the wheel is built from exactly the
files the image gets. Then, as in the final stage: the dependencies listed in pyproject.toml
(read with tomllib), then the wheel with ``--no-deps``. The installed ``icon_pagerduty`` runs from
a temporary directory with a clean environment, so nothing can come from this checkout.

Slow (a wheel build and a virtual environment: 10-20 s), so marked ``slow``; it runs by default.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from actionkit.spec import load_spec
from unit_test.actionkit.server_helpers import free_port, http_call, wait_until

tomllib = pytest.importorskip("tomllib", reason="needs Python 3.11+ (the image's Python) for tomllib")

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "icon_pagerduty"
SPEC = load_spec(REPO / "plugin.spec.yaml")  # the component list: nothing here repeats it by hand
pytestmark = pytest.mark.slow


def _build_stage_copies(dockerfile: Path) -> list[tuple[list[str], str]]:
    """``(sources, destination)`` of each COPY of the first stage (the one that builds the wheel)."""
    copies, stage = [], 0
    for line in dockerfile.read_text().splitlines():
        words = line.split()
        if words[:1] == ["FROM"]:
            stage += 1
        elif stage == 1 and words[:1] == ["COPY"] and not any(word.startswith("--") for word in words):
            copies.append((words[1:-1], words[-1]))
    return copies


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    failed = f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, failed
    return done


def _pip_env() -> dict[str, str]:
    """This environment (index settings, proxies) without anything that points into the checkout."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(venv, wheel)``: the wheel built from the Dockerfile's build context, installed as the image does."""
    root = tmp_path_factory.mktemp("image")
    source = root / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")  # as .dockerignore
    copies = _build_stage_copies(REPO / "Dockerfile")
    assert copies, "the Dockerfile has no COPY in its build stage"
    for sources, destination in copies:
        for name in sources:
            target = source / destination / name if destination.endswith("/") else source / destination
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, target, ignore=ignore)
            else:
                shutil.copy2(REPO / name, target)
    wheels = root / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels)]
    built = _run([*build, str(source)], cwd=root, env=_pip_env())
    # The build backend warns of nothing (once, pyproject.toml's license form filled every install with
    # a boxed deprecation notice).
    assert not re.search(r"\w+Warning\b", built.stdout + built.stderr), built.stdout + built.stderr
    (wheel,) = wheels.glob("*.whl")
    venv = root / "venv"
    # No pip inside the venv (seconds saved): this pip installs into it, as the image's pip does.
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root, env=_pip_env())
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    requirements = root / "requirements.txt"
    requirements.write_text("\n".join(dependencies) + "\n")
    _run([*pip, "-r", str(requirements)], cwd=root, env=_pip_env())
    _run([*pip, "--no-deps", str(wheel)], cwd=root, env=_pip_env())
    return venv, wheel


@pytest.fixture
def plugin_cli(installed, tmp_path):
    """Run the installed ``icon_pagerduty ARGS`` from an empty directory with a minimal environment."""
    venv, _ = installed
    env = {"PATH": f"{venv / 'bin'}{os.pathsep}{os.defpath}", "HOME": str(tmp_path), "LANG": "C.UTF-8",
           # the simulator's host, set in unit_test/conftest.py
           "PLUGIN_ALLOWED_HOSTS": os.environ["PLUGIN_ALLOWED_HOSTS"]}

    def run(*args: str, stdin: str = "", background: bool = False, **extra_env: str):
        command = [str(venv / "bin" / SCRIPT), *args]
        if background:
            return subprocess.Popen(command, cwd=tmp_path, env={**env, **extra_env}, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        return subprocess.run(command, input=stdin, cwd=tmp_path, env={**env, **extra_env},
                              capture_output=True, text=True, timeout=60)

    return run


@pytest.fixture(scope="module")
def simulator():
    sim_module = pytest.importorskip("pagerduty_sim", reason="pagerduty_sim is not importable yet")
    sim = sim_module.Simulator(seed="demo").start()
    yield sim
    sim.stop()


def _get_user_message(sim) -> tuple[dict, str]:
    credentials = sim.credentials()
    user_id = sim.state()["users"][0]["id"]
    connection = {"api_key": {"secretKey": credentials["account_token"]},
                  "from_email": credentials["from_email"], "api_url": sim.url, "events_url": sim.url}
    body = {"action": "get_user_by_id", "meta": {}, "connection": connection, "input": {"id": user_id}}
    return {"type": "action_start", "version": "v1", "body": body}, user_id


def test_the_wheel_holds_only_the_framework_and_the_plugin_with_its_spec(installed):
    _, wheel = installed
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    packages = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert packages == {"actionkit", "icon_pagerduty"}
    assert "icon_pagerduty/manifest.py" in names and "actionkit/server/wsgi.py" in names
    # The full spec ships once, as written, where actionkit.specfile reads it; no generated copy.
    assert archive.read("icon_pagerduty/plugin.spec.yaml") == (REPO / "plugin.spec.yaml").read_bytes()
    unwanted = [
        name for name in names
        if Path(name).name.startswith(("test_", "conftest"))
        or (name.endswith((".json", ".yaml", ".yml")) and name != "icon_pagerduty/plugin.spec.yaml")
        or "pagerduty_sim" in name or "unit_test" in name
    ]
    assert unwanted == []


def test_the_installed_plugin_comes_from_the_venv(installed, tmp_path):
    venv, _ = installed
    done = _run([str(venv / "bin" / "python"), "-c", "import actionkit, icon_pagerduty; "
                 "print(actionkit.__file__); print(icon_pagerduty.__file__)"],
                cwd=tmp_path, env={"PATH": os.defpath, "LANG": "C.UTF-8"})
    assert all(Path(line).is_relative_to(venv) for line in done.stdout.splitlines())


def test_info_lists_every_action_of_the_spec(plugin_cli):
    done = plugin_cli("info")
    assert done.returncode == 0, done.stderr
    assert f"Actions ({len(SPEC.actions)}):" in done.stdout
    # The Actions section only: triggers and tasks have sections of their own.
    section = done.stdout.split("Actions (", 1)[1].split("\n\n", 1)[0]
    listed = [line.split("└── ")[1].split(" (")[0] for line in section.splitlines() if "└── " in line]
    assert listed == list(SPEC.actions)


def test_run_gets_a_user_from_the_simulator(plugin_cli, simulator):
    message, user_id = _get_user_message(simulator)
    done = plugin_cli("run", stdin=json.dumps(message))
    assert done.returncode == 0, done.stdout + done.stderr
    output = json.loads(done.stdout)["body"]["output"]
    assert (output["found"], output["user"]["id"]) == (True, user_id)


def test_http_serves_an_action(plugin_cli, simulator):
    port = free_port()
    server = plugin_cli("http", "--port", str(port), background=True, ACTIONKIT_BIND="127.0.0.1")
    try:
        def ready():
            assert server.poll() is None, server.stderr.read()
            try:
                return http_call(port, "GET", "/api/v1/status", timeout=2)
            except OSError:
                return None

        assert wait_until(ready, timeout=30, what="the installed server").json() == {"status": "Ready"}
        message, user_id = _get_user_message(simulator)
        reply = http_call(port, "POST", "/api/v1/actions/get_user_by_id", message)
        assert reply.status == 200, reply
        assert reply.json()["body"]["output"]["user"]["id"] == user_id
        # The routes that need the whole spec read the plugin.spec.yaml the wheel ships.
        assert http_call(port, "GET", "/api/v1/spec").json() == SPEC.data
        assert http_call(port, "GET", "/api/v1/spec?format=yaml").body.decode() == SPEC.text
        detail = http_call(port, "GET", "/api/v1/actions/get_user_by_id").json()
        assert detail["input"] == SPEC.data["actions"]["get_user_by_id"]["input"]
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
