"""est_data.trends.series: SQL builders (table-driven) and results on a hand-counted database."""
from __future__ import annotations

import datetime as dt
import math
import re

import duckdb
import pandas as pd
import pytest

from est_data.trends import series as trends
from est_data.core.filters import IncidentFilter
from handmade_db import incident, make_db

D = dt.date
EVIL = "x'); DROP TABLE incidents; --"

FILTERS = {
    "plain": IncidentFilter(D(2026, 3, 2), D(2026, 3, 29)),
    "everything": IncidentFilter(D(2026, 3, 4), D(2026, 3, 27), categories=("klotter", EVIL),
                                 sources=("hem",), areas=("A1", "F1"), weekdays=(1, 2, 3),
                                 hours=(8, 9, 10), include_duplicates=True),
    "one day": IncidentFilter(D(2026, 3, 29), D(2026, 3, 29)),
}
BUILDERS = {
    "time_series week category": lambda f: trends.time_series_sql(f, "week", "category"),
    "time_series month source": lambda f: trends.time_series_sql(f, "month", "source", 3),
    "time_series week area": lambda f: trends.time_series_sql(f, "week", "area"),
    "time_series month total": lambda f: trends.time_series_sql(f, "month", "total"),
    "weekday_hour": trends.weekday_hour_sql,
    "seasonal": trends.seasonal_sql,
    "measures": lambda f: trends.measures_sql(f.areas),
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """Four full weeks in March 2026 (Mon 2 – Sun 29) plus history and last year."""
    rows = []
    n = iter(range(1, 10_000))
    # Weeks of March 2026: klotter 1, 2, 3, 4; inbrott 0, 1, 0, 2; storning 5 each week.
    for week, (k, i) in enumerate([(1, 0), (2, 1), (3, 0), (4, 2)]):
        monday = dt.datetime(2026, 3, 2) + dt.timedelta(weeks=week)
        rows += [incident(next(n), monday + dt.timedelta(days=1, hours=h), "klotter")
                 for h in range(k)]
        rows += [incident(next(n), monday + dt.timedelta(days=2, hours=9), "inbrott", "A2")
                 for _ in range(i)]
        rows += [incident(next(n), monday + dt.timedelta(days=5, hours=22), "storning",
                          source="pol") for _ in range(5)]
    # Three weeks before: klotter 6 in the week of 23 Feb (for the rolling mean).
    rows += [incident(next(n), dt.datetime(2026, 2, 24, 12), "klotter") for _ in range(6)]
    # Last year: 364 days before the week of 9 March 2026 is the week of 10 March 2025.
    rows += [incident(next(n), dt.datetime(2025, 3, 11, 12), "klotter") for _ in range(7)]
    # A duplicate (left out by default) and one known only at municipality level.
    rows.append(incident(next(n), "2026-03-10 12:00", "klotter", duplicate_of="hem:1"))
    rows.append(incident(next(n), "2026-03-10 13:00", "stold", area=None))
    path = make_db(tmp_path_factory.mktemp("trends") / "t.duckdb", rows,
                   [("m1", "F1", "Ny belysning", D(2026, 3, 16)),
                    ("m2", "A2", "Röjning", D(2026, 3, 20))])
    with duckdb.connect(str(path)) as c:
        c.execute("UPDATE incidents SET focus_area_id = 'F1' WHERE incident_id = 'hem:1'")
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize("fname", FILTERS)
@pytest.mark.parametrize("bname", BUILDERS)
def test_sql_builders_bind_every_value_and_run(con, bname, fname):
    sql, params = BUILDERS[bname](FILTERS[fname])
    assert_binds_every_value(sql, params)
    assert EVIL not in sql and "klotter" not in sql and "A1" not in sql
    con.sql(sql, params=params).fetchall()


def assert_binds_every_value(sql: str, params) -> None:
    """Every placeholder has its value and every value its placeholder (``?`` with a
    list, ``$name`` with a dict; never both)."""
    if isinstance(params, dict):
        assert "?" not in sql
        assert set(re.findall(r"\$(\w+)", sql)) == set(params)
    else:
        assert "$" not in sql and sql.count("?") == len(params)


def test_named_turns_placeholders_into_names_in_order():
    sql, params = trends.named("a = ? AND b IN (?, ?)", [1, "x", EVIL], "w")
    assert sql == "a = $w0 AND b IN ($w1, $w2)"
    assert params == {"w0": 1, "w1": "x", "w2": EVIL}
    with pytest.raises(ValueError):
        trends.named("a = ?", [], "w")


@pytest.mark.parametrize("grain,by", [("day", "category"), ("week", "category; DROP"),
                                      ("week", "description")])
def test_unknown_grain_or_dimension_is_refused(grain, by):
    with pytest.raises(KeyError):
        trends.time_series_sql(FILTERS["plain"], grain, by)


def _row(df, period, key):
    hit = df[(df["period"] == pd.Timestamp(period)) & (df["key"] == key)]
    assert len(hit) == 1, (period, key)
    return hit.iloc[0]


def test_weekly_counts_last_year_and_rolling_mean(con):
    df = trends.time_series(con, FILTERS["plain"], "week", "category")
    weeks = sorted(df["period"].unique())
    assert [w.date() for w in weeks] == [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16),
                                         D(2026, 3, 23)]
    assert [_row(df, w, "klotter")["count"] for w in weeks] == [1, 2, 3, 4]
    assert [_row(df, w, "inbrott")["count"] for w in weeks] == [0, 1, 0, 2]
    # Total: klotter + inbrott + storning, duplicate and municipality-only stold included
    # only where they belong (stold has no area but still counts in the total).
    assert [_row(df, w, trends.TOTAL_KEY)["count"] for w in weeks] == [6, 9, 8, 11]
    assert _row(df, weeks[1], "klotter")["last_year"] == 7
    assert _row(df, weeks[0], "klotter")["last_year"] == 0
    # Rolling mean of 4 weeks: week of 2 March = (0 + 0 + 6 + 1) / 4 (history counts).
    assert _row(df, weeks[0], "klotter")["rolling"] == pytest.approx(7 / 4)
    assert _row(df, weeks[3], "klotter")["rolling"] == pytest.approx(10 / 4)
    assert not df["partial"].any() and df["complete"].all()


def test_partial_periods_at_both_ends(con):
    f = IncidentFilter(D(2026, 3, 4), D(2026, 3, 25))  # Wednesday to Wednesday
    df = trends.time_series(con, f, "week", "category")
    first = _row(df, D(2026, 3, 2), "klotter")
    assert first["count"] == 0 and first["full_count"] == 1  # Tuesday is before the start
    assert first["partial"] and first["complete"] and first["days"] == 5
    last = _row(df, D(2026, 3, 23), "klotter")
    assert last["count"] == 4 and last["partial"] and not last["complete"]
    assert math.isnan(last["rolling"]) and not last["alert"]


def test_top_keys_and_the_rest(con):
    f = FILTERS["plain"]
    keys = set(trends.time_series(con, f, "week", "category", top=1)["key"])
    assert keys == {"storning", trends.OTHER_KEY, trends.TOTAL_KEY}
    df = trends.time_series(con, f, "week", "category", top=1)
    assert df.loc[df["key"] == trends.OTHER_KEY, "count"].sum() == 10 + 3 + 1
    # Lumping a single key into "Övriga" would only rename it: not done.
    keys = set(trends.time_series(con, f, "week", "category", top=3)["key"])
    assert keys == {"storning", "klotter", "inbrott", "stold", trends.TOTAL_KEY}


def test_by_area_names_unplaced_incidents(con):
    df = trends.time_series(con, FILTERS["plain"], "week", "area")
    assert set(df["key"]) == {"A1", "A2", trends.UNKNOWN_AREA_KEY, trends.TOTAL_KEY}
    assert df.loc[df["key"] == trends.UNKNOWN_AREA_KEY, "count"].sum() == 1


def test_duplicates_only_when_asked(con):
    f = FILTERS["plain"]
    base = trends.time_series(con, f, "week", "total")["count"].sum()
    with_dupes = IncidentFilter(f.start, f.end, include_duplicates=True)
    assert trends.time_series(con, with_dupes, "week", "total")["count"].sum() == base + 1


def test_monthly_grain_and_last_year(con):
    df = trends.time_series(con, FILTERS["plain"], "month", "total")
    assert len(df) == 1
    row = df.iloc[0]
    assert row["count"] == 34 and row["last_year"] == 7  # 2025-03-02..29 holds the 7
    assert row["partial"] and not row["complete"]


def test_weekday_hour_matrix(con):
    df = trends.weekday_hour(con, FILTERS["plain"])
    assert len(df) == 168 and df["count"].sum() == 34
    cell = df[(df["weekday"] == 6) & (df["hour"] == 22)]["count"].item()
    assert cell == 20  # storning, Saturdays 22:00, 5 a week


def test_seasonal_marks_incomplete_months(con):
    df = trends.seasonal(con, IncidentFilter(D(2026, 3, 1), D(2026, 3, 31)))
    march = df[(df["year"] == 2026) & (df["month"] == 3)].iloc[0]
    assert march["count"] == 34
    # The data end on 29 March, so March 2026 is not a whole month of data.
    assert not march["complete"]
    feb = df[(df["year"] == 2026) & (df["month"] == 2)].iloc[0]
    assert feb["count"] == 6 and feb["complete"]


def test_measures_follow_the_area_filter(con):
    all_ = trends.measures(con)
    assert list(all_["intervention_id"]) == ["m1", "m2"]
    assert list(all_["area_name"]) == ["Fokus", "Beta"]
    # A1 holds focus area F1 (an incident lies in both), so F1's measure belongs to A1.
    a1 = trends.measures(con, ("A1",))
    assert list(a1["intervention_id"]) == ["m1"]
    a2 = trends.measures(con, ("A2",))
    assert list(a2["intervention_id"]) == ["m2"]


def test_period_helpers():
    assert trends.period_start(D(2026, 3, 5), "week") == D(2026, 3, 2)
    assert trends.period_start(D(2026, 3, 5), "month") == D(2026, 3, 1)
    assert trends.add_periods(D(2026, 1, 1), "month", -13) == D(2024, 12, 1)
    assert trends.add_periods(D(2026, 3, 2), "week", -2) == D(2026, 2, 16)


def test_series_colors_include_actors(con):
    colors = trends.series_colors(con)
    assert colors["hem"] == "#1b9e77" and colors["klotter"].startswith("#")


def test_no_alerts_while_the_baseline_reaches_before_the_data(tmp_path):
    # 20 weeks of 1 a week, then 12 in a week: flagged only once a full baseline exists.
    rows, n = [], 0
    start = dt.datetime(2026, 1, 5, 12)  # a Monday; the data begin here
    for w in range(21):
        for _ in range(12 if w in (3, 20) else 1):
            n += 1
            rows.append(incident(n, start + dt.timedelta(weeks=w, minutes=n)))
    path = make_db(tmp_path / "young.duckdb", rows)
    with duckdb.connect(str(path), read_only=True) as c:
        f = IncidentFilter(D(2026, 1, 5), D(2026, 5, 31))
        df = trends.time_series(c, f, "week", "total")
    flagged = [p.date() for p in df.loc[df["alert"], "period"]]
    assert flagged == [D(2026, 5, 25)]  # week 20, not week 3 (too early to judge)
    assert df["expected"].iloc[:13].isna().all()


def test_the_season_in_the_chart(tmp_path):
    # 1 a week, then 12: flagged; with about 10 a week around the same week last year
    # (the season: the baseline is the same weeks ±3 a year earlier), it is not.
    def rows(last_year: int):
        out, n = [], 0
        start = dt.datetime(2025, 1, 6, 12)
        for w in range(72):
            for _ in range(12 if w in (71,) else 1):
                n += 1
                out.append(incident(n, start + dt.timedelta(weeks=w, minutes=n)))
        for w in range(17, 22):  # around the week of 71 - 52 = 19
            for i in range(last_year):
                out.append(incident(5000 + 100 * w + i,
                                    start + dt.timedelta(weeks=w, hours=1, minutes=i)))
        return out

    f = IncidentFilter(D(2026, 3, 2), D(2026, 5, 24))
    for extra, flagged in ((0, True), (9, False)):
        path = make_db(tmp_path / f"s{extra}.duckdb", rows(extra))
        with duckdb.connect(str(path), read_only=True) as c:
            df = trends.time_series(c, f, "week", "total")
        assert bool(df["alert"].any()) is flagged, extra


# --- Aoristic weighting of time spans (Ratcliffe 2002) -----------------------------------

def _spans_db(path, spans):
    """Incidents ``(start, end or None, time_known)`` in the week of Mon 2 March 2026."""
    rows = []
    for n, (start, end, known) in enumerate(spans):
        row = incident(n, start)
        row["occurred_to"] = dt.datetime.fromisoformat(end) if end else None
        row["time_known"] = known
        rows.append(row)
    return make_db(path, rows)


def _cells(tmp_path, spans, f=IncidentFilter(D(2026, 2, 1), D(2026, 4, 30))):
    with duckdb.connect(str(_spans_db(tmp_path / "s.duckdb", spans)), read_only=True) as c:
        df = trends.weekday_hour(c, f)
    return {(int(d), int(h)): v for d, h, v in df.itertuples(index=False) if v}


AORISTIC_CASES = {
    # Sunday 22:00 to Monday 02:00: a quarter in each hour, across the weekday boundary.
    "22-02 over midnight": ([("2026-03-08 22:00", "2026-03-09 02:00", True)],
                            {(7, 22): 0.25, (7, 23): 0.25, (1, 0): 0.25, (1, 1): 0.25}),
    "30 minutes in one hour": ([("2026-03-04 10:10", "2026-03-04 10:40", True)], {(3, 10): 1.0}),
    "22.30-01.00": ([("2026-03-04 22:30", "2026-03-05 01:00", True)],
                    {(3, 22): 0.2, (3, 23): 0.4, (4, 0): 0.4}),
    "an instant": ([("2026-03-04 22:30", None, True)], {(3, 22): 1.0}),
    "a date without time stays at its start": ([("2026-03-04 00:00", "2026-03-05 00:00", False)],
                                               {(3, 0): 1.0}),
    "end at the start is an instant": ([("2026-03-04 09:15", "2026-03-04 09:15", True)],
                                       {(3, 9): 1.0}),
}


@pytest.mark.parametrize("name", AORISTIC_CASES)
def test_weekday_hour_spreads_a_span_over_its_hours(tmp_path, name):
    spans, expected = AORISTIC_CASES[name]
    got = _cells(tmp_path, spans)
    assert got.keys() == expected.keys()
    assert all(got[k] == pytest.approx(v) for k, v in expected.items())


def test_weekday_hour_weights_sum_to_the_incidents(tmp_path):
    spans = [("2026-03-02 08:00", None, True), ("2026-03-02 00:00", None, False),
             ("2026-03-03 21:17", "2026-03-04 06:43", True),
             ("2026-03-04 23:59", "2026-03-05 00:01", True),
             ("2026-03-06 18:00", "2026-03-09 07:00", True),
             ("2026-03-07 12:00", "2026-04-07 12:00", True)]   # a month: capped at 14 days
    got = _cells(tmp_path, spans)
    assert sum(got.values()) == pytest.approx(len(spans))
    assert all(0 < v <= len(spans) for v in got.values())
    # The capped span is spread over its first 14 days: 1/336 in each hour, so two
    # Saturdays at 15 hold 2/336, beside 1/61 of the 61-hour weekend (Fri 18 - Mon 07).
    assert got[(6, 15)] == pytest.approx(2 / 336 + 1 / 61)
    assert got[(1, 8)] == pytest.approx(1 + 2 / 336)         # Monday 08: the instant + two weeks


def test_weekday_hour_counts_stay_whole_without_spans(con):
    df = trends.weekday_hour(con, FILTERS["plain"])
    assert (df["count"] == df["count"].round()).all()
