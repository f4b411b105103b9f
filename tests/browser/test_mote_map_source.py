"""The meeting role's map in a real browser: the page source of the folium frame holds no
heat cell of fewer than 3 incidents (issue 12, item 9: with a one-day filter it held one
heat cell per located incident), and no tooltip with a count of 1 or 2."""
from __future__ import annotations

import datetime as dt
import re
import shutil

import duckdb
import pytest

from browser_helpers import PASSWORD, make_users_file, wait_settled
from conftest import serve
from est_data.core.filters import IncidentFilter
from heat_payload import heat_cell_counts

TIMEOUT_MS = 60_000
DAY = "2026-11-13"
MAP_FRAME = 'iframe[src*="streamlit_folium"]'


@pytest.fixture(scope="module")
def signed_in_url(browser, demo_db_master, tmp_path_factory):
    """The app with sign-in over the small demo, opened once before the test (a fresh
    server's first visit is another test's concern: tests/browser/test_first_contact.py)."""
    tmp = tmp_path_factory.mktemp("mote_map")
    db = tmp / "demo.duckdb"
    shutil.copy(demo_db_master, db)
    users = make_users_file(tmp / "users.toml")
    with serve(db, {"EST_USERS_FILE": str(users)}) as url:
        page = browser.new_page()
        try:
            page.goto(url)
            page.get_by_label("Användarnamn").wait_for(timeout=TIMEOUT_MS)
            wait_settled(page)
        finally:
            page.close()
        yield url, db


def map_source(page) -> str:
    """The folium frame's document, once Leaflet has drawn the map in it."""
    page.wait_for_selector(MAP_FRAME, state="attached")
    page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()
    return next(f for f in page.frames if "streamlit_folium" in f.url).content()


def test_the_meeting_roles_map_source_has_no_small_heat_cell(browser, signed_in_url):
    url, db = signed_in_url
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{url}/?fran={DAY}&till={DAY}&mote=0")  # Översikt, not the role's Mötesläge
        page.get_by_label("Användarnamn").wait_for()
        wait_settled(page)
        page.get_by_label("Användarnamn").fill("mote")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.get_by_role("heading", name="Översikt").wait_for()
        wait_settled(page)
        page.get_by_role("link", name="Karta", exact=True).click()
        page.get_by_role("heading", name="Karta", exact=True).wait_for()
        wait_settled(page)
        assert f"{DAY} – {DAY}" in page.locator('[data-testid="stMain"]').inner_text()
        source = map_source(page)
    finally:
        ctx.close()
    f = IncidentFilter(dt.date.fromisoformat(DAY), dt.date.fromisoformat(DAY))
    with duckdb.connect(str(db), read_only=True) as con:
        cells = heat_cell_counts(con, f, source)
    assert cells, "the day's heat is drawn (in coarser cells)"
    assert [(p, n) for p, n in cells if n < 3] == []
    assert {round(p[2], 3) for p, _ in cells} <= {0.2, 0.4, 0.6, 0.8, 1.0}
    assert not re.search(r"Händelser: [12](?![\d,])", source)
