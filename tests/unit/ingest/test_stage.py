"""Staging a file's rows: each distinct category word classified once, by meaning, with
the rule carried into the import report (issue 13, item 3)."""
from __future__ import annotations

import pytest

from est_data.store.db import connect
from est_data.ingest import import_file
from est_data.demo.samples import demo_rows, write_demo_exports

from ingest_util import NOW, areas_only_db, write

PARTNER_FILE = ("Datum;Händelse\n"
                "2025-04-01 21:10;Inbrott källare\n"
                "2025-04-02 21:10;Inbrott källare\n"
                "2025-04-03 22:00;Obehöriga i trapphus\n"
                "2025-04-04 23:00;Bråk och skadegörelse\n"
                "2025-04-05 23:00;Vattenläcka\n"
                "2025-04-06 23:00;Klotter\n")


@pytest.fixture
def con(tmp_path):
    c = connect(areas_only_db(tmp_path / "est.duckdb"))
    yield c
    c.close()


def test_a_new_partners_phrases_land_by_meaning_with_their_rules(con, tmp_path):
    path = write(tmp_path / "partner.csv", PARTNER_FILE)
    report = import_file(con, path, "ny_partner", now=NOW,
                         mapping={"datetime": "Datum", "category": "Händelse"})
    assert report.category_rules == {
        "Inbrott källare": ["inbrott", "första ordet", 2],
        "Obehöriga i trapphus": ["obehorig", "ordstam", 1],
        "Bråk och skadegörelse": ["ovrigt", "tvetydig", 1],
        "Vattenläcka": ["ovrigt", "okänt", 1],
        "Klotter": ["klotter", "exakt ord", 1]}
    assert report.unknown_categories == {"Vattenläcka": 1}
    assert report.ambiguous_categories == {"Bråk och skadegörelse": ["storning", "skadegorelse"]}
    stored = dict(con.execute("SELECT raw_category, category FROM incidents").fetchall())
    assert stored["Inbrott källare"] == "inbrott" and stored["Obehöriga i trapphus"] == "obehorig"
    assert stored["Bråk och skadegörelse"] == "ovrigt"          # the raw word kept
    assert any("ambiguous category words" in line and "storning or skadegorelse" in line
               for line in report.lines())


def test_skipped_words_are_not_listed(con, tmp_path):
    text = ("Ärendenr;Händelsedatum;Klockslag;Felkategori;Adress;Beskrivning;Registrerad\n"
            "A1;2025-04-01;21.10;Vattenläcka;Storgatan 1;;2025-04-01 22:00\n"
            "A2;2025-04-01;21.10;Klottrat på dörren;Storgatan 1;;2025-04-01 22:00\n")
    report = import_file(con, write(tmp_path / "o.csv", text, "cp1252"), "ostersundshem",
                         now=NOW)
    assert report.category_rules == {"Klottrat på dörren": ["klotter", "ordstam", 1]}
    assert report.unknown_categories == {}


def test_the_demo_actors_land_in_the_categories_the_demo_gave_them(tmp_path):
    """The five demo actors' exports through their profiles give the demo's own category
    counts per actor: the matcher changes nothing the exact words decided before."""
    rows = demo_rows(3000, 5)
    files = write_demo_exports(tmp_path / "exports", rows=rows, seed=5, messy=False)
    con = connect(areas_only_db(tmp_path / "est.duckdb"))
    try:
        for source, path in files.items():
            report = import_file(con, path, source, now=NOW)
            assert report.unknown_categories == {} and report.ambiguous_categories == {}
            assert {rule for _, rule, _ in report.category_rules.values()} <= {
                "exakt ord", "profilens ord"}, source
        got = con.execute("SELECT source, category, count(*) FROM incidents "
                          "GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()
    expected = rows.groupby(["source", "category"]).size()
    assert got == [(s, c, int(n)) for (s, c), n in expected.sort_index().items()]
