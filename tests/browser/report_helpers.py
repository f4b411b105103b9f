"""Helpers for the browser tests of Rapportera and Trygghetsvandringar: the server on the
port this work was given, a users file with a reporter, sign-in and choosing in a
selectbox."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from browser_helpers import wait_settled
from conftest import serve
from est_data.core.auth import hash_password

PORT = 8614
PASSWORD = "hemligt-losen"
TIMEOUT_MS = 60_000
FIRST_RUN_MS = 120_000


def users_file(path):
    """A users file with the reporter ``nv`` (Nattvandrarna) and an administrator."""
    h = hash_password(PASSWORD, salt=b"p" * 16)
    path.write_text(
        f'[auth.users.nv]\nname = "Nina Natt"\nrole = "rapportor"\nactor = "nattvandrarna"\n'
        f'password_hash = "{h}"\n\n[auth.users.admin]\nname = "Admin"\nrole = "admin"\n'
        f'password_hash = "{h}"\n', encoding="utf-8")
    return path


@contextmanager
def serve_on_port(db, users):
    """``conftest.serve`` on :data:`PORT` with the users file ``users``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(serve.__globals__, "_free_port", lambda: PORT)
        with serve(db, {"EST_USERS_FILE": str(users)}) as url:
            yield url


def new_context(browser, size=None):
    ctx = browser.new_context(viewport=size or {"width": 1400, "height": 1000},
                              has_touch=size is not None)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx


def sign_in(page, url: str, username: str, heading: str, path: str = "") -> None:
    page.goto(url + path)
    page.get_by_label("Användarnamn").wait_for(timeout=FIRST_RUN_MS)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=FIRST_RUN_MS)
    wait_settled(page)


def choose(page, label: str, option: str) -> None:
    """Type ``option`` into the selectbox labelled ``label`` and pick it from the list."""
    wait_settled(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    field = box.locator("input")
    field.click()
    field.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_settled(page)
