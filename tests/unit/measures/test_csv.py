"""Measures as CSV: round trip, re-import by id, Swedish files, all-or-nothing import."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from est_data.measures import csv as measures_csv, model, store
from est_data.store.db import open_db
from est_data.store.sqlutil import fetch_value

AREAS = {"fokus_kyrkgatan": "Kyrkgatan", "2380C1220": "Östersund staden (C1220)"}


def count(db) -> int:
    with open_db(db, read_only=True) as con:
        return fetch_value(con, "SELECT count(*) FROM interventions")


def test_csv_round_trip_into_an_empty_log(demo_db, tmp_path):
    with open_db(demo_db) as con:
        original = store.list_interventions(con)
        data = measures_csv.export_csv(con)
        con.execute("DELETE FROM interventions")
        result = measures_csv.import_csv(con, data)
        again = store.list_interventions(con)
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    assert result == measures_csv.ImportResult(added=7, updated=0)
    cols = ["intervention_id", "area_id", "kind", "title", "started_on", "ended_on", "actor",
            "cost_sek", "note"]
    pd.testing.assert_frame_equal(original[cols], again[cols])
    assert (again["lat"] - original["lat"]).abs().max() < 1e-6


def test_formula_text_is_inert_in_the_file_and_itself_again_on_import(demo_db):
    """OWASP CSV injection: the file never holds a live formula, and the apostrophe that
    makes it inert is not stored when the file is imported again (it is the template)."""
    with open_db(demo_db) as con:
        con.execute("UPDATE interventions SET title = '=1+1', note = '@SUM(A1)' "
                    "WHERE intervention_id = 'demo-01'")
        data = measures_csv.export_csv(con)
        con.execute("DELETE FROM interventions")
        measures_csv.import_csv(con, data)
        again = store.list_interventions(con).set_index("intervention_id")
    text = data.decode("utf-8-sig")
    assert ";'=1+1;" in text and ";'@SUM(A1)" in text
    assert again.loc["demo-01", "title"] == "=1+1"
    assert again.loc["demo-01", "note"] == "@SUM(A1)"


def test_csv_reimport_updates_by_id(demo_db):
    with open_db(demo_db) as con:
        data = measures_csv.export_csv(con).decode("utf-8-sig").replace(
            "Ny LED-belysning längs Kyrkgatan", "LED-belysning, etapp 1")
        result = measures_csv.import_csv(con, data.encode("utf-8"))
        titles = set(store.list_interventions(con)["title"])
    assert result == measures_csv.ImportResult(added=0, updated=7)
    assert "LED-belysning, etapp 1" in titles


def test_csv_with_swedish_headers_commas_and_cp1252(demo_db):
    text = ("område,typ,titel,start,slut,ansvarig,kostnad\r\n"
            "Kyrkgatan,kameror,Kameror vid entrén,2026-01-10,,Östersundshem,\"95 000\"\r\n"
            "2380C1220,trygghetsvandring,Trygghetsvandring,2026-02-01,2026-02-01,,\r\n")
    with open_db(demo_db) as con:
        result = measures_csv.import_csv(con, text.encode("cp1252"))
        rows = store.list_interventions(con, ("fokus_kyrkgatan", "2380C1220"), dt.date(2026, 1, 1))
    assert result == measures_csv.ImportResult(added=2, updated=0)
    cams = rows[rows["kind"] == "kameror"].iloc[0]
    assert cams["actor"] == "Östersundshem" and cams["cost_sek"] == 95000


def test_csv_with_errors_imports_nothing_and_names_the_rows(demo_db):
    text = ("area_id;kind;title;started_on\n"
            "fokus_kyrkgatan;belysning;Bra rad;2026-01-01\n"
            "okänt;belysning;Fel område;2026-01-01\n"
            "fokus_kyrkgatan;ufo;Fel typ;2026-13-01\n")
    with open_db(demo_db) as con:
        with pytest.raises(model.InterventionError) as err:
            measures_csv.import_csv(con, text.encode())
    messages = err.value.messages
    assert messages[0] == "Rad 3: Okänt område: ”okänt”."
    assert any(m.startswith("Rad 4: Okänd typ") for m in messages)
    assert any(m.startswith("Rad 4: Ogiltigt startdatum") for m in messages)
    assert count(demo_db) == 7


@pytest.mark.parametrize("data, message", [
    (b"", "Filen är tom."),
    (b"a;b;c\n1;2;3\n", "Filen saknar kolumnerna area_id, kind, title, started_on"),
    (b"area_id;kind;title;started_on\n", "Filen innehåller inga insatser."),
    ("intervention_id;area_id;kind;title;started_on\nx1;fokus_kyrkgatan;övrigt;A;2026-01-01\n"
     "x1;fokus_kyrkgatan;övrigt;B;2026-01-02\n".encode(), "Rad 3: id ”x1” finns redan på rad 2."),
])
def test_csv_file_problems(data, message):
    try:
        _, errors = measures_csv.parse_csv(data, AREAS)
    except model.InterventionError as exc:
        errors = exc.messages
    assert any(e.startswith(message) for e in errors), errors
