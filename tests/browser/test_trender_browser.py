"""What only a browser shows of Trender and the near-repeat warning: Plotly's tool bar
in Swedish (its words come from the chart's config, used by Plotly.js), the open tab
kept in the address bar as a short code when the user clicks a tab, and the warning's
zone painted on its map."""
from __future__ import annotations

import pytest

from browser_helpers import wait_settled
from conftest import serve
from handmade_db import make_db
from nearrepeat_world import burglaries

MAP_FRAME = 'iframe[src*="streamlit_folium"]'


def test_plotly_toolbar_speaks_swedish(page, app_url):
    page.goto(f"{app_url}/trender?flik=vecka")
    page.get_by_role("heading", name="Veckodag och klockslag").wait_for()
    wait_settled(page)
    page.locator(".js-plotly-plot .nsewdrag").first.hover()
    titles = page.locator(".js-plotly-plot .modebar-btn").evaluate_all(
        "els => els.map(e => e.getAttribute('data-title'))")
    assert "Zooma" in titles and "Autoskala" in titles and "Ladda ner diagrammet som PNG" in titles
    assert not {"Zoom", "Autoscale", "Pan", "Reset axes", "Download plot as a PNG"} & set(titles)


def test_clicking_a_tab_puts_its_code_in_the_link(page, app_url):
    page.goto(f"{app_url}/trender")
    page.get_by_role("heading", name="Trender").wait_for()
    wait_settled(page)
    page.get_by_role("tab", name="Områden").click()
    page.wait_for_url("**flik=omraden**")
    wait_settled(page)
    page.get_by_role("tab", name="Över tid").click()
    page.wait_for_function("() => !location.search.includes('flik=')")
    assert "Områden" not in page.url and "omr%C3%A5den" not in page.url.lower()


@pytest.fixture(scope="module")
def planted_url(browser, tmp_path_factory):
    """The app (open mode) over the planted near repeats of tests/nearrepeat_world.py."""
    db = make_db(tmp_path_factory.mktemp("nr_browser") / "nr.duckdb", burglaries())
    with serve(db, {"EST_TILES": "none"}, warm_up_with=browser) as url:
        yield url


def test_near_repeat_zone_paints_on_oversikt(page, planted_url):
    """The zone is a folium map in an iframe: only a browser shows that it paints (a
    red circle, an SVG path), offline, with no address in the frame's page."""
    page.goto(f"{planted_url}/?period=30d")
    page.get_by_text("2 inbrott inom 100 m på 3 dagar vid Fokus", exact=False).wait_for()
    wait_settled(page)
    frame = page.frame_locator(MAP_FRAME).last
    frame.locator(".leaflet-container").wait_for()
    zone = frame.locator('path.leaflet-interactive[stroke="#b2182b"]')
    zone.first.wait_for()
    box = zone.first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    source = page.locator(MAP_FRAME).last.get_attribute("srcdoc") or ""
    html = frame.locator("html").inner_html()
    assert "Storgatan" not in html and "Storgatan" not in source
