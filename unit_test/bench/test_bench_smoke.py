"""Smoke test of the benchmark suite: the quick mode of the cheap benchmarks runs and reports sane figures.

Only shapes and counts are checked, never timings (speed is reported by ``make bench``, not asserted).
HTTP mode and faults are left out: they take longest and their parts are covered by other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import cold_start

ROOT = Path(__file__).resolve().parents[2]
CHEAP = ("cold_start", "overhead", "pagination", "simulator", "output_shaping")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict, str]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", ",".join(CHEAP), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    results = json.loads((out / "latest.json").read_text()) if (out / "latest.json").exists() else {}
    summary = (out / "latest.md").read_text() if (out / "latest.md").exists() else ""
    return done, results, summary


def test_quick_run_succeeds_and_prints_the_table(quick_run):
    done, _results, _summary = quick_run
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0].split() == ["Figure", "Value", "Floor", "Ratio"]


def test_results_name_the_machine_and_every_benchmark_run(quick_run):
    _done, results, _summary = quick_run
    assert results["mode"] == "quick"
    assert results["machine"]["cores"] >= 1
    assert results["machine"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert list(results["benchmarks"]) == list(CHEAP)
    assert [b for b, found in results["benchmarks"].items() if "error" in found] == []


def test_cold_start_measures_each_command_and_its_memory(quick_run):
    figures = quick_run[1]["benchmarks"]["cold_start"]["figures"]
    assert list(figures) == ["python -c pass", "bare requests script", "run get_user_by_id",
                             cold_start.RUN_SYNTHETIC, cold_start.RUN_TEARDOWN, "info"]
    for figure in figures.values():
        assert figure["samples"] == len(figure["rounds_s"]) == cold_start.ROUNDS_PER_REPEAT * 3
        assert figure["median_s"] > 0
        assert figure["peak_rss_mib"] > 1
    assert figures["bare requests script"]["x_bare"] == 1.0
    synthetic = figures[cold_start.RUN_SYNTHETIC]
    real = figures["run get_user_by_id"]["rounds_s"]
    # Each round ran both back to back: the ratio is the median of the rounds' own ratios.
    per_round = sorted(s / r for s, r in zip(synthetic["rounds_s"], real, strict=True))
    middle = len(per_round) // 2
    assert per_round[middle - 1] - 0.001 <= synthetic["x_real_spec"] <= per_round[middle] + 0.001


def test_overhead_compares_each_action_with_its_bare_client_call(quick_run):
    figures = quick_run[1]["benchmarks"]["overhead"]["figures"]
    assert set(figures) == {"get_user_by_id", "send_trigger_event"}
    for figure in figures.values():
        assert figure["handle_us"] > 0 and figure["bare_client_us"] > 0
        assert figure["overhead_us"] == pytest.approx(figure["handle_us"] - figure["bare_client_us"], abs=0.2)


def test_pagination_lists_10000_users_in_100_requests(quick_run):
    figures = quick_run[1]["benchmarks"]["pagination"]["figures"]
    assert (figures["users"], figures["request_floor"]) == (10_000, 100)
    assert [figures[mode]["requests"] for mode in ("bare", "stream", "list")] == [100, 100, 100]
    # Holding every user costs more memory than streaming them one page at a time.
    assert figures["list"]["heap_peak_mib"] > figures["stream"]["heap_peak_mib"]


def test_simulator_throughput_has_no_errors(quick_run):
    figures = quick_run[1]["benchmarks"]["simulator"]["figures"]
    assert set(figures) == {"requests", "http.client"}
    for figure in figures.values():
        assert figure["errors"] == 0 and figure["complete"] is True
        assert figure["rps"] > 0 and 0 < figure["p50_ms"] <= figure["p99_ms"]


def test_output_shaping_is_measured_against_json_dumps_of_the_same_data(quick_run):
    result = quick_run[1]["benchmarks"]["output_shaping"]
    assert result["incidents"] == 2_000
    assert list(result["figures"]) == [
        "json.dumps (floor)", "one pass (shape_output)", "four passes (before)"
    ]
    assert all(figure["seconds"] > 0 for figure in result["figures"].values())
    assert result["figures"]["json.dumps (floor)"]["x_floor"] == 1.0


def test_targets_are_reported_with_a_verdict(quick_run):
    _done, results, summary = quick_run
    names = [target["name"] for target in results["targets"]]
    assert "Pagination at the floor of requests (100 for 10,000 users)" in names
    assert all(isinstance(target["met"], bool) for target in results["targets"])
    assert "| Figure | Value | Floor | Ratio |" in summary
    assert "## Targets (reported, not asserted)" in summary
