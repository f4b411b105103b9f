"""The audit log: who changed what, and when."""
from __future__ import annotations

import duckdb

from est_data.store import audit
from est_data.store.db import write_session


def q(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_audit_record_and_recent(demo_db):
    with write_session(demo_db) as con:
        audit.record(con, "anna", "measure.add", "Belysning <b>")
        audit.record(con, "bo", "import", "fil.csv")
    con = duckdb.connect(str(demo_db), read_only=True)
    df = audit.recent(con)
    con.close()
    assert list(df["username"]) == ["bo", "anna"]
