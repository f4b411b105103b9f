"""The map builders' HTML: layers present, assets local, everything escaped, size bounded."""
from __future__ import annotations

import datetime as dt
import json
import re

import duckdb
import numpy as np
import pandas as pd
import pytest

from json_util import strings_in
from est_data.maps import grid
from est_data import maps
from est_data.core import fmt
from est_data.core.filters import IncidentFilter
from est_data.maps.assets import use_local_assets
from unit.maps.asset_urls import (
    find_external_urls, find_local_asset_urls, find_tile_urls, url_to_static_file)
from est_data.maps import build, style
from est_data.maps.data import MapData, MapOptions

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
END = dt.date(2026, 11, 15)
MONTH = IncidentFilter(END - dt.timedelta(days=29), END)
ALL_LAYERS = MapOptions(layers=tuple(maps.LAYERS))


@pytest.fixture(autouse=True, scope="module")
def _local_assets():
    use_local_assets()


@pytest.fixture(scope="module")
def shapes(demo_db_master):
    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        return maps.area_shapes(con)


def json_literals(html: str) -> list:
    """Every JSON value the page hands to Leaflet (GeoJSON, marker rows, cluster data)."""
    out = []
    dec = json.JSONDecoder()
    for m in re.finditer(r"(?:_add\(|var rows = |var data = )", html):
        value, _ = dec.raw_decode(html, m.end())
        out.append(value)
    return out


def legend_of(html: str) -> str:
    """The legend's HTML, decoded from the JSON string the page hands to Leaflet."""
    start = html.index("div.innerHTML = ") + len("div.innerHTML = ")
    value, _ = json.JSONDecoder().raw_decode(html, start)
    assert value.startswith('<div class="est-legend')
    return value


def render(con, f=MONTH, options=ALL_LAYERS, shapes_=None, **kw) -> tuple[MapData, str]:
    data = maps.map_data(con, f, options)
    m = maps.build_map(data, shapes_ if shapes_ is not None else maps.area_shapes(con), **kw)
    return data, maps.map_html(m)


def test_all_layers_present(demo_con, shapes):
    data, html = render(demo_con, shapes_=shapes)
    assert data.points is not None and data.hotspots is not None and len(data.hotspots)
    assert "L.heatLayer(" in html
    assert "L.markerClusterGroup(" in html
    assert html.count("L.geoJson(") == 4  # areas, outlines, hot spots, focus areas
    assert "L.control.layers(" in html
    assert '<div class="est-lh">Händelser per område</div>' in legend_of(html)
    names = [s for v in json_literals(html) for s in strings_in(v)]
    assert any("Kyrkgatan" in s for s in names)  # focus label / tooltip
    assert any("est-measure" == s for s in names)


def test_layers_follow_options(demo_con, shapes):
    _, html = render(demo_con, options=MapOptions(layers=("areas",)), shapes_=shapes)
    assert "L.heatLayer(" not in html and "L.markerClusterGroup(" not in html
    assert html.count("L.geoJson(") == 1
    _, html = render(demo_con, options=MapOptions(layers=("heat",)), shapes_=shapes,
                     layer_control=False)
    assert "L.heatLayer(" in html and "L.geoJson(" not in html and "L.control.layers(" not in html


def test_assets_are_local_and_exist(demo_con, shapes):
    _, html = render(demo_con, shapes_=shapes)
    assert find_external_urls(html) == []
    assert "d3" not in " ".join(find_local_asset_urls(html))
    for url in find_local_asset_urls(html):
        path = url_to_static_file(url)
        assert path is not None and path.is_file(), url


def test_tiles_are_a_setting(demo_con, shapes):
    _, html = render(demo_con, shapes_=shapes, tiles=build.OSM)
    assert any("openstreetmap" in t for t in find_tile_urls(html))
    _, html = render(demo_con, shapes_=shapes, tiles=None)
    assert find_tile_urls(html) == []
    assert style.BACKGROUND_NO_TILES in html  # the map still reads without tiles


def test_map_tiles_setting(monkeypatch):
    from est_data.core.config import map_tiles

    monkeypatch.delenv("EST_TILES", raising=False)
    assert map_tiles() == "OpenStreetMap"
    monkeypatch.setenv("EST_TILES", "none")
    assert map_tiles() is None
    monkeypatch.setenv("EST_TILES", "something-else")
    assert map_tiles() == "OpenStreetMap"


@pytest.fixture
def hostile_con(demo_db):
    """The demo database with script payloads in every text a map shows."""
    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE areas SET name = ? WHERE area_id IN ('2380C1200', 'fokus_kyrkgatan')",
                [f"Centrum {XSS}"])
    con.execute("UPDATE actors SET name = ? WHERE source = 'kommun'", [XSS])
    con.execute("UPDATE incidents SET description = ?, address = ? WHERE occurred_at >= ?",
                [XSS, f"Storgatan 1 {XSS}", END - dt.timedelta(days=6)])
    con.execute("UPDATE interventions SET title = ?, note = ?, actor = ?", [XSS, XSS, XSS])
    con.execute("UPDATE incidents SET incident_id = 'x' || incident_id || ? "
                "WHERE occurred_at >= ? AND duplicate_of IS NULL", ["`${alert(2)}`", END])
    yield con
    con.close()


def test_popups_and_tooltips_are_escaped(hostile_con):
    f = IncidentFilter(END - dt.timedelta(days=6), END)
    data, html = render(hostile_con, f=f)
    assert data.points is not None and len(data.points) > 0
    assert XSS not in html and "onerror=alert(1)>" not in html
    texts = [s for v in json_literals(html) for s in strings_in(v)]
    assert not [s for s in texts if "<img" in s]
    assert sum(ESCAPED in s for s in texts) >= 4  # incidents, area tooltip, measures, actor
    assert any(ESCAPED in s and "est-pop" in s for s in texts)  # an incident/measure popup
    assert any(ESCAPED in s and "Klicka" in s for s in texts)  # an area tooltip


JINJA = "{{7*7}}{% for x in [1] %}LOOP{% endfor %}{#c#}"


@pytest.mark.parametrize("layers", [ALL_LAYERS, MapOptions(layers=("points",)),
                                    MapOptions(layers=("areas", "focus", "labels"))])
def test_template_syntax_in_data_is_never_evaluated(demo_db, layers):
    """Texts from the data reach the page as text: a template engine never evaluates them
    (``{{7*7}}`` in a name became 49)."""
    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE areas SET name = ? || name", [JINJA])
    con.execute("UPDATE actors SET name = ? || name", [JINJA])
    con.execute("UPDATE incidents SET description = ?, address = ? WHERE occurred_at >= ?",
                [JINJA, JINJA, END - dt.timedelta(days=6)])
    con.execute("UPDATE interventions SET title = ?, note = ?, actor = ?", [JINJA] * 3)
    try:
        _, html = render(con, f=IncidentFilter(END - dt.timedelta(days=6), END), options=layers)
    finally:
        con.close()
    import html as html_lib

    texts = [html_lib.unescape(s) for v in json_literals(html) for s in strings_in(v)]
    page = html_lib.unescape(html.encode().decode("unicode_escape", errors="ignore"))
    assert "49LOOP" not in page and "49LOOP" not in "".join(texts)
    shown = [t for t in texts if "7*7" in t]
    assert shown and all(JINJA in t for t in shown)


def test_incident_row_escapes_every_field():
    row = pd.Series({"occurred_at": pd.Timestamp("2026-11-02 21:14"), "category": "klotter",
                     "source_name": XSS, "address": XSS, "description": XSS, "lat": 63.1,
                     "lon": 14.6, "incident_id": XSS, "duplicate_of": XSS})
    out = build.incident_row(row, 3, 1)
    assert out[:5] == [63.1, 14.6, 3, 1, "2026-11-02 21:14"]
    assert not [v for v in out if "<" in str(v)]
    assert out[5] == out[6] == ESCAPED and out[7] == f"{ESCAPED} (dubblett av {ESCAPED})"
    rows, legend, sources = build.incident_rows(pd.DataFrame([row]))
    assert legend == [("Klotter", "#9467bd")] and sources == [ESCAPED]


def test_long_descriptions_are_clipped():
    row = pd.Series({"occurred_at": pd.Timestamp("2026-11-02"), "category": "klotter",
                     "source_name": "Polisen", "address": None, "description": "å" * 5000,
                     "lat": 63.1, "lon": 14.6, "incident_id": "p:1", "duplicate_of": None})
    out = build.incident_row(row, 0, 0)
    assert len(out[6]) == build.DESCRIPTION_CHARS and out[6].endswith("…") and out[5] == ""


def test_measure_popup_escapes_and_groups():
    m = pd.DataFrame({"area_name": [XSS, XSS], "title": [XSS, "Belysning"], "kind": ["a", "b"],
                      "actor": [XSS, None], "started_on": [dt.date(2025, 10, 1)] * 2,
                      "ended_on": [pd.NaT, dt.date(2026, 1, 1)], "cost_sek": [1000.0, np.nan],
                      "note": [XSS, None], "lat": [63.1, 63.1], "lon": [14.6, 14.6]})
    rows = build.measure_rows(m)
    assert len(rows) == 1  # two measures at one spot share a symbol
    lat, lon, cls, icon, size, popup, tip = rows[0]
    assert "<img" not in popup + tip and ESCAPED in popup
    assert "(pågår)" in popup and "2025-10-01 – 2026-01-01" in popup and "1\u00a0000 kr" in popup
    assert "<span>2</span>" in icon


def test_no_font_icons_or_cdn_classes(demo_con, shapes):
    _, html = render(demo_con, shapes_=shapes)
    assert "AwesomeMarkers" not in html and "fa-" not in html and "glyphicon" not in html


def test_payload_stays_small_at_the_limits(demo_con, shapes):
    """2,000 incidents, the most heat cells and a dense hot spot layer stay under 1 MB."""
    data = maps.map_data(demo_con, IncidentFilter(dt.date(2023, 11, 16), END), ALL_LAYERS)
    rng = np.random.default_rng(1)
    n = maps.MAX_POINTS
    data.points = pd.DataFrame({
        "incident_id": [f"ostersundshem:{i:06d}-2026" for i in range(n)],
        "occurred_at": pd.Timestamp("2026-11-01 22:10"), "category": "skadegorelse",
        "source": "ostersundshem", "source_name": "Östersundshem",
        "address": "Rådhusgatan 44", "description": "Krossad ruta i entrédörren, glas på marken.",
        "precision": "point", "lat": 63.17 + rng.normal(0, .01, n), "lon": 14.64 + rng.normal(0, .02, n),
        "duplicate_of": None})
    def cells(k):
        return pd.DataFrame({"lat": np.round(63.1 + rng.random(k) * .1, 5),
                             "lon": np.round(14.5 + rng.random(k) * .3, 5),
                             "n": 1, "w": np.round(rng.random(k), 3)})

    data.heat = cells(grid.MAX_HEAT_CELLS)
    data.heat_fine = [(data.zoom + 2, 25, cells(maps.data.MAX_FINE_CELLS))]
    assert data.hotspots is not None and len(data.hotspots) > 0
    html = maps.map_html(maps.build_map(data, shapes))
    assert len(html.encode()) <= 1_000_000, len(html.encode())


def test_payload_independent_of_incident_count(demo_con, shapes):
    """The whole three years (thousands of incidents) go as cells, not points."""
    data, html = render(demo_con, f=IncidentFilter(dt.date(2023, 11, 16), END), shapes_=shapes)
    assert data.counts["located"] > maps.MAX_POINTS and data.points is None
    assert data.points_withheld
    assert len(data.heat) <= grid.MAX_HEAT_CELLS
    assert len(html.encode()) < 400_000


def test_legend_counts_municipality_level_incidents(demo_con, shapes):
    data, html = render(demo_con, shapes_=shapes)
    hidden = data.counts["municipality_only"]
    assert hidden > 0
    assert (f"{fmt.num(hidden)} händelser är bara kända på kommunnivå och syns inte på kartan."
            in legend_of(html))


def test_rate_colouring_and_classes(demo_con, shapes):
    _, html = render(demo_con, options=MapOptions(layers=("areas",), area_measure="rate"),
                     shapes_=shapes)
    assert '<div class="est-lh">Händelser per 1 000 invånare</div>' in legend_of(html)


@pytest.mark.parametrize("values, decimals, labels", [
    ([0, 0, 0], 0, ("0",)),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, ("0–3", "4–5", "6–7", "8–9", "10")),
    ([0.4, 1.3, 2.2, 9.7], 1, ("0,0–1,0", "1,1–1,5", "1,6–2,5", "2,6–6,0", "6,1–9,7")),
    ([5, None, float("nan"), 50], 0, ("0–15", "16–25", "26–40", "41–50")),
    ([120, 340, 560, 1200, 80, 45], 0, ("0–80", "81–150", "151–400", "401–600", "601–1\u00a0200")),
])
def test_class_breaks(values, decimals, labels):
    classes = style.class_breaks(values, decimals=decimals)
    assert classes.labels == labels
    assert len(classes.colors) == len(classes.upper) == len(labels)
    assert classes.color_of(None) == style.NO_VALUE_COLOR
    clean = [v for v in values if v is not None and v == v]
    assert classes.color_of(max(clean)) == classes.colors[-1]


def test_safe_color():
    assert style.safe_color("#1f77b4") == "#1f77b4"
    assert style.safe_color("red;background:url(http://x)") == "#888888"


def test_map_options_validate():
    with pytest.raises(ValueError):
        MapOptions(layers=("heat", "satellite"))
    with pytest.raises(ValueError):
        MapOptions(area_measure="density")
    with pytest.raises(ValueError):
        MapOptions(cell_size=123)


def test_empty_filter_still_gives_a_map(demo_con, shapes):
    f = IncidentFilter(dt.date(2030, 1, 1), dt.date(2030, 1, 31))
    data, html = render(demo_con, f=f, shapes_=shapes)
    assert data.counts["total"] == 0 and data.heat is None and data.points is None
    assert "L.map(" in html and find_external_urls(html) == []


@pytest.mark.parametrize("values, labels, colour_checks", [
    ([], ("minst 2 färre", "1 färre", "oförändrat", "1 fler", "minst 2 fler"),
     {-5: 0, -1: 1, 0: 2, 1: 3, 2: 4}),
    ([-8, -3, 0, 1, 2, 5, 12],  # non-zero sizes 1 2 3 5 8 12: median 4
     ("minst 4 färre", "1–3 färre", "oförändrat", "1–3 fler", "minst 4 fler"),
     {-8: 0, -4: 0, -3: 1, 0: 2, 3: 3, 4: 4, 12: 4}),
    ([15, -30, 25, 40],  # median 27.5, read as 30
     ("minst 30 färre", "1–29 färre", "oförändrat", "1–29 fler", "minst 30 fler"),
     {-30: 0, -29: 1, 29: 3, 30: 4}),
    ([None, float("nan"), 3, -3], ("minst 3 färre", "1–2 färre", "oförändrat", "1–2 fler",
                                   "minst 3 fler"), {-3: 0, -2: 1, 2: 3, 3: 4}),
])
def test_change_classes(values, labels, colour_checks):
    classes = style.change_classes(values)
    assert classes.labels == labels
    for value, index in colour_checks.items():
        assert classes.color_of(value) == style.CHANGE_COLORS[index], value
    assert classes.color_of(None) == style.NO_VALUE_COLOR


def area_fills(data, shapes) -> dict[str, str]:
    layer, _ = build.area_layer(data, shapes)
    return {f["id"]: f["properties"]["fill"] for f in layer.data["features"]}


def test_areas_coloured_by_change(demo_con, shapes):
    data = maps.map_data(demo_con, MONTH, MapOptions(layers=("areas",), area_measure="change"))
    fills = area_fills(data, shapes)
    stats = data.areas[data.areas["kind"] != "custom"].set_index("area_id")
    up, down = stats["change"].idxmax(), stats["change"].idxmin()
    assert stats.loc[up, "change"] > 0 > stats.loc[down, "change"]
    assert fills[up] == style.CHANGE_COLORS[-1]
    assert fills[down] in style.CHANGE_COLORS[:2]
    for area_id, change in stats["change"].items():
        side = 2 if change == 0 else (0, 1) if change < 0 else (3, 4)
        assert fills[area_id] in [style.CHANGE_COLORS[i] for i in np.atleast_1d(side)]
    html = maps.map_html(maps.build_map(data, shapes))
    assert "ndring mot f" in html and "Antal nu mot 2026-09-17" in html


def test_change_colours_hide_small_counts_when_suppressed(demo_con, shapes):
    data = maps.map_data(demo_con, MONTH, MapOptions(layers=("areas",), area_measure="change",
                                                      suppress_below=3))
    fills = area_fills(data, shapes)
    stats = data.areas[data.areas["kind"] != "custom"]
    small = stats[stats["current"].between(1, 2) | stats["previous"].between(1, 2)]
    assert not small.empty, "the demo month has areas with one or two events"
    assert {fills[a] for a in small["area_id"]} == {style.NO_VALUE_COLOR}
    others = stats[~stats["area_id"].isin(small["area_id"])]
    assert style.NO_VALUE_COLOR not in {fills[a] for a in others["area_id"]}
    _, rows = build.area_layer(data, shapes)
    assert any("För få händelser att jämföra" in r for r in rows)


def test_a_tooltip_shows_counts_as_published_and_no_rate_beside_a_hidden_one():
    """Rate times population (public) is the count: no rate where the count is hidden."""
    row = pd.Series({"name": "Fjällmon", "current": 7, "previous": 2, "change": 5,
                     "per_1000": 3.3, "current_mark": "hidden", "previous_mark": "small"})
    tip = build.area_tooltip(row, suppress_below=3)
    assert "Händelser: dolt (föregående period &lt;3)" in tip
    assert "Per 1 000" not in tip and "+5" not in tip
    shown = build.area_tooltip(pd.Series({**row, "current_mark": "shown"}), suppress_below=3)
    assert "Händelser: 7 " in shown and "Per 1 000 invånare: 3,3" in shown
    assert "Händelser: 7 (föregående period 2, +5)" in build.area_tooltip(row)


@pytest.mark.parametrize("measure", ["count", "rate"])
def test_areas_whose_count_is_hidden_get_no_colour_of_their_own(demo_con, shapes, measure):
    """A colour class is a range of counts: with "dolt" (at least 3) it could pin a "<3"."""
    options = MapOptions(layers=("areas",), area_measure=measure, suppress_below=3)
    data = maps.map_data(demo_con, IncidentFilter(END, END), options)
    fills = area_fills(data, shapes)
    stats = data.areas[data.areas["kind"] != "custom"]
    hidden = stats[stats["current_mark"] != "shown"]
    assert not hidden.empty
    assert {fills[a] for a in hidden["area_id"]} == {style.NO_VALUE_COLOR}
    _, rows = build.area_layer(data, shapes)
    assert any("få händelser" in r.lower() for r in rows)


def test_the_legend_counts_municipality_incidents_as_published():
    facts = style.LegendFacts("count", 100, None, 2, "<3")
    assert "&lt;3 händelser är bara kända på kommunnivå" in style.legend_for(facts, [], [], set())
    withheld = style.legend_for(style.LegendFacts("count", 100, None, 0, "–"), [], [], set())
    assert "Händelser som bara är kända på kommunnivå syns inte" in withheld
