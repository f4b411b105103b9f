"""``bench/RESULTS.md`` from the measured figures: machine, one table per size, targets."""
from __future__ import annotations

MB = 1e6
# Targets of issue 7 (this machine: 2 cores, 24 GiB).
T_1M = {"first_run_s": 2.5, "change_s": 0.3, "payload_bytes": 1 * MB, "import_s": 10.0,
        "speedup": 10.0, "payload_ratio": 20.0}
T_10M = {"first_run_s": 5.0, "change_s": 1.0, "app_peak_mb": 1500.0}
PAYLOAD_GROWTH_TOLERANCE = 1.10  # "does not grow": within 10 % from one size to the next


def _s(v, digits=2) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _kb(v) -> str:
    return "–" if not v else f"{v / 1000:,.0f} kB"


def _ratio(usual, ours, suffix: str = "") -> str:
    if not usual or not ours:
        return "–"
    return f"{usual / ours:,.1f}×{suffix}"


def _loads(r: dict) -> str:
    loads = r.get("loads") or ([r["load"]] if "load" in r else [])
    return ", ".join(f"{v:.1f}" for v in loads) or "–"


def size_table(res: dict) -> list[str]:
    n = res["incidents"]
    lines = [f"### {n:,} incidents".replace(",", " "), "",
             f"Measured {res['date']} at commit {res.get('commit', '?')}, load average "
             f"{res['load_before']:.2f} before and "
             f"{res.get('load_after', float('nan')):.2f} after.", ""]
    b = res.get("build", {})
    if b.get("build_s") is not None:
        lines += [f"Demo database: built in {b['build_s']} s (CPU {b.get('build_cpu_s')} s), "
                  f"peak memory {b['build_peak_mb']:,} MB, file {b.get('file_mb')} MB.", ""]
    lines += ["| Page | first run s (CPU s) | process start → page s | filter change s, "
              "slowest of 3 (CPU s) | map payload | probe peak RSS MB | load during runs |",
              "|---|---|---|---|---|---|---|"]
    for title, r in res["pages"].items():
        if "error" in r:
            lines.append(f"| {title} | error: {r['error']} | | | | | {_loads(r)} |")
            continue
        change = ("–" if r.get("change_s") is None
                  else f"{r['change_s']:.3f} ({_s(r.get('change_cpu_s'), 3)})")
        lines.append(f"| {title} | {_s(r['first_run_s'])} ({_s(r['first_run_cpu_s'])}) | "
                     f"{_s(r['ready_s'])} | {change} | {_kb(r['payload_bytes'])} | "
                     f"{r['probe_rss_mb']:,.0f} | {_loads(r)} |")
    u = res.get("usual", {})
    k = res["pages"].get("Karta", {})
    if "skipped" in u:
        lines.append(f"| *usual way (map)* | {u['skipped']} | | | | | |")
    elif "error" in u:
        lines.append(f"| *usual way (map)* | error: {u['error']} | | | | | {_loads(u)} |")
    elif u:
        lines.append(f"| *usual way (map)* | {_s(u['first_run_s'])} ({_s(u['first_run_cpu_s'])}) | "
                     f"{_s(u['ready_s'])} | {u['change_s']:.3f} ({_s(u.get('change_cpu_s'), 3)}) | "
                     f"{_kb(u['payload_bytes'])} | {u['probe_rss_mb']:,.0f} | {_loads(u)} |")
        if "error" not in k:
            lines.append(f"| **Karta vs usual way** (usual ÷ ours) | "
                         f"**{_ratio(u['first_run_s'], k['first_run_s'])}** | "
                         f"{_ratio(u['ready_s'], k['ready_s'])} | "
                         f"**{_ratio(u['change_s'], k['change_s'])}** | "
                         f"**{_ratio(u['payload_bytes'], k['payload_bytes'], ' less')}** | "
                         f"{_ratio(u['probe_rss_mb'], k['probe_rss_mb'], ' less')} | |")
    lines.append("")
    am, um, ev = res.get("app_memory", {}), res.get("usual_memory", {}), res.get("evaluate", {})
    lines += ["| Other figure | ours | usual way | usual ÷ ours | load |", "|---|---|---|---|---|"]
    if "error" in am:
        lines.append(f"| app process peak memory | error: {am['error']} | | | |")
    else:
        um_peak = um.get("peak_mb") if "error" not in um else None
        lines.append(f"| app process peak memory (VmHWM, every page loaded once in Chromium) | "
                     f"{am['peak_mb']:,.0f} MB | "
                     f"{f'{um_peak:,.0f} MB' if um_peak else '–'} | "
                     f"{_ratio(um_peak, am['peak_mb'], ' less')} | {_loads(am)} |")
        pages = am.get("pages", {})
        if pages:
            ours = " · ".join(f"{('Översikt' if k == '/' else k)} {v:.1f}" for k, v in pages.items())
            usual_t = um.get("pages", {}).get("/") if "error" not in um else None
            lines.append(f"| page drawn in Chromium, s (server warm, first visit in the session) "
                         f"| {ours} | {_s(usual_t, 1)} | "
                         f"{_ratio(usual_t, pages.get('Karta'), ' (Karta)')} | |")
            if am.get("first_visit_s") is not None:
                lines.append(f"| the server's very first page (Översikt; imports, cold caches), s "
                             f"| {am['first_visit_s']:.1f} | – | – | |")
    if "error" in ev:
        lines.append(f"| `evaluate` CLI (fresh process) | error: {ev['error']} | | | |")
    elif ev:
        lines.append(f"| `evaluate` CLI, fresh process, s (CPU s) | {ev['wall_s']:.2f} "
                     f"({ev['cpu_s']:.2f}) | – | – | {_loads(ev)} |")
    lines.append("")
    return lines


def _page_values(res: dict, key: str) -> dict[str, float]:
    return {t: r[key] for t, r in res["pages"].items() if "error" not in r and r.get(key) is not None}


def targets(results: dict[int, dict], imp: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, passed); passed is None when not measured."""
    rows = []
    r1, r10 = results.get(1_000_000), results.get(10_000_000)
    if r1:
        first = _page_values(r1, "first_run_s")
        worst = max(first.items(), key=lambda kv: kv[1])
        rows.append(("1M: every page's first run ≤ 2.5 s (fresh process)",
                     f"slowest {worst[0]} {worst[1]:.2f} s", worst[1] <= T_1M["first_run_s"]))
        change = _page_values(r1, "change_s")
        worst = max(change.items(), key=lambda kv: kv[1])
        rows.append(("1M: a filter change ≤ 0.3 s", f"slowest {worst[0]} {worst[1]:.3f} s",
                     worst[1] <= T_1M["change_s"]))
        pay = r1["pages"].get("Karta", {}).get("payload_bytes")
        rows.append(("1M: map payload ≤ 1 MB", _kb(pay), pay is not None and pay <= T_1M["payload_bytes"]))
        u, k = r1.get("usual", {}), r1["pages"].get("Karta", {})
        if u.get("first_run_s") and k.get("first_run_s"):
            sp_first = u["first_run_s"] / k["first_run_s"]
            sp_change = u["change_s"] / k["change_s"]
            rows.append(("1M: map page ≥ 10× faster than the usual way (first run and filter change)",
                         f"{sp_first:.1f}× first run, {sp_change:.1f}× filter change",
                         min(sp_first, sp_change) >= T_1M["speedup"]))
            ratio = u["payload_bytes"] / k["payload_bytes"]
            rows.append(("1M: ≥ 20× less map payload than the usual way", f"{ratio:,.0f}× less",
                         ratio >= T_1M["payload_ratio"]))
        else:
            rows.append(("1M: map page ≥ 10× faster than the usual way", "not measured", None))
    nr = imp.get("nearrepeat") or {}
    if "knox_wall_s" in nr:
        rows.append(("1M: Knox test on a year of burglaries, 99 permutations ≤ 2 s",
                     f"{nr['knox_wall_s']:.2f} s (CPU {nr['knox_cpu_s']:.2f} s; "
                     f"{nr['events']:,} burglaries, {nr['pairs']:,} pairs; load {nr['load']:.1f})",
                     nr["knox_wall_s"] <= 2.0))
    if "wall_s" in imp:
        rows.append(("1M-row CSV import ≤ 10 s", f"{imp['wall_s']:.1f} s "
                     f"({imp['rows_per_s']:,} rows/s)", imp["wall_s"] <= T_1M["import_s"]))
    else:
        rows.append(("1M-row CSV import ≤ 10 s", imp.get("missing") or f"error: {imp.get('error')}",
                     None))
    if r10:
        first = _page_values(r10, "first_run_s")
        worst = max(first.items(), key=lambda kv: kv[1])
        rows.append(("10M: every page opens in ≤ 5 s (fresh process)",
                     f"slowest {worst[0]} {worst[1]:.2f} s", worst[1] <= T_10M["first_run_s"]))
        change = _page_values(r10, "change_s")
        worst = max(change.items(), key=lambda kv: kv[1])
        rows.append(("10M: a filter change ≤ 1 s", f"slowest {worst[0]} {worst[1]:.3f} s",
                     worst[1] <= T_10M["change_s"]))
        am = r10.get("app_memory", {})
        rows.append(("10M: app process under 1.5 GB",
                     f"{am['peak_mb']:,.0f} MB peak" if "peak_mb" in am else f"error: {am.get('error')}",
                     am.get("peak_mb", float("inf")) < T_10M["app_peak_mb"]))
    sizes = sorted(results)
    for a, b in zip(sizes, sizes[1:]):
        ra, rb, factor = results[a], results[b], b / a
        worst_name, worst_growth = None, 0.0
        for key in ("first_run_s", "change_s"):
            va, vb = _page_values(ra, key), _page_values(rb, key)
            for t in va.keys() & vb.keys():
                g = vb[t] / va[t]
                if g > worst_growth:
                    worst_name, worst_growth = f"{t} {key.replace('_s', '')}", g
        if ra.get("evaluate", {}).get("wall_s") and rb.get("evaluate", {}).get("wall_s"):
            g = rb["evaluate"]["wall_s"] / ra["evaluate"]["wall_s"]
            if g > worst_growth:
                worst_name, worst_growth = "evaluate", g
        am_a, am_b = ra.get("app_memory", {}), rb.get("app_memory", {})
        if am_a.get("peak_mb") and am_b.get("peak_mb"):
            g = am_b["peak_mb"] / am_a["peak_mb"]
            if g > worst_growth:
                worst_name, worst_growth = "app memory", g
        if worst_name:
            rows.append((f"cost grows at most linearly, {a:,} → {b:,} ({factor:,.0f}× the data)",
                         f"largest growth {worst_growth:.2f}× ({worst_name})",
                         worst_growth <= factor))
        pa = ra["pages"].get("Karta", {}).get("payload_bytes")
        pb = rb["pages"].get("Karta", {}).get("payload_bytes")
        if pa and pb and a >= 1_000_000:
            rows.append((f"map payload does not grow, {a:,} → {b:,}",
                         f"{_kb(pa)} → {_kb(pb)} ({pb / pa:.2f}×)",
                         pb <= pa * PAYLOAD_GROWTH_TOLERANCE))
        elif pa and pb:
            rows.append((f"map payload, {a:,} → {b:,} (sparse data fills fewer cells; "
                         "not a target)", f"{_kb(pa)} → {_kb(pb)}", None))
    return [(name.replace(",", " "), got, ok) for name, got, ok in rows]


def write_results(env: dict, results: dict[int, dict], imp: dict, args) -> str:
    v = env["versions"]
    lines = [
        "# Benchmark results", "",
        "Written by `python -m bench` (see the module docstring in `bench/__main__.py` for what "
        "each figure means). Times are wall clock, medians of "
        f"{args.runs} fresh-process runs, with CPU time in brackets where it helps to see "
        "how much of the wall time other work on the machine took.", "",
        "## Machine", "",
        f"- {env['cores']} cores, {env['ram_gib']} GiB RAM, {env['cpu']}",
        f"- {env['system']}, Python {env['python']}; streamlit {v['streamlit']}, duckdb "
        f"{v['duckdb']}, pandas {v['pandas']}, pyarrow {v['pyarrow']}, folium {v['folium']}, "
        f"streamlit-folium {v['streamlit-folium']}",
        f"- commit {env['commit']}, report written {env['date']}",
        f"- load average {env['load_before']:.2f} when this report was written; each size "
        "gives the load during its own measurements (other engineers' test runs share the "
        "machine)", "",
        "## Targets", "", "| Target | Measured | |", "|---|---|---|"]
    for name, got, ok in targets(results, imp):
        mark = "–" if ok is None else ("**pass**" if ok else "**MISSED**")
        lines.append(f"| {name} | {got} | {mark} |")
    lines += ["", "## Figures per size", "",
              "*First run*: the page's first script run under Streamlit's AppTest in a fresh "
              "process, after Streamlit's own start-up (an empty script run, as a server has "
              "done before its first user), with cold caches: imports, database reads, "
              "building and serialising the page. *Process start → page*: the same including "
              "Python and Streamlit start-up. *Filter change*: the next run after changing a "
              "widget to a value not seen before (a cache miss); the slowest of three per "
              "process, median over processes. *Map payload*: bytes of the map component's "
              "arguments (HTML, script and data) sent to the browser. *Usual way*: "
              "`bench/usual_way_app.py` (pandas + `st.cache_data` + raw-point folium HeatMap) "
              "on the same database with the same kind of filter changes.", ""]
    for n in sorted(results):
        lines += size_table(results[n])
    lines += ["## Import of a 1M-row CSV", ""]
    if "wall_s" in imp:
        lines.append(f"`bench/bench_import.py`: median {imp['wall_s']:.2f} s for "
                     f"{imp['rows']:,} rows = {imp['rows_per_s']:,} rows/s (load {imp['load']:.1f}).")
    else:
        lines.append(imp.get("missing") or f"error: {imp.get('error')}")
    lines.append("")
    return "\n".join(lines)
