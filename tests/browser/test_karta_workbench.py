"""The analyst's connected map and table, in a real browser at 1280×720: a polygon drawn
with the map's own tools filters the incident table (checked against shapely on the same
database), and a row clicked in the table is ringed and centred on the map."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import duckdb
import numpy as np
import pytest
import shapely

from browser_helpers import wait_settled
from est_data.core.filters import IncidentFilter, preset_period, where_clause
from est_data.core.shape import shape_from_text
from est_data.incidents.queries import anchor_date
from est_data.maps import grid

VIEWPORT = {"width": 1280, "height": 720}
CAPTION = re.compile(r"De senaste (\d+) händelserna med plats")


@pytest.fixture
def small_page(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg, errors
    ctx.close()


def open_karta(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="Översikt").wait_for()
    page.get_by_role("link", name="Karta", exact=True).click()
    page.wait_for_url(re.compile(r"/karta"))
    page.wait_for_selector('iframe[src*="streamlit_folium"]', state="attached")
    frame = page.frame_locator('iframe[src*="streamlit_folium"]')
    frame.locator(".leaflet-container").wait_for()
    wait_settled(page)
    return frame


def settled_map(page):
    """After a run: the one map (while a new map replaces the old one, both iframes
    are briefly in the page)."""
    wait_settled(page)
    page.wait_for_function(
        "() => document.querySelectorAll('iframe[src*=\"streamlit_folium\"]').length === 1")
    frame = page.frame_locator('iframe[src*="streamlit_folium"]')
    frame.locator(".leaflet-container").wait_for()
    return frame


def table_rows(page) -> int:
    """Rows in the incident table, as its caption says and once the grid shows as many."""
    n = int(CAPTION.search(page.get_by_text(CAPTION).inner_text()).group(1))
    page.wait_for_function(
        "n => document.querySelector('[data-testid=\"stDataFrame\"] [role=\"grid\"]')"
        "?.getAttribute('aria-rowcount') === String(n + 1)", arg=n)
    return n


def thirty_days(con) -> IncidentFilter:
    """The filter the page opens with (the preset "Senaste 30 dagarna")."""
    return IncidentFilter(*preset_period("30d", anchor_date(con)))


def located(con, f: IncidentFilter):
    where, params = where_clause(f)
    return con.execute(f"SELECT x, y, lat, lon FROM incidents WHERE {grid.LOCATED_SQL} "
                       f"AND lat IS NOT NULL AND {where} "
                       "ORDER BY occurred_at DESC, incident_id", params).df()


def test_drawn_polygon_filters_the_table(small_page, app_url, demo_db_master):
    page, errors = small_page
    frame = open_karta(page, app_url)
    before = table_rows(page)
    iframe = page.locator('iframe[src*="streamlit_folium"]')
    iframe.scroll_into_view_if_needed()
    tool = frame.locator(".leaflet-draw-draw-polygon")
    assert tool.get_attribute("title") == "Rita en yta"  # Leaflet.draw speaks Swedish
    tool.click()
    box = iframe.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 150, cy - 100), (cx + 120, cy - 110), (cx + 140, cy + 90), (cx - 130, cy + 100)]
    for x, y in corners + corners[:1]:  # the first corner again closes the polygon
        page.mouse.click(x, y)
        time.sleep(0.2)
    page.get_by_text("Kartfilter:").wait_for()
    frame = settled_map(page)
    after = table_rows(page)
    shape = shape_from_text(parse_qs(urlparse(page.url).query)["yta"][0])
    assert shape is not None and shape.kind == "polygon"
    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        pts = located(con, thirty_days(con))
    inside = shapely.contains_xy(shapely.Polygon(shape.corners), pts["x"], pts["y"])
    assert 0 < after < before
    assert after == int(np.sum(inside))
    assert frame.locator(".leaflet-control-layers").count() == 1  # the map survived the rerun
    # Clearing the shape in the sidebar gives the whole table back.
    page.get_by_role("button", name="Ta bort kartfiltret").click()
    page.get_by_text("Kartfilter:").wait_for(state="detached")
    wait_settled(page)
    assert table_rows(page) == before
    assert not errors


def test_clicked_row_is_highlighted_on_the_map(small_page, app_url, demo_db_master):
    page, errors = small_page
    frame = open_karta(page, app_url)
    table_rows(page)
    grid_box = page.locator('[data-testid="stDataFrame"]').first
    grid_box.scroll_into_view_if_needed()
    box = grid_box.bounding_box()
    row = 3  # the fourth newest incident: its row marker, left of the first column
    header_h, row_h = 36, 35
    page.mouse.click(box["x"] + 16, box["y"] + header_h + row * row_h + row_h / 2)
    page.wait_for_function("() => [...document.querySelectorAll("
                           "'iframe[src*=\"streamlit_folium\"]')].some(f => f.contentDocument"
                           "?.querySelector('path.est-selected'))")
    frame = settled_map(page)
    frame.locator("path.est-selected").wait_for(state="attached")
    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        want = located(con, thirty_days(con)).iloc[row]
    inner = next(f for f in page.frames if "streamlit_folium" in f.url)
    centre = inner.evaluate("() => [map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    assert centre[0] == pytest.approx(want["lat"], abs=1e-4)
    assert centre[1] == pytest.approx(want["lon"], abs=1e-4)
    assert centre[2] == 17
    assert frame.locator("path.est-selected").count() == 1
    assert frame.locator(".leaflet-tooltip").first.inner_text().strip() != ""
    assert not errors
