"""AppTest of Områden: stored areas, focus areas marked in the app, new areas from a file."""
from __future__ import annotations

import json

import duckdb
import pytest

from est_data.areas.geometry import to_sweref


def square_geojson(con, half_m: float, crs: str | None = "EPSG:3006", **props) -> bytes:
    """A square around the median located incident of 2380C1170, in SWEREF 99 TM."""
    lon, lat = con.execute("SELECT median(lon), median(lat) FROM incidents "
                           "WHERE area_id = '2380C1170' AND lon IS NOT NULL").fetchall()[0]
    x, y = (float(v[0]) for v in to_sweref([lon], [lat]))
    ring = [[x - half_m, y - half_m], [x + half_m, y - half_m], [x + half_m, y + half_m],
            [x - half_m, y + half_m], [x - half_m, y - half_m]]
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": props,
                         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"}}
    return json.dumps(doc).encode("utf-8")


def test_lists_stored_areas_focus_first(app_db, app_test):
    at = app_test("omraden", timeout=90)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 24
    assert list(table["is_focus"][:2]) == [True, True] and not table["is_focus"][2:].any()
    assert set(table["name"][:2]) == {"Kyrkgatan", "Arågränd"}


def test_upload_a_new_focus_area(app_db, app_test):
    with duckdb.connect(str(app_db), read_only=True) as con:
        data = square_geojson(con, 150, id="fokus_torget", namn="Torget")
    at = app_test("omraden", timeout=90)
    at.file_uploader(key="omr_upload").set_value(("torget.geojson", data, "application/geo+json")).run()
    assert not at.exception
    assert at.selectbox(key="omr_id").value == "id"          # fields guessed from their names
    assert at.selectbox(key="omr_name").value == "namn"
    assert at.radio(key="omr_kind").value == "custom" and at.checkbox(key="omr_as_focus").value
    assert any("**1** områden i filen" in m.value for m in at.markdown)
    at.button(key="omr_store").click().run()
    assert not at.exception
    assert any("1 områden är sparade" in s.value for s in at.success)
    with duckdb.connect(str(app_db), read_only=True) as con:
        kind, focus = con.execute("SELECT kind, is_focus FROM areas "
                                  "WHERE area_id = 'fokus_torget'").fetchall()[0]
        inside = con.execute("SELECT count(*) FROM incidents "
                             "WHERE focus_area_id = 'fokus_torget'").fetchall()[0][0]
        logged = con.execute("SELECT username, details FROM audit_log "
                             "WHERE action = 'area_admin.store'").fetchall()
    assert (kind, focus) == ("custom", True)
    assert inside > 0                                          # incidents re-assigned at once
    assert logged and logged[0][1].startswith("torget.geojson, custom, True")


@pytest.mark.parametrize("name, content, message", [
    ("trasig.geojson", b"{not json", "kan inte läsas som GeoJSON"),
    ("tom.geojson", b'{"type": "FeatureCollection", "features": []}', "inga områden"),
])
def test_unreadable_files_give_swedish_messages(app_db, name, content, message, app_test):
    at = app_test("omraden", timeout=90)
    at.file_uploader(key="omr_upload").set_value((name, content, "application/json")).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_metres_without_a_crs_are_read_as_sweref(app_db):
    """A GeoJSON without a "crs" member counts as WGS84; Swedish files in metres are
    SWEREF 99 TM, so values in that range are read as such."""
    with duckdb.connect(str(app_db), read_only=True) as con:
        with_crs = square_geojson(con, 150, id="a", namn="A")
        without = square_geojson(con, 150, crs=None, id="a", namn="A")
    from est_data.areas import admin as area_admin

    def bounds(data):
        areas = area_admin.prepare(area_admin.read_upload(data, "f.geojson"), "id", "namn",
                                   None, "f.geojson")
        return [round(v, 6) for v in areas.total_bounds]

    assert bounds(without) == bounds(with_crs)
    assert 14 < bounds(without)[0] < 15 and 63 < bounds(without)[1] < 64


def test_coordinates_in_no_known_system_are_refused(app_db, app_test):
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature",
           "properties": {"id": "x", "namn": "X"}, "geometry": {"type": "Polygon", "coordinates": [
               [[5e7, 5e7], [5e7 + 10, 5e7], [5e7 + 10, 5e7 + 10], [5e7, 5e7]]]}}]}
    at = app_test("omraden", timeout=90)
    at.file_uploader(key="omr_upload").set_value(
        ("x.geojson", json.dumps(doc).encode(), "application/json")).run()
    assert not at.exception
    assert any("saknar koordinatsystem" in e.value for e in at.error)
    assert len(at.button) == 1  # only the focus form's button: nothing to save


def test_mark_an_area_as_focus_area(app_db, app_test):
    at = app_test("omraden", timeout=90)
    at.selectbox(key="omr_focus_area").set_value("2380C1220").run()
    at.toggle(key="omr_focus_2380C1220").set_value(True).run()
    at.button(key="omr_focus_save").click().run()
    assert not at.exception
    assert any("är nu ett fokusområde" in s.value for s in at.success)
    with duckdb.connect(str(app_db), read_only=True) as con:
        assert con.execute("SELECT is_focus FROM areas WHERE area_id = '2380C1220'").fetchall() == [(True,)]
