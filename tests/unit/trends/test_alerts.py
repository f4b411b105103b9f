"""est_data.trends.alerts: the area × category alert list on hand-built weekly series."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from est_data.trends import alerts as alerting
from est_data.core.filters import IncidentFilter
from handmade_db import incident, make_db

END = dt.date(2026, 3, 29)  # the alert window is 23–29 March
F = IncidentFilter(dt.date(2026, 3, 1), END)


def _weekly(counts: list[int], category: str, area: str, focus: str | None, start: int):
    """Incidents for 7-day windows ending on END: ``counts`` oldest first."""
    rows, n = [], start
    for k, c in enumerate(reversed(counts)):  # k = 0 is the latest window
        day = dt.datetime.combine(END - dt.timedelta(days=7 * k + 2), dt.time(12))
        for j in range(c):
            rows.append(incident(n, day + dt.timedelta(minutes=j), category, area, focus))
            n += 1
    return rows


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    flat = [1] * 13
    rows = (
        _weekly(flat + [9], "klotter", "A1", "F1", 1)  # a jump in A1, inside focus area F1
        + _weekly(flat + [2], "inbrott", "A1", None, 1000)  # below min_count
        + _weekly([5] * 13 + [7], "storning", "A2", None, 2000)  # not significant
        + [incident(3000, "2025-06-01 12:00", "brand", "A2")]  # the data start earlier
    )
    path = make_db(tmp_path_factory.mktemp("alerting") / "a.duckdb", rows)
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_planted_jump_is_listed_with_a_swedish_sentence(con):
    df = alerting.area_alerts(con, F)
    assert set(zip(df["area_id"], df["category"])) == {("A1", "klotter"), ("F1", "klotter")}
    row = df[df["area_id"] == "A1"].iloc[0]
    assert (row["count"], row["expected"]) == (9, pytest.approx(1.0))
    assert row["sentence"] == "Klotter i Alfa: 9 senaste veckan, normalt 1,0"
    assert row["p_value"] < alerting.DEFAULT_RULE.alpha


def test_filters_apply(con):
    assert alerting.area_alerts(con, IncidentFilter(F.start, F.end, areas=("A2",))).empty
    assert alerting.area_alerts(con, IncidentFilter(F.start, F.end,
                                                    categories=("inbrott",))).empty
    only_a1 = alerting.area_alerts(con, IncidentFilter(F.start, F.end, areas=("A1",)))
    assert list(only_a1["area_id"]) == ["A1"]


def test_a_week_earlier_nothing_is_unusual(con):
    earlier = IncidentFilter(F.start, END - dt.timedelta(days=7))
    assert alerting.area_alerts(con, earlier).empty


def test_too_little_history_gives_no_alerts(tmp_path):
    # The same jump, but the data begin inside the baseline: no verdict.
    rows = _weekly([1] * 13 + [9], "klotter", "A1", None, 1)
    with duckdb.connect(str(make_db(tmp_path / "short.duckdb", rows)), read_only=True) as c:
        assert alerting.area_alerts(c, F).empty


def test_a_jump_that_also_came_last_year_is_the_season(tmp_path):
    rows = _weekly([1] * 13 + [9], "otrygg_plats", "A1", None, 1)
    # The same jump in the same week a year (52 weeks) earlier: dark evenings return.
    same_week = dt.datetime.combine(END - dt.timedelta(days=364 + 2), dt.time(18))
    rows += [incident(500 + i, same_week + dt.timedelta(minutes=i), "otrygg_plats", "A1")
             for i in range(8)]
    with duckdb.connect(str(make_db(tmp_path / "season.duckdb", rows)), read_only=True) as c:
        assert alerting.area_alerts(c, F).empty
    rows = [r for r in rows if r["incident_id"] != "hem:500"][:-3]  # 4 last year: 9 ≥ 1.5 × 4
    with duckdb.connect(str(make_db(tmp_path / "rise.duckdb", rows)), read_only=True) as c:
        df = alerting.area_alerts(c, F)
    assert list(df["last_year"]) == [4]
    assert df["sentence"].item() == "Otrygg plats i Alfa: 9 senaste veckan, normalt 1,0"


def test_window_sql_binds_every_value():
    f = IncidentFilter(F.start, F.end, categories=("'; DROP TABLE areas; --",))
    sql, params = alerting.window_counts_sql(f)
    assert sql.count("?") == len(params) and "DROP" not in sql


def test_rule_adds_the_ratio_condition():
    rule = alerting.AlertRule(baseline=4, gap=0, alpha=0.05, min_count=0, min_ratio=3.0)
    # Baseline mean 2.5: a 7 is significant (p ≈ 0.014) but under 3 × normal.
    res = rule.apply(np.array([2, 2, 3, 3, 7]))
    assert res["p_value"].iloc[-1] < 0.05
    assert not res["flagged"].iloc[-1]  # 7 < 3 × 2.5
    assert rule.apply(np.array([2, 2, 3, 3, 8]))["flagged"].iloc[-1]  # 8 ≥ 7.5


@pytest.mark.parametrize("expected,text", [(5.04, "normalt 5"), (0.33, "normalt 0,3"),
                                           (1234.4, "normalt 1\u00a0234")])
def test_sentence_numbers_are_swedish(expected, text):
    sentence = alerting.alert_sentence("Klotter", "Norra Odenslund-Odenskog", 14, expected)
    assert sentence.startswith("Klotter i Norra Odenslund-Odenskog: 14 senaste veckan, ")
    assert sentence.endswith(text)


def test_window_caption_states_the_rule():
    text = alerting.window_caption(F)
    assert text.startswith("2026-03-23 – 2026-03-29")
    assert "12 veckorna" in text and "1\u00a0000" in text


@pytest.mark.parametrize("expected, text", [(0.1, "under 1"), (0.9, "under 1"), (1.2, "1,2"),
                                            (5.0, "5")])
def test_the_meeting_role_never_reads_a_small_normal_level(expected, text):
    """"normalt 0,1" over twelve weeks is one incident: the meeting role reads "under 1"."""
    sentence = alerting.alert_sentence("Klotter", "Frösön", 6, expected, limit=3)
    assert sentence.endswith(f"normalt {text}")
