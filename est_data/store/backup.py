"""Consistent backups: a copy of the database file, or every table as Parquet."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from est_data.store.db import writer_lock, connect


def backup_copy(db: Path, out: Path) -> Path:
    """Copy the database while no writer can change it; verify the copy opens."""
    if not db.exists():
        raise FileNotFoundError(f"no database at {db}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(db, wait_s=60):
        shutil.copy2(db, out)
    con = duckdb.connect(str(out), read_only=True)
    try:
        con.execute("SELECT count(*) FROM incidents").fetchall()
    finally:
        con.close()
    return out


def export_parquet(db: Path, out_dir: Path) -> Path:
    """Every table as a Parquet file plus the schema (DuckDB ``EXPORT DATABASE``).

    Restore with ``IMPORT DATABASE 'dir'`` in the duckdb CLI, or read the Parquet files
    with any tool.
    """
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    with writer_lock(db, wait_s=60):
        con = connect(db, read_only=True)
        try:
            con.execute(f"EXPORT DATABASE '{_sql_path(out_dir)}' (FORMAT parquet)")
        finally:
            con.close()
    return out_dir


def _sql_path(path: Path) -> str:
    # EXPORT DATABASE takes no bound parameter for its path; quotes are doubled.
    return str(path.resolve()).replace("'", "''")
