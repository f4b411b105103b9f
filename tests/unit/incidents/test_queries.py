"""Shared read queries against hand counts on a tiny database."""
from __future__ import annotations

import datetime as dt

import pytest

from est_data.incidents import queries
from est_data.store.db import open_db
from est_data.core.filters import IncidentFilter

ROWS = [  # id, occurred_at, category, area, focus, precision, duplicate_of
    ("a:1", "2025-03-02 10:00", "klotter", "A", None, "point", None),
    ("a:2", "2025-03-03 23:00", "klotter", "A", "F", "point", None),
    ("a:3", "2025-03-05 12:00", "inbrott", "B", None, "point", None),
    ("b:1", "2025-03-03 23:10", "klotter", "A", "F", "point", "a:2"),   # duplicate
    ("p:1", "2025-03-04 01:00", "storning", None, None, "municipality", None),
    ("a:4", "2025-02-25 12:00", "klotter", "B", None, "point", None),   # previous period
    ("a:5", "2025-02-23 12:00", "inbrott", "A", None, "area", None),    # previous period
]


@pytest.fixture
def con(tmp_path):
    with open_db(tmp_path / "q.duckdb") as con:
        con.execute("INSERT INTO areas (area_id, name, kind, population, is_focus, geometry) VALUES "
                    "('A', 'Ett', 'deso', 2000, false, 'POINT(0 0)'), ('B', 'Två', 'deso', NULL, false, 'POINT(0 0)'), "
                    "('F', 'Fokus', 'custom', NULL, true, 'POINT(0 0)')")
        for r in ROWS:
            con.execute("INSERT INTO incidents (incident_id, source, occurred_at, category, area_id, "
                        "focus_area_id, precision, duplicate_of, x) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                        "CASE WHEN ? IN ('point', 'address') THEN 1 END)",
                        [r[0], r[0][0], r[1], r[2], r[3], r[4], r[5], r[6], r[5]])
        con.execute("INSERT INTO meetings VALUES ('m1', DATE '2025-03-01', 'Möte', NULL)")
        yield con


F = IncidentFilter(dt.date(2025, 3, 1), dt.date(2025, 3, 7))


def test_period_totals(con):
    assert queries.period_totals(con, F) == {"current": 4, "previous": 2, "municipality_only": 1,
                                             "located": 3}
    with_dupes = IncidentFilter(F.start, F.end, include_duplicates=True)
    assert queries.period_totals(con, with_dupes)["current"] == 5


def test_counts_with_change(con):
    df = queries.counts_with_change(con, F, "category").set_index("key")
    assert df.loc["klotter", ["current", "previous", "change"]].tolist() == [2, 1, 1]
    # 2 against 1: no percentage under 10 events a side (DESIGN §8)
    assert df["change_pct"].isna().all()
    assert df.loc["storning", ["current", "previous"]].tolist() == [1, 0]


def test_area_table_includes_focus_areas_and_rates(con):
    df = queries.area_table(con, F).set_index("area_id")
    assert df.loc["A", ["current", "previous"]].tolist() == [2, 1]
    assert df.loc["F", "current"] == 1
    assert df.loc["A", "per_1000"] == 1.0  # 2 per 2,000 residents
    assert df["per_1000"].isna()["B"]
    assert df.index[0] == "F"  # focus areas first


def test_area_filter_matches_focus_area_id(con):
    f = IncidentFilter(F.start, F.end, areas=("F",))
    assert queries.period_totals(con, f)["current"] == 1


def test_anchor_and_meeting(con):
    assert queries.anchor_date(con, today=dt.date(2030, 1, 1)) == dt.date(2025, 3, 5)
    assert queries.anchor_date(con, today=dt.date(2025, 3, 4)) == dt.date(2025, 3, 4)
    assert queries.last_meeting(con, dt.date(2025, 3, 5)) == dt.date(2025, 3, 1)
    assert queries.last_meeting(con, dt.date(2025, 2, 1)) is None


def test_lookups(con):
    look = queries.lookups(con)
    assert look["categories"]["klotter"] == "Klotter"
    assert list(look["areas"])[0] == "F"
    assert set(look["sources"]) == {"a", "b", "p"}
