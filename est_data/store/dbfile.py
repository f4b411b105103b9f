"""The lowest room: the database file itself.

Opening the file as it is (no schema work, no shared connections) and telling its
versions apart. :mod:`est_data.store.db` (writers, transactions) and
:mod:`est_data.store.reader` (the app's shared read-only connection) both build on this
module, and db imports reader only to release its shared connection before writing.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from est_data.core.errors import UserError


class DatabaseError(UserError, RuntimeError):
    """The database file cannot be opened; the message says what to do."""


def open_file(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file as it is: a reader needs an existing file, a writer may create it."""
    if read_only and not path.exists():
        raise DatabaseError(
            f"the database {path} does not exist; create it with "
            f"'python -m est_data demo --db {path}' or 'python -m est_data init --db {path}'"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise DatabaseError(f"cannot open the database {path}: {exc}") from exc


def file_version(path: Path) -> tuple:
    """Changes whenever the database file (or its write-ahead log) changes: inode,
    modification time and size of both."""
    parts = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            s = p.stat()
            parts.append((s.st_ino, s.st_mtime_ns, s.st_size))
        except FileNotFoundError:
            parts.append(None)
    return (str(path), *parts)
