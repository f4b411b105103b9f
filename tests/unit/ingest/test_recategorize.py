"""Unknown category words fixed in the app (issue 13, item 7): the list of stored words
without a rule, and one word given a category: the stored incidents at once (audited),
the actor's profile for the next import, and a rebuild that agrees."""
from __future__ import annotations

import pytest

from est_data.core import config
from est_data.store.db import connect
from est_data.ingest import IngestError, import_file
from est_data.ingest.profiles import Profile, load_profile, save_profile
from est_data.ingest.rebuild import rebuild
from est_data.ingest.recategorize import UNMAPPED_COLUMNS, recategorize, unmapped_words

from ingest_util import NOW, areas_only_db, write
from readback import q

PARTNER_FILE = ("Datum;Kategori;Beskrivning\n"
                "2025-04-01 21:10;Vattenläcka;Läcker i källaren\n"
                "2025-04-02 08:00;Vattenläcka;\n"
                "2025-04-03 07:30;Vattenläcka;Igen\n"
                "2025-04-03 22:00;Bråk och skadegörelse;Ungdomar i entrén\n"
                "2025-04-04 23:00;Övrigt;\n"
                "2025-04-05 23:00;Rattfylleri;\n"
                "2025-04-06 23:00;Klotter;\n")


@pytest.fixture
def profiles(tmp_path, monkeypatch):
    folder = tmp_path / "profiles"
    monkeypatch.setattr(config, "PROFILES_DIR", folder)
    return folder


@pytest.fixture
def db(tmp_path, profiles):
    path = areas_only_db(tmp_path / "est.duckdb")
    con = connect(path)
    try:
        import_file(con, write(tmp_path / "partner.csv", PARTNER_FILE), "ny_partner",
                    actor_name="Bostadsbolaget Öst", now=NOW)
    finally:
        con.close()
    return path


def _unmapped(db):
    con = connect(db, read_only=True)
    try:
        return unmapped_words(con)
    finally:
        con.close()


def _ovrigt(db) -> int:
    return q(db, "SELECT count(*) FROM incidents WHERE category = 'ovrigt'")[0][0]


def test_unmapped_words_lists_unknown_and_ambiguous_words_with_examples(db):
    got = _unmapped(db)
    assert list(got.columns) == UNMAPPED_COLUMNS
    assert got[["raw_category", "count", "rule"]].values.tolist() == [
        ["Vattenläcka", 3, "okänt"], ["Bråk och skadegörelse", 1, "tvetydig"]]
    first = got.iloc[0]
    assert first["actor"] == "Bostadsbolaget Öst" and first["source"] == "ny_partner"
    assert first["examples"] == "2025-04-03: Igen; 2025-04-02"      # the latest two
    assert got.iloc[1]["candidates"] == ["storning", "skadegorelse"]
    assert got["suggestion"].isna().all()
    # "Övrigt" and the known non-event "Rattfylleri" are ovrigt on purpose: not listed.


def test_a_word_given_a_category_changes_the_database_the_profile_and_the_rebuild(db, profiles):
    before = _ovrigt(db)
    done = recategorize(db, "ny_partner", "Vattenläcka", "otrygg_plats", "admin")
    assert done.incidents == 3 and done.profile_path == profiles / "ny_partner.toml"
    assert _ovrigt(db) == before - 3
    assert q(db, "SELECT DISTINCT category FROM incidents WHERE raw_category = "
                 "'Vattenläcka'") == [("otrygg_plats",)]
    audit = q(db, "SELECT username, action, details FROM audit_log "
                  "WHERE action = 'category.recategorize'")
    assert audit == [("admin", "category.recategorize",
                      "ny_partner: 'Vattenläcka' → Otrygg plats (3 händelser)")]
    prof = load_profile("ny_partner")
    assert prof.categories == {"Vattenläcka": "otrygg_plats"}
    assert prof.name == "Bostadsbolaget Öst"          # a new profile, named as the actor
    assert list(_unmapped(db)["raw_category"]) == ["Bråk och skadegörelse"]
    stored = q(db, "SELECT incident_id, category FROM incidents ORDER BY 1")
    result = rebuild(db)
    assert result.replayed == 1
    assert q(db, "SELECT incident_id, category FROM incidents ORDER BY 1") == stored


def test_an_existing_profile_keeps_its_settings_and_gets_the_word(db, profiles):
    save_profile(Profile(key="ny_partner", name="Öst", kind="bostadsbolag",
                         categories={"vattenläcka": "ovrigt", "Sot": "brand"},
                         skip_categories=("Hiss*",)), profiles)
    recategorize(db, "ny_partner", "Vattenläcka", "brand", "admin")
    prof = load_profile("ny_partner")
    assert prof.categories == {"Sot": "brand", "Vattenläcka": "brand"}
    assert (prof.name, prof.skip_categories) == ("Öst", ("Hiss*",))


def test_ambiguous_word_and_duplicates_are_marked_again(tmp_path, profiles):
    path = areas_only_db(tmp_path / "d.duckdb")
    con = connect(path)
    try:
        import_file(con, write(tmp_path / "a.csv", "Datum;Kategori;Latitud;Longitud\n"
                               "2025-04-01 21:10;Bråk och skadegörelse;63.1801;14.6402\n"),
                    "bolag_a", now=NOW)
        import_file(con, write(tmp_path / "b.csv", "Datum;Kategori;Latitud;Longitud\n"
                               "2025-04-01 21:20;Skadegörelse;63.1801;14.6402\n"),
                    "bolag_b", now=NOW)
    finally:
        con.close()
    assert q(path, "SELECT count(*) FROM incidents WHERE duplicate_of IS NOT NULL")[0][0] == 0
    done = recategorize(path, "bolag_a", "Bråk och skadegörelse", "skadegorelse", "admin")
    assert (done.incidents, done.duplicates_changed) == (1, 1)
    assert q(path, "SELECT source FROM incidents WHERE duplicate_of IS NOT NULL") == [("bolag_b",)]


def test_an_unknown_code_is_refused_and_nothing_changes(db, profiles):
    before = q(db, "SELECT incident_id, category FROM incidents ORDER BY 1")
    with pytest.raises(IngestError, match="unknown category code") as info:
        recategorize(db, "ny_partner", "Vattenläcka", "vattenskada", "admin")
    assert "finns inte" in info.value.sv
    assert q(db, "SELECT incident_id, category FROM incidents ORDER BY 1") == before
    assert not (profiles / "ny_partner.toml").exists()


def test_the_word_is_matched_as_the_profile_matches_it(tmp_path, profiles):
    """Case and spacing do not count (as in the profile), so the database and the next
    rebuild agree; another actor's same word is left alone."""
    path = areas_only_db(tmp_path / "w.duckdb")
    con = connect(path)
    try:
        text = ("Datum;Kategori\n2025-04-01 21:10;Vattenläcka\n"
                "2025-04-02 21:10;VATTENLÄCKA  i källare\n2025-04-03 21:10;vattenläcka\n")
        import_file(con, write(tmp_path / "a.csv", text), "bolag_a", now=NOW)
        import_file(con, write(tmp_path / "b.csv", text), "bolag_b", now=NOW)
    finally:
        con.close()
    assert recategorize(path, "bolag_a", "Vattenläcka", "ovrigt", "admin").incidents == 2
    assert recategorize(path, "bolag_a", "vattenläcka i källare", "brand", "admin").incidents == 1
    assert q(path, "SELECT source, raw_category, category FROM incidents ORDER BY ALL") == [
        ("bolag_a", "VATTENLÄCKA  i källare", "brand"), ("bolag_a", "Vattenläcka", "ovrigt"),
        ("bolag_a", "vattenläcka", "ovrigt"), ("bolag_b", "VATTENLÄCKA  i källare", "ovrigt"),
        ("bolag_b", "Vattenläcka", "ovrigt"), ("bolag_b", "vattenläcka", "ovrigt")]
    # Given "Övrigt" on purpose, the word is no longer listed for bolag_a.
    con = connect(path, read_only=True)
    try:
        listed = unmapped_words(con)[["source", "raw_category"]].values.tolist()
    finally:
        con.close()
    assert [s for s, _ in listed] == ["bolag_b"] * 3
