"""The first contact with a fresh server: several pages opened at once, and a deep link
as the very first request, each inside the app frame and without an error.

On a fresh server Streamlit treats ``pages/`` as the legacy multipage layout until the
first ``st.navigation`` call, so a direct link runs the page alone; the frame sends it
back through ``app.py`` (``est_data.webui.frame.enter_from_page``). An import-time rerun
used to do this, and made a second session's import fail ("cannot import name"). The
sessions still failed now and then ("cannot import name 'LAYERS' from partially
initialized module"): two of them importing ``est_data.maps`` and ``est_data.maps.data``
at once waited for each other (tests/unit/test_import_threads.py).

Streamlit loads some widgets' code (the multiselect, for one) only when a page first
shows one, so such a widget appears a moment after the run has ended: read it by waiting
for it, never from a snapshot taken when the run ends.
"""
from __future__ import annotations

import shutil

import pytest

from browser_helpers import wait_settled
from conftest import serve

FIRST_RUN_MS = 120_000  # a fresh server imports everything on the first runs
PAGES = {"": "Översikt", "/karta": "Karta", "/trender": "Trender", "/insatser": "Insatser",
         "/fore_efter": "Före/efter"}
SECTIONS = ["Läget", "Analys", "Admin"]
ERROR_WORDS = ("Traceback", "Error", "Något gick fel", "Page not found", "cannot import")


@pytest.fixture
def fresh_db(demo_db_master, tmp_path):
    db = tmp_path / "fresh.duckdb"
    shutil.copy(demo_db_master, db)
    return db


def assert_framed(page, title: str) -> None:
    """The page's own heading, the app's navigation with its sections, no error text."""
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=FIRST_RUN_MS)
    wait_settled(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.is_visible(), f"{title}: no navigation (page ran outside the frame)"
    assert nav.get_by_role("link", name="Översikt").count() == 1, title
    nav_text = nav.inner_text()
    assert all(section in nav_text for section in SECTIONS), (title, nav_text)
    assert page.locator('[data-testid="stException"]').count() == 0, f"{title} raised"
    text = page.locator("body").inner_text()
    assert not [w for w in ERROR_WORDS if w in text], (title, text[:2000])


def test_five_pages_opened_at_once_on_a_fresh_server(browser, fresh_db):
    with serve(fresh_db) as url:  # no warm-up: these are the server's first sessions
        contexts = [browser.new_context(viewport={"width": 1400, "height": 1000})
                    for _ in PAGES]
        try:
            pages = [ctx.new_page() for ctx in contexts]
            for page, path in zip(pages, PAGES):
                page.goto(url + path, wait_until="commit")  # all five before any has run
            for page, title in zip(pages, PAGES.values()):
                assert_framed(page, title)
        finally:
            for ctx in contexts:
                ctx.close()


def test_deep_link_as_the_very_first_request(browser, fresh_db):
    with serve(fresh_db) as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = ctx.new_page()
            page.goto(url + "/karta?kat=klotter&period=90d")
            assert_framed(page, "Karta")
            # The link's filter is applied and stays in the address.
            assert "/karta" in page.url and "kat=klotter" in page.url and "period=90d" in page.url
            categories = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
                                      ).filter(has_text="Kategorier")
            categories.get_by_text("Klotter", exact=True).wait_for()
            assert categories.count() == 1
        finally:
            ctx.close()
