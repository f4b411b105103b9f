"""The log of measures: validation, add/edit/delete in one transaction, CSV round trip."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from est_data.measures import log as iv
from est_data.store.db import open_db
from est_data.store.sqlutil import fetch_value

AREAS = {"fokus_kyrkgatan": "Kyrkgatan", "2380C1220": "Östersund staden (C1220)"}
GOOD = {"area_id": "fokus_kyrkgatan", "kind": "belysning", "title": "Ny belysning",
        "started_on": "2025-10-20"}


@pytest.mark.parametrize("changes, message", [
    ({"area_id": ""}, "Område saknas."),
    ({"area_id": "Storsjön"}, "Okänt område: ”Storsjön”."),
    ({"kind": ""}, "Typ av insats saknas."),
    ({"kind": "drönare"}, "Okänd typ av insats: ”drönare”. Välj en av: belysning,"),
    ({"title": "   "}, "Titel saknas."),
    ({"title": "x" * 201}, "Titeln är för lång"),
    ({"started_on": None}, "Startdatum saknas."),
    ({"started_on": "20/10/2025"}, "Ogiltigt startdatum: ”20/10/2025” (skriv ÅÅÅÅ-MM-DD)."),
    ({"ended_on": "2025-02-30"}, "Ogiltigt slutdatum"),
    ({"ended_on": "2025-10-01"}, "Slutdatum ligger före startdatum."),
    ({"cost_sek": "-5"}, "Kostnaden kan inte vara negativ."),
    ({"cost_sek": "gratis"}, "Ogiltig kostnad: ”gratis”"),
    ({"lat": "63.18"}, "Ange både latitud och longitud"),
    ({"lat": "59.33", "lon": "18.07"}, "Platsen (lat/lon) ligger utanför kommunen."),
    ({"actor": "a" * 101}, "Ansvarig aktör är för lång"),
])
def test_validation_messages(changes, message):
    item, errors = iv.parse_intervention({**GOOD, **changes}, AREAS)
    assert item is None
    assert any(e.startswith(message) for e in errors), errors


@pytest.mark.parametrize("changes, field, value", [
    ({"area_id": "kyrkgatan"}, "area_id", "fokus_kyrkgatan"),       # by name, any case
    ({"kind": " Lås och passersystem "}, "kind", "lås och passersystem"),
    ({"cost_sek": "450 000 kr"}, "cost_sek", 450000.0),
    ({"cost_sek": "1 234,50"}, "cost_sek", 1234.5),
    ({"cost_sek": 35000}, "cost_sek", 35000.0),
    ({"cost_sek": ""}, "cost_sek", None),
    ({"started_on": dt.date(2025, 10, 20)}, "started_on", dt.date(2025, 10, 20)),
    ({"started_on": "2025-10-20 00:00:00"}, "started_on", dt.date(2025, 10, 20)),
    ({"ended_on": "2025-10-20"}, "ended_on", dt.date(2025, 10, 20)),  # one-day measure
    ({"title": "  Ny   belysning "}, "title", "Ny belysning"),
    ({"lat": "63,18", "lon": "14,64"}, "lat", 63.18),
])
def test_accepted_values_are_normalised(changes, field, value):
    item, errors = iv.parse_intervention({**GOOD, **changes}, AREAS)
    assert errors == []
    assert getattr(item, field) == value


def test_several_problems_are_all_reported():
    _, errors = iv.parse_intervention({"kind": "x"}, AREAS)
    assert len(errors) == 4  # area, kind, title, start


def count(db) -> int:
    with open_db(db, read_only=True) as con:
        return fetch_value(con, "SELECT count(*) FROM interventions")


def test_add_edit_delete(demo_db):
    with open_db(demo_db) as con:
        new_id = iv.add_intervention(con, {**GOOD, "cost_sek": "120 000", "actor": "Kommunen"})
        row = iv.list_interventions(con, ("fokus_kyrkgatan",)).set_index("intervention_id").loc[new_id]
        assert row["cost_sek"] == 120000 and row["area_name"] == "Kyrkgatan"
        assert row["lat"] == pytest.approx(63.1793, abs=0.01)  # the area's centre
        iv.update_intervention(con, new_id, {**GOOD, "title": "Ändrad", "ended_on": "2026-01-31"})
        row = iv.list_interventions(con).set_index("intervention_id").loc[new_id]
        assert row["title"] == "Ändrad" and row["ended_on"] == dt.date(2026, 1, 31)
        assert iv.delete_intervention(con, new_id) is True
        assert iv.delete_intervention(con, new_id) is False
        with pytest.raises(iv.InterventionError, match="finns inte längre"):
            iv.update_intervention(con, new_id, GOOD)
    assert count(demo_db) == 7


def test_invalid_add_stores_nothing(demo_db):
    with open_db(demo_db) as con:
        with pytest.raises(iv.InterventionError) as err:
            iv.add_intervention(con, {**GOOD, "title": ""})
        assert err.value.messages == ["Titel saknas."]
        with pytest.raises(iv.InterventionError, match="finns redan"):
            iv.add_intervention(con, {**GOOD, "intervention_id": "demo-01"})
    assert count(demo_db) == 7


def test_list_filters_by_area_and_activity(demo_con):
    all_rows = iv.list_interventions(demo_con)
    assert len(all_rows) == 7 and list(all_rows["started_on"]) == sorted(all_rows["started_on"])
    kyrk = iv.list_interventions(demo_con, ("fokus_kyrkgatan",))
    assert set(kyrk["area_id"]) == {"fokus_kyrkgatan"} and len(kyrk) == 3
    # Active in May 2026: the police presence ended 2026-04-30.
    active = iv.list_interventions(demo_con, ("fokus_kyrkgatan",), dt.date(2026, 5, 1),
                                   dt.date(2026, 5, 31))
    assert "polisnärvaro" not in set(active["kind"]) and len(active) == 2
    before = iv.list_interventions(demo_con, (), None, dt.date(2025, 9, 30))
    assert list(before["intervention_id"]) == ["demo-04"]


def test_csv_round_trip_into_an_empty_log(demo_db, tmp_path):
    with open_db(demo_db) as con:
        original = iv.list_interventions(con)
        data = iv.export_csv(con)
        con.execute("DELETE FROM interventions")
        result = iv.import_csv(con, data)
        again = iv.list_interventions(con)
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    assert result == iv.ImportResult(added=7, updated=0)
    cols = ["intervention_id", "area_id", "kind", "title", "started_on", "ended_on", "actor",
            "cost_sek", "note"]
    pd.testing.assert_frame_equal(original[cols], again[cols])
    assert (again["lat"] - original["lat"]).abs().max() < 1e-6


def test_csv_reimport_updates_by_id(demo_db):
    with open_db(demo_db) as con:
        data = iv.export_csv(con).decode("utf-8-sig").replace(
            "Ny LED-belysning längs Kyrkgatan", "LED-belysning, etapp 1")
        result = iv.import_csv(con, data.encode("utf-8"))
        titles = set(iv.list_interventions(con)["title"])
    assert result == iv.ImportResult(added=0, updated=7)
    assert "LED-belysning, etapp 1" in titles


def test_csv_with_swedish_headers_commas_and_cp1252(demo_db):
    text = ("område,typ,titel,start,slut,ansvarig,kostnad\r\n"
            "Kyrkgatan,kameror,Kameror vid entrén,2026-01-10,,Östersundshem,\"95 000\"\r\n"
            "2380C1220,trygghetsvandring,Trygghetsvandring,2026-02-01,2026-02-01,,\r\n")
    with open_db(demo_db) as con:
        result = iv.import_csv(con, text.encode("cp1252"))
        rows = iv.list_interventions(con, ("fokus_kyrkgatan", "2380C1220"), dt.date(2026, 1, 1))
    assert result == iv.ImportResult(added=2, updated=0)
    cams = rows[rows["kind"] == "kameror"].iloc[0]
    assert cams["actor"] == "Östersundshem" and cams["cost_sek"] == 95000


def test_csv_with_errors_imports_nothing_and_names_the_rows(demo_db):
    text = ("area_id;kind;title;started_on\n"
            "fokus_kyrkgatan;belysning;Bra rad;2026-01-01\n"
            "okänt;belysning;Fel område;2026-01-01\n"
            "fokus_kyrkgatan;ufo;Fel typ;2026-13-01\n")
    with open_db(demo_db) as con:
        with pytest.raises(iv.InterventionError) as err:
            iv.import_csv(con, text.encode())
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
        _, errors = iv.parse_csv(data, AREAS)
    except iv.InterventionError as exc:
        errors = exc.messages
    assert any(e.startswith(message) for e in errors), errors


def test_display_table_and_totals(demo_con):
    df = iv.list_interventions(demo_con)
    table = iv.display_table(df)
    assert list(table.columns[:3]) == ["Start", "Slut", "Område"]
    assert "pågår" in set(table["Slut"]) and "450\u00a0000" in set(table["Kostnad (kr)"])
    totals = iv.log_totals(df, today=dt.date(2026, 6, 1))
    assert totals["count"] == 7 and totals["ongoing"] == 6
    assert totals["cost_sek"] == 35000 + 450000 + 260000 + 820000 + 180000
