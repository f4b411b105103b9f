"""Benchmark of the before/after evaluation on a large demo database.

    python bench/bench_evaluation.py [--incidents 1000000] [--repeat 5]

Builds (once) ``bench/out/demo_<N>.duckdb`` and times, as the median of ``--repeat``
runs: the evaluation (areas, counts, statistics, monthly series) for Kyrkgatan with
neighbour buffer and with a 300 m ring, the HTML report (with the SVG chart), and the
whole ``python -m est_data evaluate --json`` command in a fresh process.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from est_data.evaluation import evaluate as ev_mod, report  # noqa: E402
from est_data.evaluation.selection import DEFAULT_CATEGORIES, EvaluationSpec  # noqa: E402
from est_data.demo.build import build_demo_file  # noqa: E402


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = ROOT / "bench" / "out" / f"demo_{args.incidents}.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        t0 = time.perf_counter()
        build_demo_file(path, incidents=args.incidents)
        print(f"built {path.name} in {time.perf_counter() - t0:.1f} s")

    date = dt.date(2025, 11, 1)
    specs = {
        "evaluate, all categories, neighbours": EvaluationSpec(("fokus_kyrkgatan",), date),
        "evaluate, störning+inbrott, neighbours": EvaluationSpec(
            ("fokus_kyrkgatan",), date, categories=DEFAULT_CATEGORIES),
        "evaluate, all categories, 300 m ring": EvaluationSpec(
            ("fokus_kyrkgatan",), date, buffer="ring", buffer_m=300),
    }
    con = duckdb.connect(str(path), read_only=True)
    rows = []
    try:
        for name, spec in specs.items():
            rows.append((name, timed(lambda: ev_mod.evaluate(con, spec), args.repeat)))
        ev = ev_mod.evaluate(con, specs["evaluate, störning+inbrott, neighbours"])
        report.render_html(ev)  # warm matplotlib
        rows.append(("report HTML (with SVG chart)", timed(lambda: report.render_html(ev),
                                                            args.repeat)))
        print("counts:", ev_mod.to_json_dict(ev)["target"], ev_mod.to_json_dict(ev)["control"])
    finally:
        con.close()
    cmd = [sys.executable, "-m", "est_data", "evaluate", "--db", str(path), "--area",
           "fokus_kyrkgatan", "--date", "2025-11-01", "--before-days", "365",
           "--after-days", "365", "--json"]
    rows.append(("CLI evaluate --json (new process)",
                 timed(lambda: subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT),
                       max(1, args.repeat // 2))))
    print(f"\n{args.incidents:,} incidents, median of {args.repeat} runs")
    for name, seconds in rows:
        print(f"  {name:<42} {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
