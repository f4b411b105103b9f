"""SQL helpers: the one IN-list builder binds every value."""
from __future__ import annotations

import duckdb
import pytest

from est_data.store.sqlutil import in_list


@pytest.mark.parametrize("column, values, sql, params", [
    ("category", ["klotter"], "category IN (?)", ["klotter"]),
    ("i.area_id", ("a", "b", "c"), "i.area_id IN (?, ?, ?)", ["a", "b", "c"]),
    ("source", iter(["x'; DROP TABLE t;--"]), "source IN (?)", ["x'; DROP TABLE t;--"]),
])
def test_in_list(column, values, sql, params):
    assert in_list(column, values) == (sql, params)


def test_in_list_needs_a_value():
    with pytest.raises(ValueError):
        in_list("category", [])


def test_in_list_values_are_bound_not_formatted():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (c VARCHAR); INSERT INTO t VALUES ('a'), ('b'), ('x''; --')")
    sql, params = in_list("c", ["a", "x'; --"])
    assert con.execute(f"SELECT count(*) FROM t WHERE {sql}", params).fetchone()[0] == 2
