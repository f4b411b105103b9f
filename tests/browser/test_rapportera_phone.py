"""Rapportera in a real browser on a phone-sized window (390 × 844): a reporter sends one
report by a map click and one by an address, both land in the database file and on
Översikt; the reporter cannot open other pages by their address; three other open
sessions see a new report on their next run, and nothing else in the file changes.

The server runs on the port this work was given (8614).
"""
from __future__ import annotations

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import duckdb
import pytest

from browser_helpers import wait_settled
from report_helpers import (
    FIRST_RUN_MS, PASSWORD, choose, new_context, serve_on_port, sign_in, users_file)

PHONE = {"width": 390, "height": 844}
TABLES = ("actors", "areas", "import_batches", "rejected_rows", "interventions", "meetings",
          "incident_history", "walks", "walk_findings", "schema_version")


@pytest.fixture(scope="module")
def served(browser, demo_db_master, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rapportera")
    db = tmp / "demo.duckdb"
    shutil.copy(demo_db_master, db)
    with serve_on_port(db, users_file(tmp / "users.toml")) as url:
        yield url, db


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()


def counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in (*TABLES, "incidents", "audit_log")}


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def send(page) -> None:
    page.get_by_role("button", name="Skicka rapport").click()
    page.get_by_text("Tack! Rapporten är sparad").wait_for()
    wait_settled(page)


def test_phone_reports_by_map_click_and_by_address(browser, served):
    url, db = served
    before = counts(db)
    ctx = new_context(browser, PHONE)
    page = ctx.new_page()
    try:
        sign_in(page, url, "nv", "Rapportera")
        assert page.url.split("?")[0].endswith("/rapportera")  # sent on from "/"
        no_horizontal_scroll(page)
        button = page.get_by_role("button", name="Skicka rapport").bounding_box()
        assert button["height"] >= 44 and button["width"] >= 300  # a thumb's target
        field = page.locator('[data-testid="stSelectbox"] [role="group"]').first.bounding_box()
        assert field["height"] >= 44
        radios = page.locator('[role="radiogroup"] label')
        assert min(radios.nth(i).bounding_box()["height"] for i in range(radios.count())) >= 44
        # 1: a click on the map
        choose(page, "Kategori", "Klotter")
        page.wait_for_selector('iframe[src*="streamlit_folium"]', state="attached")
        frame = page.frame_locator('iframe[src*="streamlit_folium"]')
        frame.locator(".leaflet-container").wait_for()
        box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
        assert box and box["width"] <= PHONE["width"] and box["height"] > 200
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.get_by_text("Vald plats:").wait_for()
        wait_settled(page)
        no_horizontal_scroll(page)
        send(page)
        # 2: an address typed with suggestions
        choose(page, "Kategori", "Skadegörelse")
        page.get_by_text("Adress", exact=True).click()
        wait_settled(page)
        choose(page, "Adress", "Storgatan 5")
        no_horizontal_scroll(page)
        send(page)
        assert page.get_by_text("Senaste rapporterna").count() == 1
    finally:
        ctx.close()
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT category, precision, address, area_id IS NOT NULL, source "
                           "FROM incidents WHERE reported_by = 'nv' ORDER BY category").fetchall()
    assert rows == [("klotter", "point", None, True, "nattvandrarna"),
                    ("skadegorelse", "address", "Storgatan 5", True, "nattvandrarna")]
    after = counts(db)
    assert after["incidents"] == before["incidents"] + 2
    # Both on Översikt, for an administrator, filtered to the night walkers' reports today.
    ctx = new_context(browser)
    page = ctx.new_page()
    try:
        day = today().isoformat()
        sign_in(page, url, "admin", "Översikt",
                f"/?fran={day}&till={day}&aktor=nattvandrarna")
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Händelser").first
        assert metric.locator('[data-testid="stMetricValue"]').inner_text().strip() == "2"
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["/karta", "/trender", "/data", "/trygghetsvandringar"])
def test_reporter_cannot_open_other_pages_by_address(browser, served, path):
    url, _db = served
    ctx = new_context(browser, PHONE)
    page = ctx.new_page()
    try:
        page.goto(url + path)
        page.get_by_label("Användarnamn").wait_for(timeout=FIRST_RUN_MS)
        page.get_by_label("Användarnamn").fill("nv")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.get_by_text("Din roll (Rapportör) ger inte tillgång").wait_for(timeout=FIRST_RUN_MS)
        wait_settled(page)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('iframe[src*="streamlit_folium"]').count() == 0
        # One page to see: Streamlit shows no menu at all, so no link to the others.
        for name in ("Karta", "Översikt", "Trender", "Data"):
            assert page.get_by_role("link", name=name, exact=True).count() == 0
    finally:
        ctx.close()


def test_three_open_sessions_see_a_new_report_on_their_next_run(browser, served):
    url, db = served
    day = today().isoformat()
    link = f"/?fran={day}&till={day}&aktor=nattvandrarna&kat=brand"
    watchers = []
    for _ in range(3):
        ctx = new_context(browser)
        page = ctx.new_page()
        sign_in(page, url, "admin", "Översikt", link)
        page.get_by_text("Inga händelser matchar filtret").wait_for()
        watchers.append((ctx, page))
    try:
        before = counts(db)
        ctx = new_context(browser, PHONE)
        page = ctx.new_page()
        sign_in(page, url, "nv", "Rapportera")
        choose(page, "Kategori", "Brand")
        page.get_by_text("Bara området", exact=True).click()
        wait_settled(page)
        choose(page, "Område", "Kyrkgatan")
        send(page)
        ctx.close()
        after = counts(db)
        assert after["incidents"] == before["incidents"] + 1
        assert after["audit_log"] == before["audit_log"] + 1
        assert {t: after[t] for t in TABLES} == {t: before[t] for t in TABLES}
        for _ctx, watcher in watchers:
            watcher.locator("body").press("r")  # Streamlit's key for "run again"
            metric = watcher.locator('[data-testid="stMetric"]').filter(has_text="Händelser")
            metric.first.wait_for()
            assert metric.first.locator('[data-testid="stMetricValue"]').inner_text() == "1"
    finally:
        for ctx, _page in watchers:
            ctx.close()
