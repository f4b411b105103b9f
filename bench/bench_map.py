"""Map page speed and payload on a large demo database.

    python -m bench.bench_map [--db FILE] [--incidents 1000000] [--repeat 3]

Builds the demo database if the file is missing (``python -m est_data demo``), then,
each time in a fresh Python process, runs the app under Streamlit's AppTest straight
onto the Karta page and measures:

- ``first run``: the first script run of the Karta page in a fresh process (imports,
  database reads with cold caches, building and serialising the map);
- ``filter change``: the next run after changing a filter in the sidebar (a cache miss:
  every map query runs again), and after switching a map layer;
- ``hot spots``: switching the Gi* layer on (the first time imports scipy), and a filter
  change with it on;
- ``payload``: the size of what goes to the browser for the map (the component's
  arguments: script, HTML, header and asset links).

Targets (issue 4): first run <= 2.5 s, filter change <= 0.3 s, payload <= 1 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

T_PROCESS = time.perf_counter()
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "bench" / "out" / "bench_1m.duckdb"
TARGETS = {"first_run_s": 2.5, "filter_change_s": 0.3, "payload_mb": 1.0}


def _payload_bytes(at) -> int:
    comps = at.get("component_instance")
    return len(comps[0].proto.json_args.encode()) if comps else 0


def child() -> dict:
    """One fresh-process measurement (run as a subprocess)."""
    from streamlit.testing.v1 import AppTest

    # What a server does once at start-up, before any page runs (Streamlit's own
    # component discovery, ~0.7 s): done on an empty script, outside the timing.
    AppTest.from_string("import streamlit as st\nst.write('start')").run()
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/karta.py")
    t, c = time.perf_counter(), time.process_time()
    at.run()
    first = time.perf_counter() - t
    first_cpu = time.process_time() - c
    assert not at.exception, at.exception
    assert at.title[0].value == "Karta", "the first run did not land on Karta"
    out = {"first_run_s": first, "first_run_cpu_s": first_cpu,
           "payload_first_mb": _payload_bytes(at) / 1e6,
           "since_process_start_s": time.perf_counter() - T_PROCESS}
    changes, cpu = [], []

    def timed_run():
        t, c = time.perf_counter(), time.process_time()
        at.run()
        changes.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert not at.exception, at.exception

    for cats in (["klotter"], ["klotter", "inbrott"], []):
        at.sidebar.multiselect(key="f_categories").set_value(cats)
        timed_run()
    at.sidebar.selectbox(key="f_preset").set_value("ar")
    timed_run()
    out["payload_year_mb"] = _payload_bytes(at) / 1e6
    out["filter_changes_s"] = changes
    out["filter_change_s"] = max(changes)
    out["filter_change_cpu_s"] = max(cpu)
    # Switching the Gi* hot spot layer on: the first time also imports scipy.
    at.pills(key="lager").set_value(list(at.pills(key="lager").value) + ["hotspots"])
    t = time.perf_counter()
    at.run()
    out["hotspots_on_s"] = time.perf_counter() - t
    out["payload_year_hotspots_mb"] = _payload_bytes(at) / 1e6
    at.sidebar.multiselect(key="f_categories").set_value(["storning"])
    t = time.perf_counter()
    at.run()
    out["filter_change_with_hotspots_s"] = time.perf_counter() - t
    assert not at.exception, at.exception
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB)
    ap.add_argument("--incidents", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child()))
        return 0
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {args.db} with {args.incidents:,} incidents ...", flush=True)
        subprocess.run([sys.executable, "-m", "est_data", "demo", "--db", str(args.db),
                        "--incidents", str(args.incidents)], check=True, cwd=REPO_ROOT)
    env = {**os.environ, "EST_DB": str(args.db.resolve()), "EST_TILES": "none"}
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(timings are wall clock; CPU time of the app process in brackets)")
    runs = []
    for i in range(args.repeat):
        proc = subprocess.run([sys.executable, "-m", "bench.bench_map", "--child"], cwd=REPO_ROOT,
                              env=env, capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"run {i + 1}: first run {r['first_run_s']:.2f} s [{r['first_run_cpu_s']:.2f}] "
              f"(process start to map {r['since_process_start_s']:.2f} s), filter changes "
              + ", ".join(f"{t:.3f}" for t in r["filter_changes_s"])
              + f" s [worst {r['filter_change_cpu_s']:.3f}]; hot spots on "
              f"{r['hotspots_on_s']:.2f} s, then a filter change {r['filter_change_with_hotspots_s']:.3f}"
              " s; payload "
              f"{r['payload_first_mb']:.3f} / {r['payload_year_mb']:.3f} / "
              f"{r['payload_year_hotspots_mb']:.3f} MB", flush=True)
    med = {k: statistics.median(r[k] for r in runs) for k in ("first_run_s", "filter_change_s")}
    payload = max(max(r["payload_first_mb"], r["payload_year_mb"], r["payload_year_hotspots_mb"])
                  for r in runs)
    print(f"\nmedian first run {med['first_run_s']:.2f} s (target <= {TARGETS['first_run_s']}), "
          f"median worst filter change {med['filter_change_s']:.3f} s "
          f"(target <= {TARGETS['filter_change_s']}), largest payload {payload:.3f} MB "
          f"(target <= {TARGETS['payload_mb']})")
    ok = (med["first_run_s"] <= TARGETS["first_run_s"] and payload <= TARGETS["payload_mb"]
          and med["filter_change_s"] <= TARGETS["filter_change_s"])
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
