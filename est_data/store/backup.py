"""Consistent backups: a copy of the database file, or every table as Parquet.

A backup is written beside its target under a temporary name, read back in full, and
only then renamed into place: a damaged database, a full disk or an interrupted run
leaves nothing at the target.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from est_data.store.db import writer_lock, connect
from est_data.store.dbfile import DatabaseError, refusals_told


def backup_copy(db: Path, out: Path) -> Path:
    """Copy the database while no writer can change it; verify every table of the copy
    reads back."""
    if not db.exists():
        raise FileNotFoundError(f"no database at {db}")
    part = out.with_name(f"{out.name}.part{os.getpid()}")
    try:
        with refusals_told(out):
            out.parent.mkdir(parents=True, exist_ok=True)
            with writer_lock(db, wait_s=60):
                shutil.copy2(db, part)
            con = _open_backup(part, db)
            try:
                _read_all(con, db)
            finally:
                con.close()
            os.replace(part, out)
    finally:
        for p in (part, part.with_name(part.name + ".wal")):
            p.unlink(missing_ok=True)
    return out


def export_parquet(db: Path, out_dir: Path) -> Path:
    """Every table as a Parquet file plus the schema (DuckDB ``EXPORT DATABASE``).

    Restore with ``IMPORT DATABASE 'dir'`` in the duckdb CLI, or read the Parquet files
    with any tool.
    """
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    part = out_dir.with_name(f"{out_dir.name}.part{os.getpid()}")
    shutil.rmtree(part, ignore_errors=True)
    try:
        with refusals_told(out_dir):
            part.mkdir(parents=True)
            with writer_lock(db, wait_s=60):
                con = _open_backup(db, db)
                try:
                    con.execute(f"EXPORT DATABASE '{_sql_path(part)}' (FORMAT parquet)")
                except duckdb.Error as exc:
                    raise _damaged(db, exc) from exc
                finally:
                    con.close()
            os.replace(part, out_dir)   # onto an empty folder, or none
    finally:
        shutil.rmtree(part, ignore_errors=True)
    return out_dir


def _open_backup(path: Path, db: Path) -> duckdb.DuckDBPyConnection:
    try:
        return connect(path, read_only=True)
    except (DatabaseError, duckdb.Error) as exc:
        raise _damaged(db, exc) from exc


def _read_all(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """Read every row of every table: a file cut short fails here, not at restore."""
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
        if "incidents" not in tables:
            raise duckdb.CatalogException("there is no incidents table")
        for table in tables:
            con.execute(f'SELECT count(*), max(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    except duckdb.Error as exc:
        raise _damaged(db, exc) from exc


def _damaged(db: Path, exc: Exception) -> DatabaseError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return DatabaseError(
        f"the database {db} is damaged, no backup was written ({detail}); restore an "
        "earlier backup or run 'python -m est_data rebuild'",
        "Databasen är skadad, ingen säkerhetskopia skrevs. Återställ en tidigare "
        "säkerhetskopia eller bygg om databasen.")


def _sql_path(path: Path) -> str:
    # EXPORT DATABASE takes no bound parameter for its path; quotes are doubled.
    return str(path.resolve()).replace("'", "''")
