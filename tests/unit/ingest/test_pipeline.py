"""The import pipeline end to end: demo exports, idempotence, rollback, duplicates,
masking, undo and rebuild."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from est_data.store.db import connect
from est_data.ingest import IngestError, import_file, undo_batch
from est_data.ingest import dedupe, pipeline
from est_data.ingest.headerrow import FOOTER_REASON
from est_data.ingest.quality import quality_by_actor, rejected_rows
from est_data.ingest.rebuild import rebuild
from est_data.demo.samples import demo_rows, write_address_register, write_demo_exports

from ingest_util import NOW, POLICE_FILE, areas_only_db, table_dump, write

D = dt.datetime


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Demo rows, their export files and an areas-only database (built once)."""
    folder = tmp_path_factory.mktemp("exports")
    rows = demo_rows(2500, 11)
    files = write_demo_exports(folder, rows=rows, seed=11)
    base = areas_only_db(folder / "base.duckdb")
    return {"rows": rows, "files": files, "base": base, "folder": folder}


@pytest.fixture
def db(world, tmp_path):
    path = tmp_path / "est.duckdb"
    shutil.copy(world["base"], path)
    return path


@pytest.fixture
def con(db):
    c = connect(db)
    yield c
    c.close()


def _count(con, sql="SELECT count(*) FROM incidents", params=None):
    return con.execute(sql, params or []).fetchall()[0][0]


def test_every_demo_actor_file_imports_through_its_profile(world, con):
    rows = world["rows"]
    for source, path in world["files"].items():
        report = import_file(con, path, source, now=NOW)
        expected = int((rows["source"] == source).sum())
        assert report.rows_read == expected, source
        # The messy rows: no date (every file), an unreadable time (three files).
        assert report.rejected_reasons.get("Datum saknas") == 1, source
        assert report.rows_new + report.rows_rejected == expected, source
        assert report.profile == source
    got = dict(con.execute("SELECT source, count(*) FROM incidents GROUP BY 1").fetchall())
    assert set(got) == set(world["files"])
    actors = dict(con.execute("SELECT source, name FROM actors").fetchall())
    assert actors["ostersundshem"] == "Östersundshem" and actors["kommun"] == "Östersunds kommun"


def test_location_rules_on_the_demo_exports(world, con):
    rep = {s: import_file(con, p, s, now=NOW) for s, p in world["files"].items()}
    # Nattvandrarna typed some coordinates into the wrong field: corrected, counted.
    assert rep["nattvandrarna"].location["swapped"] > 0
    assert rep["nattvandrarna"].precision.get("area", 0) > 0      # DeSO code only
    for s in ("polisen", "kommun", "nattvandrarna"):
        assert rep[s].location["zero"] == 1 and rep[s].location["outside"] == 1, s
    # Östersundshem reports addresses only: no register, so no point but precision address.
    assert rep["ostersundshem"].precision == {"address": rep["ostersundshem"].rows_new}
    assert _count(con, "SELECT count(*) FROM incidents WHERE source = 'ostersundshem' "
                       "AND x IS NOT NULL") == 0
    # Police rows without coordinates are known at municipality level only.
    assert _count(con, "SELECT count(*) FROM incidents WHERE precision = 'municipality' "
                       "AND (x IS NOT NULL OR lat IS NOT NULL)") == 0
    # Points get their statistical area (a few scattered just outside the demo's
    # clipped areas have none) and, inside Kyrkgatan/Arågränd, their focus area.
    no_area = _count(con, "SELECT count(*) FROM incidents WHERE precision = 'point' "
                          "AND area_id IS NULL")
    assert no_area < 0.01 * _count(con, "SELECT count(*) FROM incidents WHERE precision = 'point'")
    assert _count(con, "SELECT count(*) FROM incidents WHERE focus_area_id = 'fokus_kyrkgatan'") > 0
    # Unknown word listed, stored as ovrigt with the raw word kept.
    assert rep["kommun"].unknown_categories == {"Snöskottning saknas": 1}
    assert con.execute("SELECT DISTINCT category FROM incidents WHERE raw_category = "
                       "'Snöskottning saknas'").fetchall() == [("ovrigt",)]


def test_profile_words_come_before_the_taxonomy(con, tmp_path):
    # The kommun profile maps "Sprutor" to narkotika; the taxonomy says nedskräpning.
    text = ("ID\tDatum tid\tKategori\tPlats\tX\tY\tAnteckning\n"
            "K1\t2025-04-01 kl 21.10\tSprutor\t\t\t\tVid lekplatsen\n")
    import_file(con, write(tmp_path / "k.txt", text, "utf-8-sig"), "kommun", now=NOW)
    import_file(con, write(tmp_path / "x.txt", text.replace("K1", "X1"), "utf-8-sig"),
                "annan", now=NOW)
    got = dict(con.execute("SELECT source, category FROM incidents").fetchall())
    assert got == {"kommun": "narkotika", "annan": "nedskrapning"}


def test_personal_data_is_masked_and_counted(world, con):
    report = import_file(con, world["files"]["polisen"], "polisen", now=NOW)
    assert report.masked == {"email": 1, "personnummer": 1, "phone": 1}
    texts = " ".join(r[0] for r in con.execute(
        "SELECT description FROM incidents WHERE description LIKE '%[%'").fetchall())
    assert "[telefon]" in texts and "[personnummer]" in texts and "[e-post]" in texts
    stored = " ".join(str(r) for r in con.execute("SELECT * FROM incidents").fetchall())
    stored += " ".join(str(r) for r in con.execute("SELECT * FROM rejected_rows").fetchall())
    for secret in ("070-123 45 67", "19850312-1234", "anna.svensson@example.se"):
        assert secret not in stored
    assert _count(con, "SELECT values_masked FROM import_batches") == 3


def test_rejected_rows_keep_a_swedish_reason_and_the_row(world, con):
    report = import_file(con, world["files"]["nattvandrarna"], "nattvandrarna", now=NOW)
    # The planted Sundsvall point is not a place in Östersund: rejected, not kept quietly.
    outside = "Platsen ligger utanför kommunen (mer än 2 km från kommunens områden)"
    assert report.rejected_reasons == {"Datum saknas": 1, "Klockslaget kan inte tolkas": 1,
                                       outside: 1}
    rej = rejected_rows(con, report.batch_id)
    assert sorted(rej["reason"]) == ["Datum saknas", "Klockslaget kan inte tolkas", outside]
    assert all(rej["row_number"] >= 2)
    assert any('"Tid":"25.70"' in raw for raw in rej["raw"])


def test_same_file_twice_adds_nothing(world, con):
    path = world["files"]["kommun"]
    first = import_file(con, path, "kommun", now=NOW)
    before = table_dump(con)["incidents"]
    second = import_file(con, path, "kommun", now=NOW)
    assert second.rows_new == 0 and second.rows_updated == 0
    assert second.rows_unchanged == first.rows_new
    assert table_dump(con)["incidents"] == before
    assert _count(con, "SELECT count(*) FROM import_batches") == 2


def test_file_without_ids_is_idempotent_by_content(world, con):
    path = world["files"]["nattvandrarna"]   # the form export has no id column
    first = import_file(con, path, "nattvandrarna", now=NOW)
    assert _count(con, "SELECT count(*) FROM incidents WHERE source_ref IS NULL") == first.rows_new
    assert _count(con, "SELECT count(content_hash) FROM incidents") == first.rows_new
    again = import_file(con, path, "nattvandrarna", now=NOW)
    assert (again.rows_new, again.rows_unchanged) == (0, first.rows_new)


def test_identical_rows_without_id_are_both_kept(con, tmp_path):
    text = ("Datum;Tid;Kategori;Plats\n2025-03-04;22.15;Klotter;Storgatan 1\n"
            "2025-03-04;22.15;Klotter;Storgatan 1\n")
    path = write(tmp_path / "twice.csv", text)
    report = import_file(con, path, "test", now=NOW)
    assert report.rows_new == 2
    assert import_file(con, path, "test", now=NOW).rows_new == 0


def test_overlapping_exports_jan_jun_then_jan_dec(con, tmp_path):
    head = "Ärendenr;Datum;Tid;Kategori;Adress\n"
    months = {m: f"FR-{m:02d};2025-{m:02d}-10;21.00;Klotter;Storgatan {m}\n" for m in range(1, 13)}
    first = write(tmp_path / "jan_jun.csv", head + "".join(months[m] for m in range(1, 7)))
    months[3] = "FR-03;2025-03-10;21.30;Skadegörelse;Storgatan 3\n"   # corrected since
    whole = write(tmp_path / "jan_dec.csv", head + "".join(months.values()))
    a = import_file(con, first, "ostersundshem_test", now=NOW)
    b = import_file(con, whole, "ostersundshem_test", now=NOW)
    assert a.rows_new == 6
    assert (b.rows_new, b.rows_updated, b.rows_unchanged) == (6, 1, 5)
    assert _count(con) == 12
    assert con.execute("SELECT category, occurred_at FROM incidents WHERE source_ref = 'FR-03'"
                       ).fetchall() == [("skadegorelse", D(2025, 3, 10, 21, 30))]


def test_failure_halfway_leaves_the_database_unchanged(world, db, monkeypatch):
    con = connect(db)
    import_file(con, world["files"]["kommun"], "kommun", now=NOW)
    before = table_dump(con)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    # Fail after the rows are inserted, while duplicates are being marked.
    monkeypatch.setattr(dedupe, "mark_duplicates", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        import_file(con, world["files"]["polisen"], "polisen", now=NOW)
    assert table_dump(con) == before
    con.close()
    # Also after reopening the file: nothing half-written was kept.
    con = connect(db)
    assert table_dump(con) == before
    assert not list((db.parent / "raw" / "batches").glob("polisen-*.json"))
    con.close()


def test_dry_run_reports_and_writes_nothing(world, con):
    before = table_dump(con)
    report = import_file(con, world["files"]["kommun"], "kommun", dry_run=True, now=NOW)
    assert report.dry_run and report.batch_id is None and report.rows_new > 0
    assert table_dump(con) == before


def test_duplicates_across_actors(con, tmp_path):
    # The housing company reports a disturbance; the police the same event 10 minutes
    # later 30 m away; the night walkers a burglary there (other family): not the same.
    a = write(tmp_path / "a.csv", "Id;Datum;Tid;Kategori;Lat;Lon\n"
              "A1;2025-05-10;22.00;Störning;63,17920;14,63610\n"
              "A2;2025-05-10;23.30;Störning;63,17920;14,63610\n", "utf-8")
    b = write(tmp_path / "b.csv", "Id;Datum;Tid;Kategori;Lat;Lon\n"
              "B1;2025-05-10;22.10;Ordningsstörning;63,17945;14,63625\n"
              "B2;2025-05-10;22.05;Inbrott;63,17920;14,63610\n"
              "B3;2025-05-10;22.10;Ordningsstörning;63,18200;14,63610\n", "utf-8")
    import_file(con, a, "bostad", now=NOW)
    report = import_file(con, b, "polis", now=NOW)
    assert report.rows_duplicate == 1
    dups = dict(con.execute("SELECT incident_id, duplicate_of FROM incidents").fetchall())
    assert dups == {"bostad:A1": None, "bostad:A2": None, "polis:B1": "bostad:A1",
                    "polis:B2": None, "polis:B3": None}
    # Views count unique incidents.
    assert _count(con, "SELECT count(*) FROM incidents WHERE duplicate_of IS NULL") == 4


def test_duplicates_by_address_and_the_earlier_report_wins(con, tmp_path):
    # A later import holding the *earlier* report turns the stored one into the duplicate.
    first = write(tmp_path / "k.csv", "ID;Datum;Tid;Kategori;Adress\n"
                  "K1;2025-05-10;22.20;Klotter;Storgatan 12 A\n")
    second = write(tmp_path / "f.csv", "ID;Datum;Tid;Kategori;Adress\n"
                   "F1;2025-05-10;22.00;Skadegörelse;storgatan 12A\n")
    import_file(con, first, "kommun_test", now=NOW)
    import_file(con, second, "fastighet_test", now=NOW)
    dups = dict(con.execute("SELECT incident_id, duplicate_of FROM incidents").fetchall())
    assert dups == {"kommun_test:K1": "fastighet_test:F1", "fastighet_test:F1": None}


def test_duplicate_thresholds_are_settings(con, tmp_path):
    a = write(tmp_path / "a.csv", "Id;Datum;Tid;Kategori;Lat;Lon\n"
              "A1;2025-05-10;22.00;Störning;63,17920;14,63610\n")
    b = write(tmp_path / "b.csv", "Id;Datum;Tid;Kategori;Lat;Lon\n"
              "B1;2025-05-10;22.50;Störning;63,17920;14,63610\n")
    import_file(con, a, "bostad", now=NOW)
    import_file(con, b, "polis", now=NOW)
    assert _count(con, "SELECT count(duplicate_of) FROM incidents") == 0   # 50 min > 30
    lo, hi = D(2025, 5, 10), D(2025, 5, 11)
    assert dedupe.mark_duplicates(con, lo, hi, window_min=60) == 1
    assert dedupe.mark_duplicates(con, lo, hi) == 1                        # back to 30 min


def test_address_register_gives_address_rows_a_point(world, con, monkeypatch, tmp_path):
    register = write_address_register(world["rows"], tmp_path / "addresses.csv")
    monkeypatch.setattr(pipeline.config, "ADDRESSES_PATH", register)
    report = import_file(con, world["files"]["ostersundshem"], "ostersundshem", now=NOW)
    assert report.location["address_in_register"] > 0.9 * report.rows_new
    assert _count(con, "SELECT count(*) FROM incidents WHERE precision = 'address' "
                       "AND x IS NOT NULL AND area_id IS NOT NULL") > 0
    # With points, the police copies of housing-company reports are found as duplicates.
    police = import_file(con, world["files"]["polisen"], "polisen", now=NOW)
    assert police.rows_duplicate > 0


def test_automatic_mapping_without_profile_and_its_limits(con, tmp_path):
    ok = write(tmp_path / "ny_partner.csv", "Händelsedatum,Klockslag,Händelsetyp,Latitud,Longitud\n"
               "2025-04-01,kl 21.10,Klotter,\"63,1801\",\"14,6402\"\n", "cp1252")
    report = import_file(con, ok, "ny_partner", now=NOW)
    assert report.profile is None and report.rows_new == 1
    assert report.mapping == {"date": "Händelsedatum", "time": "Klockslag",
                              "category": "Händelsetyp", "lat": "Latitud", "lon": "Longitud"}
    before = table_dump(con)
    # Plain words ("När", "Vad") are understood now; columns that say nothing and hold
    # no dates cannot be.
    plain = write(tmp_path / "anteckningar.csv", "När;Vad\n2025-04-02;Klotter\n")
    assert import_file(con, plain, "volontarerna", now=NOW).mapping == {
        "date": "När", "category": "Vad"}
    before = table_dump(con)
    bad = write(tmp_path / "okand.csv", "Kolumn1;Kolumn2\nfoo;Klotter\n")
    with pytest.raises(IngestError) as info:
        import_file(con, bad, "okand", now=NOW)
    assert "'Kolumn1', 'Kolumn2'" in str(info.value) and "profiles/okand.toml" in str(info.value)
    assert "Hittar inte" in info.value.sv
    # A corrected mapping (the Data page's) imports it.
    bad = write(tmp_path / "okand.csv", "Kolumn1;Kolumn2\n2025-04-01;Klotter\n")
    report = import_file(con, bad, "okand", mapping={"date": "Kolumn1", "category": "Kolumn2"},
                         now=NOW)
    assert report.rows_new == 1
    assert len(table_dump(con)["incidents"]) == len(before["incidents"]) + 1


def test_an_unseen_export_with_title_rows_and_notes_lands_with_its_line_numbers(con, tmp_path):
    path = write(tmp_path / "partner.csv",
                 "Östersundshem AB – Felanmälningar;;;\nUtdrag 2026-11-03;;;\n;;;\n"
                 "Datum;Tid;Typ;Adress\n2025-10-01;22:15;Klotter;Storgatan 1\n"
                 "2025-10-02;01:10;Skadegörelse;Prästgatan 2\ngammalt;01:10;Klotter;Torget 1\n"
                 "2025-10-03;02:10;Klotter;Prästgatan 4\nTotalt: 4;;;\nKälla: systemet;;;\n;;;\n",
                 "cp1252")
    report = import_file(con, path, "ny_partner", now=NOW)
    assert report.mapping == {"date": "Datum", "time": "Tid", "category": "Typ",
                              "address": "Adress"}
    assert (report.rows_new, report.rows_rejected) == (3, 3)
    assert report.skipped == {"Tom rad": 1}  # an empty last row is skipped, as before
    assert report.file_format.endswith(
        "rubrikraden är rad 4; 3 rader ovanför hoppades över (titel/anteckningar)")
    rej = rejected_rows(con, report.batch_id)
    assert list(zip(rej["row_number"], rej["reason"])) == [
        (7, "Datumet kan inte tolkas"), (9, FOOTER_REASON), (10, FOOTER_REASON)]


def test_profile_naming_a_missing_column_stops_the_import(world, con, tmp_path):
    other = write(tmp_path / "x.csv", "Datum;Kategori\n2025-04-01;Klotter\n")
    with pytest.raises(IngestError, match="names columns the file does not have"):
        import_file(con, other, "ostersundshem", now=NOW)


def test_dates_in_the_future_or_before_2000_are_rejected(con, tmp_path):
    path = write(tmp_path / "d.csv", "Datum;Kategori\n2027-01-01;Klotter\n1999-12-31;Klotter\n"
                 "2025-01-01;Klotter\n")
    report = import_file(con, path, "test", now=NOW)
    assert report.rows_new == 1
    assert report.rejected_reasons == {"Datumet ligger i framtiden": 1,
                                       "Datumet ligger före 2000-01-01": 1}


def test_undo_removes_the_batch_and_restores_what_it_replaced(con, tmp_path):
    head = "Id;Datum;Tid;Kategori;Lat;Lon\n"
    v1 = write(tmp_path / "v1.csv", head + "A1;2025-05-10;22.00;Störning;63,1792;14,6361\n")
    v2 = write(tmp_path / "v2.csv", head + "A1;2025-05-10;22.00;Klotter;63,1792;14,6361\n"
               "A2;2025-05-11;10.00;Klotter;63,1792;14,6361\n")
    p = write(tmp_path / "p.csv", head + "P1;2025-05-10;22.10;Klotter;63,1792;14,6361\n")
    import_file(con, v1, "bostad", now=NOW)
    second = import_file(con, v2, "bostad", now=NOW + dt.timedelta(hours=1))
    import_file(con, p, "polis", now=NOW + dt.timedelta(hours=2))
    assert con.execute("SELECT duplicate_of FROM incidents WHERE incident_id = 'polis:P1'"
                       ).fetchall() == [("bostad:A1",)]          # both klotter now
    removed = undo_batch(con, second.batch_id)
    assert removed == 2
    got = dict(con.execute("SELECT incident_id, category FROM incidents").fetchall())
    assert got == {"bostad:A1": "storning", "polis:P1": "klotter"}
    # The police report is no longer a duplicate: the stored report is a disturbance again.
    assert con.execute("SELECT duplicate_of FROM incidents WHERE incident_id = 'polis:P1'"
                       ).fetchall() == [(None,)]
    assert _count(con, "SELECT count(*) FROM import_batches WHERE undone_at IS NOT NULL") == 1
    with pytest.raises(IngestError, match="already undone"):
        undo_batch(con, second.batch_id)


def test_raw_files_are_kept_and_rebuild_replays_them(world, db, monkeypatch):
    con = connect(db)
    kept = {}
    for source in ("kommun", "nattvandrarna"):
        kept[source] = import_file(con, world["files"][source], source, now=NOW)
    police = import_file(con, POLICE_FILE, "polisen_handelser", now=NOW)
    undo_batch(con, police.batch_id)
    before = table_dump(con)
    con.close()
    raw = db.parent / "raw"
    assert (raw / f"{kept['kommun'].sha256}.txt").is_file()
    assert len(list((raw / "batches").glob("*.json"))) == 3
    result = rebuild(db)
    assert result.replayed == 2 and result.missing_files == []
    con = connect(db)
    after = table_dump(con)
    for table in ("incidents", "areas", "actors", "rejected_rows"):
        assert after[table] == before[table], table
    assert _count(con, "SELECT count(*) FROM import_batches WHERE undone_at IS NULL") == 2
    assert _count(con, "SELECT count(*) FROM import_batches WHERE undone_at IS NOT NULL "
                       "AND batch_id = ?", [police.batch_id]) == 1    # still undone
    con.close()


def test_quality_figures_per_actor(world, con):
    for source in ("kommun", "nattvandrarna", "polisen"):
        import_file(con, world["files"][source], source, now=NOW)
    q = quality_by_actor(con).set_index("source")
    assert set(q.index) == {"kommun", "nattvandrarna", "polisen"}
    assert q.loc["nattvandrarna", "pct_no_point"] > 0          # DeSO-only notes
    assert q.loc["polisen", "pct_municipality_only"] > 20
    assert q.loc["kommun", "rows_rejected"] == 2                # no date; Sundsvall
    ovrigt, total = con.execute("SELECT count(*) FILTER (WHERE category = 'ovrigt'), count(*) "
                                "FROM incidents WHERE source = 'kommun'").fetchall()[0]
    assert q.loc["kommun", "pct_unknown_category"] == pytest.approx(100 * ovrigt / total)
    assert ovrigt >= 1                                            # "Snöskottning saknas"


def test_a_profile_with_span_columns_reads_older_exports_without_them(con, tmp_path):
    """Östersundshem's profile names Till datum/Till klockslag; its older exports, made
    before the end of a span was exported, still import (their reports are instants)."""
    old = write(tmp_path / "gammal.csv", "Ärendenr;Händelsedatum;Klockslag;Felkategori;Adress;"
                "Beskrivning;Registrerad\nG-1;2025-04-01;21.10;Klotter;Kyrkgatan 1;;2025-04-02\n")
    report = import_file(con, old, "ostersundshem", now=NOW)
    assert report.rows_new == 1 and "end_date" not in report.mapping
    assert _count(con, "SELECT count(*) FROM incidents WHERE occurred_to IS NULL "
                       "AND source_ref = 'G-1'") == 1


def test_an_export_in_the_local_sweref_zone_lands_in_place(con, tmp_path):
    """A municipal GIS export in SWEREF 99 15 00 (EPSG:3009), no profile: placed within
    a metre of where it is, in its area, not rejected as outside."""
    from pyproj import Transformer

    points = [(63.17724, 14.63787), (63.1801, 14.6402)]
    to_local = Transformer.from_crs(4326, 3009, always_xy=True)
    lines = ["Objekt-ID;Datum;Typ;N (SWEREF 99 15 00);E (SWEREF 99 15 00)"]
    for i, (lat, lon) in enumerate(points):
        e, n = to_local.transform(lon, lat)
        lines.append(f"G-{i};2025-04-0{i + 1};Klotter;{n:.2f};{e:.2f}".replace(".", ","))
    path = write(tmp_path / "gis.csv", "\n".join(lines) + "\n")
    report = import_file(con, path, "gis", now=NOW)
    assert report.rows_new == 2 and report.rows_rejected == 0
    got = con.execute("SELECT lat, lon, area_id FROM incidents WHERE source = 'gis' "
                      "ORDER BY source_ref").fetchall()
    for (lat, lon, area), (want_lat, want_lon) in zip(got, points):
        assert abs(lat - want_lat) < 1e-5 and abs(lon - want_lon) < 2e-5 and area


@pytest.mark.parametrize("cell, placed", [
    ("63.17724, 14.63787", True), ("63.17724,14.63787", True), ("63,17724 14,63787", True),
    ("63,17724; 14,63787", True), ("14.63787, 63.17724", True),    # swapped: put right
    ("63,17724,14,63787", False),                                   # cannot be split
    ("Kyrkgatan 12", False),
])
def test_a_point_in_one_cell(con, tmp_path, cell, placed):
    """Night walkers paste the phone's position into one field (issue 13)."""
    path = write(tmp_path / "pos.csv", f'När;Vad;Position\n2025-04-01 22:40;Klotter;"{cell}"\n')
    report = import_file(con, path, "telefon", mapping={"datetime": "När", "category": "Vad",
                                                         "point": "Position"}, now=NOW)
    got = con.execute("SELECT lat, lon FROM incidents WHERE source = 'telefon'").fetchall()
    assert report.rows_new == 1
    if placed:
        assert abs(got[0][0] - 63.17724) < 1e-6 and abs(got[0][1] - 14.63787) < 1e-6
    else:
        assert got == [(None, None)]
