"""The planted database the evaluation tests share (known counts per area and window)
and one evaluation on it."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from est_data.evaluation.evaluate import evaluate
from est_data.evaluation.selection import EvaluationSpec
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


@pytest.fixture(scope="module")
def planted_eval(tmp_path_factory):
    path = tmp_path_factory.mktemp("rep") / "planted.duckdb"
    with open_db(path) as con:
        planted.store_planted(con)
        # A title that must be escaped, not run, in the report.
        con.execute("UPDATE interventions SET title = '<script>alert(1)</script> & ljus' "
                    "WHERE intervention_id = 'pl-1'")
    con = duckdb.connect(str(path), read_only=True)
    try:
        return evaluate(con, EvaluationSpec(("F",), planted.DATE,
                                            categories=("storning", "inbrott")),
                        now=dt.datetime(2026, 2, 3, 10, 15))
    finally:
        con.close()
