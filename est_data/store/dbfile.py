"""The lowest room: the database file itself.

Opening the file as it is (no schema work, no shared connections) and telling its
versions apart. :mod:`est_data.store.db` (writers, transactions) and
:mod:`est_data.store.reader` (the app's shared read-only connection) both build on this
module, and db imports reader only to release its shared connection before writing.
"""
from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from est_data.core.errors import UserError


class DatabaseError(UserError, RuntimeError):
    """The database file cannot be opened; the message says what to do."""


NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def refusal(exc: BaseException, where: Path) -> DatabaseError | None:
    """The :func:`write_error` for a disk that is full or does not let us write (the user
    can act on it), whether the system said so (``OSError``) or DuckDB passed it on;
    None for any other failure."""
    if isinstance(exc, OSError):
        return write_error(exc, where) if exc.errno in NO_SPACE | READ_ONLY else None
    if isinstance(exc, duckdb.Error):  # IOException, or a commit that could not write
        for code in sorted(NO_SPACE | READ_ONLY):
            if os.strerror(code) in str(exc):
                return write_error(OSError(code, os.strerror(code)), where)
    return None


@contextmanager
def refusals_told(where: Path) -> Iterator[None]:
    """Raise a full disk or a read-only folder met in the block as the
    :class:`DatabaseError` that says so (:func:`refusal`); anything else passes as it is."""
    try:
        yield
    except BaseException as exc:
        error = refusal(exc, where)
        if error is None:
            raise
        raise error from exc


def write_error(exc: OSError, where: Path) -> DatabaseError:
    """The error to raise when writing at ``where`` failed with ``exc``: a full disk and a
    read-only folder say so; anything else names the file and the system's reason."""
    folder = where.parent
    reason = exc.strerror or str(exc)
    if exc.errno in NO_SPACE:
        return DatabaseError(
            f"no space left on the disk of {folder} ({reason}); nothing was written: "
            "free some space and try again",
            "Disken är full: inget skrevs. Frigör utrymme och försök igen.")
    if exc.errno in READ_ONLY:
        return DatabaseError(
            f"cannot write in {folder}: the folder is read-only or belongs to another user "
            f"({reason}); nothing was written",
            "Datamappen är skrivskyddad eller tillhör en annan användare: inget skrevs.")
    return DatabaseError(f"cannot write in {folder} ({reason}); nothing was written",
                         "Det gick inte att skriva i datamappen: inget skrevs.")


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
