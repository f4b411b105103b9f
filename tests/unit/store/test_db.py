"""Copy-on-write writes: readers never block a writer and never see half a write."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from repo import REPO_ROOT
from est_data.store.db import after_write, open_db, write_session
from est_data.store.dbfile import DatabaseError


def count(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM actors").fetchall()[0][0]
    finally:
        con.close()


def test_write_lands_whole(tmp_path):
    path = tmp_path / "w.duckdb"
    with write_session(path) as con:
        con.execute("INSERT INTO actors VALUES ('a', 'A', NULL, NULL), ('b', 'B', NULL, NULL)")
    assert count(path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]


def test_failure_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "w.duckdb"
    with write_session(path) as con:
        con.execute("INSERT INTO actors VALUES ('a', 'A', NULL, NULL)")
    before = path.read_bytes()
    with pytest.raises(ZeroDivisionError):
        with write_session(path) as con:
            con.execute("INSERT INTO actors VALUES ('b', 'B', NULL, NULL)")
            1 / 0
    assert path.read_bytes() == before
    assert count(path) == 1
    assert not list(tmp_path.glob("*.tmp*"))


def test_writer_is_not_blocked_by_a_reader_in_another_process(tmp_path):
    path = tmp_path / "w.duckdb"
    with write_session(path) as con:
        con.execute("INSERT INTO actors VALUES ('a', 'A', NULL, NULL)")
    # Another process holds the file open read-only (as the app does while it reads).
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r}, read_only=True)
        print(con.execute("SELECT count(*) FROM actors").fetchall()[0][0], flush=True)
        sys.stdin.readline()
        print(con.execute("SELECT count(*) FROM actors").fetchall()[0][0], flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    assert reader.stdout.readline().strip() == "1"
    # A plain writer would fail on the lock; the copy-on-write writer succeeds.
    with pytest.raises(duckdb.IOException):
        duckdb.connect(str(path))
    with write_session(path) as con:
        con.execute("INSERT INTO actors VALUES ('b', 'B', NULL, NULL)")
    reader.stdin.write("\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "1"  # the open reader still sees its snapshot
    reader.wait(timeout=10)
    assert count(path) == 2                          # a new reader sees the new data


def test_second_writer_waits_then_gives_up(tmp_path):
    path = tmp_path / "w.duckdb"
    with write_session(path):
        with pytest.raises(DatabaseError, match="another import"):
            with write_session(path, wait_s=0.3):
                pass


# --- a disk that refuses the write (issue 12, item 19) -----------------------------------

REFUSALS = {errno.ENOSPC: "no space left", errno.EROFS: "read-only",
            errno.EACCES: "read-only"}


def refuse(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("code", sorted(REFUSALS))
@pytest.mark.parametrize("step", ["copy", "rename"])
def test_a_full_or_read_only_disk_is_a_database_error_and_changes_nothing(
        tmp_path, monkeypatch, code, step):
    path = tmp_path / "w.duckdb"
    with write_session(path) as con:
        con.execute("INSERT INTO actors VALUES ('a', 'A', NULL, NULL)")
    before = path.read_bytes()
    landed, failed = [], []
    if step == "copy":
        monkeypatch.setattr(shutil, "copy2", refuse(code))
    else:
        real_replace = os.replace
        monkeypatch.setattr(os, "replace", lambda src, dst: (
            refuse(code)() if Path(dst) == path else real_replace(src, dst)))
    with pytest.raises(DatabaseError) as caught:
        with write_session(path) as con:
            con.execute("INSERT INTO actors VALUES ('b', 'B', NULL, NULL)")
            after_write(con, lambda: landed.append(1), lambda: failed.append(1))
    assert REFUSALS[code] in str(caught.value) and "nothing was written" in str(caught.value)
    assert caught.value.sv != str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.lock"]
    assert (landed, failed) == ([], [1] if step == "rename" else [])


def test_a_lock_file_that_cannot_be_opened_is_a_database_error(tmp_path):
    path = tmp_path / "w.duckdb"
    (tmp_path / "w.duckdb.lock").mkdir()   # fails for root too
    with pytest.raises(DatabaseError, match="cannot write in"):
        with write_session(path):
            pass
    assert not path.exists()


def test_after_write_runs_once_the_write_has_landed(tmp_path):
    path = tmp_path / "w.duckdb"
    seen = []
    with write_session(path) as con:
        con.execute("INSERT INTO actors VALUES ('a', 'A', NULL, NULL)")
        after_write(con, lambda: seen.append(count(path)))
        assert seen == []
    assert seen == [1]
    with open_db(path) as con:       # a plain connection has committed already
        after_write(con, lambda: seen.append("now"))
    assert seen == [1, "now"]
