"""est_data.maps.data (named apart from tests/app/test_data.py: pytest wants unique
basenames). What a map shows, read from the database: counts, heat cells at
several sizes, points, hot spots, the area figures; and what the meeting role's map may
hold (no heat cell of fewer than 3 incidents, coarse weights, counts as published)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from est_data import maps
from est_data.core import privacy
from est_data.core.filters import IncidentFilter
from est_data.incidents import published
from est_data.maps import grid
from est_data.maps.data import MapOptions
from unit.maps.test_build import END, MONTH, render


@pytest.fixture(scope="module")
def shapes(demo_db_master):
    import duckdb

    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        return maps.area_shapes(con)


def test_counts_split_the_filter(demo_con):
    data = maps.map_data(demo_con, MONTH)
    c = data.counts
    assert c["total"] == c["located"] + c["area_only"] + c["municipality_only"]
    assert c["total"] == demo_con.execute(
        "SELECT count(*) FROM incidents WHERE duplicate_of IS NULL AND occurred_at >= ? "
        "AND occurred_at < ?", [MONTH.start, END + dt.timedelta(days=1)]).fetchall()[0][0]
    assert data.heat["n"].sum() == c["located"]


def test_points_never_include_municipality_or_area_level(demo_con):
    data = maps.map_data(demo_con, MONTH, MapOptions(layers=("points",)))
    assert set(data.points["precision"]) <= {"point", "address"}
    assert len(data.points) == data.counts["located"]


def test_hotspots_are_significant_hot_cells(demo_con):
    data = maps.map_data(demo_con, IncidentFilter(dt.date(2024, 11, 16), END),
                         MapOptions(layers=("hotspots",)))
    hot = data.hotspots
    assert len(hot) > 0 and (hot["z"] > 1.64).all() and (hot["p_adj"] <= 0.10).all()
    # The busiest demo street (Kyrkgatan, before the measures) lies in a hot cell.
    from est_data.areas.geometry import to_sweref

    x, y = to_sweref([14.6384], [63.1793])
    cells = {(r.cx, r.cy) for r in hot.itertuples()}
    near = {(int(x[0] // data.hot_cell) + dx, int(y[0] // data.hot_cell) + dy)
            for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    assert cells & near


def test_heat_gets_finer_cells_when_zoomed_in(demo_con, shapes):
    data, html = render(demo_con, options=MapOptions(layers=("heat",)), shapes_=shapes)
    assert data.heat_fine, "a finer level for closer zooms"
    min_zoom, cell, cells = data.heat_fine[0]
    assert min_zoom > data.zoom and cell < data.heat_cell
    assert cells["n"].sum() == data.heat["n"].sum() == data.counts["located"]
    assert len(cells) <= maps.data.MAX_FINE_CELLS
    assert 'map.on("zoomend", pick)' in html
    # A cell size chosen by the user stays at every zoom.
    fixed = maps.map_data(demo_con, MONTH, MapOptions(layers=("heat",), cell_size=200))
    assert fixed.heat_cell == 200 and fixed.heat_fine == []


FILTERS = [MONTH, IncidentFilter(dt.date(2026, 1, 1), END, categories=("klotter", "inbrott")),
           IncidentFilter(END - dt.timedelta(days=6), END, areas=("fokus_kyrkgatan",)),
           IncidentFilter(dt.date(2024, 1, 1), END, include_duplicates=True, hours=(22, 23, 0))]


@pytest.mark.parametrize("f", FILTERS)
def test_area_stats_equal_the_shared_area_table(demo_con, f):
    from est_data.incidents import queries
    from est_data.maps.data import area_stats

    ours = area_stats(demo_con, f).sort_values("area_id").reset_index(drop=True)
    theirs = queries.area_table(demo_con, f).sort_values("area_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs[ours.columns], check_dtype=False)


@pytest.mark.parametrize("f", FILTERS)
def test_counts_and_extent_in_one_scan(demo_con, f):
    from est_data.maps.data import counts_and_extent, located_counts

    counts, extent = counts_and_extent(demo_con, f)
    assert counts == located_counts(demo_con, f)
    single = grid.data_extent(demo_con, f)
    assert (extent is None) == (single is None)
    if extent:
        assert extent == single


# --- Areas coloured by the change against the previous period ----------------------------



# --- The meeting role's map -----------------------------------------------------------------

ONE_DAY = IncidentFilter(dt.date(2026, 11, 13), dt.date(2026, 11, 13))
MEETING = MapOptions(layers=("areas", "heat", "focus"), suppress_below=3)


def all_heat(data) -> pd.DataFrame:
    return pd.concat([data.heat] + [cells for _, _, cells in data.heat_fine])


@pytest.mark.parametrize("f", [ONE_DAY, MONTH])
def test_the_meeting_map_sends_no_heat_cell_of_one_or_two(demo_con, f):
    """The issue: a one-day filter put one heat cell per located incident in the page."""
    open_map = maps.map_data(demo_con, f, MapOptions(layers=("heat",)))
    meeting = maps.map_data(demo_con, f, MEETING)
    assert (open_map.heat["n"] < 3).any(), "the filter has cells of one or two incidents"
    cells = all_heat(meeting)
    assert len(cells) and (cells["n"] >= 3).all()
    assert set(cells["w"]) <= {0.2, 0.4, 0.6, 0.8, 1.0}  # ratios would give counts back


def test_the_meeting_heat_grows_its_cells_rather_than_going_blank(demo_con):
    """With the size free, cells grow until half the incidents lie in cells that may be
    shown; a size the user chose stays (and may show nothing)."""
    data = maps.map_data(demo_con, ONE_DAY, MEETING)
    shown = data.heat["n"].sum()
    assert shown >= maps.data.MEETING_HEAT_SHARE * data.counts["located"]
    assert data.heat_cell > maps.map_data(demo_con, ONE_DAY, MapOptions(layers=("heat",))).heat_cell
    fixed = maps.map_data(demo_con, ONE_DAY, MapOptions(layers=("heat",), cell_size=50,
                                                        suppress_below=3))
    assert fixed.heat_cell == 50 and fixed.heat.empty and fixed.heat_too_sparse


def test_meeting_areas_carry_the_marks_every_page_uses(demo_con):
    data = maps.map_data(demo_con, ONE_DAY, MEETING)
    marks = published.area_marks(demo_con, ONE_DAY)
    got = data.areas.set_index("area_id")[["current_mark", "previous_mark"]]
    for area, row in got.iterrows():
        if area in marks.index:
            assert tuple(row) == tuple(marks.loc[area, ["current_mark", "previous_mark"]])
        else:
            assert tuple(row) == (privacy.SHOWN, privacy.SHOWN)
    assert (got["current_mark"] == privacy.SMALL).any()
    assert data.count_marks == published.placement_marks(data.counts)
