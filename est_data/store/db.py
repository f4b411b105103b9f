"""Opening the DuckDB file.

DuckDB allows one writing process per file, and a process holding the file blocks
other processes' writers (README §5). So connections are short-lived: the app opens
read-only for each query batch and closes again; writers open, write one transaction,
close.

Writes go through :func:`write_session`, copy-on-write: the file is copied, the copy is
written in one transaction and then atomically renamed over the original. Readers that
hold the old file keep reading it undisturbed and never block a writer; a failure or a
crash leaves the original exactly as it was.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from est_data.core.config import db_path
from est_data.store import reader
from est_data.store.dbfile import DatabaseError, open_file
from est_data.store.schema import ensure_schema


_IN_TRANSACTION: set[int] = set()  # ids of connections inside transaction()


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a writable connection creates and upgrades the schema."""
    path = Path(path) if path is not None else db_path()
    if not read_only:
        # DuckDB refuses a writer beside a reader of the same file in one process.
        reader.release(path)
    con = open_file(path, read_only)
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



WRITER_WAIT_S = 30.0  # how long a writer waits for another writer before giving up


@contextmanager
def writer_lock(path: Path, wait_s: float) -> Iterator[None]:
    """One writer at a time per database file (an advisory lock file beside it)."""
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseError(
                        f"another import or edit is writing to {path}; try again in a moment")
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def write_session(path: Path | str | None = None, wait_s: float = WRITER_WAIT_S
                  ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection whose changes land whole, or not at all.

    The database is copied, the block writes the copy, and on success the copy replaces
    the original with one atomic rename. Open readers (the app) keep the old file until
    they reconnect, so a CLI import never waits for them and they never see half an
    import. An exception in the block discards the copy.
    """
    path = Path(path) if path is not None else db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path, wait_s):
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        _remove(tmp)
        try:
            if path.exists():
                shutil.copy2(path, tmp)
                wal = path.with_name(path.name + ".wal")
                if wal.exists():  # a crashed writer left its log: carry it over
                    shutil.copy2(wal, tmp.with_name(tmp.name + ".wal"))
            con = connect(tmp)
            try:
                # No outer transaction: the copy itself is the unit of atomicity (an error
                # discards it), and the block's own transactions keep their committed
                # row ids (DuckDB numbers uncommitted rows differently).
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            _remove(tmp)


def _remove(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
