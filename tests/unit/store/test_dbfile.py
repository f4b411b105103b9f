"""The database file itself: errors a user can act on (issue 12, item 19)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import duckdb
import pytest

from est_data.store.dbfile import DatabaseError, refusal


@pytest.mark.parametrize("exc, says", [
    (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "no space left"),
    (OSError(errno.EROFS, os.strerror(errno.EROFS)), "read-only"),
    (PermissionError(errno.EACCES, os.strerror(errno.EACCES)), "read-only"),
    (duckdb.IOException('IO Error: Could not write file "/d/x.tmp1": No space left on device'),
     "no space left"),
    (duckdb.IOException('IO Error: Cannot open file "/d/x": Read-only file system'),
     "read-only"),
    (duckdb.TransactionException('TransactionContext Error: Failed to commit: Could not '
                                 'write file "/d/x.tmp1.wal": No space left on device'),
     "no space left"),
])
def test_a_full_or_read_only_disk_is_a_database_error(exc, says):
    error = refusal(exc, Path("/data/est.duckdb"))
    assert isinstance(error, DatabaseError)
    assert says in str(error) and "/data" in str(error) and "nothing was written" in str(error)
    assert "/data" not in error.sv      # the app's text names no server path


@pytest.mark.parametrize("exc", [
    OSError(errno.EIO, os.strerror(errno.EIO)), FileNotFoundError(errno.ENOENT, "gone"),
    duckdb.IOException("IO Error: Could not read enough bytes"), ValueError("no")])
def test_other_failures_are_not_refusals(exc):
    assert refusal(exc, Path("/data/est.duckdb")) is None
