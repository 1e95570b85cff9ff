"""What every benchmark shares: settings, statistics, child processes, the simulator, profiles.

Figures are medians of repeated runs. Child processes run with bytecode compiled beforehand and
``PYTHONDONTWRITEBYTECODE`` unset, as in an installed container, and are started with this very
interpreter (``sys.executable``), never through a shim.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import platform
import pstats
import re
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
# The plugin calls only PagerDuty's hosts unless PLUGIN_ALLOWED_HOSTS lists others; every benchmark talks to
# the simulator on loopback, in this process or in children (which inherit the environment).
os.environ.setdefault("PLUGIN_ALLOWED_HOSTS", "127.0.0.1")
ENTRY = ROOT / "bin" / "icon_pagerduty"
COMPILED_PACKAGES = ("actionkit", "icon_pagerduty", "pagerduty_sim")
PD_ACCEPT = "application/vnd.pagerduty+json;version=2"


class Config:
    """Repetitions and sizes of one suite run; ``quick`` shrinks them for a smoke run."""

    def __init__(self, quick: bool = False):
        self.quick = quick
        self.repeats = 3 if quick else 15  # interleaved rounds (cold start) and timed batches (overhead)
        self.runs = 1 if quick else 3  # repeated whole runs (pagination, HTTP load, faults, simulator)
        self.users = 10_000  # pagination: the full 10,000 is cheap to seed in process
        self.overhead_calls = 40 if quick else 300  # calls per timed batch
        self.http_requests = 300 if quick else 1500  # per run, per server setting and action
        self.http_clients = 4
        self.load_max_seconds = 20.0 if quick else 60.0
        self.fault_triggers = 20 if quick else 40
        self.fault_threads = 4
        self.fault_fraction = 0.30
        self.sim_requests = 500 if quick else 3000
        self.sim_clients = 4

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


# -- statistics -------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in (0, 1]) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without importing math
    return ordered[int(rank) - 1]


def ratio(value: float, floor: float) -> float | None:
    return round(value / floor, 2) if floor else None


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# -- child processes --------------------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    """The environment of measured children: bytecode allowed, the checkout importable."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def compile_bytecode() -> None:
    """Write the .pyc files a pip install would have written, so cold starts do not compile."""
    paths = [str(ROOT / name) for name in COMPILED_PACKAGES]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *paths], check=True, env=child_env())


class ChildSample:
    """One child run: wall ``seconds`` from spawn to exit, its peak RSS in KiB, exit code, outputs."""

    __slots__ = ("seconds", "maxrss_kib", "returncode", "stdout", "stderr")

    def __init__(self, seconds: float, maxrss_kib: int, returncode: int, stdout: bytes, stderr: bytes):
        self.seconds, self.maxrss_kib, self.returncode = seconds, maxrss_kib, returncode
        self.stdout, self.stderr = stdout, stderr


# Linux carries a process's peak RSS across fork and exec: a child spawned by this (large) process
# would report at least this process's RSS. So a small interpreter without site (about 9 MiB, less
# than any measured Python child) spawns the child, times it and reads its rusage from wait4.
SPAWNER = """\
import os, sys, time
argv = sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    out.write(f"{elapsed!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_child(argv: Sequence[str], stdin: bytes = b"", env: dict[str, str] | None = None,
              timeout: float = 120.0) -> ChildSample:
    """Run ``argv`` (an absolute program path first) to completion; its time, peak RSS and outputs."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "stdin").write_bytes(stdin)
        report = folder / "report"
        with open(folder / "stdin", "rb") as given, open(folder / "stdout", "wb") as out, \
                open(folder / "stderr", "wb") as err:
            spawner = subprocess.Popen(
                [sys.executable, "-S", "-c", SPAWNER, str(report), *argv],
                stdin=given, stdout=out, stderr=err, cwd=ROOT, env=env if env is not None else child_env(),
                start_new_session=True,
            )
            try:
                spawner.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(spawner.pid, signal.SIGKILL)  # the spawner's own group: it and the child
                spawner.wait()
                raise RuntimeError(f"{' '.join(argv[:3])} ... did not finish within {timeout:g} s") from None
        if spawner.returncode != 0 or not report.exists():
            raise RuntimeError(f"the spawner failed: {(folder / 'stderr').read_bytes()[-500:]!r}")
        seconds, maxrss, code = report.read_text().split()
        return ChildSample(float(seconds), int(maxrss), int(code), (folder / "stdout").read_bytes(),
                           (folder / "stderr").read_bytes())


# -- the simulator in a process of its own ----------------------------------------------------------


class SimProcess:
    """``python -m pagerduty_sim`` in a subprocess (rate limits off), driven through ``/_sim/``.

    Used where the bench process generates load, so the simulator does not share its GIL.
    """

    def __init__(self, seed: str = "demo"):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pagerduty_sim", "--seed", seed, "--port", "0", "--no-rate-limit"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=child_env(),
        )
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the simulator did not start (first line: {self.url!r})")
        # stdout stays open: closing it could break the summary the simulator prints after the URL.
        self.control = requests.Session()

    def credentials(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/credentials")

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/state")

    def _call(self, method: str, path: str) -> Any:
        response = self.control.request(method, self.url + path, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def stop(self) -> None:
        if hasattr(self, "control"):
            self.control.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def connection_for(url: str, creds: dict[str, Any]) -> dict[str, Any]:
    """A plugin connection to the simulator at ``url``: account key, requester and default routing key."""
    return {
        "api_key": {"secretKey": creds["account_token"]},
        "from_email": creds["from_email"],
        "service_key": {"secretKey": next(iter(creds["routing_keys"].values()))},
        "api_url": url,
        "events_url": url,
    }


def action_message(action: str, inp: dict[str, Any], connection: dict[str, Any]) -> dict[str, Any]:
    return {"type": "action_start", "version": "v1",
            "body": {"action": action, "meta": {}, "connection": connection, "input": inp}}


TRIGGER_INPUT = {
    "description": "Disk at 99% on web-01",
    "incident_key": "web-01/disk",
    "severity": "critical",
    "source": "web-01.example.com",
    "component": "disk",
    "details": {"free_space": "1%", "mount": "/var"},
}


def rest_headers(creds: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Token token={creds['account_token']}", "Accept": PD_ACCEPT}


# -- profiles -------------------------------------------------------------------------------------


def profiled(function: Callable[[], Any]) -> pstats.Stats:
    """The cProfile statistics of one call of ``function``."""
    profiler = cProfile.Profile()
    profiler.runcall(function)
    return pstats.Stats(profiler, stream=io.StringIO())


def cumulative_share(stats: pstats.Stats, where: str, function: str) -> float:
    """Cumulative time of the functions named ``function`` in files containing ``where``, as a share."""
    found = sum(entry[3] for (filename, _line, name), entry in stats.stats.items()
                if name == function and where in filename)
    return found / max(stats.total_tt, 1e-9)


def phase_lines(stats: pstats.Stats, phases: Sequence[tuple[str, str, str]]) -> list[str]:
    """``"NN% label"`` per ``(label, file part, function name)``: where the profiled time went."""
    return [f"{cumulative_share(stats, where, function):4.0%} {label}" for label, where, function in phases]


def self_time_by_module(stats: pstats.Stats, limit: int = 6) -> list[str]:
    """Share of self time per source file, C functions each on their own (cProfile inflates small calls)."""
    by_place: dict[str, float] = {}
    for (filename, _line, name), (_cc, _calls, tottime, _cum, _callers) in stats.stats.items():
        key = name if filename == "~" else _module_of(filename)
        by_place[key] = by_place.get(key, 0.0) + tottime
    total = sum(by_place.values()) or 1.0
    ranked = sorted(by_place.items(), key=lambda item: item[1], reverse=True)[:limit]
    return [f"{share / total:4.0%} self  {name}" for name, share in ranked]


def _module_of(filename: str) -> str:
    for marker in ("/actionkit/", "/icon_pagerduty/", "/bench/"):
        if marker in filename:
            return marker.strip("/") + "/" + filename.split(marker, 1)[1]
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    return "stdlib " + _short_path(filename)


def _short_path(filename: str) -> str:
    library = re.search(r"(?:site-packages|lib/python3\.\d+)/(.*)$", filename)
    if library:
        return library.group(1)
    try:
        return str(Path(filename).resolve().relative_to(ROOT))
    except ValueError:
        return filename


def import_time_top(argv: Sequence[str], stdin: bytes = b"", limit: int = 3) -> list[str]:
    """The top ``limit`` imports by cumulative time in ``python -X importtime`` of ``argv``, outermost
    only (a package's time includes its submodules), then the chain of heaviest imports inside the top one.
    """
    sample = run_child([sys.executable, "-X", "importtime", *argv], stdin)
    # Lines come in post-order: an import's nested imports (indented one level deeper) precede it.
    waiting: dict[int, list[tuple[int, str, list]]] = {}
    for line in sample.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cumulative_us, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        node = (int(cumulative_us), name.strip(), waiting.pop(depth + 1, []))
        waiting.setdefault(depth, []).append(node)
    outer = sorted(waiting.get(0, []), key=lambda node: node[0], reverse=True)
    lines = [f"{us / 1000:6.1f} ms cum  import {name}" for us, name, _inner in outer[:limit]]
    chain, node = [], outer[0] if outer else None
    while node is not None and len(chain) < 5:
        chain.append(f"{node[1]} {node[0] / 1000:.0f} ms")
        node = max(node[2], key=lambda inner: inner[0], default=None)
    if len(chain) > 1:
        lines.append("heaviest chain: " + " > ".join(chain))
    return lines


# -- the machine -----------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
    }


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def dumps(data: Any) -> str:
    """JSON of the results; a value JSON cannot hold (a defect of a benchmark) is written as its type
    and named on stderr, so that one bad figure never loses a whole run's measurements."""
    def unserializable(value: Any) -> str:
        print(f"bench: a result holds a {type(value).__name__} ({value!r}); written as text", file=sys.stderr)
        return f"<{type(value).__name__}>"

    return json.dumps(data, indent=2, sort_keys=False, default=unserializable) + "\n"
