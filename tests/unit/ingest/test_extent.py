"""Places outside the municipality (ingest.extent): rejected with a Swedish reason and
counted in the report, or accepted as points without area; through the pipeline, the
command line and rebuild."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from est_data.cli import main
from est_data.ingest import coords, extent, import_file
from est_data.ingest.rebuild import rebuild
from est_data.ingest.report import location_table
from est_data.store.db import connect

from ingest_util import NOW, areas_only_db, write
from readback import q

# A 10 x 10 km statistical area and a focus area inside it (SWEREF 99 TM).
X0, Y0 = 470_000.0, 7_000_000.0
SQUARE = gpd.GeoDataFrame(
    {"area_id": ["a", "f"], "name": ["A", "F"], "kind": ["deso", "custom"]},
    geometry=[shapely.box(X0, Y0, X0 + 10_000, Y0 + 10_000),
              shapely.box(X0, Y0, X0 + 1_000, Y0 + 1_000)], crs=3006).to_crs(4326)


@pytest.mark.parametrize("x,y,area,out", [
    (X0 + 5_000, Y0 + 5_000, "a", False),            # in the area
    (X0 - 1_500, Y0 + 5_000, None, False),           # 1.5 km off the edge: tolerated
    (X0 + 11_900, Y0 + 11_000, None, True),          # 2.2 km off a corner
    (X0 - 3_000, Y0 + 5_000, None, True),            # 3 km off the edge
    (674_000.0, 6_580_000.0, None, True),            # Stockholm
])
def test_outside_is_measured_against_the_statistical_areas(x, y, area, out):
    got = extent.outside(np.array([x]), np.array([y]), np.array([coords.OK]),
                         np.array([area], dtype=object), SQUARE)
    assert bool(got[0]) == out


@pytest.mark.parametrize("status,out", [(coords.OK, False), (coords.OUTSIDE, True)])
def test_without_statistical_areas_the_box_decides(status, out):
    focus_only = SQUARE[SQUARE["kind"] == "custom"]
    for areas in (None, focus_only):
        got = extent.outside(np.array([X0 - 50_000]), np.array([Y0]), np.array([status]),
                             np.array([None], dtype=object), areas)
        assert bool(got[0]) == out
    assert "koordinatram" in extent.reason_sv(focus_only)
    assert "2 km från kommunens områden" in extent.reason_sv(SQUARE)


# Five places in Östersund, Stockholm in WGS84, and a SWEREF point near Stockholm.
ROWS = ("Id;Datum;Kategori;Lat;Lon\n"
        "P1;2025-05-10 22:00;Klotter;63,1792;14,6361\n"
        "P2;2025-05-10 22:05;Klotter;14,6402;63,1801\n"       # swapped: still Östersund
        "P3;2025-05-10 22:10;Klotter;63,1755;14,6300\n"
        "P4;2025-05-10 22:15;Klotter;7005607;481681\n"        # SWEREF N/E
        "P5;2025-05-10 22:20;Klotter;481681;7005700\n"        # SWEREF E/N
        "S1;2025-05-10 22:25;Klotter;59,3293;18,0686\n"       # Stockholm
        "S2;2025-05-10 22:30;Klotter;6580000;674000\n")       # SWEREF, Stockholm
REASON = "Platsen ligger utanför kommunen (mer än 2 km från kommunens områden)"


@pytest.fixture
def db(tmp_path):
    return areas_only_db(tmp_path / "est.duckdb")


def test_places_outside_are_rejected_with_the_reason_and_counted(db, tmp_path):
    con = connect(db)
    report = import_file(con, write(tmp_path / "p.csv", ROWS), "partner", now=NOW)
    assert (report.rows_new, report.rows_rejected) == (5, 2)
    assert report.rejected_reasons == {REASON: 2}
    assert report.location["outside"] == 2 and report.location["swapped"] == 2
    assert ("Platsen låg utanför kommunen (raden avvisad; kan tas med utan område)", 2) in \
        set(location_table(report).itertuples(index=False, name=None))
    assert con.execute("SELECT row_number, reason FROM rejected_rows ORDER BY 1").fetchall() \
        == [(7, REASON), (8, REASON)]     # file lines
    assert con.execute("SELECT count(*) FROM incidents WHERE area_id IS NOT NULL "
                       "AND precision = 'point'").fetchall() == [(5,)]
    con.close()


def test_accepted_places_outside_keep_their_point_without_area(db, tmp_path):
    con = connect(db)
    report = import_file(con, write(tmp_path / "p.csv", ROWS), "partner", now=NOW,
                         accept_outside=True)
    assert (report.rows_new, report.rows_rejected) == (7, 0)
    assert report.location["outside_accepted"] == 2 and report.location["outside"] == 0
    got = con.execute("SELECT source_ref, precision, round(lat, 1), round(lon, 1) FROM incidents "
                      "WHERE area_id IS NULL AND focus_area_id IS NULL ORDER BY 1").fetchall()
    assert got == [("S1", "point", 59.3, 18.1), ("S2", "point", 59.3, 18.1)]
    con.close()


def test_cli_accept_outside_and_rebuild_keeps_the_choice(db, tmp_path, capsys):
    path = write(tmp_path / "p.csv", ROWS)
    assert main(["import", str(path), "--source", "partner", "--db", str(db)]) == 0
    assert "--accept-outside" in capsys.readouterr().out
    assert main(["import", str(path), "--source", "other", "--accept-outside",
                 "--db", str(db)]) == 0
    counts = "SELECT source, count(*) FROM incidents GROUP BY 1 ORDER BY 1"
    assert q(db, counts) == [("other", 7), ("partner", 5)]
    rebuild(db)
    assert q(db, counts) == [("other", 7), ("partner", 5)]
