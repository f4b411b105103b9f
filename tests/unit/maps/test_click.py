"""Clicking the map: which area was hit, and that area's figures (plain functions, since
AppTest cannot click a Leaflet map)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from est_data import maps
from est_data.incidents import queries
from est_data.core.filters import IncidentFilter
from est_data.maps import click

END = dt.date(2026, 11, 15)
MONTH = IncidentFilter(END - dt.timedelta(days=29), END)


@pytest.fixture(scope="module")
def shapes(demo_db_master):
    import duckdb

    with duckdb.connect(str(demo_db_master), read_only=True) as con:
        return maps.area_shapes(con)


@pytest.mark.parametrize("result, expected", [
    (None, None),
    ({}, None),
    ({"last_object_clicked": None}, None),
    ({"last_object_clicked": {"lat": 63.18, "lng": 14.64}}, (63.18, 14.64)),
    ({"last_object_clicked": {"lat": "63.18", "lng": "14.64"}}, (63.18, 14.64)),
    ({"last_object_clicked": {"lat": "x", "lng": 1}}, None),
    ({"last_object_clicked": {"lng": 1}}, None),
    ({"last_object_clicked": "63,14"}, None),
])
def test_clicked_point(result, expected):
    assert click.clicked_point(result) == expected


@pytest.mark.parametrize("lat, lon, expected", [
    (63.1793, 14.6384, "fokus_kyrkgatan"),   # inside Kyrkgatan (and a DeSO): focus first
    (63.1612, 14.6978, "fokus_aragrand"),
    (63.1890, 14.6605, "2380C1190"),         # Körfältet centre
    (63.1745, 14.5505, "2380C1240"),         # Frösön
    (62.0, 13.0, None),                      # far outside
])
def test_area_at(shapes, lat, lon, expected):
    assert click.area_at(shapes, lat, lon) == expected


def test_area_at_without_areas():
    assert click.area_at(None, 63.18, 14.64) is None


def test_area_figures_add_up(demo_con):
    fig = click.area_figures(demo_con, MONTH, "fokus_kyrkgatan")
    assert fig["name"] == "Kyrkgatan" and fig["is_focus"]
    table = queries.area_table(demo_con, MONTH).set_index("area_id")
    assert fig["current"] == table.loc["fokus_kyrkgatan", "current"]
    assert fig["previous"] == table.loc["fokus_kyrkgatan", "previous"]
    assert fig["change"] == fig["current"] - fig["previous"]
    assert fig["by_category"]["current"].sum() == fig["current"]
    assert fig["by_category"]["previous"].sum() == fig["previous"]
    assert set(fig["by_category"]["label"]) <= set(queries.lookups(demo_con)["categories"].values())
    assert fig["trend"]["count"].sum() == fig["current"] + fig["previous"]
    assert fig["per_1000"] is None  # focus areas have no population


def test_area_figures_rate_for_statistical_area(demo_con):
    fig = click.area_figures(demo_con, MONTH, "2380C1200")
    assert fig["population"] == 2100
    assert fig["per_1000"] == round(fig["current"] / 2100 * 1000, 1)
    if min(fig["previous"], fig["current"]) >= 10:
        assert fig["change_pct"] == round(fig["change"] / fig["previous"] * 100)
    else:  # no percentage under 10 events a side
        assert fig["change_pct"] is None


def test_area_figures_respect_other_filters(demo_con):
    f = IncidentFilter(MONTH.start, END, categories=("klotter",))
    fig = click.area_figures(demo_con, f, "2380C1200")
    assert list(fig["by_category"]["key"]) in (["klotter"], [])


def test_unknown_area_gives_none(demo_con):
    assert click.area_figures(demo_con, MONTH, "nope") is None


@pytest.mark.parametrize("days, bucket", [(7, "day"), (15, "day"), (30, "week"), (90, "week"),
                                          (96, "month"), (365, "month")])
def test_trend_bucket(days, bucket):
    f = IncidentFilter(END - dt.timedelta(days=days - 1), END)
    assert click.trend_bucket(f) == bucket


@pytest.mark.parametrize("days", [7, 30, 365])
def test_trend_covers_both_periods_without_gaps(demo_con, days):
    f = IncidentFilter(END - dt.timedelta(days=days - 1), END)
    trend = click.area_trend(demo_con, f)
    total = queries.period_totals(demo_con, f)
    assert trend["count"].sum() == total["current"] + total["previous"]
    assert list(trend["start"]) == sorted(trend["start"])
    assert set(trend["period"]) == {"Föregående", "Vald period"}
    assert trend.loc[trend["period"] == "Vald period", "start"].min() >= f.start
    if days == 7:
        assert len(trend) == 14


def test_trend_rejects_unknown_bucket(demo_con):
    with pytest.raises(ValueError):
        click.area_trend(demo_con, MONTH, "hour; DROP TABLE incidents")


@pytest.mark.parametrize("suppress, expected", [
    (0, [("Klotter", 5, 1, 4), ("Inbrott", 2, 0, 2), ("Brand", 0, 0, 0)]),
    # The meeting role: hidden counts last, by name (their order would tell 1 from 2).
    (3, [("Klotter", "5", "<3", "–"), ("Brand", "0", "0", "±0"), ("Inbrott", "<3", "0", "–")]),
])
def test_category_table_suppresses_small_counts_for_the_meeting_role(suppress, expected):
    cats = pd.DataFrame({"label": ["Klotter", "Inbrott", "Brand"], "current": [5, 2, 0],
                         "previous": [1, 0, 0], "change": [4, 2, 0]})
    table = click.category_table(cats, suppress)
    assert list(table.columns) == ["Kategori", "Antal", "Föregående", "Förändring"]
    assert [tuple(r) for r in table.itertuples(index=False)] == expected


ONE_DAY = IncidentFilter(END, END)


def test_a_districts_categories_are_its_row_of_the_shared_table(demo_con):
    """The table under the map hides what the area x category download hides: one
    protection, so the two together give nothing away."""
    from est_data.incidents import published

    table = published.area_category_marks(demo_con, ONE_DAY)
    area = table.loc[table["mark"] == "small", "area_id"].iloc[0]
    marks = click.category_marks(demo_con, ONE_DAY, area)
    row = table[table["area_id"] == area]
    assert dict(zip(marks["key"], marks["current_mark"])) == dict(zip(row["category"], row["mark"]))
    fig = click.area_figures(demo_con, ONE_DAY, area)
    shown = click.category_table(fig["by_category"], 3, marks)
    assert not set(shown["Antal"]) & {"1", "2"}


def test_a_focus_areas_categories_are_protected_against_its_total(demo_con):
    marks = click.category_marks(demo_con, MONTH, "fokus_kyrkgatan")
    assert len(marks) and set(marks["current_mark"]) <= {"shown", "small", "hidden", "withheld"}
    fig = click.area_figures(demo_con, MONTH, "fokus_kyrkgatan")
    cats = fig["by_category"].set_index("key")["current"]
    small = marks[marks["key"].map(cats).between(1, 2)]
    assert set(small["current_mark"]) <= {"small", "withheld"}


def test_the_trend_bars_leave_small_counts_out(demo_con):
    trend = click.area_trend(demo_con, IncidentFilter(END - dt.timedelta(days=13), END))
    assert trend["count"].between(1, 2).any()
    out = click.trend_shown(trend, 3)
    assert not any(v in (1, 2) for v in out["count"]) and out["count"].isna().any()
    assert click.trend_shown(trend, 0) is trend
