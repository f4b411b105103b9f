"""The app's folium maps must render without any CDN (offline meeting rooms)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import folium
import folium.plugins
import pytest

from est_data.maps import assets as mapassets
from est_data.maps.assets import STATIC_DIR, STATIC_URL_PATH, VENDOR_DIR, use_local_assets
from unit.maps.asset_urls import (
    find_external_urls, find_local_asset_urls, find_tile_urls, url_to_static_file)

REPO = Path(__file__).resolve().parents[3]

POLYGON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"namn": "Centrum", "antal": 12},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [18.05, 59.32],
                        [18.08, 59.32],
                        [18.08, 59.34],
                        [18.05, 59.34],
                        [18.05, 59.32],
                    ]
                ],
            },
        }
    ],
}


def build_map() -> folium.Map:
    """A map with the layer types the app uses."""
    m = folium.Map(location=[59.33, 18.065], zoom_start=13)
    folium.GeoJson(
        POLYGON,
        name="Områden",
        style_function=lambda f: {"color": "#c00", "fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(fields=["namn", "antal"]),
        popup=folium.GeoJsonPopup(fields=["namn"]),
    ).add_to(m)
    folium.plugins.HeatMap(
        [[59.33, 18.06, 1.0], [59.331, 18.061, 2.0], [59.329, 18.07, 0.5]],
        name="Täthet",
    ).add_to(m)
    cluster = folium.plugins.MarkerCluster(name="Händelser").add_to(m)
    folium.Marker(
        [59.3305, 18.068],
        popup=folium.Popup("<b>Skadegörelse</b><br>2026-11-02", max_width=250),
        tooltip="Händelse",
    ).add_to(cluster)
    folium.CircleMarker([59.332, 18.07], radius=6, popup="Punkt").add_to(m)
    folium.LayerControl().add_to(m)
    return m


@pytest.fixture(scope="module")
def rendered_html() -> str:
    use_local_assets()
    return build_map().get_root().render()


def test_sanity_default_folium_uses_cdns():
    """The detector finds folium's own CDN links (guards against a blind regex)."""
    html = (
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">'
        '</script><link rel="stylesheet" href="//cdn.example.org/x.css"/>'
        "<style>@import url('https://fonts.example.org/f.css');</style>"
        '<link rel="stylesheet" href="/app/static/vendor/leaflet/leaflet.css"/>'
        '<a href="https://www.openstreetmap.org/copyright">OSM</a>'
        "L.tileLayer(\"https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png\", {});"
    )
    assert find_external_urls(html) == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "//cdn.example.org/x.css",
        "https://fonts.example.org/f.css",
    ]
    assert find_local_asset_urls(html) == ["/app/static/vendor/leaflet/leaflet.css"]
    assert find_tile_urls(html) == [
        "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    ]


def test_no_external_script_or_stylesheet(rendered_html):
    assert find_external_urls(rendered_html) == []


def test_tiles_reported_separately(rendered_html):
    # Default tiles stay (grey background offline); they are not assets.
    tiles = find_tile_urls(rendered_html)
    assert tiles and all("{z}" in t for t in tiles)
    assert not set(tiles) & set(find_external_urls(rendered_html))


def test_local_assets_exist(rendered_html):
    local = find_local_asset_urls(rendered_html)
    assert local, "no local assets referenced"
    for url in local:
        assert url.startswith(STATIC_URL_PATH + "/"), url
        path = url_to_static_file(url)
        assert path is not None and path.is_file(), f"{url} -> {path} missing"
        # map /app/static/x -> static/x
        assert path == REPO / "static" / url[len("/app/static/") :]


def test_expected_assets_referenced(rendered_html):
    local = find_local_asset_urls(rendered_html)
    names = {u.rsplit("/", 1)[-1] for u in local}
    assert "leaflet.js" in names
    assert "leaflet.css" in names
    assert "leaflet_heat.min.js" in names
    assert "leaflet.markercluster.js" in names
    assert {"MarkerCluster.css", "MarkerCluster.Default.css"} <= names
    assert "jquery.min.js" in names  # Popup uses $(...)
    # Leaflet must load before the plugins that extend L.
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', rendered_html)
    assert scripts[0].endswith("/leaflet/leaflet.js"), scripts


def test_unneeded_libraries_dropped(rendered_html):
    low = rendered_html.lower()
    for lib in ("bootstrap", "awesome-markers", "fontawesome", "glyphicons"):
        assert lib not in low, lib


def test_css_relative_urls_resolve():
    """Leaflet's CSS points at images/ (layer control, default marker icon)."""
    for css in VENDOR_DIR.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text()):
            if ref.startswith(("#", "data:")):
                continue
            assert (css.parent / ref).is_file(), f"{css}: {ref}"


def test_every_vendored_asset_is_listed_and_has_licence():
    for rel in mapassets.ASSET_FILES.values():
        f = VENDOR_DIR / rel
        assert f.is_file(), rel
        licences = [
            p
            for p in f.parent.iterdir()
            if re.match(r"(mit-)?licen[cs]e", p.name, re.IGNORECASE)
        ]
        assert licences, f"no licence file next to {rel}"
    readme = (VENDOR_DIR / "README.md").read_text()
    for pkg in ("leaflet@1.9.4", "leaflet.markercluster@1.5.3", "jquery@3.7.1"):
        assert pkg in readme


def test_idempotent_and_rebasable():
    use_local_assets()
    first = (list(folium.Map.default_js), list(folium.Map.default_css))
    use_local_assets()
    assert (folium.Map.default_js, folium.Map.default_css) == first
    try:
        use_local_assets("/est/app/static/vendor/")
        assert folium.Map.default_js[0] == (
            "leaflet",
            "/est/app/static/vendor/leaflet/leaflet.js",
        )
        assert mapassets.local_assets_active() == "/est/app/static/vendor"
    finally:
        use_local_assets()
    assert (folium.Map.default_js, folium.Map.default_css) == first


def test_streamlit_folium_sees_local_links():
    """st_folium collects js/css links from the same class attributes."""
    use_local_assets()
    m = build_map()
    js, css = [], []

    def walk(el):
        if isinstance(el, folium.elements.JSCSSMixin):
            js.extend(u for _, u in el.default_js)
            css.extend(u for _, u in el.default_css)
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    assert js and css
    assert not [u for u in js + css if re.match(r"^(https?:)?//", u)]


def test_static_dir_is_repo_static():
    assert STATIC_DIR == REPO / "static"


def test_maps_load_only_the_plugins_they_use():
    # Importing all of folium.plugins costs a map page 0.15 s; the plugins load on first
    # use, and they are the same (patched) classes however they are imported.
    code = textwrap.dedent("""
        import sys
        import est_data.maps
        import streamlit_folium  # imports folium.plugins and uses DualMap
        from est_data.maps import assets as mapassets
        assert "folium.plugins.heat_map" in sys.modules
        # Draw is one of ours (the analyst's filter shapes); MiniMap is not.
        assert "folium.plugins.draw" in sys.modules
        assert "folium.plugins.minimap" not in sys.modules, "all of folium.plugins was imported"
        assert mapassets.Draw.default_js[0][1] == "/app/static/vendor/leaflet.draw/leaflet.draw.js"
        import folium.plugins
        assert folium.plugins.HeatMap is mapassets.HeatMap
        assert folium.plugins.FastMarkerCluster is mapassets.FastMarkerCluster
        assert folium.plugins.HeatMap.default_js[0][1].startswith("/app/static/vendor/")
        from folium.plugins import Draw, MiniMap  # the rest of the package still works
        from folium.plugins.draw import Draw as D2
        assert Draw is D2 is mapassets.Draw and "folium.plugins.minimap" in sys.modules
        assert set(folium.plugins.__all__) >= {"HeatMap", "Draw", "DualMap", "MiniMap"}
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
