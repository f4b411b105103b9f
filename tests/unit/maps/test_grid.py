"""Grid cells counted in DuckDB on SWEREF 99 TM x/y (est_data.maps.grid)."""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from est_data.maps import grid
from est_data.areas.geometry import to_sweref
from est_data.core.filters import IncidentFilter
from est_data.store.schema import ensure_schema

DAY = dt.date(2026, 3, 2)
F = IncidentFilter(DAY, DAY)


def _con(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory database with incidents ``(id, x, y, precision, category, dup_of)``."""
    con = duckdb.connect()
    ensure_schema(con)
    for i, (iid, x, y, precision, category, dup) in enumerate(rows):
        con.execute(
            "INSERT INTO incidents (incident_id, source, occurred_at, category, x, y, precision,"
            " duplicate_of) VALUES (?, 'kommun', ?, ?, ?, ?, ?, ?)",
            [iid, dt.datetime(2026, 3, 2, 12, i % 60), category, x, y, precision, dup])
    return con


# (name, incidents, cell size, filter, expected {(cx, cy): n})
CASES = [
    ("one point", [("a", 150.0, 250.0, "point", "klotter", None)], 100, F, {(1, 2): 1}),
    ("cell edges belong to the upper cell",
     [("a", 100.0, 100.0, "point", "klotter", None), ("b", 99.99, 99.99, "point", "klotter", None)],
     100, F, {(1, 1): 1, (0, 0): 1}),
    ("negative coordinates floor downwards",
     [("a", -1.0, -0.5, "point", "klotter", None)], 100, F, {(-1, -1): 1}),
    ("counts add up in a cell",
     [(f"p{i}", 10.0 + i, 20.0, "address", "storning", None) for i in range(5)], 50, F,
     {(0, 0): 5}),
    ("area and municipality precision are never cells",
     [("a", 10.0, 10.0, "area", "klotter", None), ("b", 10.0, 10.0, "municipality", "klotter", None),
      ("c", None, None, "point", "klotter", None), ("d", 10.0, 10.0, "point", "klotter", None)],
     100, F, {(0, 0): 1}),
    ("duplicates are left out by default",
     [("a", 10.0, 10.0, "point", "klotter", None), ("b", 12.0, 10.0, "point", "klotter", "a")],
     100, F, {(0, 0): 1}),
    ("duplicates counted when asked",
     [("a", 10.0, 10.0, "point", "klotter", None), ("b", 12.0, 10.0, "point", "klotter", "a")],
     100, IncidentFilter(DAY, DAY, include_duplicates=True), {(0, 0): 2}),
    ("category filter applies",
     [("a", 10.0, 10.0, "point", "klotter", None), ("b", 510.0, 10.0, "point", "brand", None)],
     500, IncidentFilter(DAY, DAY, categories=("brand",)), {(1, 0): 1}),
    ("period filter applies",
     [("a", 10.0, 10.0, "point", "klotter", None)], 100,
     IncidentFilter(DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)), {}),
]


@pytest.mark.parametrize("name, rows, size, f, expected", CASES, ids=[c[0] for c in CASES])
def test_grid_cells(name, rows, size, f, expected):
    cells = grid.grid_cells(_con(rows), f, size)
    assert {(r.cx, r.cy): r.n for r in cells.itertuples()} == expected
    assert list(cells.columns) == ["cx", "cy", "n"]


def test_cell_sql_binds_every_value():
    sql, params = grid.cell_sql(IncidentFilter(DAY, DAY, categories=("x'; DROP TABLE incidents;--",)), 100)
    assert "DROP" not in sql and "100" not in sql
    assert params[:2] == [100.0, 100.0]
    assert "x'; DROP TABLE incidents;--" in params


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "100"])
def test_cell_sql_refuses_bad_sizes(bad):
    with pytest.raises(ValueError):
        grid.cell_sql(F, bad)


def test_coarser_cells_hold_the_same_incidents_in_fewer_cells():
    rows = [(f"p{i}_{j}", 30.0 * i, 30.0 * j, "point", "klotter", None)
            for i in range(12) for j in range(12)]  # 144 points, 30 m apart
    con = _con(rows)
    fine, coarse = grid.grid_cells(con, F, 25), grid.grid_cells(con, F, 100)
    assert len(fine) == 144 and len(coarse) <= 40
    assert fine["n"].sum() == coarse["n"].sum() == 144


def test_extent_is_trimmed_and_none_when_empty():
    rows = [(f"p{i}", 1000.0 + i, 2000.0 + i, "point", "klotter", None) for i in range(999)]
    rows.append(("far", 90_000.0, 2000.0, "point", "klotter", None))  # one stray point
    ext = grid.data_extent(_con(rows), F)
    assert ext.n == 1000 and ext.xmax < 2100
    assert grid.data_extent(_con([]), F) is None


def test_cell_centres_round_trip_to_sweref():
    x, y = to_sweref([14.6361], [63.1792])
    cx, cy = math.floor(x[0] / 100), math.floor(y[0] / 100)
    lat, lon = grid.cell_centres_wgs84([cx], [cy], 100)
    bx, by = to_sweref(lon, lat)
    assert bx[0] == pytest.approx((cx + 0.5) * 100, abs=1e-3)
    assert by[0] == pytest.approx((cy + 0.5) * 100, abs=1e-3)


def test_cell_rings_are_closed_squares_in_sweref():
    ring = grid.cell_rings_wgs84([4800], [70020], 100)[0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    xs, ys = to_sweref([p[0] for p in ring], [p[1] for p in ring])
    assert sorted(set(np.round(xs, 0))) == [480000.0, 480100.0]
    assert sorted(set(np.round(ys, 0))) == [7002000.0, 7002100.0]


@pytest.mark.parametrize("width_m, expected_zoom", [(900 * 8.5, 13), (900 * 8.7, 12), (900 * 17.0, 12), (50, 17),
                                                    (2_000_000, 8)])
def test_zoom_for_extent(width_m, expected_zoom):
    ext = grid.Extent(480000, 7000000, 480000 + width_m, 7000000 + 10)
    assert grid.zoom_for_extent(ext, lat=63.18) == expected_zoom


def test_cell_size_follows_zoom_and_caps_cell_count():
    town = grid.Extent(475000, 7000000, 490000, 7010000)
    assert grid.cell_size_for(town, 12, lat=63.18) == 100
    district = grid.Extent(480000, 7000000, 482000, 7001500)
    assert grid.cell_size_for(district, 15, lat=63.18) == 25
    # Zoomed in on the whole town, 25 m cells would be too many: coarser ones are used.
    assert grid.cell_size_for(town, 15, lat=63.18) == 100
    county = grid.Extent(300000, 6900000, 600000, 7200000)
    size = grid.cell_size_for(county, 15, lat=63.18)
    assert (300000 / size) ** 2 <= grid.MAX_HEAT_CELLS * 4


def test_heat_weights_cap_extremes():
    w = grid.heat_weights(np.r_[np.ones(99), 1000])
    assert w.max() == 1.0 and w[0] == 1.0  # one extreme cell does not wash out the rest
    w = grid.heat_weights([1, 2, 4])
    assert list(w) == pytest.approx([0.25, 0.5, 1.0], abs=0.02)
    assert grid.heat_weights([]).size == 0


def test_demo_grid_matches_pandas(demo_con):
    f = IncidentFilter(dt.date(2026, 8, 1), dt.date(2026, 11, 15))
    cells = grid.grid_cells(demo_con, f, 200)
    raw = demo_con.execute(
        "SELECT x, y FROM incidents WHERE x IS NOT NULL AND precision IN ('point','address') "
        "AND duplicate_of IS NULL AND occurred_at >= ? AND occurred_at < ?",
        [f.start, f.end + dt.timedelta(days=1)]).df()
    expected = raw.assign(cx=np.floor(raw.x / 200).astype(int), cy=np.floor(raw.y / 200).astype(int)
                          ).groupby(["cx", "cy"]).size()
    got = cells.set_index(["cx", "cy"])["n"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index().rename("n"),
                                   check_dtype=False, check_names=False)


@pytest.mark.parametrize("sizes", [[25, 100], [50, 100, 200, 1000], [25, 250, 5000],
                                   [200, 250, 500], [100]])
def test_cells_by_size_match_single_queries(demo_con, sizes):
    f = IncidentFilter(dt.date(2026, 5, 1), dt.date(2026, 11, 15))
    levels = grid.cells_by_size(demo_con, f, sizes)
    for size in sizes:
        pd.testing.assert_frame_equal(levels[size], grid.grid_cells(demo_con, f, size))


@pytest.mark.parametrize("bad", [[], [0, 100], [-25, 100], [12.5, 100]])
def test_cells_by_size_needs_whole_positive_metres(bad):
    with pytest.raises(ValueError):
        grid.multi_cell_sql(F, bad)


def test_meeting_heat_leaves_small_cells_out_and_coarsens_weights():
    cells = pd.DataFrame({"cx": [1, 2, 3, 4], "cy": [0, 0, 0, 0], "n": [1, 2, 3, 40]})
    assert list(grid.meeting_heat(cells, 3)["n"]) == [3, 40]
    assert grid.meeting_heat(cells, 0) is cells
    w = grid.coarse_weights([0.01, 0.2, 0.21, 0.5, 1.0])
    assert list(w) == [0.2, 0.2, 0.4, 0.6, 1.0]
