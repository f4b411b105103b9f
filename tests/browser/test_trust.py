"""Trust in a real browser: what each role can and cannot see, hostile text never runs,
and the first link after a server start goes through the app frame."""
from __future__ import annotations

import re
import shutil

import pytest

from browser_helpers import PASSWORD, make_users_file, plant_hostile_text, wait_settled
from conftest import serve

XSS = "<img src=x onerror=alert(1)>"
TIMEOUT_MS = 30_000
PAGES = ["Översikt", "Karta", "Trender", "Insatser", "Före/efter"]
MAP_FRAME = 'iframe[src*="streamlit_folium"]'


@pytest.fixture(scope="module")
def hostile_url(browser, demo_db_master, tmp_path_factory):
    """The app with sign-in, over a database whose texts carry script payloads."""
    tmp = tmp_path_factory.mktemp("trust")
    db = tmp / "hostile.duckdb"
    shutil.copy(demo_db_master, db)
    plant_hostile_text(db, XSS)
    users = make_users_file(tmp / "users.toml")
    with serve(db, {"EST_USERS_FILE": str(users)}) as url:
        yield url


def signed_in(browser, url, username):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/?mote=0")  # Översikt for every role (the meeting role starts in Mötesläge)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Översikt").wait_for()
    return ctx, page, dialogs


def settle(page):
    """Until the run is over and a map on the page is drawn (its own frame fills in
    after the run)."""
    wait_settled(page)
    if page.locator(MAP_FRAME).count():
        page.frame_locator(MAP_FRAME).locator(".leaflet-container").wait_for()


def planted_images(page) -> int:
    """``<img>`` elements made from the payload, on the page and in every frame: text
    written as HTML would make one (and its ``onerror`` would run)."""
    return sum(f.locator('img[src="x"]').count() for f in page.frames)


def visit(page, title):
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, f"{title} raised"
    assert planted_images(page) == 0, f"the payload became HTML on {title}"


def nav_titles(page) -> list[str]:
    return [t.strip().splitlines()[-1] for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def test_signed_out_sees_nothing_but_the_form(browser, hostile_url):
    page = browser.new_page()
    try:
        page.goto(hostile_url)
        page.get_by_role("button", name="Logga in").wait_for(timeout=TIMEOUT_MS)
        assert nav_titles(page) == []
        page.goto(hostile_url + "/karta")
        page.get_by_role("button", name="Logga in").wait_for(timeout=TIMEOUT_MS)
        assert page.locator("iframe").count() == 0
    finally:
        page.close()


def test_meeting_role_sees_aggregates_only(browser, hostile_url):
    ctx, page, dialogs = signed_in(browser, hostile_url, "mote")
    try:
        assert "Data" not in nav_titles(page) and "Områden" not in nav_titles(page)
        visit(page, "Karta")
        assert page.get_by_text("Enskilda händelser", exact=True).count() == 0
        visit(page, "Trender")
        assert page.get_by_role("tab", name="Antal för delning").count() == 1
        assert page.get_by_role("tab", name="Händelser").count() == 0
        assert not dialogs
    finally:
        ctx.close()


def test_analyst_sees_rows_but_cannot_write(browser, hostile_url):
    ctx, page, dialogs = signed_in(browser, hostile_url, "anna")
    try:
        visit(page, "Trender")
        assert page.get_by_role("tab", name="Händelser").count() == 1
        visit(page, "Insatser")
        assert page.get_by_role("button", name=re.compile("Spara|Lägg till")).count() == 0
        assert not dialogs
    finally:
        ctx.close()


def test_hostile_text_never_runs_on_any_page(browser, hostile_url):
    ctx, page, dialogs = signed_in(browser, hostile_url, "admin")
    try:
        admin_pages = [t for t in ("Data", "Områden") if t in nav_titles(page)]
        assert admin_pages == ["Data", "Områden"]
        for title in PAGES + admin_pages:
            visit(page, title)
            assert not dialogs, f"a script ran on {title}: {dialogs}"
        # The meeting view too (large map, newest measures with their titles).
        visit(page, "Översikt")
        page.get_by_text("Mötesläge", exact=True).click()
        page.get_by_role("heading", name=re.compile("Lägesbild")).wait_for()
        settle(page)
        assert planted_images(page) == 0
        assert not dialogs
        # The payload is shown as text where it is written as text.
        assert page.get_by_text(XSS, exact=False).count() >= 1
    finally:
        ctx.close()


def test_first_direct_link_after_start_has_the_frame(browser, demo_db_master, tmp_path):
    db = tmp_path / "d.duckdb"
    shutil.copy(demo_db_master, db)
    with serve(db) as url:  # no warm-up: this is the first request the server sees
        page = browser.new_page()
        try:
            page.goto(url + "/fore_efter")
            page.get_by_role("heading", name="Före/efter").wait_for(timeout=60_000)
            assert "Översikt" in nav_titles(page)
            assert page.get_by_text("Page not found").count() == 0
        finally:
            page.close()


def test_tables_have_no_download_of_their_own(browser, hostile_url):
    """A table's own "Download as CSV" writes every cell as it is, a live ``=HYPERLINK(…)``
    too (OWASP CSV injection). The app's exports make such cells inert and are the way
    out, so the tables' toolbar offers no download (issue 12, item 11)."""
    ctx, page, dialogs = signed_in(browser, hostile_url, "anna")
    try:
        visit(page, "Trender")
        page.get_by_role("tab", name="Händelser").click()
        table = page.get_by_role("tabpanel", name="Händelser").locator(
            '[data-testid="stDataFrame"]').first
        table.hover()
        toolbar = page.locator('[data-testid="stElementToolbar"]').filter(
            has=page.get_by_role("button", name=re.compile("Fullscreen")))
        toolbar.first.wait_for()
        assert page.get_by_role("button", name=re.compile("Download as CSV")).count() == 0
        assert not dialogs
    finally:
        ctx.close()
