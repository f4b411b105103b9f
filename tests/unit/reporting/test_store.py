"""A report stored as an incident: one write, audited, placed, duplicate search, 24 h
correction and withdrawal by its reporter, later only by an administrator."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.core import auth
from est_data.reporting import place, store
from est_data.reporting.model import ReportError, ReportInput
from est_data.store.db import open_db, write_session
from est_data.store.sqlutil import fetch_value

NOW = dt.datetime(2026, 11, 30, 12, 0)
NV = auth.User("nv", "Nv", "rapportor", "nattvandrarna")
OTHER = auth.User("nv2", "Nv2", "rapportor", "nattvandrarna")
ADMIN = auth.User("admin", "Admin", "admin")
POINT = dict(category="klotter", occurred_from=NOW - dt.timedelta(hours=1),
             place_kind="point", lat=63.1792, lon=14.6361)


def submit(con, user=NV, **change):
    return store.submit_report(con, ReportInput(**{**POINT, **change}), user.actor or "polisen",
                               user.username, NOW)


def row(con, incident_id, cols="*"):
    return con.execute(f"SELECT {cols} FROM incidents WHERE incident_id = ?",
                       [incident_id]).fetchone()


def test_a_report_is_an_incident_at_once(demo_db):
    with write_session(demo_db) as con:
        before = fetch_value(con, "SELECT count(*) FROM incidents")
        iid = submit(con)
    with open_db(demo_db, read_only=True) as con:
        assert fetch_value(con, "SELECT count(*) FROM incidents") == before + 1
        got = row(con, iid, "source, source_ref, reported_at, reported_by, precision, area_id, "
                            "focus_area_id, batch_id, raw_category, time_known")
        assert got[0] == "nattvandrarna" and got[1].startswith("app-")
        assert iid == f"nattvandrarna:{got[1]}"
        assert got[2:] == (NOW, "nv", "point", "2380C1200", "fokus_kyrkgatan", None, "Klotter",
                           True)
        assert con.execute("SELECT username, action FROM audit_log WHERE details LIKE ?",
                           [f"{iid}%"]).fetchall() == [("nv", "report.add")]


@pytest.mark.parametrize("change, message", [
    ({"lat": 59.3293, "lon": 18.0686}, "utanför kommunen"),   # Stockholm
    ({"category": None}, "Välj en kategori"),
    ({"occurred_from": NOW + dt.timedelta(hours=3)}, "framtiden"),
])
def test_bad_report_stores_nothing(demo_db, change, message):
    with open_db(demo_db) as con:
        before = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
        with pytest.raises(ReportError, match=message):
            submit(con, **change)
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == before
        assert not fetch_value(con, "SELECT count(*) FROM audit_log WHERE action = 'report.add'")


def test_precision_follows_how_the_place_was_given(demo_db):
    with open_db(demo_db) as con:
        known = submit(con, place_kind="address", address="Storgatan 5", lat=None, lon=None)
        unknown = submit(con, place_kind="address", address="Påhittade vägen 3",
                         area_id="2380C1040", lat=None, lon=None)
        focus = submit(con, place_kind="area", area_id="fokus_aragrand", lat=None, lon=None)
        assert row(con, known, "precision, lat IS NOT NULL, area_id") == (
            "address", True, "2380C1200")
        assert row(con, unknown, "precision, lat, area_id") == ("address", None, "2380C1040")
        assert row(con, focus, "precision, area_id, focus_area_id") == (
            "area", None, "fokus_aragrand")


def test_address_point_comes_from_stored_reports_at_the_building(demo_con):
    lat, lon = place.address_point(demo_con, "STORGATAN 5 A, Östersund")
    assert lat == pytest.approx(63.1787, abs=0.002) and lon == pytest.approx(14.6325, abs=0.003)
    assert place.address_point(demo_con, "Storgatan") is None  # a street names no place


def test_suggestions_hold_addresses_then_streets(demo_con):
    found = place.address_suggestions(demo_con)
    assert found[0] == "Storgatan 5"  # the most reported address
    assert "Storgatan" in found and found.index("Storgatan") > found.index("Storgatan 59")


def test_categories_most_used_first(demo_con):
    codes = list(store.category_options(demo_con))
    used = dict(demo_con.execute("SELECT category, count(*) FROM incidents GROUP BY 1").fetchall())
    assert used[codes[0]] == max(used.values())
    assert store.category_options(demo_con)["otrygg_plats"] == "Otrygg plats"


def test_cross_partner_duplicate_is_marked(demo_db):
    with open_db(demo_db) as con:
        police = submit(con, user=ADMIN)  # reported for "polisen"
        walkers = submit(con, occurred_from=NOW - dt.timedelta(minutes=50))
        # Reported at the same moment: which one is "later" is decided by a hash of the id.
        dups = [i for i in (police, walkers) if row(con, i, "duplicate_of")[0] is not None]
        assert len(dups) == 1
        original = walkers if dups[0] == police else police
        assert row(con, dups[0], "duplicate_of")[0] == original
        store.withdraw_report(con, original, ADMIN, NOW)
        assert row(con, dups[0], "duplicate_of")[0] is None  # searched again


def test_reporter_corrects_own_report_within_24_hours(demo_db):
    with open_db(demo_db) as con:
        iid = submit(con)
        fixed = ReportInput(**{**POINT, "category": "skadegorelse", "description": "Ruta"})
        store.correct_report(con, iid, fixed, NV, NOW + dt.timedelta(hours=23))
        assert row(con, iid, "category, description, reported_at") == (
            "skadegorelse", "Ruta", NOW)
        with pytest.raises(ReportError, match="egna"):
            store.correct_report(con, iid, fixed, OTHER, NOW)
        with pytest.raises(ReportError, match="24 timmar"):
            store.withdraw_report(con, iid, NV, NOW + dt.timedelta(hours=25))
        store.withdraw_report(con, iid, ADMIN, NOW + dt.timedelta(days=3))
        assert row(con, iid) is None
        assert [r[0] for r in con.execute(
            "SELECT action FROM audit_log WHERE details LIKE ? ORDER BY rowid",
            [f"{iid}%"]).fetchall()] == ["report.add", "report.correct", "report.withdraw"]
        # Every earlier version is kept: the first before the correction, the corrected
        # one before the withdrawal.
        assert con.execute(
            "SELECT replaced_by_batch, category, description FROM incident_history "
            "WHERE incident_id = ? ORDER BY replaced_at, rowid", [iid]).fetchall() == [
            ("report.correct", POINT["category"], POINT.get("description")),
            ("report.withdraw", "skadegorelse", "Ruta")]
        with pytest.raises(ReportError, match="finns inte"):
            store.withdraw_report(con, iid, ADMIN, NOW)


def test_imported_incidents_cannot_be_changed_as_reports(demo_con):
    iid = demo_con.execute("SELECT incident_id FROM incidents LIMIT 1").fetchone()[0]
    with pytest.raises(ReportError, match="finns inte"):
        store.withdraw_report(demo_con, iid, ADMIN, NOW)


def test_recent_reports_are_the_actors_own(demo_db):
    with open_db(demo_db) as con:
        mine = submit(con)
        submit(con, user=ADMIN)
        df = store.recent_reports(con, "nattvandrarna", now=NOW)
        assert list(df["incident_id"]) == [mine]
        assert len(store.recent_reports(con, None, now=NOW)) == 2
        assert store.recent_reports(con, "nattvandrarna", now=NOW + dt.timedelta(days=31)).empty


def test_may_change():
    assert store.may_change(NV, "nv", NOW, NOW + dt.timedelta(hours=24)) is None
    assert store.may_change(NV, "nv", NOW, NOW + dt.timedelta(hours=24, minutes=1))
    assert store.may_change(NV, "x", NOW, NOW) == store.NOT_YOURS_SV
    assert store.may_change(ADMIN, "x", NOW - dt.timedelta(days=99), NOW) is None


def test_reports_survive_a_rebuild(demo_db):
    from est_data.ingest.rebuild import rebuild

    with write_session(demo_db) as con:
        iid = submit(con)
    rebuild(demo_db)
    with open_db(demo_db, read_only=True) as con:
        assert row(con, iid, "source, reported_by, precision") == (
            "nattvandrarna", "nv", "point")


def test_receipt_says_where_the_report_counts(demo_db):
    with open_db(demo_db) as con:
        focus = submit(con, place_kind="area", area_id="fokus_aragrand", lat=None, lon=None)
        lost = submit(con, place_kind="address", address="Påhittade vägen 3", lat=None,
                      lon=None)
        assert store.receipt_sv(con, focus) == (
            "Tack! Rapporten är sparad och syns i lägesbilden (Arågränd).")
        assert "räknas i kommunen men i inget område" in store.receipt_sv(con, lost)
        pair = [submit(con, user=ADMIN), submit(con)]  # the same event, two actors
        told = [store.receipt_sv(con, i) for i in pair]
        assert sum("redan rapporterat samma händelse" in t for t in told) == 1, told
        assert all("(Kyrkgatan)" in t for t in told)
