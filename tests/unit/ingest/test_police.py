"""The Police's public events feed: the real file and the rules it teaches."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from est_data.store.db import connect
from est_data.ingest import import_file
from est_data.ingest.police import event_time, parse_published, parse_title

from ingest_util import NOW, POLICE_FILE, areas_only_db

D = dt.datetime


@pytest.mark.parametrize("title,published,expected", [
    ("02 november 08.50, Inbrott, Östersund", D(2025, 11, 2, 13, 28), D(2025, 11, 2, 8, 50)),
    ("29 november 22:07, Mord/dråp, försök, Östersund", D(2022, 11, 30, 1, 12),
     D(2022, 11, 29, 22, 7)),
    # New Year: published on 1 January about 31 December
    ("31 december 23.40, Brand, Östersund", D(2026, 1, 1, 0, 35), D(2025, 12, 31, 23, 40)),
    ("31 december 21.05, Misshandel, Östersund", D(2026, 1, 2, 9, 0), D(2025, 12, 31, 21, 5)),
    ("01 januari 00.10, Bråk, Östersund", D(2026, 1, 1, 2, 0), D(2026, 1, 1, 0, 10)),
    ("29 februari 10.00, Stöld, Östersund", D(2024, 3, 1, 8, 0), D(2024, 2, 29, 10, 0)),
    ("5 maj 7.05, Stöld, Östersund", D(2025, 5, 5, 9, 0), D(2025, 5, 5, 7, 5)),
    ("Sammanfattning natt", D(2025, 5, 5, 9, 0), None),
    ("32 maj 10.00, Stöld, Östersund", D(2025, 6, 1, 9, 0), None),
    ("05 maj 25.00, Stöld, Östersund", D(2025, 5, 6, 9, 0), None),
])
def test_event_time_from_title_and_publication_year(title, published, expected):
    assert event_time(title, published) == expected


@pytest.mark.parametrize("text,expected", [
    ("2025-06-07 7:32:06 +02:00", D(2025, 6, 7, 7, 32, 6)),     # hour not zero-padded
    ("2025-11-02 13:28:13 +01:00", D(2025, 11, 2, 13, 28, 13)),
    ("2025-11-02T13:28:13+01:00", D(2025, 11, 2, 13, 28, 13)),
    ("not a date", None), (None, None), ("2025-13-02 10:00:00", None)])
def test_publication_time(text, expected):
    assert parse_published(text) == expected


def test_title_parts():
    assert parse_title("02 november 08.50, Mord/dråp, försök, Östersund") == (
        2, 11, 8, 50, "Mord/dråp, försök", "Östersund")


@pytest.fixture
def con(tmp_path):
    c = connect(areas_only_db(tmp_path / "est.duckdb"))
    yield c
    c.close()


def test_real_feed_counts_per_type_and_never_a_point(con):
    report = import_file(con, POLICE_FILE, "polisen_handelser", now=NOW)
    # 3,396 events: 2,070 in other municipalities of Jämtland, 629 of Östersund's are not
    # EST incidents (traffic, summaries, rescue ...), 697 imported, none rejected.
    assert report.rows_read == 3396
    assert report.skipped == {"Annan kommun än Östersund": 2070,
                              "Inte en EST-händelse (typ enligt profilen)": 629}
    assert (report.rows_new, report.rows_rejected, report.rows_updated) == (697, 0, 0)
    # Never a point; 35 summaries name one area ("Torvalla, ...", "Kyrkgatan").
    assert report.precision == {"municipality": 662, "area": 35}
    assert report.unknown_categories == {}
    rows = con.execute("""SELECT count(*), count(lat), count(x), count(area_id),
        count(focus_area_id), count(*) FILTER (WHERE precision <> 'municipality')
        FROM incidents WHERE source = 'polisen_handelser'""").fetchall()[0]
    assert rows == (697, 0, 0, 34, 1, 35)
    per_area = dict(con.execute("""SELECT coalesce(area_id, focus_area_id), count(*)
        FROM incidents WHERE precision = 'area' GROUP BY 1""").fetchall())
    assert per_area == {"2380C1040": 24, "2380C1190": 6, "2380C1300": 4, "fokus_kyrkgatan": 1}
    torvalla = con.execute("SELECT description FROM incidents WHERE area_id = '2380C1040'").fetchall()
    assert all("Torvalla" in d or "Ängsmon" in d for (d,) in torvalla)
    per_type = dict(con.execute("SELECT raw_category, count(*) FROM incidents "
                                "GROUP BY 1").fetchall())
    assert per_type["Stöld"] == 192 and per_type["Fylleri/LOB"] == 162
    assert per_type["Misshandel"] == 36 and "Trafikkontroll" not in per_type
    assert report.categories["stold"] == 215 and report.categories["storning"] == 194
    # The first event: published 30 November 2022 01:12 about 29 November 22:07.
    first = con.execute("SELECT occurred_at, reported_at, category FROM incidents "
                        "WHERE source_ref = '387021'").fetchall()
    assert first == [(D(2022, 11, 29, 22, 7), D(2022, 11, 30, 1, 12, 18), "vald_hot")]
    # County-located events whose title ends in Östersund belong to Östersund.
    county = con.execute("SELECT count(*) FROM incidents WHERE source_ref IN ('%s')" % "','".join(
        str(e["id"]) for e in json.loads(POLICE_FILE.read_text(encoding="utf-8"))
        if e["location"]["name"] == "Jämtlands län")).fetchall()[0][0]
    assert county > 0


def test_same_feed_again_adds_nothing(con):
    import_file(con, POLICE_FILE, "polisen_handelser", now=NOW)
    again = import_file(con, POLICE_FILE, "polisen_handelser", now=NOW)
    assert (again.rows_new, again.rows_unchanged, again.rows_updated) == (0, 697, 0)
    assert con.execute("SELECT count(*) FROM incidents").fetchall()[0][0] == 697


def _event(eid, published, title, kind, summary, place="Östersund"):
    return {"id": eid, "datetime": published, "name": title, "summary": summary, "url": "/x",
            "type": kind, "location": {"name": place, "gps": "63.176683,14.636068"}}


def test_new_year_and_repeated_id_is_an_update(con, tmp_path):
    first = tmp_path / "events1.json"
    first.write_text(json.dumps([
        _event(900001, "2026-01-01 0:35:12 +01:00", "31 december 23.40, Brand, Östersund",
               "Brand", "Brand i soptunna."),
        _event(900002, "2026-01-01 3:10:00 +01:00", "01 januari 02.15, Bråk, Östersund",
               "Bråk", "Bråk utanför krog."),
    ], ensure_ascii=False), encoding="utf-8")
    report = import_file(con, first, "polisen_handelser", now=NOW)
    assert report.rows_new == 2
    got = dict(con.execute("SELECT source_ref, occurred_at FROM incidents").fetchall())
    assert got == {"900001": D(2025, 12, 31, 23, 40), "900002": D(2026, 1, 1, 2, 15)}
    # The police update event 900001 (same id, new summary) and repeat it in one file.
    second = tmp_path / "events2.json"
    second.write_text(json.dumps([
        _event(900001, "2026-01-01 8:00:00 +01:00", "31 december 23.40, Brand, Östersund",
               "Brand", "Brand i soptunna. Uppdatering: en person gripen."),
        _event(900001, "2026-01-01 6:00:00 +01:00", "31 december 23.40, Brand, Östersund",
               "Brand", "Brand i soptunna (äldre version)."),
        _event(900002, "2026-01-01 3:10:00 +01:00", "01 januari 02.15, Bråk, Östersund",
               "Bråk", "Bråk utanför krog."),
    ], ensure_ascii=False), encoding="utf-8")
    report = import_file(con, second, "polisen_handelser", now=NOW)
    assert (report.rows_new, report.rows_updated, report.rows_unchanged) == (0, 1, 1)
    assert report.rows_repeated_in_file == 1
    rows = con.execute("SELECT source_ref, description FROM incidents ORDER BY 1").fetchall()
    assert rows == [("900001", "Brand i soptunna. Uppdatering: en person gripen."),
                    ("900002", "Bråk utanför krog.")]
    old = con.execute("SELECT description FROM incident_history").fetchall()
    assert old == [("Brand i soptunna.",)]


def test_other_municipalities_and_non_incidents_are_skipped_not_rejected(con, tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps([
        _event(1, "2025-05-05 9:00:00 +02:00", "05 maj 08.00, Stöld, Åre", "Stöld", "x", "Åre"),
        _event(2, "2025-05-05 9:00:00 +02:00", "05 maj 08.00, Stöld, Östersund", "Stöld", "x",
               "Jämtlands län"),
        _event(3, "2025-05-05 9:00:00 +02:00", "05 maj 06.00, Sammanfattning natt, Östersund",
               "Sammanfattning natt", "x"),
        _event(4, "2025-05-05 9:00:00 +02:00", "Trasig titel", "Stöld", "x"),
    ], ensure_ascii=False), encoding="utf-8")
    report = import_file(con, path, "polisen_handelser", now=NOW)
    assert report.rows_new == 1 and report.rows_skipped == 2
    assert report.rejected_reasons == {"Titeln saknar datum och klockslag": 1}
