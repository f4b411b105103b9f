"""Retention (dry run and run), backups, and the audit log."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from est_data.store import audit, retention
from est_data.cli import main
from est_data.store.db import write_session


def q(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


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
    with write_session(demo_db) as con:
        done = retention.apply(con, 1, today, "test")
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


def test_backup_copy_and_parquet(demo_db, tmp_path, capsys):
    out = tmp_path / "b" / "copy.duckdb"
    assert main(["backup", "--db", str(demo_db), "--out", str(out)]) == 0
    assert q(out, "SELECT count(*) FROM incidents")[0][0] == 4000
    pq = tmp_path / "pq"
    assert main(["backup", "--db", str(demo_db), "--out", str(pq), "--parquet"]) == 0
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{pq}/incidents.parquet'").fetchall()[0][0] == 4000
    assert main(["backup", "--db", str(demo_db), "--out", str(pq), "--parquet"]) == 2
    assert main(["backup", "--db", str(tmp_path / "none.duckdb")]) == 2


def test_audit_record_and_recent(demo_db):
    with write_session(demo_db) as con:
        audit.record(con, "anna", "measure.add", "Belysning <b>")
        audit.record(con, "bo", "import", "fil.csv")
    con = duckdb.connect(str(demo_db), read_only=True)
    df = audit.recent(con)
    con.close()
    assert list(df["username"]) == ["bo", "anna"]


def test_retention_deletes_original_files_of_old_imports(tmp_path):
    from est_data.core.config import raw_dir
    from est_data.ingest.service import commit_file

    db = tmp_path / "r.duckdb"
    csv = tmp_path / "old.csv"
    csv.write_text("Datum;Kategori\n2020-01-05 22:00;Klotter\n", encoding="utf-8")
    report = commit_file(db, csv, "gammal", None, "old.csv", username="t")
    raw = raw_dir(db)
    kept = [p.name for p in raw.iterdir() if p.is_file()]
    assert any(n.startswith(report.sha256) for n in kept)
    # The import itself is "old" once the cutoff passes its import time.
    today = dt.date.today() + dt.timedelta(days=2 * 366)
    con = duckdb.connect(str(db), read_only=True)
    plan = retention.plan(con, 1, today, raw)
    con.close()
    assert plan.raw_files and plan.incidents == 1
    with write_session(db) as con:
        retention.apply(con, 1, today, "t", raw)
    assert not any(p.name.startswith(report.sha256) for p in raw.iterdir() if p.is_file())


def test_retention_keeps_the_original_files_when_its_write_does_not_land(tmp_path, monkeypatch):
    import errno
    import os

    from est_data.core.config import raw_dir
    from est_data.ingest.service import commit_file
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
        with write_session(db) as con:
            retention.apply(con, 1, today, "t", raw)
    assert sorted(p.name for p in raw.iterdir() if p.is_file()) == kept
    assert q(db, "SELECT count(*) FROM incidents")[0][0] == 1
