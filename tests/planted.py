"""A small world with planted before/after counts, for end-to-end evaluation tests.

Five 1 km statistical squares in a row, A B C D E (SWEREF 99 TM, near Östersund), and
two focus areas: F inside C (the target) and G inside A (another focus area with its own
measures, which must not count as comparison). Incidents are planted at known places and
times so every count, and so every statistic, is known in advance:

- with the default areas for target F: buffer = B, C (outside F), D; comparison = A
  (outside G), E;
- a 200 m ring around F holds exactly the "near" incidents of C.

:func:`planted_incidents` returns the incidents as a DataFrame of the data contract's
columns (with WGS84 ``lat``/``lon``, so the same rows can be written to a CSV file and go
through ``est_data.ingest`` once it exists); :func:`store_planted` assigns areas with
``assign_incident_areas`` and inserts them.
"""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from est_data.areas.geometry import assign_incident_areas, load_areas, store_areas, to_wgs84
from est_data.core.config import CRS_SWEREF99TM
from est_data.store.db import transaction

X0, Y0 = 470_000.0, 7_005_000.0
DATE = dt.date(2025, 1, 1)
BEFORE_START = dt.date(2024, 1, 2)  # DATE - 365 days
AFTER_END = dt.date(2026, 1, 1)     # DATE + 365 days (exclusive)

SQUARES = {k: (X0 + 1000 * i, Y0, X0 + 1000 * (i + 1), Y0 + 1000) for i, k in enumerate("ABCDE")}
FOCUS = {"F": (X0 + 2300, Y0 + 300, X0 + 2700, Y0 + 700),
         "G": (X0 + 200, Y0 + 200, X0 + 500, Y0 + 500)}

# Zones where points are drawn (minx, miny, maxx, maxy), all clear of every border.
ZONES = {
    "F": (X0 + 2320, Y0 + 320, X0 + 2680, Y0 + 680),
    "C_near": (X0 + 2750, Y0 + 350, X0 + 2850, Y0 + 650),  # 50-150 m from F: in a 200 m ring
    "C_far": (X0 + 2930, Y0 + 30, X0 + 2990, Y0 + 970),    # > 230 m from F
    "B": (X0 + 1020, Y0 + 20, X0 + 1980, Y0 + 980),
    "D": (X0 + 3020, Y0 + 20, X0 + 3980, Y0 + 980),
    "A": (X0 + 600, Y0 + 20, X0 + 980, Y0 + 980),          # A outside G
    "E": (X0 + 4020, Y0 + 20, X0 + 4980, Y0 + 980),
    "G": (X0 + 250, Y0 + 250, X0 + 450, Y0 + 450),
}

# (zone, category, before, after): the planted counts inside the windows.
PLANTED = [
    ("F", "storning", 40, 20), ("F", "inbrott", 20, 10), ("F", "klotter", 10, 30),
    ("C_near", "storning", 15, 15), ("C_far", "inbrott", 5, 5),
    ("B", "storning", 20, 35), ("B", "inbrott", 10, 10),
    ("D", "storning", 25, 25), ("D", "inbrott", 5, 5),
    ("A", "storning", 50, 50), ("A", "inbrott", 30, 30),
    ("E", "storning", 60, 60), ("E", "inbrott", 20, 20),
    ("G", "storning", 40, 0),
]
AREA_ONLY_C = (3, 3)  # storning known only by area C (no point): before, after

# What the default evaluation of F must count (storning + inbrott).
EXPECTED = {"target": (60, 30), "control": (160, 160), "buffer": (83, 98)}
EXPECTED_ALL_CATEGORIES = {"target": (70, 60), "control": (160, 160), "buffer": (83, 98)}


def area_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    squares = gpd.GeoDataFrame(
        {"area_id": list(SQUARES), "name": [f"Ruta {k}" for k in SQUARES],
         "population": [1000] * len(SQUARES)},
        geometry=[shapely.box(*b) for b in SQUARES.values()], crs=CRS_SWEREF99TM)
    focus = gpd.GeoDataFrame(
        {"area_id": list(FOCUS), "name": ["Fokus F", "Fokus G"], "population": [None, None]},
        geometry=[shapely.box(*b) for b in FOCUS.values()], crs=CRS_SWEREF99TM)
    return squares, focus


def _times(rng: np.random.Generator, start: dt.date, end: dt.date, n: int) -> np.ndarray:
    """``n`` whole-minute times in ``[start, end)``."""
    minutes = int((end - start).days * 24 * 60)
    picks = rng.integers(0, minutes, size=n)
    return np.datetime64(start, "m") + picks.astype("timedelta64[m]")


def planted_incidents(seed: int = 11) -> pd.DataFrame:
    """The planted incidents (contract columns; areas not yet assigned)."""
    rng = np.random.default_rng(seed)
    rows = []

    def add(zone, category, times, **extra):
        minx, miny, maxx, maxy = ZONES[zone]
        for t in times:
            rows.append({"x": rng.uniform(minx, maxx), "y": rng.uniform(miny, maxy),
                         "occurred_at": pd.Timestamp(t), "category": category,
                         "precision": "point", "zone": zone, **extra})

    for zone, category, before, after in PLANTED:
        add(zone, category, _times(rng, BEFORE_START, DATE, before))
        add(zone, category, _times(rng, DATE, AFTER_END, after))
    # Exactly on the borders of the windows: first minute of each window counts, the
    # first minute after the after window does not.
    rows[0]["occurred_at"] = pd.Timestamp(BEFORE_START)
    rows[40]["occurred_at"] = pd.Timestamp(DATE)
    # Outside the windows (not counted).
    add("F", "storning", [pd.Timestamp(AFTER_END), pd.Timestamp(AFTER_END) + pd.Timedelta(days=3),
                          pd.Timestamp(BEFORE_START) - pd.Timedelta(minutes=1)])
    # Known only by area: counts in C, never in F or a ring.
    for period, n in zip(("before", "after"), AREA_ONLY_C):
        start, end = (BEFORE_START, DATE) if period == "before" else (DATE, AFTER_END)
        for t in _times(rng, start, end, n):
            rows.append({"x": np.nan, "y": np.nan, "occurred_at": pd.Timestamp(t),
                         "category": "storning", "precision": "area", "zone": "C_area",
                         "area_id": "C"})
    df = pd.DataFrame(rows)
    df["source"] = np.where(np.arange(len(df)) % 2 == 0, "ostersundshem", "polisen")
    df["source_ref"] = [f"P{i:05d}" for i in range(len(df))]
    df["incident_id"] = df["source"] + ":" + df["source_ref"]
    df["duplicate_of"] = None
    # Five police reports of target incidents after the date: duplicates, not counted.
    originals = df.index[(df["zone"] == "F") & (df["category"] == "storning")
                         & (df["occurred_at"] >= pd.Timestamp(DATE))
                         & (df["occurred_at"] < pd.Timestamp(AFTER_END))][:5]
    dups = df.loc[originals].copy()
    dups["source"] = "kommun"
    dups["source_ref"] = [f"D{i}" for i in range(len(dups))]
    dups["incident_id"] = "kommun:" + dups["source_ref"]
    dups["duplicate_of"] = df.loc[originals, "incident_id"].to_numpy()
    dups["x"] += 3.0
    df = pd.concat([df, dups], ignore_index=True)
    lon, lat = to_wgs84(df["x"], df["y"])
    df["lat"], df["lon"] = lat, lon
    df["raw_category"] = df["category"]
    df["reported_at"] = df["occurred_at"]
    df["batch_id"] = "planted"
    df["address"] = None
    df["description"] = "Planterad testhändelse"
    return df.drop(columns=["zone"]).reset_index(drop=True)


def store_planted(con, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Store the areas and the incidents (areas assigned from the points)."""
    df = planted_incidents() if df is None else df
    squares, focus = area_frames()
    with transaction(con):
        store_areas(con, squares, kind="deso", reassign=False)
        store_areas(con, focus, kind="custom", is_focus=True, reassign=False)
        area_id, focus_id = assign_incident_areas(df["x"], df["y"], load_areas(con))
        located = df["precision"].isin(["point", "address"]).to_numpy()
        df = df.copy()
        given = df["area_id"].to_numpy(dtype=object) if "area_id" in df else np.full(len(df), None)
        df["area_id"] = np.where(located, area_id, given)
        df["focus_area_id"] = np.where(located, focus_id, None)
        con.execute("INSERT INTO incidents BY NAME SELECT * FROM df")
        con.execute("INSERT INTO interventions (intervention_id, area_id, kind, title, started_on)"
                    " VALUES ('pl-1', 'F', 'belysning', 'Ny belysning i F', ?),"
                    " ('pl-2', 'G', 'kameror', 'Kameror i G', ?)",
                    [DATE, DATE - dt.timedelta(days=30)])
    return df
