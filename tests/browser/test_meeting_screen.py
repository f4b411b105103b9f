"""Mötesläge on the projector, in a real browser (issue 15): at 1280×720 and 1920×1080 the
whole view fits without scrolling and the map fills its column; the kiosk link
``?mote=1`` opens it, and so does the meeting role's start page; one click zooms the map
to a focus area."""
from __future__ import annotations

import shutil

import pytest

from browser_helpers import PASSWORD, make_users_file, wait_settled
from conftest import serve

TIMEOUT_MS = 60_000
MAP_FRAME = 'iframe[src*="streamlit_folium"]'

LAYOUT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const frame = document.querySelector('iframe[src*="streamlit_folium"]').getBoundingClientRect();
  const side = document.querySelector('.st-key-mote_side').getBoundingClientRect();
  return {scroll: main.scrollHeight, client: main.clientHeight,
          docScroll: document.documentElement.scrollHeight, height: window.innerHeight,
          width: window.innerWidth,
          map: [frame.left, frame.top, frame.width, frame.bottom],
          side: [side.left, side.top, side.bottom]};
}"""


@pytest.fixture(scope="module")
def signed_url(browser, demo_db_master, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("meeting_screen")
    db = tmp / "demo.duckdb"
    shutil.copy(demo_db_master, db)
    users = make_users_file(tmp / "users.toml")
    with serve(db, {"EST_USERS_FILE": str(users)}) as url:
        yield url


def open_signed_in(browser, url: str, size: tuple[int, int], user: str = "mote"):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.get_by_label("Användarnamn").wait_for()
    wait_settled(page)
    page.get_by_label("Användarnamn").fill(user)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    return ctx, page


def map_frame(page):
    page.wait_for_selector(MAP_FRAME, state="attached")
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()
    return next(f for f in page.frames if "streamlit_folium" in f.url)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1024, 768)])
def test_the_kiosk_link_opens_a_meeting_view_that_fits_the_screen(browser, signed_url, size):
    ctx, page = open_signed_in(browser, f"{signed_url}/?mote=1&uppdatera=5", size, "anna")
    try:
        page.get_by_role("heading", name="Lägesbild 2026-11-15").wait_for()
        wait_settled(page)
        frame = map_frame(page)
        page.wait_for_timeout(500)  # the frame's height settles after Leaflet draws
        box = page.evaluate(LAYOUT_JS)
        inner = frame.evaluate("() => document.querySelector('.leaflet-container')"
                               ".getBoundingClientRect().height")
        assert "mote=1" in page.url
        assert "Uppdateras var 5:e minut" in page.locator('[data-testid="stMain"]').inner_text()
    finally:
        ctx.close()
    width, height = size
    assert box["scroll"] <= box["client"] + 1 and box["docScroll"] <= height + 1, box
    left, top, map_w, bottom = box["map"]
    assert bottom <= height + 1, box                 # the whole map is on the screen
    assert top <= 170 and bottom >= height - 40, box  # ... from the header to the bottom
    assert inner >= (bottom - top) - 2, (inner, box)  # and Leaflet fills its frame
    assert map_w >= 0.5 * width, box                 # the wider column
    side_left, side_top, side_bottom = box["side"]
    assert side_left > left + map_w and side_bottom <= height + 1, box  # figures beside it


def test_the_meeting_role_starts_in_meeting_mode_and_zooms_to_a_focus_area(browser, signed_url):
    ctx, page = open_signed_in(browser, signed_url, (1280, 720))
    try:
        page.get_by_role("heading", name="Lägesbild 2026-11-15").wait_for()
        wait_settled(page)
        frame = map_frame(page)
        before = frame.evaluate("() => window.map.getZoom()")
        frame.locator('button[data-est-zoom="Kyrkgatan"]').click()
        frame.wait_for_function(f"() => window.map.getZoom() > {before}")
        page.wait_for_timeout(800)  # the zoom's animation
        bounds_ok = frame.evaluate(
            "() => { const b = window.map.getBounds(); return b.getNorth() - b.getSouth(); }")
        frame.locator('button[data-est-zoom="Hela kartan"]').click()
        page.wait_for_timeout(1000)
        back = frame.evaluate("() => window.map.getZoom()")
        # The legend folds away and comes back.
        legend = frame.locator(".est-legend")
        assert legend.is_visible()
        frame.locator(".est-fold").click()
        assert not legend.is_visible()
        frame.locator(".est-fold").click()
        assert legend.is_visible()
    finally:
        ctx.close()
    assert bounds_ok < 0.05  # degrees of latitude: the focus area fills the view
    assert back == before
