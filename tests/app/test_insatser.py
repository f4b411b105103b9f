"""AppTest of Insatser: the measures log, its filter, and the forms only writers get."""
from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest


def downloads(at: AppTest) -> list:
    return [e for e in at.main.get("download_button")]


def test_insatser_lists_the_log(app_db, app_test):
    at = app_test("insatser")
    assert not at.exception
    assert at.title[0].value == "Insatser"
    table = at.dataframe[0].value
    assert len(table) == 7 and "Ny LED-belysning längs Kyrkgatan" in set(table["Titel"])
    assert [m.label for m in at.metric] == ["Insatser", "Pågående i dag", "Kostnad"]
    assert at.metric[2].value == "1\u00a0745\u00a0000 kr"
    assert len(downloads(at)) == 1


def test_insatser_filter_by_area(app_db, app_test):
    at = app_test("insatser")
    assert not at.exception
    at.multiselect(key="iv_show_areas").set_value(["fokus_kyrkgatan"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["Område"]) == {"Kyrkgatan"}
    assert at.metric[0].value == "3"


def test_insatser_add_with_validation(app_db, app_test):
    at = app_test("insatser")
    assert not at.exception
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
    saved = next(s.value for s in at.success if "är sparad" in s.value)
    # The measure is logged with its evaluation plan, and the coordinator is told how
    # likely the plan is to find a 30 % drop (issue 14, items 4 and 8).
    assert "Plan fastställd" in saved and "(version 1)" in saved
    assert "chans att en minskning med 30\u00a0% syns som säkerställd efter 12 månader" in saved
    table = at.dataframe[0].value
    assert len(table) == 8
    row = table[table["Titel"] == "Kameror vid entrén"].iloc[0]
    assert (row["Typ"], row["Start"], row["Kostnad (kr)"]) == ("Kameror", "2026-01-10", "95\u00a0000")


def test_insatser_edit_and_delete(app_db, app_test):
    at = app_test("insatser")
    assert not at.exception
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


@pytest.mark.parametrize("role, writes", [("mote", False), ("analytiker", False), ("admin", True)])
def test_only_writers_get_the_forms(app_db, app_test, role, writes):
    at = app_test("insatser", role=role)
    assert not at.exception
    assert len(at.dataframe[0].value) == 7
    assert len(downloads(at)) == 1
    assert (len(at.tabs) > 0) is writes
    if not writes:
        assert any("kan läsa loggen" in c.value for c in at.caption)
