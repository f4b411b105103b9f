"""The shared read-only connection: fresh data after every write, no stale instance,
reads in flight finish undisturbed, and writers in the same process are not refused."""
from __future__ import annotations

import threading
import time

import pytest

from est_data.store import reader
from est_data.core.config import READER_MEMORY_LIMIT
from est_data.store.db import connect, open_db, write_session


def make(path, n: int) -> None:
    with write_session(path) as con:
        con.execute("DELETE FROM actors")
        for i in range(n):
            con.execute("INSERT INTO actors VALUES (?, ?, NULL, NULL)", [f"a{i}", f"A{i}"])


def wait_until(condition, timeout_s: float = 10.0) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def count(path) -> int:
    with reader.cursor(path) as con:
        return con.execute("SELECT count(*) FROM actors").fetchall()[0][0]


@pytest.fixture(autouse=True)
def no_shared_connection_left(tmp_path):
    yield
    reader.release(tmp_path / "r.duckdb")


def test_reads_share_one_connection_per_version(tmp_path):
    path = tmp_path / "r.duckdb"
    make(path, 2)
    with reader.cursor(path) as a, reader.cursor(path) as b:
        assert reader._current.users == 2
        assert a.execute("SELECT count(*) FROM actors").fetchall() == [(2,)]
        assert b.execute("SELECT count(*) FROM actors").fetchall() == [(2,)]
        limit = a.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert reader._current.users == 0
    value, unit = limit.split()  # e.g. '488.2 MiB' for '512MB'
    assert unit == "MiB" and abs(float(value) * 2**20 - int(READER_MEMORY_LIMIT[:-2]) * 1e6) < 1e6


def test_a_write_is_seen_by_the_next_read(tmp_path):
    path = tmp_path / "r.duckdb"
    make(path, 1)
    assert count(path) == 1
    make(path, 3)  # copy-on-write: the file is replaced while our connection is open
    assert count(path) == 3  # not the old, still cached, database instance
    make(path, 5)
    assert count(path) == 5


def test_a_read_in_flight_finishes_on_the_old_version(tmp_path):
    path = tmp_path / "r.duckdb"
    make(path, 1)
    seen: dict[str, int] = {}
    started, go_on = threading.Event(), threading.Event()

    def long_read():
        with reader.cursor(path) as con:
            started.set()
            go_on.wait(10)
            seen["old"] = con.execute("SELECT count(*) FROM actors").fetchall()[0][0]

    t = threading.Thread(target=long_read)
    t.start()
    started.wait(10)
    make(path, 4)
    new_read = threading.Thread(target=lambda: seen.__setitem__("new", count(path)))
    new_read.start()
    # The new read has retired the old connection and now waits for the old read.
    wait_until(lambda: any(a.path == path.resolve() for a in reader._retired))
    with reader._cond:  # no new version is opened while the old one is still read
        assert reader._current is None and "new" not in seen
    go_on.set()
    t.join(10)
    new_read.join(10)
    assert seen == {"old": 1, "new": 4}


def test_a_writer_in_the_same_process_is_not_refused(tmp_path):
    path = tmp_path / "r.duckdb"
    make(path, 1)
    assert count(path) == 1
    # A plain (not copy-on-write) writer on the same file: DuckDB would refuse it
    # beside an open reader of another configuration in this process.
    con = connect(path)
    try:
        con.execute("INSERT INTO actors VALUES ('x', 'X', NULL, NULL)")
    finally:
        con.close()
    assert count(path) == 2
    with open_db(path) as con:
        con.execute("DELETE FROM actors WHERE source = 'x'")
    assert count(path) == 1


def test_a_missing_file_is_an_error_not_a_new_file(tmp_path):
    from est_data.store.dbfile import DatabaseError

    with pytest.raises(DatabaseError):
        count(tmp_path / "missing.duckdb")
    assert not (tmp_path / "missing.duckdb").exists()
