"""One read-only connection per version of the database file, shared by the app's threads.

Opening the file for every read costs 15-25 ms, and a new connection starts with an
empty buffer pool, so each query reads its blocks again: at 1M incidents a typical
filtered count takes ~24 ms on a fresh connection and ~4 ms on an open one. The app
therefore keeps one read-only connection per file *version* (see
:func:`est_data.store.dbfile.file_version`) and gives every read its own cursor.

Keeping the file open is safe because writers never touch it in place: they write a
copy and rename it over the original (:func:`est_data.store.db.write_session`), so a reader
holding the old file never blocks them. When the version changes, the old connection
is retired: reads already running on it finish, then it is closed, and only then is
the new file opened. (DuckDB caches open databases by path within a process, so
opening the new file while the old one is still open would hand back the old data.)
A writable :func:`est_data.store.db.connect` on the same path in this process first calls
:func:`release`, since DuckDB refuses a writer beside a reader of the same file in one
process.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb

from est_data.core.config import READER_MEMORY_LIMIT
from est_data.store.dbfile import DatabaseError, file_version, open_file

OPEN_RETRIES = 10
RETRY_SLEEP_S = 0.2
RETIRE_WAIT_S = 30.0


@dataclass(eq=False)
class _Anchor:
    path: Path
    version: tuple
    con: duckdb.DuckDBPyConnection
    users: int = 0
    retired: bool = field(default=False)


_cond = threading.Condition()
_current: _Anchor | None = None
_retired: list[_Anchor] = []


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """Open read-only, waiting briefly while another process writes the file in place."""
    for attempt in range(OPEN_RETRIES):
        try:
            con = open_file(path, read_only=True)
            break
        except DatabaseError as exc:
            if "lock" not in str(exc).lower() or attempt == OPEN_RETRIES - 1:
                raise
            time.sleep(RETRY_SLEEP_S)
    if READER_MEMORY_LIMIT:
        # The buffer pool keeps read blocks for the next query; bounded, so the app
        # process stays small however large the file is.
        con.execute(f"SET memory_limit = '{READER_MEMORY_LIMIT}'")
    return con


def _retire(anchor: _Anchor) -> None:
    """Take ``anchor`` out of use; close it now or when its last read finishes."""
    global _current
    if _current is anchor:
        _current = None
    anchor.retired = True
    if anchor.users == 0:
        anchor.con.close()
    elif anchor not in _retired:
        _retired.append(anchor)


def _wait_for_retired(path: Path) -> None:
    """Until no retired connection to ``path`` is still reading (caller holds _cond)."""
    deadline = time.monotonic() + RETIRE_WAIT_S
    while any(a.path == path for a in _retired):
        left = deadline - time.monotonic()
        if left <= 0:
            raise DatabaseError(f"reads of the old version of {path} did not finish")
        _cond.wait(left)


@contextmanager
def cursor(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the current version of ``path``, closed afterwards."""
    global _current
    path = Path(path).resolve()
    with _cond:
        while True:
            version = file_version(path)
            anchor = _current
            if anchor is not None and anchor.path == path and anchor.version == version:
                break
            if anchor is not None:
                _retire(anchor)
            _wait_for_retired(path)
            if _current is None:  # another thread may have opened it meanwhile
                _current = _Anchor(path, version, _open(path))
        anchor.users += 1
        try:
            cur = anchor.con.cursor()
        except BaseException:
            _release(anchor)
            raise
    try:
        yield cur
    finally:
        cur.close()
        with _cond:
            _release(anchor)


def _release(anchor: _Anchor) -> None:
    anchor.users -= 1
    if anchor.retired and anchor.users == 0:
        anchor.con.close()
        if anchor in _retired:
            _retired.remove(anchor)
        _cond.notify_all()


def release(path: Path) -> None:
    """Close this process's shared connection to ``path`` (after its running reads),
    so that a writer in this process can open the file."""
    path = Path(path).resolve()
    with _cond:
        if _current is not None and _current.path == path:
            _retire(_current)
        _wait_for_retired(path)
