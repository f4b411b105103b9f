"""The Trender page's figures for the meeting role (est_data.trends.shown): no count of
1-2 in a chart's data, the over-time table protected against its margins, no peak
sentence over a hidden count, the ranking as published."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from est_data.core.filters import IncidentFilter
from est_data.incidents import published
from est_data.trends import ranking, series, shown

END = dt.date(2026, 11, 15)
WEEK = IncidentFilter(END - dt.timedelta(days=6), END)
QUARTER = IncidentFilter(END - dt.timedelta(days=89), END, categories=("samling",))


@pytest.mark.parametrize("f, by", [(WEEK, "category"), (QUARTER, "area"), (QUARTER, "total")])
def test_series_bars_leave_small_counts_out(demo_con, f, by):
    df = series.time_series(demo_con, f, "week", by)
    assert df["count"].between(1, 2).any(), "the filter has periods of one or two incidents"
    out, totals = shown.series(df, 3)
    bars = out["count"].dropna()
    assert not bars.between(1, 2).any()
    assert out[["rolling", "last_year", "full_count", "expected"]].isna().all().all()
    assert totals is not None and not any(t in ("1", "2") for t in totals.values())
    same, none = shown.series(df, 0)
    assert same is df and none is None


def test_series_periods_are_protected_against_their_totals():
    """One period: Klotter 5, Störning 5, Brand 2, total 12 (shown in an alert's hover or
    summed from the chart): hiding the 2 alone gives it away."""
    period = pd.Timestamp("2026-11-09")
    df = pd.DataFrame({"period": [period] * 4, "key": ["klotter", "storning", "brand", "__total"],
                       "count": [5, 5, 2, 12], "full_count": [5, 5, 2, 12],
                       "last_year": [1, 1, 1, 3], "rolling": [5.0, 5.0, 2.0, 12.0],
                       "expected": [1.0] * 4})
    out, _ = shown.series(df, 3)
    assert out["count"].isna().sum() >= 2


def test_weekday_hour_and_its_peak(demo_con):
    matrix = series.weekday_hour(demo_con, IncidentFilter(END, END))
    assert matrix["count"].max() <= 2
    assert shown.peak_sentence(matrix, 3) is None
    assert "under perioden" in shown.peak_sentence(matrix, 0)
    out = shown.weekday_hour(matrix, 3)
    assert not out["count"].between(1, 2).any() and out["count"].isna().any()
    wide = series.weekday_hour(demo_con, IncidentFilter(END - dt.timedelta(days=365), END))
    sentence = shown.peak_sentence(wide, 3)
    assert sentence and sentence == shown.peak_sentence(wide, 0)


def test_weekday_hour_with_shares_of_spans():
    """Spread spans make fractional cells: one under 3 is not shown (each incident
    adds at most 1 to a cell, so 3 or more means at least three incidents), and the
    peak sentence gives a share with one decimal."""
    cells = {(5, 22): 7.75, (5, 23): 4.25, (6, 0): 2.5, (6, 1): 0.5}
    matrix = pd.DataFrame([(d, h, cells.get((d, h), 0.0)) for d in range(1, 8) for h in range(24)],
                          columns=["weekday", "hour", "count"])
    out = shown.weekday_hour(matrix, 3)
    assert out["count"].dropna().pipe(lambda v: not v.between(0.01, 2.99).any())
    assert out["count"].isna().sum() >= 2
    assert shown.peak_sentence(matrix, 3) == "Flest händelser: **fredag kl. 22–23** (7,8 under perioden)."


def test_season_years_are_groups(demo_con):
    season = series.seasonal(demo_con, QUARTER)
    out = shown.season(season, 3)
    assert season["count"].between(1, 2).any()
    assert not out["count"].between(1, 2).any()
    assert np.isnan(out["count"]).any()


def test_ranking_as_published(demo_con):
    table = ranking.area_ranking(demo_con, WEEK)
    marks = published.area_marks(demo_con, WEEK)
    out = shown.ranking(table, marks, 3)
    assert "trend" not in out.columns
    assert not set(out["current"]) & {"1", "2"}
    hidden = out[out["current"].isin(["<3", "dolt"])]
    assert len(hidden) and set(hidden["per_1000"]) <= {"–"} and set(hidden["change_prev"]) == {"–"}
    assert shown.ranking(table, marks, 0) is table


def test_the_cached_read_is_the_same_as_the_pure_function(demo_con):
    df = series.time_series(demo_con, WEEK, "week", "category")
    out, totals = shown.time_series(demo_con, WEEK, "week", "category", 3)
    expected, expected_totals = shown.series(df, 3)
    pd.testing.assert_frame_equal(out, expected)
    assert totals == expected_totals
