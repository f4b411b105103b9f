"""The incident table beside the map, the chosen row's point, and the analyst's map
elements (drawing toolbar in Swedish, shape outline, ringed and centred incident)."""
from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import folium
import pandas as pd
import pytest

from est_data.core.filters import IncidentFilter
from est_data.core.shape import DrawnShape
from est_data.maps import analyst, click, incident_table

END = dt.date(2026, 11, 15)
MONTH = IncidentFilter(END - dt.timedelta(days=29), END)


@pytest.fixture(scope="module")
def points(demo_db_master):
    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        return incident_table.incident_list(con, MONTH)


def test_table_lists_newest_located_incidents_first(points):
    assert len(points) > 10
    assert points["occurred_at"].is_monotonic_decreasing
    assert points[["lat", "lon"]].notna().all().all()


def test_table_view_in_swedish_and_descriptions_only_when_allowed(points):
    full = incident_table.table_view(points, descriptions=True)
    assert list(full.columns) == ["Tid", "Kategori", "Aktör", "Adress", "Beskrivning"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", full["Tid"].iloc[0])
    assert "storning" not in set(full["Kategori"])  # labels, not codes
    assert "Beskrivning" not in incident_table.table_view(points, descriptions=False).columns


def test_shape_filters_the_table(demo_db_master, points):
    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        x, y = con.execute("SELECT x, y FROM incidents WHERE incident_id = ?",
                           [points["incident_id"].iloc[0]]).fetchall()[0]
        near = incident_table.incident_list(
            con, IncidentFilter(MONTH.start, MONTH.end,
                                shape=DrawnShape("circle", (round(x), round(y), 150))))
    assert 0 < len(near) < len(points)
    assert points["incident_id"].iloc[0] in set(near["incident_id"])


@pytest.mark.parametrize("rows, ok", [([], False), ([0], True), ([3], True), ([10**6], False),
                                      ([-1], False)])
def test_selected_point(points, rows, ok):
    got = incident_table.selected_point(points, rows)
    if not ok:
        assert got is None
        return
    r = points.iloc[rows[0]]
    assert (got["lat"], got["lon"], got["incident_id"]) == (r["lat"], r["lon"], r["incident_id"])
    assert pd.Timestamp(r["occurred_at"]).strftime("%Y-%m-%d") in got["label"]


def _script(m: folium.Map) -> str:
    return m.get_root().render()


def test_analyst_tools_on_the_map():
    m = folium.Map(location=[63.17, 14.64])
    shape = DrawnShape("circle", (481_874, 7_005_138, 250))
    analyst.add_analyst_tools(m, draw=True, shape=shape,
                              selected={"lat": 63.171, "lon": 14.641, "label": "Brand `x` <b>"})
    html = _script(m)
    assert "L.Control.Draw(" in html and "Rita en yta" in html and "Rita en cirkel" in html
    assert '"polyline": false' in html and '"marker": false' in html
    assert "est-selected" in html and "setView([63.171, 14.641], 17)" in html
    assert "Brand &#96;x&#96; &lt;b&gt;" in html and "<b>" not in html.split("Brand")[1][:30]
    assert "Kartfilter" in html
    # The layer control is made after every layer it lists.
    assert html.rindex("L.control.layers(") > max(html.rindex("L.geoJson("), html.rindex("est-selected"))


def test_without_drawing_no_toolbar():
    m = analyst.add_analyst_tools(folium.Map(), draw=False)
    assert "L.Control.Draw(" not in _script(m)


@pytest.mark.parametrize("starts, bucket, expected", [
    (["2026-05-17", "2026-05-18"], "day", ["17 maj", "18 maj"]),
    (["2025-12-29", "2026-01-05"], "week", ["29 dec 2025", "5 jan 2026"]),
    (["2025-12-01", "2026-01-01"], "month", ["dec 2025", "jan 2026"]),
])
def test_trend_labels_are_swedish(starts, bucket, expected):
    assert click.trend_labels(pd.Series(pd.to_datetime(starts)), bucket) == expected


def test_trend_chart_speaks_swedish():
    trend = pd.DataFrame({"start": pd.to_datetime(["2026-05-11", "2026-05-18"]),
                          "count": [3, 4], "period": ["Föregående", "Vald period"]})
    spec = json.dumps(click.trend_chart(trend, "week").to_dict(), ensure_ascii=False)
    assert '"title": "Period"' in spec and '"title": "Antal"' in spec
    assert "11 maj" in spec and "May" not in spec and '"period"' in spec


def test_a_new_filter_is_a_new_table():
    """A chosen row is a position: after a filter change it must not point at another
    incident, so the table (and its selection) starts afresh."""
    same = IncidentFilter(MONTH.start, MONTH.end)
    assert incident_table.table_key(MONTH) == incident_table.table_key(same)
    for other in (IncidentFilter(MONTH.start, MONTH.end, categories=("brand",)),
                  IncidentFilter(MONTH.start, MONTH.end, shape=DrawnShape("circle", (1, 2, 3)))):
        assert incident_table.table_key(other) != incident_table.table_key(MONTH)
