"""Speed at scale, side by side with the usual way: ``python -m bench``.

    python -m bench [--sizes 10000,1000000,10000000] [--runs 3] [--out bench/RESULTS.md]

For each size it builds (once, then reuses) ``bench/out/demo_<N>.duckdb`` with
``python -m est_data demo`` and measures, each in fresh processes and as the median of
``--runs`` runs (the page probes in rounds, every page and the usual way once per round,
so a slower spell of a shared machine falls on ours and theirs alike):

- every page's first run under AppTest (``bench/probe.py``) and a filter change per page
  (the slowest of three changes, each a cache miss);
- the map payload (bytes of the map component sent to the browser);
- the peak memory (VmHWM) of a real ``streamlit run`` process after headless Chromium
  has loaded every page once (``bench/server.py``);
- ``python -m est_data evaluate`` in a fresh process;
- the import of a 1M-row CSV (``bench/bench_import.py``, when present);
- the Knox test on a year of burglaries at 1M (``bench/bench_nearrepeat.py``);
- the same for "the usual way" (``bench/usual_way_app.py``), and our figures as ratios.

Results go to ``bench/out/results_<N>.json`` (one file per size, so ``--reuse`` can keep
the 10M figures while smaller sizes are measured again) and to ``--out`` (Markdown).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import machine
from bench.results import write_results

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "bench" / "out"
USUAL_APP = REPO_ROOT / "bench" / "usual_way_app.py"
USUAL = "usual way"

# (title, page script, link name in the navigation, filter changes: each a new value,
# so each is a cache miss). The sidebar filter is shared by the analysis pages; Insatser
# and Före/efter have their own controls.
SIDEBAR_CHANGES = ["f_categories=klotter", "f_categories=klotter,inbrott", "f_preset=90d"]
PAGES = [
    ("Översikt", "pages/oversikt.py", "/", SIDEBAR_CHANGES),
    ("Karta", "pages/karta.py", "Karta", SIDEBAR_CHANGES),
    ("Trender", "pages/trender.py", "Trender", SIDEBAR_CHANGES),
    ("Insatser", "pages/insatser.py", "Insatser",
     ["iv_show_areas=fokus_kyrkgatan", "iv_show_areas=fokus_kyrkgatan,fokus_aragrand"]),
    ("Före/efter", "pages/fore_efter.py", "Före/efter",
     ["fe_categories=klotter", "fe_categories=klotter,inbrott", "fe_months=24"]),
    ("Data", "pages/data.py", "Data", []),
]
USUAL_CHANGES = ["f_categories=klotter", "f_categories=klotter,inbrott", "f_sources=polisen"]
EVALUATE_ARGS = ["--area", "fokus_kyrkgatan", "--date", "2025-11-01", "--json"]
IMPORT_ROWS = 1_000_000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {machine.load():.1f}] {msg}", flush=True)


def run_child(cmd: list[str], env: dict | None = None, timeout: float | None = None) -> dict:
    """Run a child process with a time limit; its output and wall time."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"returncode": None, "wall_s": time.perf_counter() - t, "stdout": out,
                "stderr": f"timed out after {timeout} s"}
    return {"returncode": proc.returncode, "wall_s": time.perf_counter() - t, "stdout": out,
            "stderr": err}


def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run a child to completion and return wall time, CPU time and its own peak RSS."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"returncode": proc.returncode, "wall_s": time.perf_counter() - t,
            "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss * 1024 / 1e6,
            "output": output}


def ensure_db(n: int) -> dict:
    """The demo database of ``n`` incidents, built once; its build figures kept beside it."""
    db = OUT_DIR / f"demo_{n}.duckdb"
    info_path = OUT_DIR / f"demo_{n}.build.json"
    if db.exists():
        info = json.loads(info_path.read_text()) if info_path.exists() else {}
        return {"db": db, **info, "reused": True}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log(f"building {db.name} ({n:,} incidents) ...")
    load_before = machine.load()
    r = run_measured([sys.executable, "-m", "est_data", "demo", "--db", str(db),
                      "--incidents", str(n)])
    if r["returncode"] != 0:
        raise SystemExit(f"error: building the demo database failed:\n{r['output'][-2000:]}")
    info = {"build_s": round(r["wall_s"], 1), "build_cpu_s": round(r["cpu_s"], 1),
            "build_peak_mb": round(r["peak_mb"]), "build_load": [load_before, machine.load()],
            "file_mb": round(db.stat().st_size / 1e6, 1)}
    info_path.write_text(json.dumps(info))
    log(f"built in {info['build_s']} s, peak {info['build_peak_mb']} MB")
    return {"db": db, **info, "reused": False}


def _probe_cmd(db: Path, app: Path, page: str | None, changes: list[str],
               timeout: float) -> list[str]:
    cmd = [sys.executable, "-m", "bench.probe", "--warm", "--db", str(db), "--app", str(app),
           "--timeout", str(timeout)]
    if page:
        cmd += ["--page", page]
    for c in changes:
        cmd += ["--change", c]
    return cmd


def probe_rounds(specs: dict[str, tuple], runs: int, timeout: float) -> dict[str, dict]:
    """Fresh-process probes (``bench/probe.py``) of several pages, ``runs`` rounds of
    one probe each, so that a slower or faster spell of the machine falls on every
    page (and on the usual way) alike. ``specs``: name -> (db, app, page, changes)."""
    env = {**os.environ, "EST_TILES": "none"}
    raw: dict[str, list] = {name: [] for name in specs}
    loads: dict[str, list] = {name: [] for name in specs}
    failed: dict[str, list] = {}
    for i in range(runs):
        for name, (db, app, page, changes) in specs.items():
            if name in failed:
                continue
            loads[name].append(machine.load())
            r = run_child(_probe_cmd(db, app, page, changes, timeout), env=env,
                          timeout=timeout * (2 + len(changes)))
            lines = [ln for ln in r["stdout"].splitlines() if ln.startswith("{")]
            if r["returncode"] != 0 or not lines:
                failed[name] = (r["stderr"] or r["stdout"]).strip().splitlines()[-1:] or ["failed"]
                continue
            raw[name].append(json.loads(lines[-1]))
            log(f"   round {i + 1}: {name}: {_short_raw(raw[name][-1])}")
    return {name: ({"error": failed[name], "loads": loads[name]} if name in failed
                   else _summary(raw[name], loads[name], bool(specs[name][3])))
            for name in specs}


def _summary(results: list[dict], loads: list[float], with_changes: bool) -> dict:
    """Medians over the runs; a run's filter change is its slowest one."""
    med = lambda key: statistics.median(x[key] for x in results)  # noqa: E731
    out = {"first_run_s": med("first_run_s"), "first_run_cpu_s": med("first_run_cpu_s"),
           "ready_s": med("ready_s"), "probe_rss_mb": med("maxrss_mb"),
           "payload_bytes": max(x["payload_bytes"] for x in results),
           "first_runs_s": [x["first_run_s"] for x in results],
           "errors": sorted({e for x in results for e in x["errors"]})[:3], "loads": loads}
    if with_changes:
        worst = [max(x["changes_s"]) for x in results if x["changes_s"]]
        out["change_s"] = statistics.median(worst) if worst else None
        worst_cpu = [max(x["changes_cpu_s"]) for x in results if x.get("changes_cpu_s")]
        out["change_cpu_s"] = statistics.median(worst_cpu) if worst_cpu else None
        out["change_median_s"] = statistics.median(x["change_s"] for x in results
                                                   if x["change_s"] is not None)
        out["changes_s"] = [x["changes_s"] for x in results]
    return out


def _short_raw(x: dict) -> str:
    return (f"first run {x['first_run_s']:.2f} s (cpu {x['first_run_cpu_s']:.2f}), changes "
            + ", ".join(f"{c:.3f}" for c in x["changes_s"]) + f", payload {x['payload_bytes']:,} B"
            + (f", errors {x['errors']}" if x["errors"] else ""))


def app_memory(db: Path, app: Path, pages: list[str], port: int, timeout: float) -> dict:
    load_before = machine.load()
    cmd = [sys.executable, "-m", "bench.server", "--db", str(db), "--app", str(app),
           "--pages", ",".join(pages), "--port", str(port), "--timeout", str(timeout)]
    r = run_child(cmd, timeout=timeout * (len(pages) + 2))
    lines = [ln for ln in r["stdout"].splitlines() if ln.startswith("{")]
    if r["returncode"] != 0 or not lines:
        return {"error": (r["stderr"] or "failed").strip().splitlines()[-1:], "load": load_before}
    return {**json.loads(lines[-1]), "load": load_before}


def evaluate_time(db: Path, runs: int) -> dict:
    cmd = [sys.executable, "-m", "est_data", "evaluate", "--db", str(db), *EVALUATE_ARGS]
    walls, cpus, loads = [], [], []
    for _ in range(runs):
        loads.append(machine.load())
        r = run_measured(cmd)
        if r["returncode"] != 0:
            return {"error": r["output"].strip().splitlines()[-1:], "loads": loads}
        walls.append(r["wall_s"])
        cpus.append(r["cpu_s"])
    return {"wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
            "walls_s": [round(w, 3) for w in walls], "loads": loads}


def import_time(runs: int) -> dict:
    script = REPO_ROOT / "bench" / "bench_import.py"
    if not script.exists():
        return {"missing": "not available yet (bench/bench_import.py is not on this branch)"}
    load_before = machine.load()
    r = run_child([sys.executable, "-m", "bench.bench_import", "--rows", str(IMPORT_ROWS),
                   "--runs", str(runs)])
    text = r["stdout"] + r["stderr"]
    m = re.search(r"median ([\d.]+) s for ([\d,]+) rows = ([\d,]+) rows/s", text)
    if r["returncode"] != 0 or not m:
        return {"error": text.strip().splitlines()[-1:] or ["failed"], "load": load_before}
    return {"wall_s": float(m.group(1)), "rows": int(m.group(2).replace(",", "")),
            "rows_per_s": int(m.group(3).replace(",", "")), "load": load_before}


def nearrepeat_time(runs: int) -> dict:
    """The Knox test on a year of burglaries of the 1M demo (bench/bench_nearrepeat.py)."""
    db = ensure_db(1_000_000)["db"]
    r = run_child([sys.executable, "-m", "bench.bench_nearrepeat", "--db", str(db),
                   "--runs", str(runs), "--json"])
    lines = [ln for ln in r["stdout"].splitlines() if ln.startswith("{")]
    if r["returncode"] != 0 or not lines:
        return {"error": (r["stderr"] or "failed").strip().splitlines()[-1:]}
    return json.loads(lines[-1])


def measure_size(n: int, args) -> dict:
    db = ensure_db(n)
    env = machine.describe()
    res = {"incidents": n, "date": env["date"], "commit": env["commit"],
           "load_before": machine.load(),
           "build": {k: v for k, v in db.items() if k != "db"}, "pages": {}}
    path = db["db"]
    pages = [p for p in PAGES if (REPO_ROOT / p[1]).exists()]
    specs = {title: (path, REPO_ROOT / "app.py", script, changes)
             for title, script, _, changes in pages}
    usual = n <= args.usual_max
    if usual:
        specs[USUAL] = (path, USUAL_APP, None, USUAL_CHANGES)
    log(f"{n:,}: {', '.join(specs)}: {args.runs} rounds of fresh processes")
    probes = probe_rounds(specs, args.runs, args.timeout)
    for title, *_ in pages:
        res["pages"][title] = probes[title]
        log(f"   {title}: {_short(probes[title])}")
    res["usual"] = (probes[USUAL] if usual else
                    {"skipped": f"not run above {args.usual_max:,} incidents (--usual-max)"})
    log(f"{n:,}: app process memory (streamlit run + Chromium, every page)")
    # Mötesläge last: its kiosk link opens a session without the navigation.
    res["app_memory"] = app_memory(path, REPO_ROOT / "app.py", [p[2] for p in pages] + ["Mötesläge"],
                                   args.port, args.timeout)
    log(f"   {res['app_memory']}")
    log(f"{n:,}: evaluate CLI")
    res["evaluate"] = evaluate_time(path, args.runs)
    log(f"   {res['evaluate']}")
    if usual:
        log(f"{n:,}: the usual way's process memory")
        res["usual_memory"] = app_memory(path, USUAL_APP, ["/"], args.port + 1, args.timeout)
        log(f"   {res['usual_memory']}")
    res["load_after"] = machine.load()
    return res


def wait_for_quiet(limit: float | None, max_wait_s: float) -> None:
    """Wait until other work on the machine has calmed down (or give up and go on)."""
    if limit is None:
        return
    deadline = time.monotonic() + max_wait_s
    if machine.load() >= limit:
        log(f"waiting for load < {limit} (up to {max_wait_s:.0f} s) ...")
    while machine.load() >= limit and time.monotonic() < deadline:
        time.sleep(10)


def _short(r: dict) -> str:
    if "error" in r:
        return f"error: {r['error']}"
    return (f"first run {r['first_run_s']:.2f} s (cpu {r['first_run_cpu_s']:.2f}), change "
            f"{r.get('change_s') or 0:.3f} s, payload {r['payload_bytes']:,} B, loads {r['loads']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,1000000,10000000",
                    help="comma-separated incident counts (default 10000,1000000,10000000)")
    ap.add_argument("--runs", type=int, default=3, help="fresh-process runs per figure")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--reuse", action="store_true",
                    help="keep stored results of a size (bench/out/results_N.json) instead "
                         "of measuring it again")
    ap.add_argument("--usual-max", type=int, default=1_000_000,
                    help="largest size the usual way runs at (default 1,000,000: at 10M it "
                         "needs well over 10 GB and minutes per run)")
    ap.add_argument("--no-import", action="store_true", help="skip the CSV import benchmark")
    ap.add_argument("--quiet-load", type=float, default=None, metavar="L",
                    help="before each size, wait (up to --quiet-wait seconds) until the "
                         "one-minute load average is below L")
    ap.add_argument("--quiet-wait", type=float, default=600)
    ap.add_argument("--port", type=int, default=8515, help="first of two free ports")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per page run")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes comma-separated whole numbers")
    if not sizes or min(sizes) <= 0 or args.runs < 1:
        ap.error("give at least one positive size and --runs >= 1")

    env_info = machine.describe()
    env_info["load_before"] = machine.load()
    log(f"machine: {env_info['cores']} cores, {env_info['ram_gib']} GiB, {env_info['cpu']}")
    results = {}
    for n in sizes:
        stored = OUT_DIR / f"results_{n}.json"
        if args.reuse and stored.exists():
            results[n] = json.loads(stored.read_text())
            log(f"{n:,}: reusing {stored.name} from {results[n]['date']}")
            build = OUT_DIR / f"demo_{n}.build.json"
            if not results[n].get("build", {}).get("build_s") and build.exists():
                results[n]["build"] = json.loads(build.read_text())
            continue
        wait_for_quiet(args.quiet_load, args.quiet_wait)
        results[n] = measure_size(n, args)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps(results[n], indent=1))
    if args.no_import:
        imp = {"missing": "skipped (--no-import)"}
    else:
        log("import of a 1M-row CSV")
        imp = import_time(args.runs)
        log(f"   {imp}")
    log("Knox test on a year of burglaries at 1M")
    imp["nearrepeat"] = nearrepeat_time(args.runs)
    log(f"   {imp['nearrepeat']}")
    env_info["load_after"] = machine.load()
    text = write_results(env_info, results, imp, args)
    args.out.write_text(text)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
