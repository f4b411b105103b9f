"""Trust in the app frame (AppTest): write forms only for writers, an unexpected error
never shows a traceback, and the database's path stays with whoever manages it."""
from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from est_data.core.auth import hash_password
from repo import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
PASSWORD = "hemligt-losen"


@pytest.fixture
def users(tmp_path, monkeypatch):
    """Three users, one per role, from ``$EST_USERS_FILE``."""
    h = hash_password(PASSWORD, salt=b"f" * 16)
    path = tmp_path / "users.toml"
    path.write_text("".join(
        f'[auth.users.{u}]\nname = "{u.title()}"\nrole = "{r}"\npassword_hash = "{h}"\n\n'
        for u, r in [("mote", "mote"), ("anna", "analytiker"), ("admin", "admin")]),
        encoding="utf-8")
    monkeypatch.setenv("EST_USERS_FILE", str(path))
    return path


def signed_in(username: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(PASSWORD)
    return at.button[0].click().run()


def shown_text(at: AppTest) -> str:
    """Every text the run put on the page (markdown, alerts, captions, titles)."""
    kinds = ("markdown", "error", "warning", "info", "success", "caption", "title", "exception")
    return "\n".join(str(getattr(e, "value", e.proto)) for k in kinds for e in at.get(k))


@pytest.mark.parametrize("username, writes", [("mote", False), ("anna", False), ("admin", True)])
def test_meeting_forms_only_for_writers(app_db, users, username, writes):
    at = signed_in(username)
    assert not at.exception
    submits = {b.proto.label for b in at.get("form_submit_button")}
    assert ("Lägg till möte" in submits) is writes
    assert any(b.label == "Ta bort" for b in at.button) is writes
    # Everyone still sees the stored meetings.
    assert any(e.label.startswith("Möten (") for e in at.expander)


def test_unexpected_error_in_a_page_shows_a_swedish_message(app_db, monkeypatch, caplog):
    from est_data.overview import queries

    def period_totals(con, f):
        raise RuntimeError(f"kaboom in {app_db}")

    # The cached read looks the function up by module and name.
    period_totals.__module__, period_totals.__qualname__ = queries.__name__, "period_totals"
    monkeypatch.setattr(queries, "period_totals", period_totals)
    with caplog.at_level(logging.ERROR, logger="est_data.webui.frame"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("Något gick fel" in e.value for e in at.error)
    assert str(app_db) not in shown_text(at) and "kaboom" not in shown_text(at)
    assert any("kaboom" in r.exc_text for r in caplog.records if r.exc_text)
    # The frame around the page is still there: the navigation and the sidebar.
    assert any("adressfältet" in c.value for c in at.sidebar.caption)


def test_meeting_role_never_sees_the_database_path(tmp_path, monkeypatch, users):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("EST_DB", str(path))
    at = signed_in("mote")
    assert not at.exception
    assert any("Databasen kan inte läsas" in e.value for e in at.error)
    assert str(path) not in shown_text(at) and "broken.duckdb" not in shown_text(at)
    admin = signed_in("admin")
    assert any(str(path) in e.value for e in admin.error)
