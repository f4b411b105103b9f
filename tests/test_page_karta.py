"""AppTest of the Karta page (the map itself is checked in test_maps / the browser test)."""
from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from conftest import REPO_ROOT
from est_data import maps

APP = str(REPO_ROOT / "app.py")


def open_karta(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    return at.switch_page("pages/karta.py").run()


def map_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert len(comps) == 1, "one folium map"
    return json.loads(comps[0].proto.json_args)


def test_karta_draws_map_with_default_layers(app_db):
    at = open_karta()
    assert not at.exception
    assert at.title[0].value == "Karta"
    args = map_args(at)
    script = args["script"]
    assert "L.heatLayer(" in script and "L.geoJson(" in script and "L.markerClusterGroup(" in script
    assert "L.control.layers(" in script
    assert all(u.startswith("/app/static/vendor/") for u in args["js_links"] + args["css_links"])
    assert args["returned_objects"] == ["last_object_clicked"]
    caption = at.caption[0].value
    assert "händelser i filtret" in caption and "kommunnivå" in caption


def test_layer_choice_changes_the_map(app_db):
    at = open_karta()
    at.pills(key="karta_layers").set_value(["heat"]).run()
    assert not at.exception
    script = map_args(at)["script"]
    assert "L.heatLayer(" in script and "L.geoJson(" not in script
    assert "L.markerClusterGroup(" not in script


def test_filter_change_redraws(app_db):
    at = open_karta()
    before = at.caption[0].value
    at.sidebar.multiselect(key="f_categories").set_value(["brand"]).run()
    assert not at.exception
    assert at.caption[0].value != before
    assert at.query_params["kat"] in ("brand", ["brand"])


def test_too_many_incidents_are_not_drawn_one_by_one(app_db):
    at = open_karta(fran="2023-11-16", till="2026-11-15")
    assert not at.exception
    assert any(f"{maps.MAX_POINTS:,}".replace(",", "\u00a0") in i.value for i in at.info)
    assert "L.markerClusterGroup(" not in map_args(at)["script"]


def test_area_figures_below_the_map(app_db):
    at = open_karta()
    at.selectbox(key="karta_area").set_value("fokus_kyrkgatan").run()
    assert not at.exception
    assert any("Kyrkgatan" in m.value for m in at.markdown)
    labels = [m.label for m in at.metric]
    assert labels == ["Händelser", "Föregående period", "Per 1 000 invånare"]
    cats = at.dataframe[-1].value
    assert list(cats.columns) == ["label", "current", "previous", "change"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_rate_colouring_and_no_tiles(app_db, monkeypatch):
    monkeypatch.setenv("EST_TILES", "none")
    at = open_karta()
    at.segmented_control(key="karta_measure").set_value("rate").run()
    assert not at.exception
    script = map_args(at)["script"]
    assert "L.tileLayer(" not in script
    assert "per 1 000 inv" in json.dumps(script, ensure_ascii=False) or "1 000 inv" in script


def test_empty_database_gives_guidance(tmp_path, monkeypatch):
    from est_data.db import open_db

    path = tmp_path / "empty.duckdb"
    with open_db(path):
        pass
    monkeypatch.setenv("EST_DB", str(path))
    at = open_karta()
    assert not at.exception
    assert any("inga händelser" in i.value.lower() for i in at.info)
    assert not at.get("component_instance")
