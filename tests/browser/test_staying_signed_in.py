"""Sign-in that keeps links working, in a real browser (issue 12, item 13): a reload keeps
the user signed in (the session cookie), a link opened while signed out shows the sign-in
form on its own address and then its page with all its parameters, and "Logga ut" ends
it for good.
"""
from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlparse

import pytest

from browser_helpers import PASSWORD, make_users_file, wait_settled
from conftest import serve

TIMEOUT_MS = 60_000
FIRST_RUN_MS = 120_000  # a fresh server imports everything on its first runs
# The filter (read by the sidebar) and the map's own choices (short codes,
# est_data.maps.link).
LINK = "/karta?kat=klotter&period=90d&farg=forandring&lager=tat"
PARAMS = {"kat": ["klotter"], "period": ["90d"], "farg": ["forandring"], "lager": ["tat"]}


@pytest.fixture
def fresh_server(browser, demo_db_master, tmp_path):
    """A server with sign-in that has seen no request yet."""
    db = tmp_path / "signin.duckdb"
    shutil.copy(demo_db_master, db)
    users = make_users_file(tmp_path / "users.toml")
    with serve(db, {"EST_USERS_FILE": str(users)}) as url:
        yield url


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def assert_sign_in_form(page) -> None:
    page.get_by_role("button", name="Logga in").wait_for(timeout=FIRST_RUN_MS)
    wait_settled(page)
    page.get_by_label("Användarnamn").wait_for()  # its code may load after the run
    text = page.locator("body").inner_text()
    assert "Page not found" not in text and "Running the app" not in text, text[:1000]
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no menu signed out


def sign_in(page, username: str = "anna") -> None:
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def signed_in_as(page, title: str, name: str = "Anna") -> None:
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=FIRST_RUN_MS)
    wait_settled(page)
    page.get_by_text(f"Inloggad: {name}").wait_for()
    assert page.get_by_label("Användarnamn").count() == 0


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_a_link_opened_signed_out_lands_on_its_page_with_its_parameters(fresh_server,
                                                                        context):
    # The very first request of a fresh server, too: one sign-in is enough.
    page = context.new_page()
    page.goto(fresh_server + LINK)
    assert_sign_in_form(page)
    assert urlparse(page.url).path == "/karta" and query(page) == PARAMS
    sign_in(page)
    signed_in_as(page, "Karta")
    assert urlparse(page.url).path == "/karta"
    assert query(page) == PARAMS
    categories = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
                              ).filter(has_text="Kategorier")
    categories.get_by_text("Klotter", exact=True).wait_for()


def test_a_reload_keeps_the_sign_in_until_signing_out(fresh_server, context):
    page = context.new_page()
    page.goto(fresh_server)
    assert_sign_in_form(page)
    sign_in(page)
    signed_in_as(page, "Översikt")
    cookie = next(c for c in context.cookies() if c["name"] == "est_session")
    assert cookie["sameSite"] == "Strict" and cookie["value"] not in page.url
    page.reload()
    signed_in_as(page, "Översikt")
    # A link in a new tab of the same browser is signed in as well.
    tab = context.new_page()
    tab.goto(fresh_server + "/trender?kat=inbrott")
    signed_in_as(tab, "Trender")
    assert query(tab)["kat"] == ["inbrott"]
    page.get_by_role("button", name="Logga ut").click()
    assert_sign_in_form(page)
    page.wait_for_function("() => !document.cookie.includes('est_session=')")
    page.reload()
    assert_sign_in_form(page)
    # The token is revoked on the server too: a copy of the cookie no longer signs in.
    context.add_cookies([cookie])
    tab.reload()
    assert_sign_in_form(tab)
