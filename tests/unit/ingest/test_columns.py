"""The column scorer: header and content together, one column per field."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from est_data.ingest.columns import guess, header_score, score
from est_data.ingest.contents import ColumnContent, measure


def _measured(columns: dict[str, list[str]]) -> dict[str, ColumnContent]:
    n = len(next(iter(columns.values())))
    con = duckdb.connect()
    con.register("raw", pa.table({"_row": list(range(n)), **columns}))
    return measure(con, list(columns))


@pytest.mark.parametrize("field, header, at_least, at_most", [
    ("date", "Datum", 1.0, 1.0),                      # exact synonym
    ("date", "Händelse-datum ", 1.0, 1.0),            # accents, case, punctuation
    ("date", "Brottsdatum", 1.0, 1.0),
    ("date", "Anmält datum (lokal)", 0.8, 0.8),       # a synonym as a word
    ("date", "Skadedatum", 0.6, 0.6),                 # a compound ending in a synonym
    ("time", "Inbrottstid kl", 0.8, 0.8),             # "kl" as a word
    ("time", "Inbrottstid", 0.6, 0.6),                # "tid" in a compound
    ("north", "N (SWEREF 99 TM)", 1.0, 1.0),          # grid words do not hide the letter
    ("east", "E (SWEREF 99 TM)", 1.0, 1.0),
    ("north", "X_RT90", 1.0, 1.0),
    ("lat", "WGS84 N", 0.8, 1.0),
    ("category", "Vad hände?", 1.0, 1.0),             # plain words
    ("address", "Var", 1.0, 1.0),
    ("datetime", "När", 1.0, 1.0),
    ("category", "Incident type", 1.0, 1.0),          # English
    ("end_time", "Till kl", 1.0, 1.0),
    ("time", "Fr.o.m. kl", 1.0, 1.0),                 # "fr o m" is "från"
    ("end_date", "T.o.m. datum", 1.0, 1.0),           # "t o m" is "till"
    ("date", "T.o.m. datum", 0.0, 0.0),               # an end is never the start
    ("time", "Till kl", 0.0, 0.0),
    ("description", "Datum", 0.0, 0.0),               # no relation
    ("time", "Tidigare ärenden", 0.0, 0.0),           # "tid" must start no compound match
])
def test_header_score(field, header, at_least, at_most):
    got, why = header_score(field, header)
    assert at_least <= got <= at_most, (field, header, got, why)
    assert bool(why) == (got > 0)


# Header x content: what the values say can confirm, overrule or veto the header.
@pytest.mark.parametrize("columns, expected", [
    # a numeric code column and a text column naming incidents: the text is the category
    ({"Brottskod": ["9001", "9002", "1234", "9001"],
      "Brottsbenämning": ["Inbrott", "Skadegörelse", "Klotter", "Inbrott"],
      "Brottsdatum": ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]},
     {"category": "Brottsbenämning", "date": "Brottsdatum"}),
    # a time column named after the crime
    ({"Datum": ["2026-10-01", "2026-10-02", "2026-10-03"],
      "Inbrottstid": ["22.40", "kl 06:15", "23:00"],
      "Typ": ["Inbrott", "Inbrott", "Klotter"]},
     {"date": "Datum", "time": "Inbrottstid", "category": "Typ"}),
    # plain words, values obvious from their content
    ({"Vad": ["ungdomar bråkar", "klotter", "skadegörelse"],
      "Var": ["Kyrkgatan 12", "Arågränd 3 B", "Storgatan 7"],
      "När": ["2026-10-16 22:40", "2026-10-17 01:10", "16 okt 2026 22:40"]},
     {"category": "Vad", "address": "Var", "datetime": "När"}),
    # headers that say nothing: the values decide
    ({"Kolumn1": ["2026-10-01", "2026-10-02", "2026-10-03"],
      "Kolumn2": ["Klotter", "Inbrott", "Klotter"],
      "Kolumn3": ["6899123", "6899200", "6899301"],
      "Kolumn4": ["474000", "474100", "474200"]},
     {"date": "Kolumn1", "category": "Kolumn2", "north": "Kolumn3", "east": "Kolumn4"}),
    # unique names are no ids: an id has a number in it
    ({"Datum": ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05"],
      "Typ": ["Klotter", "Klotter", "Brand", "Inbrott", "Klotter"],
      "Anmält av": ["Anna", "Bo", "Cia", "Dan", "Eva"],
      "Löpnr": ["101", "102", "103", "104", "105"]},
     {"date": "Datum", "category": "Typ", "ref": "Löpnr"}),
    # a municipal map's local zone (SWEREF 99 15 00): eastings around 150 000
    ({"Datum": ["2026-10-01", "2026-10-02", "2026-10-03"],
      "Typ": ["Klotter", "Klotter", "Brand"],
      "N (SWEREF 99 15 00)": ["7006512", "7006400", "7006350"],
      "E (SWEREF 99 15 00)": ["131870", "131900", "132010"]},
     {"date": "Datum", "category": "Typ", "north": "N (SWEREF 99 15 00)",
      "east": "E (SWEREF 99 15 00)"}),
    # both coordinates in one cell, as a phone's map app copies them
    ({"När": ["2026-10-16 22:40", "2026-10-17 01:10", "2026-10-18 21:50"],
      "Vad": ["bråk", "klotter", "glaskross"],
      "Position": ["63.1767, 14.6361", "63,1801 14,6402", "63.1702;14.6299"]},
     {"datetime": "När", "category": "Vad", "point": "Position"}),
    # money with a space as thousands separator is no pair of coordinates
    ({"Datum": ["2026-10-01", "2026-10-02", "2026-10-03"],
      "Typ": ["Klotter", "Klotter", "Brand"],
      "Kostnad (kr)": ["12 500,00", "48 000,00", "3 200,00"]},
     {"date": "Datum", "category": "Typ"}),
    # "Datum" over date-times is the date and the time
    ({"Datum": ["2026-10-01 22:40", "2026-10-02 06:15", "2026-10-03 23:00"],
      "Typ": ["Klotter", "Klotter", "Brand"]},
     {"datetime": "Datum", "category": "Typ"}),
    # a "Tid" column of words is not a time (veto); the words are the category
    ({"Datum": ["2026-10-01", "2026-10-02", "2026-10-03"],
      "Tid": ["Klotter", "Inbrott", "Brand"]},
     {"date": "Datum", "category": "Tid"}),
    # a span: start and end columns, told apart by the header
    ({"Från": ["2026-10-01 22:00", "2026-10-02 23:00", "2026-10-03 21:30"],
      "Till": ["2026-10-02 06:00", "2026-10-03 07:00", "2026-10-04 06:30"],
      "Typ": ["Inbrott", "Inbrott", "Inbrott"]},
     {"datetime": "Från", "end_datetime": "Till", "category": "Typ"}),
    # decimal-comma degrees and DeSO codes, an id and free text
    ({"Id": ["A-1", "A-2", "A-3"], "Latitud": ["63,1767", "63,1801", "63,1702"],
      "Longitud": ["14,6361", "14,6402", "14,6299"],
      "Datum": ["2026-10-01", "2026-10-02", "2026-10-03"],
      "Kategori": ["Klotter", "Klotter", "Brand"],
      "DeSO": ["2380C1010", "2380C1020", "2380C1010"],
      "Övrigt om händelsen": ["Ungdomar bråkade länge i trapphuset på natten",
                              "Tags på fasaden mot gatan vid entrén till huset",
                              "Brand i en soptunna bakom miljöhuset i kväll"]},
     {"ref": "Id", "lat": "Latitud", "lon": "Longitud", "date": "Datum",
      "category": "Kategori", "area": "DeSO", "description": "Övrigt om händelsen"}),
])
def test_guess_uses_header_and_content(columns, expected):
    g = guess(list(columns), _measured(columns))
    assert g.mapping == expected, {f: (c.column, c.score, c.reasons) for f, c in g.choices.items()}
    assert set(g.unused) == set(columns) - set(expected.values())


def test_each_choice_says_why_and_how_sure():
    cols = {"Brottsdatum": ["2026-10-01", "2026-10-02", "2026-10-03"],
            "Händelse": ["Klotter", "xyz", "Brand"]}
    g = guess(list(cols), _measured(cols))
    date = g.choices["date"]
    assert date.confidence_sv == "säker"
    assert date.reasons == ("rubriken ”Brottsdatum” betyder datum", "100 % av värdena är datum")
    assert g.choices["category"].reasons[1] == "67 % av värdena är kända händelseord"


def test_a_lone_coordinate_is_no_place():
    cols = {"Datum": ["2026-10-01", "2026-10-02", "2026-10-03"],
            "Typ": ["Klotter", "Klotter", "Brand"], "N": ["6899123", "6899200", "6899301"]}
    g = guess(list(cols), _measured(cols))
    assert "north" not in g.mapping and "N" in g.unused


def test_a_typed_field_is_vetoed_by_values_that_do_not_fit():
    bad = ColumnContent(values=10, letters=1.0)
    assert score("time", "Tid", bad)[0] < 0.3
    assert score("description", "Text", bad)[0] >= 0.45   # untyped fields keep the header
