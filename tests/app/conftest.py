"""The AppTest house fixtures: ``app_test`` starts the app (signed in, on a page, with a
link's query parameters) and ``empty_db`` gives it a database with no data at all.

Every test under tests/app starts the app through ``app_test``, so how a test reaches a
page is written once, here.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from est_data.core.auth import hash_password
from est_data.store.db import open_db
from repo import REPO_ROOT

PASSWORD = "hemligt-losen"
#: One user per role (role -> username); the users file holds exactly these.
USERS = {"mote": "mote", "analytiker": "anna", "admin": "admin"}


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    """A users file with one user per role (all with ``PASSWORD``), as ``EST_USERS_FILE``."""
    h = hash_password(PASSWORD, salt=b"t" * 16)
    path = tmp_path / "users.toml"
    path.write_text("".join(
        f'[auth.users.{u}]\nname = "{u.title()}"\nrole = "{r}"\npassword_hash = "{h}"\n\n'
        for r, u in USERS.items()), encoding="utf-8")
    monkeypatch.setenv("EST_USERS_FILE", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """A fresh database with the schema and no data, as ``EST_DB``."""
    path = tmp_path / "empty.duckdb"
    with open_db(path):
        pass
    monkeypatch.setenv("EST_DB", str(path))
    return path


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and send the sign-in form of an app that has run once."""
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


@pytest.fixture
def app_test(request):
    """A factory: ``app_test(page=None, role=None, **query)`` -> a run AppTest.

    Sets the query parameters (a shared link), runs the app frame, signs in as the user
    of ``role`` (writing the users file) when given, and switches to ``pages/<page>.py``
    when given. Keyword-only extras: ``password`` (to sign in with another one),
    ``state`` (session-state entries set before the last run) and ``timeout``.
    """
    def start(page: str | None = None, role: str | None = None, *, password: str = PASSWORD,
              state: dict | None = None, timeout: float = 60, **query) -> AppTest:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=timeout)
        for key, value in query.items():
            at.query_params[key] = value
        if role is not None:
            request.getfixturevalue("users_file")
        fresh = False  # whether the last run shows the app as it is now
        if role is not None:
            sign_in(at.run(), USERS[role], password)
            fresh = True
        if page is not None:
            if not fresh:
                at.run()
            assert not at.exception, at.exception
            at.switch_page(f"pages/{page}.py")
            fresh = False
        for key, value in (state or {}).items():
            at.session_state[key] = value
            fresh = False
        return at if fresh else at.run()

    return start
