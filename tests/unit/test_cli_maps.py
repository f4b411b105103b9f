"""``python -m est_data hotspots``: arguments, the JSON on stdout, the file for QGIS."""
from __future__ import annotations

import json

import geopandas as gpd
import pytest

from est_data.cli import main

PERIOD = ["--from", "2025-11-16", "--to", "2026-11-15"]


@pytest.mark.parametrize("extra, check", [
    ([], lambda fc: fc["cell_m"] == 100 and fc["features"]),
    (["--cell", "250"], lambda fc: fc["cell_m"] == 250),
    (["--category", "inbrott", "--category", "stold"], lambda fc: fc["cell_m"] == 100 and fc["tested"] > 0),
    (["--from", "2026-11-15", "--to", "2026-11-15", "--category", "brand"],
     lambda fc: fc["features"] == [] and fc["note"]),
])
def test_json_is_a_feature_collection(demo_db, capsys, extra, check):
    assert main(["hotspots", "--db", str(demo_db), *PERIOD, *extra, "--json"]) == 0
    fc = json.loads(capsys.readouterr().out)
    assert fc["type"] == "FeatureCollection" and check(fc)
    for feat in fc["features"]:
        assert set(feat["properties"]) == {"kind", "count", "z", "p_adj"}
        assert feat["geometry"]["type"] == "Polygon"


def test_category_filter_is_applied(demo_db, capsys):
    counts = []
    for extra in ([], ["--category", "inbrott"]):
        assert main(["hotspots", "--db", str(demo_db), *PERIOD, *extra, "--json"]) == 0
        counts.append(json.loads(capsys.readouterr().out)["tested"])
    assert counts[1] < counts[0]


def test_geojson_file_reads_in_geopandas(demo_db, tmp_path, capsys):
    out = tmp_path / "hot.geojson"
    assert main(["hotspots", "--db", str(demo_db), *PERIOD, "--geojson", str(out)]) == 0
    assert "hot and" in capsys.readouterr().out          # a summary, not the JSON
    gdf = gpd.read_file(out)
    assert len(gdf) > 0 and gdf.crs.to_epsg() == 4326
    assert set(gdf["kind"]) <= {"hot", "cold"} and (gdf["p_adj"] <= 0.10).all()
    assert gdf.geometry.geom_type.eq("Polygon").all()
    assert gdf.total_bounds[0] > 14 and gdf.total_bounds[3] < 64


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-11-15", "--to", "2026-11-01"], "after --to"),
    (["--from", "2026-11-01", "--to", "2026-11-15", "--cell", "-5"], "positive"),
])
def test_expected_errors(demo_db, capsys, args, message):
    assert main(["hotspots", "--db", str(demo_db), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err and "Traceback" not in err


def test_dates_are_required(demo_db):
    with pytest.raises(SystemExit) as exc:
        main(["hotspots", "--db", str(demo_db), "--to", "2026-11-15"])
    assert exc.value.code == 2
