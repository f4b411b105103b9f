"""Rapportera under AppTest: a reporter sees only the report form and their actor's
reports, a report is stored as an incident, bad input stores nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from est_data.store.db import open_db
from est_data.store.sqlutil import fetch_value
from repo import REPO_ROOT
from reporting_users import sign_in, write_users

OTHER_PAGES = ["oversikt", "karta", "trender", "insatser", "fore_efter", "data", "omraden",
               "trygghetsvandringar"]


@pytest.fixture
def reporter_app(app_db, tmp_path, monkeypatch):
    monkeypatch.setenv("EST_USERS_FILE", str(write_users(tmp_path / "users.toml")))

    def start(username: str, page: str | None = "rapportera") -> AppTest:
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
        sign_in(at.run(), username)
        assert not at.exception, at.exception
        if page:
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
        return at
    return start


def incidents(db, where: str = "reported_by IS NOT NULL") -> int:
    with open_db(db, read_only=True) as con:
        return fetch_value(con, f"SELECT count(*) FROM incidents WHERE {where}")


def test_reporter_lands_on_rapportera_and_sees_only_it(reporter_app):
    at = reporter_app("nv", page=None)
    assert [t.value for t in at.main.title] == ["Rapportera"]
    assert any("Nattvandrarna" in c.value for c in at.caption)
    assert not at.sidebar.multiselect  # no filter: a reporter sees no incidents
    assert [b.label for b in at.button if b.label == "Skicka rapport"]


@pytest.mark.parametrize("page", OTHER_PAGES)
def test_reporter_is_refused_every_other_page(reporter_app, page):
    at = reporter_app("nv", page=page)
    if page == "oversikt":  # the start page of everyone else sends a reporter to theirs
        assert [t.value for t in at.main.title] == ["Rapportera"]
        return
    warnings = [w.value for w in at.warning]
    assert any("Rapportör" in w and "inte tillgång" in w for w in warnings), warnings
    assert not at.main.title and not at.main.metric


def test_report_by_area_is_stored_and_audited(reporter_app, app_db):
    at = reporter_app("nv")
    before = incidents(app_db, "TRUE")
    at.selectbox(key="rp0_category").select("klotter")
    at.radio(key="rp0_where").set_value("area").run()
    at.selectbox(key="rp0_area").select("fokus_kyrkgatan")
    at.text_area(key="rp0_text").input("Klotter på fasaden, ring 070-123 45 67")
    at.button(key="rp0_send").click().run()
    assert not at.exception, at.exception
    assert any("Tack" in s.value for s in at.success)
    assert incidents(app_db, "TRUE") == before + 1
    with open_db(app_db, read_only=True) as con:
        row = con.execute("SELECT source, category, precision, focus_area_id, description, "
                          "reported_by FROM incidents WHERE reported_by IS NOT NULL").fetchall()
        assert row == [("nattvandrarna", "klotter", "area", "fokus_kyrkgatan",
                        "Klotter på fasaden, ring [telefon]", "nv")]
        assert fetch_value(con, "SELECT count(*) FROM audit_log WHERE action = 'report.add' "
                                "AND username = 'nv'") == 1
    # the form is fresh again, and the report is in the reporter's list
    assert at.selectbox(key="rp1_category").value is None
    assert any("Klotter" in m.value and "Kyrkgatan" in m.value for m in at.markdown)


@pytest.mark.parametrize("setup, message", [
    ({}, "Välj en kategori"),
    ({"category": "klotter", "when": "at", "future": True}, "framtiden"),
    ({"category": "klotter"}, "Klicka på kartan"),
])
def test_bad_input_is_refused_in_swedish(reporter_app, app_db, setup, message):
    at = reporter_app("nv")
    if "category" in setup:
        at.selectbox(key="rp0_category").select(setup["category"])
    if setup.get("future"):
        at.radio(key="rp0_when").set_value("at").run()
        at.date_input(key="rp0_from_d").set_value(dt.date.today() + dt.timedelta(days=2))
    at.button(key="rp0_send").click().run()
    assert not at.exception, at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert incidents(app_db) == 0


def test_reporter_sees_only_own_actors_reports(reporter_app, app_db):
    at = reporter_app("vakt")
    at.selectbox(key="rp0_category").select("storning")
    at.radio(key="rp0_where").set_value("area").run()
    at.selectbox(key="rp0_area").select("fokus_aragrand")
    at.button(key="rp0_send").click().run()
    assert incidents(app_db) == 1
    at = reporter_app("nv")
    assert any("Inga rapporter" in c.value for c in at.caption)
    assert not [m for m in at.markdown if "Arågränd" in m.value]


def test_admin_reports_for_any_actor(reporter_app, app_db):
    at = reporter_app("admin")
    at.selectbox(key="rp_actor").select("polisen").run()
    at.selectbox(key="rp0_category").select("inbrott")
    at.radio(key="rp0_where").set_value("address").run()
    at.selectbox(key="rp0_address").select("Storgatan 5")
    at.button(key="rp0_send").click().run()
    assert not at.exception, at.exception
    with open_db(app_db, read_only=True) as con:
        assert con.execute("SELECT source, precision, address, lat IS NOT NULL FROM incidents "
                           "WHERE reported_by = 'admin'").fetchall() == [
            ("polisen", "address", "Storgatan 5", True)]


def report_by_area(at, category="klotter", area="fokus_kyrkgatan"):
    n = at.session_state["rp_nonce"]
    at.selectbox(key=f"rp{n}_category").select(category)
    at.radio(key=f"rp{n}_where").set_value("area").run()
    at.selectbox(key=f"rp{n}_area").select(area)
    at.button(key=f"rp{n}_send").click().run()
    assert not at.exception, at.exception


def test_reporter_corrects_and_withdraws_own_report(reporter_app, app_db):
    at = reporter_app("nv")
    report_by_area(at)
    with open_db(app_db, read_only=True) as con:
        iid = fetch_value(con, "SELECT incident_id FROM incidents WHERE reported_by = 'nv'")
    at.selectbox(key=f"fix_cat_{iid}").select("skadegorelse")
    at.button(key=f"fix_save_{iid}").click().run()
    assert not at.exception, at.exception
    assert any("Rapporten är ändrad" in s.value for s in at.success)
    assert incidents(app_db, "category = 'skadegorelse' AND reported_by = 'nv'") == 1
    at.button(key=f"fix_del_{iid}").click().run()
    assert any("Rapporten är borttagen" in s.value for s in at.success)
    assert incidents(app_db) == 0
    with open_db(app_db, read_only=True) as con:
        assert [r[0] for r in con.execute(
            "SELECT action FROM audit_log WHERE username = 'nv' ORDER BY rowid").fetchall()] == [
            "report.add", "report.correct", "report.withdraw"]


def test_after_24_hours_only_an_admin_may_change_a_report(reporter_app, app_db):
    from est_data.reporting import store
    from est_data.reporting.model import ReportInput
    from est_data.store.audit import now_local

    with open_db(app_db) as con:
        iid = store.submit_report(con, ReportInput(
            "klotter", now_local() - dt.timedelta(hours=26), place_kind="area",
            area_id="fokus_kyrkgatan"), "nattvandrarna", "nv",
            now_local() - dt.timedelta(hours=25))
    at = reporter_app("nv")
    assert any("Klotter" in m.value and "Kyrkgatan" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == f"fix_del_{iid}"]
    at = reporter_app("admin")
    at.selectbox(key="rp_actor").select("nattvandrarna").run()
    at.button(key=f"fix_del_{iid}").click().run()
    assert not at.exception, at.exception
    assert incidents(app_db) == 0
