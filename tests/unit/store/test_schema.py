"""The data contract of README §2 and schema versioning."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from est_data.store.db import connect, open_db, transaction
from est_data.store.schema import (
    CONTRACT_COLUMNS, SCHEMA_VERSION, SchemaError, current_version, ensure_schema)


def columns(con, table):
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}


@pytest.mark.parametrize("table", sorted(CONTRACT_COLUMNS))
def test_contract_columns_exist(tmp_path, table):
    with open_db(tmp_path / "x.duckdb") as con:
        assert set(CONTRACT_COLUMNS[table]) <= columns(con, table)


def test_contract_lists_the_design_columns():
    # The columns README §2 fixes; the app may add, never drop or rename.
    assert CONTRACT_COLUMNS["incidents"] == (
        "incident_id", "source", "source_ref", "occurred_at", "reported_at", "category",
        "raw_category", "lat", "lon", "x", "y", "precision", "address", "area_id",
        "description", "batch_id", "duplicate_of", "occurred_to")
    assert {"meetings"} <= {r[0] for r in duckdb.connect().execute("SELECT 'meetings'").fetchall()}


def test_schema_version_is_stored_and_idempotent(tmp_path):
    path = tmp_path / "x.duckdb"
    with open_db(path) as con:
        assert current_version(con) == SCHEMA_VERSION
    with open_db(path) as con:  # opening again applies nothing twice
        assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "x.duckdb"
    with open_db(path) as con:
        con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION + 1])
    con = duckdb.connect(str(path))
    with pytest.raises(SchemaError, match="newer"):
        ensure_schema(con)
    con.close()


def test_precision_is_checked(tmp_path):
    with open_db(tmp_path / "x.duckdb") as con:
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO incidents (incident_id, source, occurred_at, category, precision) "
                        "VALUES ('a:1', 'a', TIMESTAMP '2025-01-01', 'klotter', 'exact')")


def test_transaction_rolls_back_everything(tmp_path):
    with open_db(tmp_path / "x.duckdb") as con:
        with pytest.raises(RuntimeError):
            with transaction(con):
                con.execute("INSERT INTO actors VALUES ('a', 'A', NULL, NULL)")
                with transaction(con):  # nested: joins the outer transaction
                    con.execute("INSERT INTO actors VALUES ('b', 'B', NULL, NULL)")
                raise RuntimeError("boom")
        assert con.execute("SELECT count(*) FROM actors").fetchall()[0][0] == 0


def test_read_only_connect_to_missing_file_names_the_fix(tmp_path):
    from est_data.store.dbfile import DatabaseError

    with pytest.raises(DatabaseError, match="est_data demo"):
        connect(tmp_path / "missing.duckdb", read_only=True)


def test_a_file_before_time_spans_gets_occurred_to(tmp_path, monkeypatch):
    """A version 3 file (no occurred_to) opens as the current version: its incidents and
    their earlier versions keep every value and get an empty end of span."""
    from est_data.store import schema

    path = tmp_path / "v3.duckdb"
    with monkeypatch.context() as m:
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:3])
        m.setattr(schema, "SCHEMA_VERSION", 3)
        with open_db(path) as con:
            assert "occurred_to" not in columns(con, "incidents")
            con.execute("INSERT INTO incidents (incident_id, source, occurred_at, category, "
                        "precision, time_known) VALUES ('a:1', 'a', TIMESTAMP '2025-01-01 22:00', "
                        "'inbrott', 'area', true)")
            con.execute("INSERT INTO incident_history (replaced_by_batch, replaced_at, "
                        "incident_id, occurred_at) VALUES ('b', TIMESTAMP '2025-02-01', 'a:1', "
                        "TIMESTAMP '2025-01-01 21:00')")
    with open_db(path) as con:
        assert current_version(con) == SCHEMA_VERSION
        assert {"occurred_to"} <= columns(con, "incidents") & columns(con, "incident_history")
        assert con.execute("SELECT incident_id, occurred_at, occurred_to, time_known "
                           "FROM incidents").fetchall() == [
            ("a:1", dt.datetime(2025, 1, 1, 22), None, True)]
        assert con.execute("SELECT occurred_at, occurred_to FROM incident_history").fetchall() == [
            (dt.datetime(2025, 1, 1, 21), None)]
        con.execute("UPDATE incidents SET occurred_to = TIMESTAMP '2025-01-02 06:00'")
