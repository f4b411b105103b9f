"""The hot spots of a filter as a GeoJSON FeatureCollection (the CLI's and QGIS's)."""
from __future__ import annotations

import datetime as dt

import pytest
import shapely

from est_data.core.errors import UserError
from est_data.core.filters import IncidentFilter
from est_data.maps import hotspot_export
from est_data.maps.hotspot_export import hotspot_features, summary_line

END = dt.date(2026, 11, 15)
YEAR = IncidentFilter(END - dt.timedelta(days=364), END)


def test_features_are_significant_cells_in_wgs84(demo_con):
    fc = hotspot_features(demo_con, YEAR)
    assert fc["type"] == "FeatureCollection" and fc["cell_m"] == 100 and fc["fdr"] == 0.10
    assert fc["min_events"] == 5 and fc["tested"] > 0 and fc["note"] is None
    assert fc["features"], "the demo's busy streets are clusters"
    for feat in fc["features"]:
        props = feat["properties"]
        assert set(props) == {"kind", "count", "z", "p_adj"}
        assert props["kind"] in ("hot", "cold") and 0 <= props["p_adj"] <= 0.10
        assert (props["z"] > 0) == (props["kind"] == "hot")
        poly = shapely.geometry.shape(feat["geometry"])
        lon, lat = poly.centroid.x, poly.centroid.y
        assert 14.0 < lon < 15.5 and 62.8 < lat < 63.5          # Östersund, not metres
        assert poly.is_valid and len(feat["geometry"]["coordinates"][0]) == 5
    assert "hot and" in summary_line(fc)


def test_cell_size_is_kept(demo_con):
    fc = hotspot_features(demo_con, YEAR, cell=250)
    assert fc["cell_m"] == 250
    poly = shapely.geometry.shape(fc["features"][0]["geometry"])
    assert 0.002 < poly.bounds[3] - poly.bounds[1] < 0.003     # 250 m of latitude


def test_too_few_events_give_an_empty_collection_with_the_reason(demo_con):
    day = IncidentFilter(END, END, categories=("brand",))
    fc = hotspot_features(demo_con, day)
    assert fc["features"] == [] and fc["note"] == hotspot_export.TOO_FEW_SV
    assert summary_line(fc).startswith("no hot spots tested")


@pytest.mark.parametrize("f, cell, message", [
    (IncidentFilter(END, END - dt.timedelta(days=1)), None, "after --to"),
    (YEAR, 0, "positive"),
    (YEAR, 5, "larger --cell"),
])
def test_refusals(demo_con, f, cell, message):
    with pytest.raises(UserError, match=message) as err:
        hotspot_features(demo_con, f, cell)
    assert err.value.sv
