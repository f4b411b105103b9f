"""AppTest runs of the app frame and its pages."""
from __future__ import annotations

import datetime as dt

import pytest


def test_oversikt_shows_totals_and_tables(app_db, app_test):
    at = app_test()
    assert not at.exception
    assert at.title[0].value == "Översikt"
    assert [m.label for m in at.metric][:1] == ["Händelser"]
    assert len(at.dataframe) == 3  # categories, areas, stored meetings
    assert int(at.metric[0].value.replace("\u00a0", "")) > 0


def test_filter_state_goes_into_the_url(app_db, app_test):
    at = app_test()
    at.sidebar.multiselect(key="f_categories").set_value(["klotter"]).run()
    assert not at.exception
    assert at.query_params["kat"] in ("klotter", ["klotter"])
    assert list(at.dataframe[0].value["Kategori"]) == ["Klotter"]


def test_url_filters_are_applied_and_junk_is_ignored(app_db, app_test):
    at = app_test(kat="inbrott,'; DROP TABLE incidents;--", period="90d", dag="1,2,99", tim="x")
    assert not at.exception
    assert at.session_state["f_categories"] == ["inbrott"]
    assert at.session_state["f_weekdays"] == [1, 2]
    cats = at.dataframe[0].value
    assert list(cats["Kategori"]) == ["Inbrott"]


def test_rejected_link_values_are_named_in_the_sidebar(app_db, app_test):
    at = app_test("karta", tim="0-300000000", kat="klotter")
    assert not at.exception
    assert at.session_state["f_hours"] == (0, 23)
    notes = " ".join(w.value for w in at.sidebar.warning)
    assert "tim=0-300000000" in notes and "inte kunde användas" in notes


@pytest.mark.parametrize("page", ["oversikt", "karta", "trender"])
@pytest.mark.parametrize("fran, till", [("2001-01-01", "2001-02-01"),
                                        ("2040-01-01", "2041-01-01"),
                                        ("0001-01-01", "9999-12-31")])
def test_link_period_outside_the_data_is_clamped(app_db, app_test, page, fran, till):
    at = app_test(page, fran=fran, till=till)
    assert not at.exception, at.exception
    first, last = at.session_state["f_start"], at.session_state["f_end"]
    assert dt.date(2023, 1, 1) <= first <= last <= dt.date(2026, 11, 30)
    notes = " ".join(w.value for w in at.sidebar.warning)
    assert "utanför" in notes and f"{first:%Y-%m-%d}" in notes


def test_empty_database_shows_guidance(empty_db, app_test):
    at = app_test()
    assert not at.exception
    assert any("inga händelser" in i.value.lower() for i in at.info)


def test_missing_database_is_built_on_first_start(tmp_path, monkeypatch, app_test):
    path = tmp_path / "new" / "est.duckdb"
    monkeypatch.setenv("EST_DB", str(path))
    at = app_test()
    assert not at.exception
    assert path.exists()


def test_damaged_database_gives_swedish_message(tmp_path, monkeypatch, app_test):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("EST_DB", str(path))
    at = app_test()
    assert not at.exception
    assert any("Databasen kan inte läsas" in e.value for e in at.error)


def test_filters_survive_a_page_without_the_sidebar(app_db, app_test):
    at = app_test()
    at.sidebar.multiselect(key="f_categories").set_value(["klotter"]).run()
    for page in ("pages/data.py", "pages/insatser.py", "pages/oversikt.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    assert at.session_state["f_categories"] == ["klotter"]
    assert at.session_state["f_hours"] == (0, 23)


def test_database_of_an_older_version_is_upgraded_on_start(tmp_path, monkeypatch, app_test):
    import duckdb

    from est_data.store import schema
    from est_data.demo.build import build_demo_file

    path = tmp_path / "v1.duckdb"
    with monkeypatch.context() as m:  # a database as the first version of the app wrote it
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(schema, "SCHEMA_VERSION", 1)
        build_demo_file(path, incidents=300, seed=1)
    monkeypatch.setenv("EST_DB", str(path))
    at = app_test()
    assert not at.exception and not at.error
    at.switch_page("pages/data.py").run()
    assert not at.exception
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == schema.SCHEMA_VERSION
    con.close()


def test_sidebar_tells_that_the_link_shares_the_view(app_db, app_test):
    at = app_test()
    assert any("adressfältet" in c.value for c in at.sidebar.caption)
