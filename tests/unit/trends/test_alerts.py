"""est_data.trends.alerts: the level × area × category alert list on hand-built weekly series."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

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


def test_planted_jump_is_listed_once_per_level_with_a_swedish_sentence(con):
    df = alerting.area_alerts(con, F)
    assert set(zip(df["level"], df["area_id"], df["category"])) == {
        ("area", "A1", "klotter"), ("focus", "F1", "klotter")}
    row = df[df["area_id"] == "A1"].iloc[0]
    assert (row["count"], row["expected"]) == (9, pytest.approx(1.0))
    assert row["sentence"] == "Klotter i statistikområdet Alfa: 9 senaste veckan, normalt 1,0"
    assert (df[df["level"] == "focus"]["sentence"].item()
            == "Klotter i fokusområdet Fokus: 9 senaste veckan, normalt 1,0")
    assert (df["p_adj"] <= alerting.FDR).all()
    assert not df["seasonal"].any()  # less than a year of data: the recent weeks


def test_an_incident_counts_once_at_each_level(con):
    """A1 holds focus area F1: its incidents count once for A1 and once for F1, never
    twice at one level (the levels are not summed into each other)."""
    counts = alerting.fetch_df(con, *alerting.window_counts_sql(F))
    latest = counts[counts["win"] == 0].set_index(["level", "area_id", "category"])["count"]
    assert latest.to_dict() == {("area", "A1", "klotter"): 9, ("focus", "F1", "klotter"): 9,
                                ("area", "A1", "inbrott"): 2, ("area", "A2", "storning"): 7}
    total = con.execute("SELECT count(*) FROM incidents WHERE occurred_at >= ? "
                        "AND area_id IS NOT NULL", [F.start]).fetchone()[0]
    area_level = counts[(counts["level"] == "area") & (counts["win"] <= 3)]["count"].sum()
    assert area_level == total  # each incident exactly once at the area level


def test_the_week_is_one_family_over_levels_areas_and_categories(con):
    tests = alerting.week_tests(con, F)
    tested = tests[tests["p_value"].notna()]
    assert len(tested) == 5  # A1 klotter/inbrott, F1 klotter, A2 storning/brand
    assert tested["p_adj"].to_numpy() == pytest.approx(
        multipletests(tested["p_value"], method="fdr_bh")[1])


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
    # The same jump, but the data begin inside the baseline: no verdict, and a note.
    rows = _weekly([1] * 13 + [9], "klotter", "A1", None, 1)
    with duckdb.connect(str(make_db(tmp_path / "short.duckdb", rows)), read_only=True) as c:
        assert alerting.area_alerts(c, F).empty
        assert alerting.week_tests(c, F)["p_value"].isna().all()
        assert alerting.history_note(c, F).startswith("För kort historik för larm")


def test_history_note(con, tmp_path):
    assert alerting.history_note(con, F).startswith("Mindre än ett års data")
    rows = _weekly([1] * 60, "klotter", "A1", None, 1)
    with duckdb.connect(str(make_db(tmp_path / "year.duckdb", rows)), read_only=True) as c:
        assert alerting.history_note(c, F) is None


def _seasonal_db(path, around_last_year: int):
    """1 a week for 60 weeks, 9 in the latest; ``around_last_year`` a week in the
    same weeks ±2 a year (52 weeks) earlier."""
    rows = _weekly([1] * 60 + [9], "otrygg_plats", "A1", None, 1)
    for k in range(-2, 3):
        day = dt.datetime.combine(END - dt.timedelta(days=7 * (52 + k) + 2), dt.time(18))
        rows += [incident(5000 + 100 * k + i, day + dt.timedelta(minutes=i), "otrygg_plats",
                          "A1") for i in range(around_last_year)]
    return make_db(path, rows)


@pytest.mark.parametrize("around, flagged", [(0, True), (8, False)])
def test_a_jump_that_also_came_last_year_is_the_season(tmp_path, around, flagged):
    """Dark evenings return: 9 is normal when the same weeks last year held about 9."""
    path = _seasonal_db(tmp_path / f"s{around}.duckdb", around)
    with duckdb.connect(str(path), read_only=True) as c:
        df = alerting.area_alerts(c, F)
        tests = alerting.week_tests(c, F)
    assert tests["seasonal"].all() and (tests["n_baseline"] == 7).all()
    assert (not df.empty) is flagged
    if flagged:
        assert df["sentence"].item() == ("Otrygg plats i statistikområdet Alfa: 9 senaste "
                                         "veckan, normalt 1,0")


def test_window_sql_binds_every_value():
    f = IncidentFilter(F.start, F.end, categories=("'; DROP TABLE areas; --",))
    sql, params = alerting.window_counts_sql(f)
    assert sql.count("?") == len(params) and "DROP" not in sql


def test_flag_is_bh_then_the_count_and_ratio_rules():
    p = np.array([1e-6, 0.004, 0.01, 0.02, 0.03, 0.2, 0.5, np.nan])
    tests = pd.DataFrame({"p_value": p, "count": [9, 3, 9, 9, 9, 9, 9, 0],
                          "expected": [1, 1, 7, 1, 1, 1, 1, np.nan]})
    out = alerting.DEFAULT_RULE.flag(tests)
    reject = multipletests(p[:-1], alpha=alerting.FDR, method="fdr_bh")[0]
    assert list(reject) == [True, True, True, True, True, False, False]
    # 3 < min_count 4; 9 < 1.5 × 7: significant but not flagged.
    assert list(out["flagged"]) == [True, False, False, True, True, False, False, False]
    raw = alerting.AlertRule(fdr=0.999).flag(tests)  # without the adjustment, more pass
    assert raw["flagged"].sum() > out["flagged"].sum()


@pytest.mark.parametrize("expected,text", [(5.04, "normalt 5"), (0.33, "normalt 0,3"),
                                           (1234.4, "normalt 1\u00a0234")])
def test_sentence_numbers_are_swedish(expected, text):
    sentence = alerting.alert_sentence("Klotter", "Norra Odenslund-Odenskog", 14, expected)
    assert sentence.startswith("Klotter i statistikområdet Norra Odenslund-Odenskog: 14 "
                               "senaste veckan, ")
    assert sentence.endswith(text)


def test_window_caption_states_the_rule():
    text = alerting.window_caption(F)
    assert text.startswith("2026-03-23 – 2026-03-29")
    assert "samma veckorna tidigare år" in text and "justerat för antalet jämförelser" in text
    assert "högst 5 % av larmen" in text and "var för sig" in text


@pytest.mark.parametrize("expected, text", [(0.1, "under 1"), (0.9, "under 1"), (1.2, "1,2"),
                                            (5.0, "5")])
def test_the_meeting_role_never_reads_a_small_normal_level(expected, text):
    """"normalt 0,1" over twelve weeks is one incident: the meeting role reads "under 1"."""
    sentence = alerting.alert_sentence("Klotter", "Frösön", 6, expected, limit=3)
    assert sentence.endswith(f"normalt {text}")


def test_judge_matrix_makes_each_period_its_own_family():
    x = np.random.default_rng(3).poisson(2, (6, 30))
    x[0, 28] = 15
    res = alerting.DEFAULT_RULE.for_periods(12).judge_matrix(x, 0, np.arange(30) >= 27)
    assert sorted(res["period"].unique()) == [27, 28, 29]
    for _, week in res.groupby("period"):
        assert week["p_adj"].to_numpy() == pytest.approx(
            multipletests(week["p_value"], method="fdr_bh")[1])
    assert res.loc[res["flagged"], ["series", "period"]].values.tolist() == [[0, 28]]


@pytest.mark.parametrize("periods, half, history", [(52, 3, 159), (12, 1, 37), (13, 1, 40)])
def test_the_rule_for_other_period_lengths(periods, half, history):
    rule = alerting.DEFAULT_RULE.for_periods(periods)
    assert (rule.baseline.half_width, rule.history) == (half, history)
    assert f"(±{half}, upp till 3 år" in alerting.rule_text("perioderna", rule)


def test_window_rule_follows_the_window_length():
    assert alerting.window_rule(7) == alerting.DEFAULT_RULE.for_periods(52)
    assert alerting.window_rule(28) == alerting.DEFAULT_RULE.for_periods(13)
    with pytest.raises(ValueError, match="must divide 364"):
        alerting.window_rule(10)
