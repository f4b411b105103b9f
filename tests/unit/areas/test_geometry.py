"""Area files in any CRS, storing, and assigning points (borders, outside, multipolygons)."""
from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from est_data.areas.geometry import (
    AreaFileError, assign_incident_areas, assign_points, load_areas, read_area_file,
    store_areas, to_sweref, to_wgs84)
from est_data.store.db import open_db

X0, Y0 = 470000.0, 7005000.0  # SWEREF 99 TM, central Östersund


def metric_areas():
    """Two squares sharing the border x = X0 + 1000, and a two-part multipolygon."""
    a = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)
    b = shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)
    c = shapely.MultiPolygon([shapely.box(X0, Y0 + 2000, X0 + 500, Y0 + 2500),
                              shapely.box(X0 + 1500, Y0 + 2000, X0 + 2000, Y0 + 2500)])
    return gpd.GeoDataFrame({"area_id": ["A", "B", "C"], "name": ["Ett", "Två", "Tre"],
                             "population": [1000, 2000, None]},
                            geometry=[a, b, c], crs=3006)


@pytest.mark.parametrize("x, y, expected", [
    (X0 + 500, Y0 + 500, "A"),          # inside A
    (X0 + 1500, Y0 + 500, "B"),         # inside B
    (X0 + 1000, Y0 + 500, "A"),         # on the shared border: exactly one, the first id
    (X0 + 1000, Y0 + 1000, "A"),        # on the shared corner
    (X0 + 250, Y0 + 2250, "C"),         # first part of the multipolygon
    (X0 + 1750, Y0 + 2250, "C"),        # second part of the multipolygon
    (X0 + 1000, Y0 + 2250, None),       # in the gap between the parts
    (X0 + 5000, Y0 + 5000, None),       # outside every area
    (np.nan, np.nan, None),             # no location
])
def test_assign_points(x, y, expected):
    assert assign_points([x], [y], metric_areas())[0] == expected


def test_border_point_goes_to_exactly_one_area_whatever_the_input_order():
    gdf = metric_areas().iloc[::-1].sort_values("area_id").reset_index(drop=True)
    assert list(assign_points([X0 + 1000], [Y0 + 500], gdf)) == ["A"]


def write_geojson(gdf, path, crs_epsg):
    gdf.to_crs(crs_epsg).to_file(path, driver="GeoJSON")
    return path


@pytest.mark.parametrize("epsg", [3006, 4326, 3857])
def test_read_area_file_in_any_crs_stores_wgs84(tmp_path, epsg):
    path = write_geojson(metric_areas(), tmp_path / "a.geojson", epsg)
    gdf = read_area_file(path)
    assert gdf.crs.to_epsg() == 4326
    back = gdf.to_crs(3006)
    assert back.geometry.iloc[0].equals_exact(metric_areas().geometry.iloc[0], tolerance=0.5)
    assert list(gdf["area_id"]) == ["A", "B", "C"]


def test_geopackage_and_custom_field_names(tmp_path):
    gdf = metric_areas().rename(columns={"area_id": "deso", "name": "namn"})
    path = tmp_path / "a.gpkg"
    gdf.to_file(path, driver="GPKG")
    out = read_area_file(path, id_field="deso", name_field="namn")
    assert list(out["name"]) == ["Ett", "Två", "Tre"]


def test_missing_field_names_the_columns_it_saw(tmp_path):
    path = write_geojson(metric_areas(), tmp_path / "a.geojson", 4326)
    with pytest.raises(AreaFileError, match="--id-field.*") as err:
        read_area_file(path, id_field="deso")
    assert "area_id" in str(err.value) and "population" in str(err.value)


def test_non_polygons_and_junk_are_refused(tmp_path):
    pts = gpd.GeoDataFrame({"area_id": ["p"], "name": ["P"]}, geometry=[shapely.Point(14.6, 63.1)],
                           crs=4326)
    with pytest.raises(AreaFileError, match="polygons"):
        read_area_file(write_geojson(pts, tmp_path / "p.geojson", 4326))
    junk = tmp_path / "junk.geojson"
    junk.write_bytes(b"\x00\x01not json")
    with pytest.raises(AreaFileError):
        read_area_file(junk)


def test_store_and_reassign(tmp_path):
    with open_db(tmp_path / "x.duckdb") as con:
        lon, lat = to_wgs84([X0 + 500, X0 + 1500], [Y0 + 500, Y0 + 500])
        for i, (lo, la) in enumerate(zip(lon, lat)):
            con.execute(
                "INSERT INTO incidents (incident_id, source, occurred_at, category, precision, "
                "lat, lon, x, y) VALUES (?, 's', TIMESTAMP '2025-01-01', 'klotter', 'point', ?, ?, ?, ?)",
                [f"s:{i}", la, lo, [X0 + 500, X0 + 1500][i], Y0 + 500])
        store_areas(con, metric_areas())
        got = dict(con.execute("SELECT incident_id, area_id FROM incidents").fetchall())
        assert got == {"s:0": "A", "s:1": "B"}
        loaded = load_areas(con)
        assert set(loaded["area_id"]) == {"A", "B", "C"}
        assert loaded.crs.to_epsg() == 4326
        assert loaded.set_index("area_id").loc["A", "area_km2"] == pytest.approx(1.0, rel=1e-3)


def test_focus_areas_fill_focus_area_id():
    areas = metric_areas().to_crs(4326)
    areas["kind"] = ["deso", "deso", "deso"]
    focus = gpd.GeoDataFrame({"area_id": ["F"], "name": ["Fokus"], "kind": ["custom"]},
                             geometry=[shapely.box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 300)],
                             crs=3006).to_crs(4326)
    both = gpd.GeoDataFrame(gpd.pd.concat([areas, focus], ignore_index=True), crs=4326)
    area_id, focus_id = assign_incident_areas([X0 + 200, X0 + 600], [Y0 + 200, Y0 + 600], both)
    assert list(area_id) == ["A", "A"]
    assert list(focus_id) == ["F", None]


def test_crs_round_trip():
    x, y = to_sweref([14.6361], [63.1792])
    lon, lat = to_wgs84(x, y)
    assert 475000 < x[0] < 490000 and 7000000 < y[0] < 7015000
    assert lon[0] == pytest.approx(14.6361) and lat[0] == pytest.approx(63.1792)


def test_cli_areas_import(tmp_path, capsys):
    from est_data.cli import main

    path = write_geojson(metric_areas(), tmp_path / "a.geojson", 3006)
    db = tmp_path / "x.duckdb"
    assert main(["areas", "import", str(path), "--db", str(db)]) == 0
    assert "3 areas" in capsys.readouterr().out
    assert main(["areas", "import", str(path), "--db", str(db), "--id-field", "nope"]) == 2
    assert "error:" in capsys.readouterr().err
