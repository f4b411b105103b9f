"""est_data.store.retention: what goes, and that it goes from every copy (issue 12, item 10):
the incidents, their earlier versions, rejected raw rows and the import reports' samples of
them, the original files by the dates of the rows in them, uploads and temporary copies
left behind, the deleted rows' bytes in the database file; backups are listed."""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import time

import duckdb
import pytest

from est_data.cli import main
from est_data.core.config import raw_dir
from est_data.ingest.service import commit_file
from est_data.store import retention
from est_data.store.db import write_session
from est_data.store.schema import SCHEMA_VERSION, current_version
from readback import q

TODAY = dt.date.today()
OLD = "2020-01-05 22:00"
DAY_S = 24 * 3600


def recent(days: int = 3) -> str:
    return (dt.datetime.now() - dt.timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def export_file(path, rows):
    """An actor's CSV export: (id, date, description) rows; an empty date is rejected."""
    path.write_text("ID;Datum;Kategori;Beskrivning\n" + "".join(
        f"{ref};{when};Klotter;{text}\n" for ref, when, text in rows), encoding="utf-8")
    return path


def imported(db, path, source="gammal"):
    return commit_file(db, path, source, None, path.name, username="t")


def aged(path, days: float):
    """Make ``path`` look ``days`` old."""
    stamp = time.time() - days * DAY_S
    os.utime(path, (stamp, stamp))
    return path


def old_file(path, days: float, content: bytes = b"personuppgifter"):
    """A file with ``content`` that looks ``days`` old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return aged(path, days)


def places(db, tmp_path) -> retention.Places:
    """The database's folders, with a private stand-in for the system's temp folder."""
    system_tmp = tmp_path / "systmp"
    system_tmp.mkdir(exist_ok=True)
    p = retention.Places.of(db)
    return retention.Places(p.db, p.raw, p.uploads, p.backups, system_tmp)


@pytest.mark.parametrize("years, today, cutoff", [
    (5, dt.date(2026, 11, 29), dt.date(2021, 11, 29)),
    (1, dt.date(2024, 2, 29), dt.date(2023, 2, 28)),
])
def test_cutoff(years, today, cutoff):
    assert retention.cutoff_for(years, today) == cutoff


def test_dry_run_changes_nothing_and_run_deletes_exactly_that(demo_db):
    today = dt.date(2026, 11, 16)
    total, old = q(demo_db, "SELECT count(*), count(*) FILTER (WHERE occurred_at < DATE '2025-11-16') FROM incidents")[0]
    before = demo_db.read_bytes()
    con = duckdb.connect(str(demo_db), read_only=True)
    plan = retention.plan(con, 1, today)
    con.close()
    assert plan.incidents == old and sum(plan.by_source.values()) == old
    assert demo_db.read_bytes() == before
    done = retention.run(demo_db, 1, today, "test")
    assert done.incidents == old
    assert q(demo_db, "SELECT count(*), min(occurred_at) >= DATE '2025-11-16' FROM incidents")[0] == (total - old, True)
    assert q(demo_db, "SELECT count(*) FROM incidents WHERE duplicate_of IS NOT NULL AND duplicate_of "
                      "NOT IN (SELECT incident_id FROM incidents)")[0][0] == 0
    log = q(demo_db, "SELECT username, action, details FROM audit_log")
    assert log[0][:2] == ("test", "retention") and str(old) in log[0][2]


def test_cli_retention_dry_run(demo_db, capsys):
    assert main(["retention", "--db", str(demo_db), "--years", "1", "--dry-run"]) == 0
    assert "would delete" in capsys.readouterr().out
    assert q(demo_db, "SELECT count(*) FROM incidents")[0][0] == 4000
    assert main(["retention", "--db", str(demo_db), "--years", "0"]) == 2


def test_earlier_versions_of_deleted_incidents_go_too(tmp_path):
    """An update keeps the earlier version (for undo); when the incident goes, so does
    every earlier version of it, whatever its date."""
    db = tmp_path / "r.duckdb"
    imported(db, export_file(tmp_path / "v1.csv", [("A-1", OLD, "Anna Svensson klottrade"),
                                                   ("A-2", recent(), "Ny klotter")]))
    imported(db, export_file(tmp_path / "v2.csv", [("A-1", recent(400), "Rättad"),
                                                   ("A-2", recent(), "Ny klotter, rättad")]))
    assert q(db, "SELECT count(*) FROM incident_history")[0][0] == 2
    with write_session(db) as con:
        con.execute("UPDATE incidents SET occurred_at = TIMESTAMP '2020-01-06 10:00' "
                    "WHERE incident_id = 'gammal:A-1'")     # the newest version is old too
        done = retention.apply(con, 1, TODAY, "t")
    assert q(db, "SELECT count(*) FROM incident_history WHERE description LIKE '%Anna%'")[0][0] == 0
    assert q(db, "SELECT incident_id FROM incident_history") == [("gammal:A-2",)]
    assert done.incidents == 1 and done.history_rows == 1


def test_import_reports_lose_their_samples_of_rejected_rows(tmp_path):
    """The stored import report quotes up to 20 rejected rows as they stood in the file;
    they go with the rejected rows."""
    db = tmp_path / "r.duckdb"
    report = imported(db, export_file(tmp_path / "x.csv", [("A-1", recent(), "Klotter"),
                                                          ("A-2", "", "Ring Anna 070-1234567")]))
    stored = json.loads(q(db, "SELECT report FROM import_batches")[0][0])
    assert "Anna" in json.dumps(stored["rejected_sample"], ensure_ascii=False)
    later = TODAY + dt.timedelta(days=2 * 366)       # the import is past the cutoff then
    with write_session(db) as con:
        done = retention.apply(con, 1, later, "t")
    stored = json.loads(q(db, "SELECT report FROM import_batches WHERE batch_id = ?",
                          [report.batch_id])[0][0])
    assert stored["rejected_sample"] == [] and stored["rows_read"] == 2
    assert q(db, "SELECT count(*) FROM rejected_rows")[0][0] == 0
    assert done.rejected_rows == 1 and done.reports == 1


def test_original_files_go_by_the_dates_of_their_rows(tmp_path):
    """A file imported today that holds only old rows goes; a file that also holds rows
    inside the retention period stays (rebuild replays it) and is named in the plan."""
    db = tmp_path / "r.duckdb"
    only_old = imported(db, export_file(tmp_path / "old.csv", [("A-1", OLD, "Gammalt")]))
    mixed = imported(db, export_file(tmp_path / "mixed.csv", [("B-1", OLD, "Gammalt"),
                                                             ("B-2", recent(), "Nytt")]))
    new = imported(db, export_file(tmp_path / "new.csv", [("C-1", recent(), "Nytt")]))
    raw = raw_dir(db)
    con = duckdb.connect(str(db), read_only=True)
    plan = retention.plan(con, 1, TODAY, places(db, tmp_path))
    con.close()
    assert [n.split(".")[0] for n in plan.raw_files] == [only_old.sha256]
    assert [n.split(".")[0] for n in plan.raw_files_partly_old] == [mixed.sha256]
    retention.run(db, 1, TODAY, "t", places(db, tmp_path))
    left = {p.name.split(".")[0] for p in raw.iterdir() if p.is_file()}
    assert left == {mixed.sha256, new.sha256}


def test_files_of_undone_imports_go(tmp_path):
    from est_data.ingest.service import undo_import

    db = tmp_path / "r.duckdb"
    undone = imported(db, export_file(tmp_path / "u.csv", [("A-1", recent(), "Fel fil")]))
    undo_import(db, undone.batch_id, username="t")
    done = retention.run(db, 1, TODAY, "t", places(db, tmp_path))
    assert [n.split(".")[0] for n in done.raw_files] == [undone.sha256]
    assert not any(p.name.startswith(undone.sha256) for p in raw_dir(db).iterdir())


def test_uploads_and_temporary_copies_older_than_a_day_go_backups_are_listed(tmp_path):
    db = tmp_path / "r.duckdb"
    imported(db, export_file(tmp_path / "n.csv", [("A-1", recent(), "Nytt")]))
    where = places(db, tmp_path)
    where.uploads.mkdir(mode=0o700)
    (where.temp / "est-uploads").mkdir()
    where.backups.mkdir()
    stale = [old_file(where.uploads / "abc.csv", 2),                  # a preview left behind
             old_file(where.temp / "est-uploads" / "0123.csv", 5),    # the old upload folder
             old_file(where.temp / "est-import-9.csv", 2),            # a reader's copy
             *(old_file(db.with_name(db.name + end), 3)               # crashed writers
               for end in (".tmp4242", ".tmp4242.wal", ".rebuild77"))]
    check_dir = db.with_name(db.name + ".check-x1y2")                 # a crashed dry run
    old_file(check_dir / "check.duckdb", 3)
    aged(check_dir, 3)
    kept = [old_file(where.uploads / "def.csv", 0.5),                 # being imported now
            old_file(where.temp / "other-app.tmp", 9),                # not ours
            old_file(where.backups / "est-20250101-120000.duckdb", 400)]  # the operator's call
    con = duckdb.connect(str(db), read_only=True)
    plan = retention.plan(con, 1, TODAY, where)
    con.close()
    assert plan.uploads == ("abc.csv", "est-uploads/0123.csv")
    assert plan.temp_copies == ("est-import-9.csv", "r.duckdb.check-x1y2", "r.duckdb.rebuild77",
                                "r.duckdb.tmp4242", "r.duckdb.tmp4242.wal")
    assert plan.backups == (("est-20250101-120000.duckdb", 400),)
    retention.run(db, 1, TODAY, "t", where)
    assert [p for p in stale if p.exists()] == [] and not check_dir.exists()
    assert all(p.exists() for p in kept)


def test_deleted_text_is_gone_from_the_database_file(demo_db):
    """DuckDB leaves a deleted row's bytes in the file; retention rewrites the file so
    that a deleted description cannot be read back with ``strings``."""
    markers = [f"Anmäld av Kalle Anka {secrets.token_hex(24)}" for _ in range(3)]
    with write_session(demo_db) as con:
        for i, marker in enumerate(markers):
            con.execute("UPDATE incidents SET description = ? WHERE incident_id = (SELECT "
                        "incident_id FROM incidents ORDER BY occurred_at LIMIT 1 OFFSET ?)",
                        [marker, i])
    assert all(m.encode() in demo_db.read_bytes() for m in markers)
    total = q(demo_db, "SELECT count(*) FROM incidents")[0][0]
    done = retention.run(demo_db, 1, dt.date(2026, 11, 16), "t")
    data = demo_db.read_bytes()
    assert not any(m.encode() in data for m in markers)
    assert q(demo_db, "SELECT count(*) FROM incidents")[0][0] == total - done.incidents
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        assert current_version(con) == SCHEMA_VERSION
        keys = con.execute("SELECT table_name FROM duckdb_constraints() "
                           "WHERE constraint_type = 'PRIMARY KEY'").fetchall()
    finally:
        con.close()
    assert ("incidents",) in keys


def test_cli_lists_every_copy(demo_db, capsys):
    assert main(["retention", "--db", str(demo_db), "--years", "1", "--dry-run"]) == 0
    out = capsys.readouterr().out
    for words in ("earlier versions", "rejected raw rows", "original import files",
                  "uploads", "temporary copies", "backups"):
        assert words in out


def test_retention_keeps_the_original_files_when_its_write_does_not_land(tmp_path, monkeypatch):
    import errno

    from est_data.store.dbfile import DatabaseError

    db = tmp_path / "r.duckdb"
    csv = tmp_path / "old.csv"
    csv.write_text("Datum;Kategori\n2020-01-05 22:00;Klotter\n", encoding="utf-8")
    commit_file(db, csv, "gammal", None, "old.csv", username="t")
    raw = raw_dir(db)
    kept = sorted(p.name for p in raw.iterdir() if p.is_file())
    real_replace = os.replace

    def full_disk(src, dst):
        if os.fspath(dst) == os.fspath(db):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)
    monkeypatch.setattr(os, "replace", full_disk)
    today = dt.date.today() + dt.timedelta(days=2 * 366)
    with pytest.raises((OSError, DatabaseError)):
        retention.run(db, 1, today, "t")
    assert sorted(p.name for p in raw.iterdir() if p.is_file()) == kept
    assert q(db, "SELECT count(*) FROM incidents")[0][0] == 1
