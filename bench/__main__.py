"""``python -m bench [--quick] [--only NAME,...] [--out DIR]``: run the suite, print the table, write results.

Exit status 0 when every benchmark ran (missed targets are reported, not failures), 1 when one
of them could not run (its error is in the results), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import BENCHMARKS
from .common import Config, git_commit, machine_info
from .report import table, write

RESULTS = Path(__file__).resolve().parent / "results"
METHOD = [
    "Every figure is the median of repeated runs; ratios are to a floor measured in the same run.",
    "Cold starts: bytecode compiled first (python -m compileall on actionkit, icon_pagerduty, "
    "pagerduty_sim) and children run with PYTHONDONTWRITEBYTECODE unset, as after a pip install; "
    "interpreter: sys.executable.",
    "Peak memory of a child: its ru_maxrss from wait4.",
    "Everything talks to 127.0.0.1 only.",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the icon_pagerduty benchmarks.")
    parser.add_argument("--quick", action="store_true", help="few repetitions and small counts (a smoke run)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, default=None,
                        help="directory of latest.json and latest.md (default: bench/results for a full run, "
                             "bench/results/scratch for --quick or --only, so a partial run never replaces "
                             "the full results)")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.only.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark '{unknown[0]}'; choose from: {', '.join(BENCHMARKS)}")

    cfg = Config(quick=args.quick)
    started = time.perf_counter()
    found: dict[str, dict[str, Any]] = {}
    rows: list[tuple[str, str, str, str]] = []
    for number, name in enumerate(names, 1):
        module = BENCHMARKS[name]
        print(f"[{number}/{len(names)}] {module.TITLE} ...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            result = module.run(cfg)
            rows += module.rows(result)
        except Exception as exc:  # noqa: BLE001  (one broken benchmark must not lose the others' figures)
            traceback.print_exc(file=sys.stderr)
            result = {"title": module.TITLE, "error": f"{type(exc).__name__}: {exc}", "targets": []}
            rows.append((name, "FAILED: " + result["error"][:80], "-", "-"))
        result["seconds"] = round(time.perf_counter() - began, 1)
        found[name] = result

    results = {
        "suite": "icon_pagerduty benchmarks",
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "mode": "quick" if args.quick else "full",
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine_info(),
        "method": METHOD,
        "config": cfg.as_dict(),
        "targets": [{"benchmark": name, **target}
                    for name, result in found.items() for target in result["targets"]],
        "benchmarks": found,
    }
    print(table(rows))
    print()
    for target in results["targets"]:
        verdict = "met   " if target["met"] else "MISSED"
        print(f"{verdict}  {target['name']}: {target['value']} {target['unit']}".rstrip())
    partial = args.quick or len(names) < len(BENCHMARKS)
    for path in write(args.out or (RESULTS / "scratch" if partial else RESULTS), results, rows):
        print(f"wrote {path}", file=sys.stderr)
    return 1 if any("error" in result for result in found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
