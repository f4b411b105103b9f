"""Hot spots on random maps: how often noise is flagged, how often a planted cluster is
found, the demo's burglaries before/after, and the time of one computation.

    python -m bench.sim_hotspots [--maps 200] [--db DEMO] [--big DB_1M] [--seed 1]

``--db`` defaults to bench/out/sim_hotspots_demo.duckdb, built (default demo) when missing.

- Null maps: ``--maps`` maps of uniformly random points over the demo's extent (the
  located incidents' box, 0.2 % trimmed at each end), about 0.1 events per 100 m cell,
  counted in 100 m cells as the map does, analysed with the map's rule (exact test,
  at least 5 events in the neighbourhood, FDR 10 %) and with the old one (normal
  approximation, BH over every cell). A map "shows a hot spot" when any cell with
  events is a significant hot cell (what the Karta draws).
- Planted cluster: the same random maps plus 8 events uniformly in a disc of radius 75 m
  (all within 150 m of each other) or 150 m, at a random place: found when a hot cell
  holds at least one of the 8 (and, stricter, the disc's centre).
- The demo's last 30 days of burglary (``inbrott``) and of everything: hot cells with
  the old and the new rule.
- Time of one hot spot analysis (``hotspot_analysis``, the map's call) on the demo and
  on a database of 1M incidents (``--big``; built by ``python -m est_data demo
  --incidents 1000000`` when missing, which takes a few minutes).
The figures go into bench/SIM_HOTSPOTS.md by hand.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from est_data.core.filters import IncidentFilter
from est_data.demo.build import build_demo_file
from est_data.maps import grid, style
from est_data.maps.hotspot_export import hotspot_analysis, map_sizes
from est_data.maps.hotspot_grid import HotspotOptions, grid_hotspots
from est_data.store.sqlutil import fetch_row

DEFAULT_DB = Path(__file__).resolve().parent / "out" / "sim_hotspots_demo.duckdb"
CELL = 100
DENSITY = 0.1
OLD = HotspotOptions(coords="index", fdr=True, inference="normal")
NEW = HotspotOptions(coords="index")
OLD_HOT = (style.HOT_99, style.HOT_95, style.HOT_90)


def extent(con) -> tuple[float, float, float, float]:
    q = """SELECT quantile_cont(x, 0.002), quantile_cont(x, 0.998),
                  quantile_cont(y, 0.002), quantile_cont(y, 0.998)
           FROM incidents WHERE """ + grid.LOCATED_SQL
    return tuple(float(v) for v in fetch_row(con, q))


def cells_of(x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Occupied 100 m cells, as ``grid.grid_cells`` gives them."""
    df = pd.DataFrame({"cx": np.floor(x / CELL).astype(np.int64),
                       "cy": np.floor(y / CELL).astype(np.int64)})
    return df.value_counts().rename("n").reset_index()


def hot_cells(cells: pd.DataFrame, options: HotspotOptions) -> pd.DataFrame:
    out = grid_hotspots(cells, CELL, options)
    hot = out["klass"].isin(OLD_HOT) if options.inference == "normal" else out["klass"] == style.HOT_FDR
    return out[hot & (out["n"] > 0)]


def covered(hot: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> bool:
    keys = set(zip(hot["cx"].astype(int), hot["cy"].astype(int)))
    return any((int(a // CELL), int(b // CELL)) in keys for a, b in zip(x, y))


def simulate(box, maps: int, seed: int) -> dict:
    x0, x1, y0, y1 = box
    n_cells = (x1 - x0) * (y1 - y0) / CELL**2
    rng = np.random.default_rng(seed)
    res = {"null_new": 0, "null_old": 0, "cells_new": 0, "cells_old": 0,
           "found_75": 0, "centre_75": 0, "found_150": 0, "centre_150": 0, "found_old_75": 0}
    for _ in range(maps):
        k = rng.poisson(DENSITY * n_cells)
        x, y = rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)
        cells = cells_of(x, y)
        new, old = hot_cells(cells, NEW), hot_cells(cells, OLD)
        res["null_new"] += len(new) > 0
        res["null_old"] += len(old) > 0
        res["cells_new"] += len(new)
        res["cells_old"] += len(old)
        for radius in (75, 150):
            cx, cy = rng.uniform(x0 + 500, x1 - 500), rng.uniform(y0 + 500, y1 - 500)
            r, a = radius * np.sqrt(rng.uniform(0, 1, 8)), rng.uniform(0, 2 * np.pi, 8)
            px, py = cx + r * np.cos(a), cy + r * np.sin(a)
            hot = hot_cells(cells_of(np.r_[x, px], np.r_[y, py]), NEW)
            res[f"found_{radius}"] += covered(hot, px, py)
            res[f"centre_{radius}"] += covered(hot, [cx], [cy])
            if radius == 75:
                old_hot = hot_cells(cells_of(np.r_[x, px], np.r_[y, py]), OLD)
                res["found_old_75"] += covered(old_hot, px, py)
    res.update(maps=maps, events_per_map=round(DENSITY * n_cells), cells=round(n_cells))
    return res


def demo_month(con, end: dt.date) -> dict:
    out = {}
    for name, cats in (("inbrott", ("inbrott",)), ("alla", ())):
        f = IncidentFilter(end - dt.timedelta(days=29), end, categories=cats)
        cells = grid.grid_cells(con, f, CELL)
        out[name] = {"events": int(cells["n"].sum()), "old": len(hot_cells(cells, OLD)),
                     "new": len(hot_cells(cells, NEW)),
                     "old_single_event_cells": int((hot_cells(cells, OLD)["n"] == 1).sum())}
    return out


def timing(db: Path, end: dt.date, repeat: int = 3) -> dict:
    """Seconds for one ``hotspot_analysis`` of the last year and of everything (the
    scipy import done before)."""
    con = duckdb.connect(str(db), read_only=True)
    hotspot_analysis(con, IncidentFilter(end, end), [CELL])
    out = {"incidents": fetch_row(con, "SELECT count(*) FROM incidents")[0]}
    for name, days in (("year", 365), ("all", 365 * 3)):
        f = IncidentFilter(end - dt.timedelta(days=days - 1), end)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            result, size, _note = hotspot_analysis(con, f, map_sizes())
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        grid_hotspots(grid.grid_cells(con, f, size), size, OLD)
        old_s = time.perf_counter() - t
        out[name] = {"s": round(min(times), 3), "old_normal_s": round(old_s, 3), "cell_m": size,
                     "cells": 0 if result is None else len(result),
                     "tested": 0 if result is None else int(result["tested"].sum())}
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--maps", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", type=Path, default=DEFAULT_DB,
                    help="the demo database (built with the default demo when missing)")
    ap.add_argument("--big", type=Path, default=None)
    args = ap.parse_args()
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        build_demo_file(args.db)
    con = duckdb.connect(str(args.db), read_only=True)
    end = fetch_row(con, "SELECT max(occurred_at)::DATE FROM incidents")[0]
    box = extent(con)
    print("demo last 30 days (100 m cells):", demo_month(con, end), flush=True)
    con.close()
    res = simulate(box, args.maps, args.seed)
    m = res["maps"]
    print(f"{m} random maps, {res['cells']} cells of 100 m, ~{res['events_per_map']} events each")
    print(f"maps with a hot cell: new {res['null_new']}/{m} ({res['null_new'] / m:.1%}), "
          f"old {res['null_old']}/{m} ({res['null_old'] / m:.1%}); hot cells in all maps: "
          f"new {res['cells_new']}, old {res['cells_old']}")
    for radius in (75, 150):
        print(f"planted 8 events, radius {radius} m: a hot cell holds one of them in "
              f"{res[f'found_{radius}']}/{m}, the centre in {res[f'centre_{radius}']}/{m}")
    print(f"old rule, radius 75 m: {res['found_old_75']}/{m} (but it flags noise too)")
    print("time, demo:", timing(args.db, end), flush=True)
    if args.big:
        print("time, big:", timing(args.big, end))


if __name__ == "__main__":
    main()
