"""Opening the DuckDB file.

DuckDB allows one writing process per file, and a process holding the file blocks
other processes' writers (DESIGN.md §5). So connections are short-lived: the app opens
read-only for each query batch and closes again; writers open, write one transaction,
close.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from .config import db_path
from .schema import ensure_schema


_IN_TRANSACTION: set[int] = set()  # ids of connections inside transaction()


class DatabaseError(RuntimeError):
    """The database file cannot be opened; the message says what to do."""


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a writable connection creates and upgrades the schema."""
    path = Path(path) if path is not None else db_path()
    if read_only and not path.exists():
        raise DatabaseError(
            f"the database {path} does not exist; create it with "
            f"'python -m est_data demo --db {path}' or 'python -m est_data init --db {path}'"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise DatabaseError(f"cannot open the database {path}: {exc}") from exc
    if not read_only:
        ensure_schema(con)
    return con


@contextmanager
def open_db(path: Path | str | None = None, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """``with open_db(...) as con:`` opens and always closes the file."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: everything inside lands, or nothing does.

    Inside an open transaction it joins that one (the outer block commits or rolls back).
    """
    key = id(con)
    if key in _IN_TRANSACTION:
        yield con  # the outer block owns the transaction
        return
    con.execute("BEGIN TRANSACTION")
    _IN_TRANSACTION.add(key)
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
    finally:
        _IN_TRANSACTION.discard(key)

