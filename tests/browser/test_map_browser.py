"""The map really paints in a browser with no internet: Leaflet, heat and areas come
from the app itself; the only requests to other hosts are map tiles (which fail)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlparse

from browser_helpers import wait_settled

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TILE_HOST = re.compile(r"(^|\.)tile\.openstreetmap\.org$")


class Offline:
    """Route every request: local ones go through, all others are recorded and cut."""

    def __init__(self, page):
        self.external: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort("internetdisconnected")

    def non_tile_requests(self) -> list[str]:
        return [u for u in self.external if not TILE_HOST.search(urlparse(u).hostname or "")]


def folium_frame(page):
    page.wait_for_selector('iframe[src*="streamlit_folium"]', state="attached")
    frame = page.frame_locator('iframe[src*="streamlit_folium"]')
    frame.locator(".leaflet-container").wait_for()
    return frame


PAINTED_HEAT_JS = """min => { const c = document.querySelector('canvas.leaflet-heatmap-layer');
    if (!c || !c.width) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n >= min; }"""


def wait_heat_painted(page, min_pixels: int = 500) -> None:
    """Until the heat canvas has at least ``min_pixels`` painted (non-transparent)
    pixels; Leaflet draws it on an animation frame, later under load."""
    inner = next(f for f in page.frames if "streamlit_folium" in f.url)
    inner.wait_for_function(PAINTED_HEAT_JS, arg=min_pixels)


def open_karta(page, app_url):
    # Through the front page, as a user would. (A fresh server that has not yet run
    # app.py serves /karta as a plain pages/ script, without the app frame.)
    page.goto(app_url)
    page.get_by_role("heading", name="Översikt").wait_for()
    page.get_by_role("link", name="Karta", exact=True).click()
    page.wait_for_url(re.compile(r"/karta"))
    return folium_frame(page)


def test_karta_paints_offline(page, app_url):
    net = Offline(page)
    frame = open_karta(page, app_url)
    iframe_box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
    assert iframe_box and iframe_box["height"] > 400  # offline-broken maps collapse to 0
    frame.locator(".leaflet-est-areas-pane path.leaflet-interactive").first.wait_for()
    assert frame.locator(".leaflet-est-areas-pane path").count() >= 20  # the DeSO areas
    frame.locator("canvas.leaflet-heatmap-layer").wait_for(state="attached")
    wait_heat_painted(page)
    assert frame.locator(".est-legend").count() == 1
    assert frame.locator(".leaflet-control-layers").count() == 1
    # Zoomed in, the heat switches to finer cells and still paints.
    inner = next(f for f in page.frames if "streamlit_folium" in f.url)
    inner.evaluate("() => window.map.setZoom(window.map.getZoom() + 2, {animate: false})")
    inner.wait_for_function(
        "() => Object.values(window.map._layers).some(l => l instanceof L.HeatLayer && l._estLevel"
        " && l._estLevel.minZoom > 0)")
    wait_heat_painted(page)
    assert net.non_tile_requests() == []
    assert net.errors == []


FREE_SPOT_JS = """() => {
    // A point inside an area polygon where the area itself (not a marker, cluster or the
    // legend on top of it) receives the click; null if there is none.
    for (const path of document.querySelectorAll('.leaflet-est-areas-pane path')) {
        const r = path.getBoundingClientRect();
        for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) {
            const x = r.left + r.width * i / 8, y = r.top + r.height * j / 8;
            if (document.elementFromPoint(x, y) === path) return [x, y];
        }
    }
    return null;
}"""


def test_area_click_shows_figures(page, app_url):
    Offline(page)
    frame = open_karta(page, app_url)
    frame.locator(".leaflet-est-areas-pane path.leaflet-interactive").first.wait_for()
    inner = next(f for f in page.frames if "streamlit_folium" in f.url)
    spot = inner.evaluate(FREE_SPOT_JS)
    assert spot, "no free spot on any area"
    box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 3")
    wait_settled(page)
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert [t.strip() for t in labels[:3]] == ["Händelser", "Föregående period", "Per 1 000 invånare"]


def test_meeting_mode_paints_offline(page, app_url):
    net = Offline(page)
    page.goto(app_url)
    page.get_by_role("heading", name="Översikt").wait_for()
    page.locator('label:has-text("Mötesläge")').first.click()
    page.get_by_role("heading", name=re.compile(r"^Lägesbild ")).wait_for()
    frame = folium_frame(page)
    frame.locator(".est-large-map").wait_for()
    frame.locator("path.leaflet-interactive").first.wait_for()
    assert page.locator('section[data-testid="stSidebar"]').is_hidden()
    assert net.non_tile_requests() == []


def test_map_choices_live_in_the_link(page, app_url):
    """Turning a layer off puts the choice in the address bar; that link reopens the same
    map in a new tab, and the choice survives a visit to another page."""
    Offline(page)
    frame = open_karta(page, app_url)
    frame.locator(".leaflet-est-areas-pane path.leaflet-interactive").first.wait_for()
    page.get_by_role("button", name="Områden", exact=True).click()
    page.wait_for_url(re.compile(r"lager="))
    wait_settled(page)
    link = page.url
    codes = lager_codes(link)  # short codes (est_data.maps.link), not labels
    assert "tat" in codes and "omr" not in codes and "Täthet" not in unquote(link)

    other = page.context.new_page()
    other.goto(link)
    frame = folium_frame(other)
    frame.locator("canvas.leaflet-heatmap-layer").wait_for(state="attached")
    wait_settled(other)
    assert frame.locator(".leaflet-est-areas-pane path.leaflet-interactive").count() == 0
    pressed = {n: other.get_by_role("button", name=n, exact=True).get_attribute("aria-pressed")
               for n in ("Områden", "Täthet")}
    assert pressed == {"Områden": "false", "Täthet": "true"}
    other.close()

    page.get_by_role("link", name="Trender", exact=True).click()
    page.get_by_role("heading", name="Trender").wait_for()
    page.get_by_role("link", name="Karta", exact=True).click()
    page.wait_for_url(re.compile(r"/karta\?.*lager="))
    assert lager_codes(page.url) == codes


def lager_codes(url: str) -> list[str]:
    return parse_qs(urlparse(url).query, keep_blank_values=True)["lager"][-1].split(",")

