"""est_data.trends.ranking against counts made by hand on a tiny database."""
from __future__ import annotations

import datetime as dt
import math
import re

import duckdb
import pytest

from est_data.trends import ranking
from est_data.core.filters import IncidentFilter
from handmade_db import incident, make_db

D = dt.date
MARCH = IncidentFilter(D(2026, 3, 1), D(2026, 3, 31))  # previous: 29 Jan – 28 Feb


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    rows = [
        # A1: three in March (one also inside focus area F1), two in the period before,
        # one a year earlier, one too old for any window.
        incident(1, "2026-03-31 10:00", area="A1", focus="F1"),
        incident(2, "2026-03-25 10:00", area="A1"),
        incident(3, "2026-03-24 10:00", area="A1", category="inbrott"),
        incident(4, "2026-02-10 10:00", area="A1"),
        incident(5, "2026-01-30 10:00", area="A1"),
        incident(6, "2025-03-15 10:00", area="A1"),
        incident(7, "2024-06-01 10:00", area="A1"),
        # A2: one now, none before, two a year earlier.
        incident(8, "2026-03-05 10:00", area="A2"),
        incident(9, "2025-03-01 00:00", area="A2"),
        incident(10, "2025-03-31 23:59", area="A2"),
        # Not counted: a duplicate, and one known only at municipality level.
        incident(11, "2026-03-20 10:00", area="A1", duplicate_of="hem:2"),
        incident(12, "2026-03-20 10:00", area=None),
    ]
    path = make_db(tmp_path_factory.mktemp("ranking") / "r.duckdb", rows)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def _by_area(df):
    return {r["area_id"]: r for _, r in df.iterrows()}


def test_counts_rates_and_changes_match_hand_counts(con):
    rows = _by_area(ranking.area_ranking(con, MARCH))
    a1, a2, f1 = rows["A1"], rows["A2"], rows["F1"]
    assert (a1["current"], a1["previous"], a1["last_year"]) == (3, 2, 1)
    assert a1["per_1000"] == pytest.approx(3.0)  # 3 incidents, 1,000 residents
    assert (a1["change_prev"], a1["change_prev_pct"]) == (1, 50)
    assert (a1["change_year"], a1["change_year_pct"]) == (2, 200)
    assert (a2["current"], a2["previous"], a2["last_year"]) == (1, 0, 2)
    assert a2["per_1000"] == pytest.approx(2.0)  # 1 incident, 500 residents
    assert math.isnan(a2["change_prev_pct"])  # nothing to compare with
    assert (a2["change_year"], a2["change_year_pct"]) == (-1, -50)
    assert (f1["current"], f1["previous"], f1["last_year"]) == (1, 0, 0)
    assert math.isnan(f1["per_1000"])  # a focus area has no population


def test_ranked_by_count(con):
    df = ranking.area_ranking(con, MARCH)
    assert list(df["area_id"]) == ["A1", "A2", "F1"]  # 3, then 1 and 1 by name


def test_trend_is_weekly_counts_ending_on_the_last_day(con):
    bin_days, bins = ranking.trend_bins(MARCH)
    assert (bin_days, bins) == (7, 12)  # at least 84 days, in weeks
    a1 = _by_area(ranking.area_ranking(con, MARCH))["A1"]
    # Days before 31 March: 0 and 6 (bin 0), 7 (bin 1), 49 (bin 7), 60 (bin 8); oldest first.
    assert a1["trend"] == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 2]


def test_area_filter_lists_only_chosen_areas_and_category_filter_applies(con):
    f = IncidentFilter(MARCH.start, MARCH.end, categories=("inbrott",), areas=("A1",))
    df = ranking.area_ranking(con, f)
    assert list(df["area_id"]) == ["A1"]
    assert df.iloc[0]["current"] == 1


def test_long_periods_use_four_week_bins():
    f = IncidentFilter(D(2025, 1, 1), D(2026, 3, 31))
    assert ranking.trend_bins(f) == (28, math.ceil(f.days / 28))


def test_unplaced_count(con):
    assert ranking.unplaced_count(con, MARCH) == 1


@pytest.mark.parametrize("day,expected", [(D(2024, 2, 29), D(2023, 2, 28)),
                                          (D(2026, 3, 31), D(2025, 3, 31))])
def test_year_earlier(day, expected):
    assert ranking.year_earlier(day) == expected


def test_sql_binds_every_value():
    f = IncidentFilter(D(2026, 3, 1), D(2026, 3, 31), categories=("x' OR 1=1 --",),
                       areas=("A1",), weekdays=(1,), hours=(3,))
    sql, params = ranking.area_ranking_sql(f)
    assert set(re.findall(r"\$(\w+)", sql)) == set(params) and "?" not in sql
    assert "OR 1=1" not in sql and "A1" not in sql
