"""AppTest of the Karta page (the map itself is checked in test_maps / the browser test)."""
from __future__ import annotations

import json
import re

import duckdb
from streamlit.testing.v1 import AppTest

from est_data import maps
from est_data.core import fmt
from json_util import readable


def map_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert len(comps) == 1, "one folium map"
    return json.loads(comps[0].proto.json_args)


def test_karta_draws_map_with_default_layers(app_db, app_test):
    at = app_test("karta")
    assert not at.exception
    assert at.title[0].value == "Karta"
    args = map_args(at)
    script = args["script"]
    assert "L.heatLayer(" in script and "L.geoJson(" in script and "L.markerClusterGroup(" in script
    assert "L.control.layers(" in script
    assert all(u.startswith("/app/static/vendor/") for u in args["js_links"] + args["css_links"])
    # Area clicks, and shapes drawn as a filter (the open demo user sees single incidents).
    assert args["returned_objects"] == ["last_object_clicked", "all_drawings"]
    assert "L.Control.Draw(" in script and "L.drawLocal" in script
    caption = at.caption[0].value
    assert "händelser i filtret" in caption and "kommunnivå" in caption


def test_layer_choice_changes_the_map(app_db, app_test):
    at = app_test("karta")
    at.pills(key="lager").set_value(["heat"]).run()
    assert not at.exception
    script = map_args(at)["script"]
    assert "L.heatLayer(" in script and "L.geoJson(" not in script
    assert "L.markerClusterGroup(" not in script


def test_filter_change_redraws(app_db, app_test):
    at = app_test("karta")
    before = at.caption[0].value
    at.sidebar.multiselect(key="f_categories").set_value(["brand"]).run()
    assert not at.exception
    assert at.caption[0].value != before
    assert at.query_params["kat"] in ("brand", ["brand"])


def test_too_many_incidents_are_not_drawn_one_by_one(app_db, app_test):
    at = app_test("karta", fran="2023-11-16", till="2026-11-15")
    assert not at.exception
    assert any(f"{maps.MAX_POINTS:,}".replace(",", "\u00a0") in i.value for i in at.info)
    assert "L.markerClusterGroup(" not in map_args(at)["script"]


def test_area_figures_below_the_map(app_db, app_test):
    at = app_test("karta")
    at.selectbox(key="visa").set_value("fokus_kyrkgatan").run()
    assert not at.exception
    assert any("Kyrkgatan" in m.value for m in at.markdown)
    labels = [m.label for m in at.metric]
    assert labels == ["Händelser", "Föregående period", "Per 1 000 invånare"]
    cats = at.dataframe[-1].value
    assert list(cats.columns) == ["Kategori", "Antal", "Föregående", "Förändring"]
    assert cats["Antal"].dtype.kind == "i"  # numbers for those who may see them: they sort
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_rate_colouring_and_no_tiles(app_db, monkeypatch, app_test):
    monkeypatch.setenv("EST_TILES", "none")
    at = app_test("karta")
    at.segmented_control(key="farg").set_value("rate").run()
    assert not at.exception
    script = map_args(at)["script"]
    assert "L.tileLayer(" not in script
    text = readable(script)
    assert "Händelser per 1 000 invånare" in text  # the legend's heading
    # Every area's tooltip: its count per 1 000 of its population, one decimal, decimal comma.
    tips = re.findall(r"<b>([^<]+)</b><br>Händelser: ([\d\u00a0]+) [^<]*"
                      r"<br>Per 1 000 invånare: ([^<]+)<", text)
    with duckdb.connect(str(app_db), read_only=True) as con:
        population = dict(con.execute("SELECT name, population FROM areas").fetchall())
    assert len(tips) >= 20, tips
    for name, count, rate in tips:
        per_1000 = round(int(count.replace("\u00a0", "")) / population[name] * 1000, 1)
        assert re.fullmatch(r"\d+,\d", rate) and rate == fmt.num(per_1000, 1), (name, rate)


def test_empty_database_gives_guidance(empty_db, app_test):
    at = app_test("karta")
    assert not at.exception
    assert any("inga händelser" in i.value.lower() for i in at.info)
    assert not at.get("component_instance")


# --- The map's own choices in the URL (short codes: est_data.maps.link) ----------------------

def test_a_link_opens_the_same_map(app_db, app_test):
    """Layers, colouring, cell size and the chosen area come from the URL (Swedish labels)."""
    at = app_test("karta", kat="klotter", lager=["Täthet", "Fokusområden"],
                  farg="Per 1 000 invånare", ruta="200 m", visa="Kyrkgatan")
    assert not at.exception
    assert at.pills(key="lager").value == ["heat", "focus"]
    assert at.segmented_control(key="farg").value == "rate"
    assert at.selectbox(key="ruta").value == 200
    assert at.selectbox(key="visa").value == "fokus_kyrkgatan"
    script = map_args(at)["script"]
    assert "L.heatLayer(" in script and "L.markerClusterGroup(" not in script
    assert "200 m" in json.dumps(script, ensure_ascii=False)
    assert at.sidebar.multiselect(key="f_categories").value == ["klotter"]


def test_a_filter_change_keeps_the_map_choices_in_the_url(app_db, app_test):
    """The sidebar rewrites only the filter's parameters (the browser test checks that the
    browser writes the map's own ones when they change)."""
    at = app_test("karta", lager=["Täthet", "Ortnamn"], farg="Per 1 000 invånare")
    at.sidebar.multiselect(key="f_categories").set_value(["brand"]).run()
    assert not at.exception
    assert at.query_params["kat"] in ("brand", ["brand"])
    # A link written with labels (before the codes) is kept, in codes.
    assert at.query_params["lager"] in ("tat,namn", ["tat,namn"])
    assert at.query_params["farg"] in ("per1000", ["per1000"])
    assert at.pills(key="lager").value == ["heat", "labels"]


def test_map_choices_go_in_the_link_as_short_codes(app_db, app_test):
    at = app_test("karta", lager="gi,omr", farg="forandring")
    assert not at.exception
    assert at.pills(key="lager").value == ["areas", "hotspots"]
    assert at.segmented_control(key="farg").value == "change"
    at.pills(key="lager").set_value(["heat", "focus"]).run()
    at.segmented_control(key="farg").set_value("count").run()
    assert at.query_params["lager"] in ("tat,fokus", ["tat,fokus"])
    assert "farg" not in at.query_params  # the default is left out
    at.pills(key="lager").set_value([]).run()  # no layers at all is a choice too
    assert at.query_params["lager"] in ("", [""])


def test_unknown_map_values_in_a_link_fall_back_to_the_defaults(app_db, app_test):
    at = app_test("karta", lager="<script>", farg="blå", ruta="7 m", visa="2380X9999")
    assert not at.exception
    assert at.pills(key="lager").value == list(maps.DEFAULT_LAYERS)
    assert at.segmented_control(key="farg").value == "count"
    assert at.selectbox(key="ruta").value is None
    assert at.selectbox(key="visa").value is None


def test_colour_by_change_against_the_previous_period(app_db, app_test):
    at = app_test("karta", farg="Förändring")
    assert not at.exception
    assert at.segmented_control(key="farg").value == "change"
    assert "Förändring mot föregående period" in readable(map_args(at)["script"])


def test_hotspot_legend_says_what_the_threshold_means(app_db, app_test):
    """A year of incidents: clusters drawn, and the legend names the FDR, not a
    '99 % säkerhet' that no test on the map has."""
    at = app_test("karta", fran="2025-11-16", till="2026-11-15")
    at.pills(key="lager").set_value(["hotspots"]).run()
    assert not at.exception
    text = readable(map_args(at)["script"])
    assert "Signifikant kluster (FDR 10 %)" in text
    assert "Högst 10 % av de markerade rutorna väntas vara slumpfynd" in text
    assert "färre än 5 händelser i grannskapet prövas inte" in text
    assert "säkerhet" not in text and "99 %" not in text


def test_no_cluster_is_said_in_words(app_db, app_test):
    """A month of burglaries (scattered single events): no cluster passes the test,
    and the page says so instead of showing an empty layer."""
    at = app_test("karta", fran="2026-10-17", till="2026-11-15", kat="inbrott")
    at.pills(key="lager").set_value(["hotspots"]).run()
    assert not at.exception
    notes = [i.value for i in at.info]
    assert any("Inga signifikanta kluster" in n and "FDR 10 %" in n for n in notes), notes
