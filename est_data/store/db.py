"""Opening the DuckDB file.

DuckDB allows one writing process per file, and a process holding the file blocks
other processes' writers (README §5). So connections are short-lived: the app opens
read-only for each query batch and closes again; writers open, write one transaction,
close.

Writes go through :func:`write_session`, copy-on-write: the file is copied, the copy is
written in one transaction and then atomically renamed over the original. Readers that
hold the old file keep reading it undisturbed and never block a writer; a failure or a
crash leaves the original exactly as it was. Every writer, ``rebuild`` included, holds
the writer lock from the copy to the rename, so no write replaces another's; files that
belong to a write follow it with :func:`after_write`. A full disk or a read-only folder
is a :class:`~est_data.store.dbfile.DatabaseError` that says so.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from est_data.core.config import db_path
from est_data.core.errors import DATABASE_BUSY_SV
from est_data.store import reader, strays
from est_data.store.dbfile import DatabaseError, open_file, refusals_told, write_error
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

# id(connection) -> (run when the write has landed, run when it never will), per session
_AFTER: dict[int, tuple[list[Callable[[], None]], list[Callable[[], None]]]] = {}


@contextmanager
def writer_lock(path: Path, wait_s: float) -> Iterator[None]:
    """One writer at a time per database file (an advisory lock file beside it)."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        fh = open(lock_path, "a+")
    except OSError as exc:
        raise write_error(exc, lock_path) from exc
    with fh:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseError(
                        f"another import or edit is writing to {path}; try again in a moment",
                        DATABASE_BUSY_SV)
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def after_write(con: duckdb.DuckDBPyConnection, landed: Callable[[], None],
                failed: Callable[[], None] | None = None) -> None:
    """Run ``landed()`` once the writes made on ``con`` are in the database file, and
    ``failed()`` if they never get there.

    In a :func:`write_session` that is after the rename (still under the writer lock),
    or when the session fails. On any other connection the caller's transaction has
    committed already, so ``landed()`` runs at once. Files that belong to a write (the
    import's original file and note) are kept this way: they count only once the
    database has the write, and they go when it does not.
    """
    hooks = _AFTER.get(id(con))
    if hooks is None:
        landed()
        return
    hooks[0].append(landed)
    if failed is not None:
        hooks[1].append(failed)


@contextmanager
def write_session(path: Path | str | None = None, wait_s: float = WRITER_WAIT_S,
                  start_empty: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection whose changes land whole, or not at all.

    The database is copied, the block writes the copy, and on success the copy replaces
    the original with one atomic rename. Open readers (the app) keep the old file until
    they reconnect, so a CLI import never waits for them and they never see half an
    import. An exception in the block discards the copy. With ``start_empty`` the block
    writes a new, empty database instead of a copy (``rebuild``), under the same lock.

    Every writer holds the writer lock for the whole session, and first removes the
    copies killed writers left (:mod:`est_data.store.strays`). A full disk or a
    read-only folder is a :class:`DatabaseError` that says so.
    """
    path = Path(path) if path is not None else db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, path) from exc
    with writer_lock(path, wait_s):
        strays.sweep(path)
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        hooks: tuple[list, list] = ([], [])
        with refusals_told(path):
            try:
                con = _open_copy(path, tmp, start_empty)
                _AFTER[id(con)] = hooks
                try:
                    # No outer transaction: the copy itself is the unit of atomicity (an error
                    # discards it), and the block's own transactions keep their committed
                    # row ids (DuckDB numbers uncommitted rows differently).
                    yield con
                    con.execute("CHECKPOINT")
                finally:
                    del _AFTER[id(con)]
                    con.close()
                _install(tmp, path)
            except BaseException:
                for undo in reversed(hooks[1]):
                    _quietly(undo)
                raise
            finally:
                _remove(tmp)
        for done in hooks[0]:
            done()


def _open_copy(path: Path, tmp: Path, start_empty: bool) -> duckdb.DuckDBPyConnection:
    """The writable copy of ``path`` at ``tmp`` (or a new database there)."""
    _remove(tmp)
    try:
        if path.exists() and not start_empty:
            shutil.copy2(path, tmp)
            wal = path.with_name(path.name + ".wal")
            if wal.exists():  # a crashed writer left its log: carry it over
                shutil.copy2(wal, tmp.with_name(tmp.name + ".wal"))
    except OSError as exc:
        raise write_error(exc, path) from exc
    return connect(tmp)


def _install(tmp: Path, path: Path) -> None:
    """Put the written copy in place: flushed to disk, then one atomic rename."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _quietly(cleanup: Callable[[], None]) -> None:
    """Clean up after a failed write without hiding why it failed."""
    try:
        cleanup()
    except OSError:
        pass


def _remove(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
