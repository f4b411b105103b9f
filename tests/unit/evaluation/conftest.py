"""The planted database the evaluation tests share (known counts per area and window)."""
from __future__ import annotations

import duckdb
import pytest

from est_data.store.db import open_db

import planted


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("planted") / "planted.duckdb"
    with open_db(path) as con:
        planted.store_planted(con)
    return path


@pytest.fixture
def pcon(planted_db):
    con = duckdb.connect(str(planted_db), read_only=True)
    yield con
    con.close()
