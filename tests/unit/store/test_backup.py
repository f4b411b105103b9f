"""Backups (a copy of the file, or Parquet) and the audit log."""
from __future__ import annotations

import duckdb
import pytest

from est_data.store import audit
from est_data.cli import main
from est_data.store.db import write_session


def q(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


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


def test_backup_goes_beside_its_database(demo_db, capsys):
    """Where retention looks for backups to list (``backups/`` beside the database)."""
    assert main(["backup", "--db", str(demo_db)]) == 0
    made = list((demo_db.parent / "backups").glob("est-*.duckdb"))
    assert len(made) == 1 and str(made[0]) in capsys.readouterr().out
