"""``make fuzz``: schemathesis over the plugin server's own OpenAPI (``/api/v1/api``).

Starts the demo simulator and ``icon_pagerduty http`` on loopback (no API token, as the image
runs by default), lets schemathesis generate requests from the published schema, valid and
invalid, and reports what matters: how many requests were sent, how many answers were 5xx, and
how many answers did not match the schema we publish (status code, content type, body). Targets:
0 and 0; the exit status is 1 otherwise. The report goes to bench/results/fuzz.json and the
schemathesis HAR and JSON reports beside it, for the requests behind any failure.

Options: ``--max-examples N`` per operation (default 10), ``--seed`` (default 1, so a rerun sends
the same requests), and after ``--`` any schemathesis option.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pagerduty_sim import Simulator

from .http_mode import PluginServer

RESULTS = Path(__file__).resolve().parent / "results"
SERVER_ERROR = "ST101"  # schemathesis's code for a 5xx answer; its other codes are mismatches
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if schemathesis is None:
        print("schemathesis is not installed in this environment: `make fuzz` installs it.", file=sys.stderr)
        return 2
    reports = RESULTS / "fuzz"
    shutil.rmtree(reports, ignore_errors=True)  # the summary counts every report in the folder
    reports.mkdir(parents=True)
    sim = Simulator(seed="demo").start()
    server = PluginServer(2, 4, PLUGIN_ALLOWED_HOSTS=f"127.0.0.1:{sim.port}")
    try:
        done = subprocess.run(
            [schemathesis, "run", f"{server.url}/api/v1/api", "--url", server.url,
             "--checks", ",".join(CHECKS), "--max-examples", str(options.max_examples),
             "--seed", str(options.seed), "--generation-deterministic", "--workers", "2",
             "--request-timeout", "30", "--report", "har,json", "--report-dir", str(reports),
             "--continue-on-failure", "--no-color", *[a for a in options.schemathesis_args if a != "--"]],
            capture_output=True, text=True, timeout=3600,
        )
    finally:
        server_log = server.output()
        server.stop()
        sim.stop()
    summary = summarise(reports)
    summary["server_tracebacks"] = server_log.count("Traceback (most recent call last)")
    (RESULTS / "fuzz.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (reports / "schemathesis.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    print(json.dumps(summary, indent=2))
    if summary["requests"] == 0 or summary["server_errors"] or summary["schema_mismatches"]:
        print(f"schemathesis's account of each failure: {reports / 'schemathesis.txt'}", file=sys.stderr)
    if summary["requests"] == 0:
        return 1
    return 0 if summary["server_errors"] == 0 and summary["schema_mismatches"] == 0 else 1


def summarise(reports: Path) -> dict[str, Any]:
    """Requests and 5xx answers from the HAR log; schemathesis's failures, by kind, from its report."""
    statuses: Counter[int] = Counter()
    for har in reports.glob("har-*.json"):
        for entry in json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]:
            statuses[entry["response"]["status"]] += 1
    failures: Counter[str] = Counter()
    where: dict[str, set[str]] = {}
    for report in reports.glob("json-*.json"):
        for failure in json.loads(report.read_text(encoding="utf-8")).get("failures", []):
            kind = f"{failure['code']} {failure['title']}"
            failures[kind] += failure.get("count", 1)
            where.setdefault(kind, set()).update(failure.get("operations", []))
    return {
        "requests": sum(statuses.values()),
        # 501 is the protocol's answer to a route a plugin does not offer (the task-aware connection
        # test of a plugin without tasks), documented as such; every other 5xx is a defect.
        "server_errors": sum(n for status, n in statuses.items() if status >= 500 and status != 501),
        "schema_mismatches": sum(n for kind, n in failures.items() if not kind.startswith(SERVER_ERROR)),
        "failures": {kind: {"count": n, "operations": sorted(where[kind])} for kind, n in failures.items()},
        "statuses": {str(status): n for status, n in sorted(statuses.items())},
    }


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz_http", description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("schemathesis_args", nargs=argparse.REMAINDER,
                        help="after --: more schemathesis options, e.g. --include-path-regex /spec")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
