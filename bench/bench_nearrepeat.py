"""Speed of the Knox test (target: a year of burglaries at 1M incidents ≤ 2 s with 99
permutations) and of the near-repeat warning on Översikt.

    python -m est_data demo --db bench/out/demo_1000000.duckdb --incidents 1000000
    python -m bench.bench_nearrepeat [--db bench/out/demo_1000000.duckdb] [--runs 5]

Each figure is the median of ``--runs`` calls in this process (imports warm, data read
from the file each time, as a cache miss on the page does), wall and CPU seconds. The
machine is shared: the load average is printed beside the figures, and the CPU time
says how much of the wall time was ours.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.machine import missing_db
from est_data.core.filters import IncidentFilter
from est_data.nearrepeat import data, warning
from est_data.nearrepeat.knox import PERMUTATIONS, SPACE_EDGES_M, TIME_EDGES_DAYS
from est_data.store.db import connect

DEFAULT_DB = Path(__file__).resolve().parent / "out" / "demo_1000000.duckdb"
TARGET_S = 2.0


def timed(fn, runs: int) -> tuple[float, float, object]:
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="also print the figures as one JSON "
                                                        "line (for python -m bench)")
    args = ap.parse_args(argv)
    if missing_db(args.db):
        return 2
    con = connect(args.db, read_only=True)
    end = con.sql("SELECT max(occurred_at)::DATE FROM incidents").fetchall()[0][0]
    year = IncidentFilter(end - dt.timedelta(days=364), end, categories=(data.BURGLARY,))
    n_all = con.sql("SELECT count(*) FROM incidents").fetchall()[0][0]
    events = data.located_events(con, year)
    pairs = data.close_pairs(events["x"].to_numpy(), events["y"].to_numpy(),
                             max(SPACE_EDGES_M))
    print(f"database {args.db.name}: {n_all:,} incidents; a year of located burglaries "
          f"({year.start} – {year.end}): {len(events):,} events, {pairs:,} pairs within "
          f"{max(SPACE_EDGES_M):.0f} m; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    load = os.getloadavg()[0]
    wall, cpu, r = timed(lambda: data.knox_table(con, year, SPACE_EDGES_M, TIME_EDGES_DAYS,
                                                 PERMUTATIONS), args.runs)
    flag = "pass" if wall <= TARGET_S else "OVER TARGET"
    print(f"Knox test, {PERMUTATIONS} permutations, {len(SPACE_EDGES_M) + 1} x "
          f"{len(TIME_EDGES_DAYS) + 1} cells (query + pairs + permutations): median "
          f"{wall:.2f} s wall ({cpu:.2f} s CPU) over {args.runs} runs; target ≤ "
          f"{TARGET_S} s: {flag}")
    figures = {"knox_wall_s": wall, "knox_cpu_s": cpu, "events": len(events), "pairs": pairs,
               "permutations": PERMUTATIONS, "load": load}
    month = IncidentFilter(end - dt.timedelta(days=29), end)
    wall, cpu, w = timed(lambda: warning.warnings(con, month), args.runs)
    figures.update(warning_wall_s=wall, warning_cpu_s=cpu)
    print(f"near-repeat warning (Översikt; Knox on {warning.WINDOW_DAYS} days, "
          f"{warning.PERMUTATIONS} permutations): median {wall:.2f} s wall ({cpu:.2f} s "
          f"CPU); supported: {w.supported}, groups: {len(w.groups)}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if args.json:
        print(json.dumps(figures))
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
