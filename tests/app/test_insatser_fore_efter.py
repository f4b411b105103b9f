"""AppTest runs of the Insatser and Före/efter pages."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from repo import REPO_ROOT
from est_data.evaluation import evaluate as ev_mod, followup
from est_data.evaluation.selection import EvaluationSpec
from est_data.core.auth import hash_password

APP = str(REPO_ROOT / "app.py")


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def downloads(at: AppTest) -> list:
    return [e for e in at.main.get("download_button")]


FOLLOWUP_LABEL = "Före → efter"  # the Årsuppföljning's cards, above the detailed evaluation


def detail_metrics(at: AppTest) -> list:
    """The detailed evaluation's tiles (not the Årsuppföljning's cards above them)."""
    return [m for m in at.metric if m.label != FOLLOWUP_LABEL]


def report_downloads(at: AppTest) -> list:
    return [d for d in downloads(at) if "rapporten" in d.proto.label]


# --- Insatser ----------------------------------------------------------------------------------

def test_insatser_lists_the_log(app_db):
    at = open_page("pages/insatser.py")
    assert at.title[0].value == "Insatser"
    table = at.dataframe[0].value
    assert len(table) == 7 and "Ny LED-belysning längs Kyrkgatan" in set(table["Titel"])
    assert [m.label for m in at.metric] == ["Insatser", "Pågående i dag", "Kostnad"]
    assert at.metric[2].value == "1\u00a0745\u00a0000 kr"
    assert len(downloads(at)) == 1


def test_insatser_filter_by_area(app_db):
    at = open_page("pages/insatser.py")
    at.multiselect(key="iv_show_areas").set_value(["fokus_kyrkgatan"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["Område"]) == {"Kyrkgatan"}
    assert at.metric[0].value == "3"


def test_insatser_add_with_validation(app_db):
    at = open_page("pages/insatser.py")
    at.button(key="iv_new_save").click().run()
    assert not at.exception
    assert any("Titel saknas." in e.value for e in at.error)
    assert len(at.dataframe[0].value) == 7
    at.selectbox(key="iv_new_area").set_value("fokus_kyrkgatan")
    at.selectbox(key="iv_new_kind").set_value("kameror")
    at.text_input(key="iv_new_title").input("Kameror vid entrén")
    at.date_input(key="iv_new_start").set_value(dt.date(2026, 1, 10))
    at.number_input(key="iv_new_cost").set_value(95000.0)
    at.button(key="iv_new_save").click().run()
    assert not at.exception
    assert any("är sparad" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert len(table) == 8
    row = table[table["Titel"] == "Kameror vid entrén"].iloc[0]
    assert (row["Typ"], row["Start"], row["Kostnad (kr)"]) == ("Kameror", "2026-01-10", "95\u00a0000")


def test_insatser_edit_and_delete(app_db):
    at = open_page("pages/insatser.py")
    at.selectbox(key="iv_edit_id").set_value("demo-02").run()
    at.text_input(key="iv_edit_demo-02_title").input("LED-belysning, etapp 1")
    at.button(key="iv_edit_demo-02_save").click().run()
    assert not at.exception
    assert "LED-belysning, etapp 1" in set(at.dataframe[0].value["Titel"])
    at.selectbox(key="iv_edit_id").set_value("demo-02").run()
    assert at.button(key="iv_del_demo-02").disabled
    at.checkbox(key="iv_del_ok_demo-02").check().run()
    at.button(key="iv_del_demo-02").click().run()
    assert not at.exception
    assert any("borttagen" in s.value for s in at.success)
    assert len(at.dataframe[0].value) == 6


# --- Före/efter ----------------------------------------------------------------------------------

def test_fore_efter_defaults(app_db):
    at = open_page("pages/fore_efter.py")
    assert at.title[0].value == "Före/efter"
    assert at.session_state["fe_categories"] == ["storning", "inbrott"]
    assert [m.label for m in detail_metrics(at)] == ["Målområdet, före → efter",
                                                     "Jämförelseområdena", "Bufferten"]
    summary = " ".join(m.value for m in at.markdown)
    assert "Sammanfattning" in summary and "jämförelseområdena" in summary
    counts, stats, selection = (t.value for t in at.table)
    assert list(counts["Grupp"])[:2] == ["Målområde", "Jämförelseområden"]
    assert "Relativ effektstorlek, RES" in set(stats["Mått"])
    assert "Arågränd" in set(selection["Värde"])
    assert len(report_downloads(at)) == 1


def test_fore_efter_kyrkgatan_matches_the_evaluation(app_db):
    at = open_page("pages/fore_efter.py")
    at.multiselect(key="fe_targets").set_value(["fokus_kyrkgatan"]).run()
    at.selectbox(key="fe_measure").set_value("demo-03").run()  # police presence, 2025-11-01
    assert not at.exception
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        ev = ev_mod.evaluate(con, EvaluationSpec(
            ("fokus_kyrkgatan",), dt.date(2025, 11, 1), categories=("storning", "inbrott")))
    finally:
        con.close()
    tiles = detail_metrics(at)
    assert tiles[0].value == f"{ev.target.before} → {ev.target.after}"
    assert tiles[1].value == f"{ev.control.before} → {ev.control.after}"
    assert any("insats 2025-11-01" in c.value for c in at.caption)


def test_fore_efter_own_date_gap_ring_and_own_areas(app_db):
    at = open_page("pages/fore_efter.py")
    at.selectbox(key="fe_measure").set_value("__date__").run()
    at.date_input(key="fe_date").set_value(dt.date(2025, 5, 1))
    at.number_input(key="fe_months").set_value(6)
    at.number_input(key="fe_gap").set_value(14).run()
    assert not at.exception
    assert any("insats 2025-05-01" in c.value and "Efter: 2025-05-15" in c.value
               for c in at.caption)
    assert any("årstidsvariationer" in w.value for w in at.warning)
    at.radio(key="fe_buf_mode").set_value("ring").run()
    at.number_input(key="fe_ring_m").set_value(500).run()
    assert not at.exception
    assert any("ringen 500" in m.value for m in at.markdown)
    at.radio(key="fe_ctrl_mode").set_value("egna").run()
    assert any("Välj minst ett jämförelseområde" in i.value for i in at.info)
    at.multiselect(key="fe_controls").set_value(["2380C1040", "2380C1240"]).run()
    assert not at.exception
    assert len(detail_metrics(at)) == 3


def test_fore_efter_needs_a_target_and_new_targets_get_their_latest_measure(app_db):
    at = open_page("pages/fore_efter.py")
    assert at.session_state["fe_measure"] == "demo-07"  # Arågränd, 2025-11-07
    at.multiselect(key="fe_targets").set_value([]).run()
    assert not at.exception
    assert any("Välj ett målområde" in i.value for i in at.info)
    at.multiselect(key="fe_targets").set_value(["fokus_kyrkgatan"]).run()
    assert at.session_state["fe_measure"] == "demo-03"  # Kyrkgatan, 2025-11-01


def test_followup_cards_and_the_way_to_the_details(app_db):
    at = open_page("pages/fore_efter.py")
    cards = [m for m in at.metric if m.label == FOLLOWUP_LABEL]
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        expected = followup.followup_table(followup.focus_followup(con))
    finally:
        con.close()
    assert [c.value for c in cards] == list(expected["Före → efter"])
    assert [d.proto.label for d in downloads(at)][:2] == [
        "Ladda ner årsuppföljningen (HTML, för utskrift)", "Tabellen (CSV)"]
    bold = [m.value for m in at.markdown if m.value.startswith("**") and "." in m.value]
    assert all(f"**{v}**" in bold for v in expected["Bedömning"])
    # "Utvärdera i detalj" on Kyrkgatan: its first measure, 12 months, the standard categories.
    at.session_state["fe_months"] = 24
    at.button(key="fe_followup_fokus_kyrkgatan").click().run()
    assert not at.exception
    assert at.session_state["fe_targets"] == ["fokus_kyrkgatan"]
    assert at.session_state["fe_measure"] == "demo-01"
    assert at.session_state["fe_months"] == 12
    assert any("Kyrkgatan, insats 2025-10-06" in c.value for c in at.caption)
    assert detail_metrics(at)[0].value == cards[1].value


def test_filter_state_survives_a_visit_to_the_evaluation_pages(app_db):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.multiselect(key="f_categories").set_value(["klotter"]).run()
    at.switch_page("pages/fore_efter.py").run()
    at.switch_page("pages/insatser.py").run()
    at.switch_page("pages/oversikt.py").run()
    assert not at.exception
    assert at.session_state["f_categories"] == ["klotter"]


# --- Roles -----------------------------------------------------------------------------------------

@pytest.fixture
def users(tmp_path, monkeypatch, app_db):
    h = hash_password("pw", salt=b"s" * 16)
    text = "".join(f'[auth.users.{u}]\nname = "{u}"\nrole = "{r}"\npassword_hash = "{h}"\n\n'
                   for u, r in [("mote", "mote"), ("anna", "analytiker"), ("admin", "admin")])
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("EST_USERS_FILE", str(path))


def signed_in(username: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input("pw")
    at.button[0].click().run()
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("username, writes", [("mote", False), ("anna", False), ("admin", True)])
def test_only_writers_get_the_forms(users, username, writes):
    at = signed_in(username, "pages/insatser.py")
    assert len(at.dataframe[0].value) == 7
    assert len(downloads(at)) == 1
    assert (len(at.tabs) > 0) is writes
    if not writes:
        assert any("kan läsa loggen" in c.value for c in at.caption)


@pytest.mark.parametrize("username", ["mote", "anna"])
def test_every_role_can_evaluate(users, username):
    at = signed_in(username, "pages/fore_efter.py")
    assert len(detail_metrics(at)) == 3 and len(report_downloads(at)) == 1
