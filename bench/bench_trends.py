"""Server time of a filter change on the Trender page (target: ≤ 0.3 s at 1M incidents).

    python -m est_data demo --db /tmp/t1m.duckdb --incidents 1000000
    python -m bench.bench_trends [--db /tmp/t1m.duckdb] [--runs 7]

Two measurements, both for filter changes the cache has not seen:

1. **Functions**: what each tab of the page computes after a filter change, on a fresh
   read-only connection per call as ``ui.read`` does: the queries, the Plotly figure and
   its JSON (what ``st.plotly_chart`` sends). Only the open tab runs
   (``st.tabs(on_change="rerun")``), so each tab is timed on its own.
2. **AppTest**: a whole run of the page (sidebar, queries, figures, Streamlit elements)
   after changing the category filter in the sidebar, per tab.

Figures are medians over ``--runs`` different filters.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from est_data.trends import alerts as alerting, calendar_charts, charts, export, ranking, series as trends
from est_data.incidents import queries
from bench.machine import missing_db
from est_data.store.db import connect
from est_data.core.filters import IncidentFilter

DEFAULT_DB = Path("/tmp/t1m.duckdb")
TARGET_S = 0.3
CATEGORY_SETS = [(), ("klotter",), ("storning", "samling"), ("inbrott",), ("skadegorelse",),
                 ("klotter", "skadegorelse"), ("otrygg_plats",), ("vald_hot", "narkotika"),
                 ("stold",)]


def _call(db: Path, fn, *args):
    con = connect(db, read_only=True)
    try:
        return fn(con, *args)
    finally:
        con.close()


def tab_over_time(db: Path, f: IncidentFilter) -> None:
    grain = "week" if f.days <= 190 else "month"
    df = _call(db, trends.time_series, f, grain, "category")
    measures = _call(db, trends.measures, f.areas)
    fig = charts.time_series_figure(df, grain, {}, {}, measures)
    fig.to_json()


def tab_weekday(db: Path, f: IncidentFilter) -> None:
    calendar_charts.weekday_hour_figure(_call(db, trends.weekday_hour, f)).to_json()
    calendar_charts.seasonal_figure(_call(db, trends.seasonal, f)).to_json()


def tab_areas(db: Path, f: IncidentFilter) -> None:
    _call(db, ranking.area_ranking, f)
    _call(db, ranking.unplaced_count, f)


def tab_incidents(db: Path, f: IncidentFilter) -> None:
    _call(db, export.incident_count, f)
    _call(db, export.incident_page, f, 1)


def oversikt_alerts(db: Path, f: IncidentFilter) -> None:
    _call(db, alerting.area_alerts, f)


TABS = {"Över tid": tab_over_time, "Veckodag och klockslag": tab_weekday,
        "Områden": tab_areas, "Händelser": tab_incidents}


def median_time(fn, filters: list[IncidentFilter], db: Path) -> float:
    times = []
    for f in filters:
        t = time.perf_counter()
        fn(db, f)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_functions(db: Path, runs: int) -> dict[str, dict[str, float]]:
    con = connect(db, read_only=True)
    anchor = queries.anchor_date(con)
    con.close()
    periods = {
        "30 dagar": IncidentFilter(anchor - dt.timedelta(days=29), anchor),
        "1 år": IncidentFilter(anchor - dt.timedelta(days=364), anchor),
    }
    tab_over_time(db, periods["30 dagar"])  # warm imports and the file cache
    out: dict[str, dict[str, float]] = {}
    for label, base in periods.items():
        filters = [replace(base, categories=c) for c in
                   (CATEGORY_SETS * runs)[:runs]]
        out[label] = {name: median_time(fn, filters, db) for name, fn in TABS.items()}
        out[label]["(Översikt: larm)"] = median_time(oversikt_alerts, filters, db)
    return out


def bench_apptest(db: Path, runs: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    os.environ["EST_DB"] = str(db)
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    out = {}
    for tab in TABS:
        at = AppTest.from_file(app, default_timeout=120).run()
        at.switch_page("pages/trender.py")
        at.session_state["trend_tab"] = tab
        at.run()
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception[0].value}")
        times = []
        for cats in (CATEGORY_SETS[1:] * runs)[:runs]:
            at.sidebar.multiselect(key="f_categories").set_value(list(cats))
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
            if at.exception:
                raise RuntimeError(f"the page failed: {at.exception[0].value}")
        out[tab] = statistics.median(times)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-apptest", action="store_true")
    args = parser.parse_args(argv)
    if missing_db(args.db):
        return 2
    con = connect(args.db, read_only=True)
    n = con.execute("SELECT count(*) FROM incidents").fetchall()[0][0]
    con.close()
    print(f"database {args.db}: {n:,} incidents; median of {args.runs} filter changes; "
          f"target ≤ {TARGET_S} s; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores (other work on the machine slows every figure)\n")
    print("est_data functions per tab (queries + figure + JSON), seconds")
    for period, results in bench_functions(args.db, args.runs).items():
        for name, seconds in results.items():
            flag = "" if name.startswith("(") or seconds <= TARGET_S else "  OVER TARGET"
            print(f"  {period:<9} {name:<24} {seconds:6.3f}{flag}")
    if not args.no_apptest:
        print("\nAppTest: whole page run after a sidebar category change, seconds "
              "(period: senaste 30 dagarna)")
        for tab, seconds in bench_apptest(args.db, args.runs).items():
            flag = "" if seconds <= TARGET_S else "  OVER TARGET"
            print(f"  {tab:<34} {seconds:6.3f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
