"""What st_folium returns for a drawing becomes a shape in SWEREF 99 TM (table-driven:
Leaflet.draw's polygon, rectangle and circle, and everything else that must not)."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from est_data.areas.geometry import to_sweref
from est_data.core.shape import MAX_VERTICES
from est_data.maps import drawing

LON, LAT = 14.64, 63.175
SQUARE = [[14.63, 63.17], [14.65, 63.17], [14.65, 63.18], [14.63, 63.18], [14.63, 63.17]]


def feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_polygon_corners_in_sweref():
    shape = drawing.shape_from_geojson(feature({"type": "Polygon", "coordinates": [SQUARE]}))
    assert shape.kind == "polygon" and len(shape.corners) == 4
    x, y = to_sweref([c[0] for c in SQUARE[:4]], [c[1] for c in SQUARE[:4]])
    assert shape.corners == [(round(a), round(b)) for a, b in zip(x, y)]


def test_circle_is_centre_and_radius_in_metres():
    shape = drawing.shape_from_geojson(
        feature({"type": "Point", "coordinates": [LON, LAT]}, radius=250.4))
    x, y = to_sweref([LON], [LAT])
    assert shape.kind == "circle" and shape.coords == (round(x[0]), round(y[0]), 250)
    # The outline drawn back on the map has that radius (SWEREF 99 TM is true to scale here).
    ring = drawing.shape_metric(shape)
    assert ring.area == pytest.approx(np.pi * 250 ** 2, rel=0.01)


@pytest.mark.parametrize("feat", [
    None, {}, {"geometry": None},
    feature({"type": "LineString", "coordinates": SQUARE}),
    feature({"type": "Point", "coordinates": [LON, LAT]}),               # a marker: no radius
    feature({"type": "Point", "coordinates": [LON, LAT]}, radius=0),
    feature({"type": "Point", "coordinates": [LON, LAT]}, radius=1e9),
    feature({"type": "Point", "coordinates": ["x", LAT]}, radius=10),
    feature({"type": "Polygon", "coordinates": [[[LON, LAT], [LON, LAT], [LON, LAT]]]}),
    feature({"type": "Polygon", "coordinates": []}),
    feature({"type": "Polygon", "coordinates": [[["a", 1], [2, 3], [4, 5]]]}),
])
def test_anything_else_is_no_shape(feat):
    assert drawing.shape_from_geojson(feat) is None


def test_a_bow_tie_keeps_its_larger_half():
    bow = [[14.63, 63.17], [14.66, 63.18], [14.66, 63.17], [14.63, 63.18], [14.63, 63.17]]
    shape = drawing.shape_from_geojson(feature({"type": "Polygon", "coordinates": [bow]}))
    assert shape is not None and shapely.Polygon(shape.corners).is_valid


def test_a_very_detailed_polygon_is_simplified_to_the_limit():
    t = np.linspace(0, 2 * np.pi, 1000, endpoint=False)
    ring = np.column_stack([LON + 0.02 * np.cos(t), LAT + 0.01 * np.sin(t)]).tolist()
    shape = drawing.shape_from_geojson(feature({"type": "Polygon",
                                                "coordinates": [ring + ring[:1]]}))
    assert 3 <= len(shape.corners) <= MAX_VERTICES
    full = shapely.Polygon(np.column_stack(to_sweref(*np.array(ring).T)))
    assert shapely.Polygon(shape.corners).area == pytest.approx(full.area, rel=0.01)


@pytest.mark.parametrize("result, expected", [
    (None, None), ({}, None), ({"all_drawings": None}, None), ({"all_drawings": []}, None),
    ({"all_drawings": [{"a": 1}, {"b": 2}]}, {"b": 2}),
    # An area click sets last_active_drawing too: it is not a drawing.
    ({"all_drawings": [], "last_active_drawing": {"id": "fokus_kyrkgatan"}}, None),
])
def test_latest_drawing(result, expected):
    assert drawing.latest_drawing(result) == expected


def test_wgs84_outline_round_trips():
    shape = drawing.shape_from_geojson(feature({"type": "Polygon", "coordinates": [SQUARE]}))
    geo = drawing.shape_geojson(shape)
    assert geo["geometry"]["type"] == "Polygon"
    lon, lat = np.array(geo["geometry"]["coordinates"][0]).T
    assert lon.min() == pytest.approx(14.63, abs=1e-5) and lat.max() == pytest.approx(63.18, abs=1e-5)
