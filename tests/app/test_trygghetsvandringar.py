"""Trygghetsvandringar under AppTest: an administrator records a walk and a finding and
fixes it (a measure appears), the meeting view's counts follow, the walk report renders;
the meeting role reads but cannot record."""
from __future__ import annotations

import datetime as dt

from est_data.store.db import open_db
from est_data.walks import store

WALKED = dt.date(2026, 11, 20)


def meeting_line(at) -> str:
    lines = [m.value for m in at.markdown if "fynd åtgärdade" in m.value]
    assert len(lines) == 1, lines
    return lines[0]


def test_meeting_role_reads_without_forms(app_db, app_test):
    at = app_test("trygghetsvandringar", role="mote")
    assert not at.exception, at.exception
    assert any("Inga trygghetsvandringar" in i.value for i in at.info)
    assert not at.expander and not [b for b in at.button if "Spara" in b.label]


def test_admin_records_walk_and_finding_and_fixes_it(app_db, app_test):
    at = app_test("trygghetsvandringar", role="admin")
    at.selectbox(key="tv_area").select("fokus_aragrand")
    at.multiselect(key="tv_actors").select("kommun").select("nattvandrarna")
    at.button[[b.label for b in at.button].index("Spara vandringen")].click().run()
    assert not at.exception, at.exception
    assert any("Vandringen är sparad" in s.value for s in at.success)
    with open_db(app_db, read_only=True) as con:
        walk_id, actors = con.execute("SELECT walk_id, actors FROM walks").fetchone()
    assert actors == "kommun,nattvandrarna"
    # A map click cannot be simulated (STACK_NOTES): the clicked point is in session state.
    at.session_state[f"tv_point_{walk_id}"] = (63.1745, 14.6452)
    at.run()
    at.selectbox(key=f"tv_kind_{walk_id}").select("klotter")
    at.selectbox(key=f"tv_resp_{walk_id}").select("kommun")
    at.text_input(key=f"tv_text_{walk_id}").input("Klotter på tunneln")
    at.button[[b.label for b in at.button].index("Spara fyndet")].click().run()
    assert not at.exception, at.exception
    assert any("Fyndet är sparat" in s.value for s in at.success)
    assert at.dataframe and "Klotter på tunneln" in at.dataframe[0].value.to_string()
    at.button[[b.label for b in at.button].index("Spara status")].click().run()
    assert not at.exception, at.exception
    assert any("finns nu som insats" in s.value for s in at.success)
    with open_db(app_db, read_only=True) as con:
        status, measure = con.execute("SELECT status, intervention_id FROM walk_findings"
                                      ).fetchone()
        kind, area = con.execute("SELECT kind, area_id FROM interventions "
                                 "WHERE intervention_id = ?", [measure]).fetchone()
    assert (status, kind, area) == ("atgardad", "ljusare väggar/målning", "fokus_aragrand")
    # the walk report
    assert [d.proto.label for d in at.get("download_button")] == [
        "Vandringsrapport (HTML, för utskrift)"]
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "data:image/svg+xml;base64," in html and "Klotter på tunneln" in html and "Åtgärdad" in html


def test_meeting_view_counts_open_and_fixed_findings(app_db, app_test):
    with open_db(app_db) as con:
        walk_id = store.add_walk(con, WALKED, "fokus_kyrkgatan", ["kommun"], None, "admin")
        a = store.add_finding(con, walk_id, "mork_plats", 63.1793, 14.637, "kommun", "",
                              "admin")
        store.add_finding(con, walk_id, "skrap", 63.1791, 14.636, "ostersundshem", "", "admin")
    at = app_test("oversikt", role="admin")
    at.toggle(key="moteslage").set_value(True).run()
    assert not at.exception, at.exception
    assert meeting_line(at) == "**0** fynd åtgärdade sedan förra mötet · **2** öppna"
    assert any(m.value.startswith("**Östersunds kommun** (1 öppna): Mörk plats / belysning, "
                                  "Kyrkgatan (2026-11-20)") for m in at.markdown)
    with open_db(app_db) as con:
        store.fix_finding(con, a, WALKED, "admin")
    at.run()
    assert meeting_line(at) == "**1** fynd åtgärdade sedan förra mötet · **1** öppna"
    assert not [m for m in at.markdown if m.value.startswith("**Östersunds kommun**")]


def test_pages_on_an_empty_database(empty_db, app_test):
    for page in ("trygghetsvandringar", "rapportera"):
        at = app_test(page, role="admin")
        assert not at.exception, (page, at.exception)
        assert [t.value for t in at.main.title] == [page.title()]
        assert at.info, page  # says what is missing instead of an empty page
