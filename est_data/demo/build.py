"""Deterministic demo data for Östersund: areas, actors, incidents, measures, meetings.

The same ``seed`` and ``incidents`` give the same database. The data has the rhythm EST
work sees (summer evenings and weekend nights for disturbances, the dark season for
burglaries), hot spots in the two focus areas, measures there about a year before the
data ends, a real drop afterwards and a little displacement next door, so that every
view has something true to find. It is also the one fixture builder of the tests.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from est_data.demo import world as W
from est_data.evaluation.plans import store_default_plans
from est_data.areas.geometry import (
    assign_incident_areas, load_areas, store_areas, to_sweref, to_wgs84)
from est_data.core.config import CRS_SWEREF99TM
from est_data.store.db import writer_lock, connect, transaction
from est_data.store.sqlutil import fetch_value

DEFAULT_INCIDENTS = 15_000
DEFAULT_SEED = 2380
PLACES_PER_AREA = 14
CELL_CLIP_M = 1600.0  # Voronoi cells are clipped to this distance around the centres


def build_areas() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Approximate DeSO polygons (Voronoi cells) and the focus polygons, in SWEREF 99 TM."""
    lat = np.array([d[2][0] for d in W.DESO])
    lon = np.array([d[2][1] for d in W.DESO])
    x, y = to_sweref(lon, lat)
    seeds = shapely.points(x, y)
    hull = shapely.union_all(shapely.buffer(seeds, CELL_CLIP_M))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=hull))
    # voronoi_polygons does not keep input order: match each seed to its cell.
    polys = []
    for seed in seeds:
        cell = next(c for c in cells if c.contains(seed))
        polys.append(shapely.set_precision(cell.intersection(hull), 0.01))
    deso = gpd.GeoDataFrame({
        "area_id": [d[0] for d in W.DESO],
        "name": [f"{d[1]} ({d[0][4:]})" for d in W.DESO],
        "district": [d[1] for d in W.DESO],
        "population": [d[3] for d in W.DESO],
        "weight": [d[4] for d in W.DESO],
    }, geometry=polys, crs=CRS_SWEREF99TM)
    focus_polys = []
    for _, _, (flat, flon), width, height, angle, *_ in W.FOCUS:
        fx, fy = to_sweref([flon], [flat])
        box = shapely.box(-width / 2, -height / 2, width / 2, height / 2)
        focus_polys.append(shapely.affinity.translate(
            shapely.affinity.rotate(box, angle, origin=(0, 0)), fx[0], fy[0]))
    focus = gpd.GeoDataFrame({
        "area_id": [f[0] for f in W.FOCUS],
        "name": [f[1] for f in W.FOCUS],
        "district": [f[1] for f in W.FOCUS],
        "population": [None] * len(W.FOCUS),
    }, geometry=focus_polys, crs=CRS_SWEREF99TM)
    return deso, focus


def _points_in(poly, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points inside a polygon (rejection sampling), shape (n, 2)."""
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        cand = rng.uniform((minx, miny), (maxx, maxy), size=(max(4 * n, 16), 2))
        out = np.vstack([out, cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]])
    return out[:n]


def _places(deso: gpd.GeoDataFrame, focus: gpd.GeoDataFrame, rng: np.random.Generator):
    """Frequent places (entrances, stops, squares) per bucket, with addresses and weights."""
    buckets = []
    # A district's own places keep clear of the focus areas (with a margin for scatter),
    # so that the focus areas' counts follow the story of their measures.
    keep_out = shapely.union_all(shapely.buffer(focus.geometry.to_numpy(), 60.0))
    for _, row in pd.concat([deso, focus]).iterrows():
        poly = row.geometry if row["area_id"] in set(focus["area_id"]) else row.geometry.difference(keep_out)
        xy = _points_in(poly, PLACES_PER_AREA, rng)
        streets = W.STREETS[row["district"]]
        numbers = rng.integers(1, 60, size=len(xy))
        addresses = [f"{streets[i % len(streets)]} {numbers[i]}" for i in range(len(xy))]
        zipf = 1.0 / np.arange(1, len(xy) + 1) ** 1.1
        buckets.append((row["area_id"], xy, addresses, zipf / zipf.sum()))
    return buckets


def _category_day_weights(days: pd.DatetimeIndex, code: str) -> np.ndarray:
    _, amplitude, peak, weekend, _ = W.CATEGORIES[code]
    doy = days.day_of_year.to_numpy()
    season = 1 + amplitude * np.cos(2 * np.pi * (doy - peak) / 365.25)
    wd = days.day_of_week.to_numpy()
    week = np.where(wd >= 4, weekend, 1.0)  # Friday-Sunday
    w = season * week
    return w / w.sum()


def generate_incidents(n: int, seed: int, end: dt.date = W.DEMO_END) -> pd.DataFrame:
    """The demo incidents as a DataFrame of the contract's columns (areas not yet set)."""
    rng = np.random.default_rng(seed)
    deso, focus = build_areas()
    buckets = _places(deso, focus, rng)
    n_dupes = int(round(n * 0.03))
    drawn = _draw_events(n - n_dupes, buckets, end, rng)
    df = _locate_events(drawn, buckets, rng)
    df["row"] = np.arange(len(df))
    df["dup_of_row"] = np.nan
    dup = _duplicates(df, n_dupes, rng)
    dup["row"] = np.arange(len(df), len(df) + len(dup))
    df = pd.concat([df, dup], ignore_index=True)
    df = df.sort_values(["occurred_at", "source", "x"], kind="stable").reset_index(drop=True)
    return _found_in_the_morning(_finish(df, rng), seed)


SPAN_SOURCE, SPAN_CATEGORY, SPAN_SHARE = "ostersundshem", "inbrott", 0.5


def _found_in_the_morning(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Half of Östersundshem's evening and night burglaries are known only as a span:
    from the time given until they were found the next morning (06.30-08.30), in
    ``occurred_to``. A generator of its own, so every other value stays as it was."""
    rng = np.random.default_rng([seed, 13])
    occurred = pd.DatetimeIndex(df["occurred_at"])
    night = (occurred.hour >= 16) | (occurred.hour < 4)
    rows = np.flatnonzero(((df["source"] == SPAN_SOURCE) & (df["category"] == SPAN_CATEGORY))
                          .to_numpy() & night)
    rows = rows[rng.random(len(rows)) < SPAN_SHARE]
    start = occurred[rows]
    found = ((start - pd.Timedelta(hours=4)).normalize() + pd.Timedelta(days=1, hours=6)
             + pd.to_timedelta(30 + 15 * rng.integers(0, 9, len(rows)), unit="m"))
    until = np.full(len(df), np.datetime64("NaT"), dtype="datetime64[us]")
    until[rows] = found.to_numpy(dtype="datetime64[us]")
    return df.assign(occurred_to=until)


def _bucket_weights(buckets) -> tuple[np.ndarray, np.ndarray]:
    """Chances of each place bucket (statistical areas by population, plus the focus hot
    spots) before the measures, and after them for the targeted categories (the focus
    areas lose, their neighbours gain a little)."""
    base_w = np.array([d[3] * d[4] for d in W.DESO], dtype=float)
    base_w /= base_w.sum()
    focus_share = np.array([f[6] for f in W.FOCUS])
    before = np.concatenate([base_w * (1 - focus_share.sum()), focus_share])
    after = before.copy()
    bucket_ids = [b[0] for b in buckets]
    for k, f in enumerate(W.FOCUS):
        fi = len(W.DESO) + k
        lost = before[fi] * (1 - W.FOCUS_REMAINING[f[0]])
        after[fi] -= lost
        if f[7]:
            after[bucket_ids.index(f[7])] += lost * W.DISPLACED
    return before, after


def _draw_events(n: int, buckets, end: dt.date, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` events: ``category``, ``occurred_at``, place ``bucket`` and ``actor`` index,
    with each category's season, week and hours."""
    start = end.replace(year=end.year - W.DEMO_YEARS) + dt.timedelta(days=1)
    days = pd.date_range(start, end, freq="D")
    effective = np.datetime64(W.MEASURES_EFFECTIVE)
    codes = list(W.CATEGORIES)
    shares = np.array([W.CATEGORIES[c][0] for c in codes])
    per_cat = rng.multinomial(n, shares / shares.sum())
    before, after_targeted = _bucket_weights(buckets)
    frames = []
    for code, count in zip(codes, per_cat):
        if count == 0:
            continue
        day_idx = rng.choice(len(days), size=count, p=_category_day_weights(days, code))
        hours = np.array(W.HOURS[W.CATEGORIES[code][4]], dtype=float)
        hour = rng.choice(24, size=count, p=hours / hours.sum())
        minute = rng.integers(0, 60, size=count)
        ts = (days.to_numpy()[day_idx] + hour.astype("timedelta64[h]")
              + minute.astype("timedelta64[m]"))
        after = after_targeted if code in W.TARGETED else before
        bucket = np.empty(count, dtype=int)
        is_after = ts >= effective
        for mask, p in ((~is_after, before), (is_after, after)):
            bucket[mask] = rng.choice(len(buckets), size=int(mask.sum()), p=p / p.sum())
        mix = np.array(W.ACTOR_MIX[code], dtype=float)
        actor = rng.choice(len(W.ACTORS), size=count, p=mix / mix.sum())
        frames.append(pd.DataFrame({"category": code, "occurred_at": ts, "bucket": bucket,
                                    "actor": actor}))
    return pd.concat(frames, ignore_index=True)


def _locate_events(df: pd.DataFrame, buckets, rng: np.random.Generator) -> pd.DataFrame:
    """A place within each event's bucket, then the actor's own scatter and precision."""
    place = np.empty(len(df), dtype=int)
    px = np.empty(len(df))
    py = np.empty(len(df))
    address = np.empty(len(df), dtype=object)
    for b, (_, xy, addrs, weights) in enumerate(buckets):
        m = (df["bucket"] == b).to_numpy()
        place[m] = rng.choice(len(xy), size=int(m.sum()), p=weights)
        px[m], py[m] = xy[place[m], 0], xy[place[m], 1]
        address[m] = np.asarray(addrs, dtype=object)[place[m]]
    actor = df["actor"].to_numpy()
    source = np.array([a[0] for a in W.ACTORS], dtype=object)[actor]
    scatter = np.array([W.ACTOR_PRECISION[a[0]][1] for a in W.ACTORS])[actor]
    x = px + rng.normal(0, 1, len(df)) * scatter
    y = py + rng.normal(0, 1, len(df)) * scatter
    precision = np.empty(len(df), dtype=object)
    for k, (key, *_rest) in enumerate(W.ACTORS):
        m = actor == k
        shares_p = np.array(W.ACTOR_PRECISION[key][0])
        precision[m] = np.array(["point", "address", "area", "municipality"], dtype=object)[
            rng.choice(4, size=int(m.sum()), p=shares_p)]
    bucket_ids = np.asarray([b[0] for b in buckets], dtype=object)
    return pd.DataFrame({
        "source": source, "occurred_at": df["occurred_at"].to_numpy(),
        "category": df["category"].to_numpy(dtype=object), "x": x, "y": y,
        "precision": precision, "address": address,
        "bucket_area": bucket_ids[df["bucket"].to_numpy()],
    })


def _duplicates(df: pd.DataFrame, k: int, rng: np.random.Generator) -> pd.DataFrame:
    """Police reports of events Östersundshem reported too (same place, minutes apart)."""
    pool = df.index[(df["source"] == "ostersundshem")
                    & df["category"].isin(["storning", "inbrott", "skadegorelse"])].to_numpy()
    if k == 0 or len(pool) == 0:
        return df.iloc[0:0].copy()
    pick = rng.choice(pool, size=min(k, len(pool)), replace=False)
    dup = df.loc[pick].copy()
    dup["source"] = "polisen"
    dup["precision"] = "point"
    dup["occurred_at"] = dup["occurred_at"] + pd.to_timedelta(rng.integers(-20, 21, len(dup)), unit="m")
    dup["x"] = dup["x"] + rng.normal(0, 20, len(dup))
    dup["y"] = dup["y"] + rng.normal(0, 20, len(dup))
    dup["dup_of_row"] = df.loc[pick, "row"].to_numpy().astype(float)
    return dup


def _finish(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Ids, report times, raw words, descriptions and duplicate links."""
    n = len(df)
    src = df["source"].to_numpy(dtype=object)
    occurred = pd.to_datetime(df["occurred_at"])
    delay_h = np.array([W.ACTOR_DELAY_H[s] for s in src]) * rng.exponential(1.0, n)
    reported = occurred + pd.to_timedelta(np.round(delay_h * 60), unit="m")
    counters: dict[str, int] = {}
    refs = []
    for s, year in zip(src, occurred.dt.year.to_numpy()):
        counters[s] = counters.get(s, 0) + 1
        refs.append(W.REF_FORMAT[s].format(n=counters[s] + 1000, year=year, yy=year % 100))
    ids = np.array([f"{s}:{r}" for s, r in zip(src, refs)], dtype=object)
    id_by_row = pd.Series(ids, index=df["row"].to_numpy())
    dup_of = df["dup_of_row"].map(id_by_row).to_numpy(dtype=object)
    dup_of[pd.isna(dup_of)] = None
    cats = df["category"].to_numpy(dtype=object)
    raw = np.array([W.VOCABULARY[s][c] for s, c in zip(src, cats)], dtype=object)
    pick = rng.integers(0, 1000, n)
    desc = np.array([W.DESCRIPTIONS[c][i % len(W.DESCRIPTIONS[c])] for c, i in zip(cats, pick)],
                    dtype=object)
    return pd.DataFrame({
        "incident_id": ids, "source": src, "source_ref": np.array(refs, dtype=object),
        "occurred_at": occurred.to_numpy(), "reported_at": reported.to_numpy(),
        "category": cats, "raw_category": raw,
        "x": df["x"].to_numpy(), "y": df["y"].to_numpy(),
        "precision": df["precision"].to_numpy(dtype=object),
        "address": df["address"].to_numpy(dtype=object),
        "description": desc,
        "batch_id": np.array([f"demo-{s}" for s in src], dtype=object),
        "duplicate_of": dup_of,
    })


def locate(df: pd.DataFrame, areas_wgs: gpd.GeoDataFrame) -> pd.DataFrame:
    """Set areas from the places, then drop what each precision does not know.

    ``area`` precision keeps only its statistical area; ``municipality`` keeps nothing.
    """
    area_id, focus_id = assign_incident_areas(df["x"], df["y"], areas_wgs)
    precision = df["precision"].to_numpy(dtype=object)
    located = np.isin(precision, ["point", "address"])
    # A night walker's "area" report whose scattered point fell outside every polygon
    # belongs to the nearest area.
    lost = (precision == "area") & pd.isna(area_id)
    if lost.any():
        base = areas_wgs[areas_wgs["kind"] != "custom"].to_crs(CRS_SWEREF99TM)
        pts = shapely.points(df["x"].to_numpy()[lost], df["y"].to_numpy()[lost])
        dist = shapely.distance(pts[:, None], base.geometry.to_numpy()[None, :])
        area_id = area_id.copy()
        area_id[lost] = base["area_id"].to_numpy(dtype=object)[dist.argmin(axis=1)]
    df = df.copy()
    df["area_id"] = np.where(precision == "municipality", None, area_id)
    df["focus_area_id"] = np.where(located, focus_id, None)
    df["x"] = np.where(located, df["x"].round(1), np.nan)
    df["y"] = np.where(located, df["y"].round(1), np.nan)
    lon, lat = to_wgs84(df["x"], df["y"])
    df["lat"], df["lon"] = np.round(lat, 6), np.round(lon, 6)
    df["address"] = np.where(precision == "address", df["address"], None)
    return df


def build_demo(con: duckdb.DuckDBPyConnection, incidents: int = DEFAULT_INCIDENTS,
               seed: int = DEFAULT_SEED, end: dt.date = W.DEMO_END) -> int:
    """Fill an empty database with the demo, in one transaction. Returns incident count."""
    existing = fetch_value(con, "SELECT count(*) FROM incidents")
    if existing:
        raise ValueError("the database already holds incidents; the demo needs an empty one")
    deso, focus = build_areas()
    with transaction(con):
        con.execute("DELETE FROM areas")
        store_areas(con, deso, kind="deso", district=deso["district"], reassign=False)
        store_areas(con, focus, kind="custom", is_focus=True, district=focus["district"],
                    reassign=False)
        areas_wgs = load_areas(con)
        df = generate_incidents(incidents, seed, end)
        df = locate(df, areas_wgs)
        # Only the columns the file's schema has (a test builds the first version's).
        cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'incidents'").fetchall()}
        df = df[[c for c in df.columns if c in cols]]
        con.execute("INSERT INTO incidents BY NAME SELECT * FROM df")
        actor_rows = pd.DataFrame(W.ACTORS, columns=["source", "name", "kind", "color"])
        con.execute("INSERT INTO actors BY NAME SELECT * FROM actor_rows")
        _store_batches(con, df, end)
        _store_interventions(con, areas_wgs)
        _store_meetings(con, end)
    return len(df)


def _store_batches(con, df: pd.DataFrame, end: dt.date) -> None:
    counts = df.groupby("source", sort=True).size()
    dups = df[df["duplicate_of"].notna()].groupby("source").size()
    batch_rows = pd.DataFrame({
        "batch_id": [f"demo-{s}" for s in counts.index], "source": counts.index,
        "file_name": "demodata (syntetisk)", "file_sha256": None,
        "imported_at": pd.Timestamp(end) + pd.Timedelta(hours=20),
        "rows_read": counts.values, "rows_imported": counts.values,
        "rows_duplicate": [int(dups.get(s, 0)) for s in counts.index], "rows_rejected": 0,
    })
    con.execute("INSERT INTO import_batches BY NAME SELECT * FROM batch_rows")


def _store_interventions(con, areas_wgs: gpd.GeoDataFrame) -> None:
    centroid = areas_wgs.set_index("area_id")[["centroid_lat", "centroid_lon"]]
    rows = [{
        "intervention_id": f"demo-{i + 1:02d}", "area_id": a, "kind": k, "title": t,
        "started_on": s, "ended_on": e, "actor": who, "cost_sek": cost, "note": note,
        "lat": centroid.loc[a, "centroid_lat"], "lon": centroid.loc[a, "centroid_lon"],
    } for i, (a, k, t, s, e, who, cost, note) in enumerate(W.INTERVENTIONS)]
    measure_rows = pd.DataFrame(rows)
    con.execute("INSERT INTO interventions BY NAME SELECT * FROM measure_rows")
    if fetch_value(con, "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_name = 'evaluation_plans'"):  # not in old test schemas
        store_default_plans(con, "demo")  # each measure's evaluation plan, fixed when logged


def _store_meetings(con, end: dt.date) -> None:
    """Meetings every other Thursday over the last year of data."""
    last = end - dt.timedelta(days=(end.weekday() - 3) % 7)
    dates = [last - dt.timedelta(days=14 * k) for k in range(26)][::-1]
    meeting_rows = pd.DataFrame({
        "meeting_id": [f"demo-{d.isoformat()}" for d in dates], "held_on": dates,
        "title": [f"EST-möte vecka {d.isocalendar()[1]}" for d in dates], "note": None,
    })
    con.execute("INSERT INTO meetings BY NAME SELECT * FROM meeting_rows")


def build_demo_file(path: Path | str, incidents: int = DEFAULT_INCIDENTS,
                    seed: int = DEFAULT_SEED, force: bool = False) -> int:
    """Write a demo database file atomically (built beside it, then renamed).

    Holds the database's writer lock, so two app sessions starting at once (or a CLI
    run) build it once: the second finds the file there and, without ``force``, stops.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path, wait_s=300):
        if path.exists() and not force:
            raise FileExistsError(f"{path} already exists; pass --force to replace it")
        fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        tmp.unlink()  # DuckDB creates the file itself
        try:
            con = connect(tmp)
            try:
                count = build_demo(con, incidents=incidents, seed=seed)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return count
