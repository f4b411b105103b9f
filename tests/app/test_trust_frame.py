"""Trust in the app frame (AppTest): write forms only for writers, an unexpected error
never shows a traceback, and the database's path stays with whoever manages it."""
from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest


def shown_text(at: AppTest) -> str:
    """Every text the run put on the page (markdown, alerts, captions, titles)."""
    kinds = ("markdown", "error", "warning", "info", "success", "caption", "title", "exception")
    return "\n".join(str(getattr(e, "value", e.proto)) for k in kinds for e in at.get(k))


@pytest.mark.parametrize("role, writes", [("mote", False), ("analytiker", False), ("admin", True)])
def test_meeting_forms_only_for_writers(app_db, app_test, role, writes):
    at = app_test(role=role, mote="0")  # the meetings panel is in Översikt's normal view
    assert not at.exception
    submits = {b.proto.label for b in at.get("form_submit_button")}
    assert ("Lägg till möte" in submits) is writes
    assert any(b.label == "Ta bort" for b in at.button) is writes
    # Everyone still sees the stored meetings.
    assert any(e.label.startswith("Möten (") for e in at.expander)


def test_unexpected_error_in_a_page_shows_a_swedish_message(app_db, app_test, monkeypatch,
                                                             caplog):
    from est_data.incidents import queries

    def period_totals(con, f):
        raise RuntimeError(f"kaboom in {app_db}")

    # The cached read looks the function up by module and name.
    period_totals.__module__, period_totals.__qualname__ = queries.__name__, "period_totals"
    monkeypatch.setattr(queries, "period_totals", period_totals)
    with caplog.at_level(logging.ERROR, logger="est_data.webui.frame"):
        at = app_test()
    assert not at.exception
    assert any("Något gick fel" in e.value for e in at.error)
    assert str(app_db) not in shown_text(at) and "kaboom" not in shown_text(at)
    assert any("kaboom" in r.exc_text for r in caplog.records if r.exc_text)
    # The frame around the page is still there: the navigation and the sidebar.
    assert any("adressfältet" in c.value for c in at.sidebar.caption)


def test_meeting_role_never_sees_the_database_path(tmp_path, monkeypatch, app_test):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("EST_DB", str(path))
    at = app_test(role="mote")
    assert not at.exception
    assert any("Databasen kan inte läsas" in e.value for e in at.error)
    assert str(path) not in shown_text(at) and "broken.duckdb" not in shown_text(at)
    admin = app_test(role="admin")
    assert any(str(path) in e.value for e in admin.error)
