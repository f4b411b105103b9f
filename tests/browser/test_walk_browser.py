"""Trygghetsvandringar in a real browser: an administrator places a finding with a click
on the map, and the walk report's map paints (server on port 8614)."""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from browser_helpers import wait_settled
from est_data.store.db import write_session
from est_data.walks import store
from report_helpers import choose, new_context, serve_on_port, sign_in, users_file


@pytest.fixture(scope="module")
def served(browser, demo_db_master, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("walks")
    db = tmp / "demo.duckdb"
    shutil.copy(demo_db_master, db)
    with write_session(db) as con:
        walk_id = store.add_walk(con, dt.date(2026, 11, 20), "fokus_kyrkgatan", ["kommun"],
                                 None, "admin")
        store.add_finding(con, walk_id, "mork_plats", 63.1793, 14.6370, "kommun", "Lampa",
                          "admin")
    with serve_on_port(db, users_file(tmp / "users.toml")) as url:
        yield url, db


def test_finding_by_map_click_and_the_report_paints(browser, served):
    url, db = served
    ctx = new_context(browser)
    page = ctx.new_page()
    try:
        sign_in(page, url, "admin", "Trygghetsvandringar", "/trygghetsvandringar")
        page.wait_for_selector('iframe[src*="streamlit_folium"]', state="attached")
        frame = page.frame_locator('iframe[src*="streamlit_folium"]')
        frame.locator(".leaflet-container").wait_for()
        frame.locator('path[stroke="#d62728"]').first.wait_for()  # the open finding
        box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
        page.get_by_text("Vald plats:").wait_for()
        wait_settled(page)
        choose(page, "Typ", "Skräp")
        choose(page, "Ansvarig aktör", "Östersunds kommun")
        page.get_by_role("button", name="Spara fyndet").click()
        page.get_by_text("Fyndet är sparat").wait_for()
        wait_settled(page)
        page.get_by_text("Visa vandringsrapporten").click()
        img = page.locator('img[alt="Karta över fynden"]')
        img.wait_for()
        page.wait_for_function("() => { const i = document.querySelector("
                               "'img[alt=\"Karta över fynden\"]'); "
                               "return i && i.complete && i.naturalWidth > 0; }")
        assert img.bounding_box()["height"] > 200
    finally:
        ctx.close()
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT kind, lat, lon FROM walk_findings ORDER BY created_at"
                           ).fetchall()
    assert [r[0] for r in rows] == ["mork_plats", "skrap"]
    # A click left of and below the first finding (the map is centred on it).
    assert rows[1][1] < rows[0][1] and rows[1][2] < rows[0][2]
