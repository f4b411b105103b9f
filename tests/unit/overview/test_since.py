"""The meeting view's period and what is new since the last meeting
(est_data.overview.since)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from est_data.core.filters import IncidentFilter
from est_data.overview import since

ANCHOR = dt.date(2026, 11, 15)
D = dt.date


@pytest.fixture
def con(demo_db):
    c = duckdb.connect(str(demo_db))
    yield c
    c.close()


def held(con, *days: dt.date) -> None:
    con.execute("DELETE FROM meetings")
    for d in days:
        con.execute("INSERT INTO meetings VALUES (?, ?, 'm', NULL)", [f"m-{d}", d])


def test_a_short_interval_compares_the_usual_cycle(con):
    # The demo meets every other week; the last meeting was three days before the anchor.
    f = IncidentFilter(D(2026, 1, 1), D(2026, 1, 31), categories=("klotter",))
    p = since.meeting_period(con, f, ANCHOR)
    assert p.basis == since.CYCLE
    assert (p.view.start, p.view.end) == (D(2026, 11, 2), ANCHOR)
    assert p.view.previous().start == D(2026, 10, 19)
    assert p.view.categories == ()  # the analyst's filter never reaches the meeting
    assert p.new_from == D(2026, 11, 13)
    assert p.heading() == "Senaste 14 dagarna"
    assert "var bara 3 dagar sedan" in p.why()


def test_a_long_enough_interval_is_since_the_last_meeting(con):
    held(con, D(2026, 10, 1), D(2026, 11, 8))
    p = since.meeting_period(con, IncidentFilter(ANCHOR, ANCHOR), ANCHOR)
    assert p.basis == since.SINCE_MEETING and p.why() is None
    assert (p.view.start, p.view.end) == (D(2026, 11, 9), ANCHOR)  # exactly 7 days
    assert p.heading() == "Sedan förra mötet 2026-11-08"
    assert p.comparison() == "jämfört med 7 dagar före (2026-11-02 – 2026-11-08)"


def test_without_meetings_the_chosen_period(con):
    held(con)
    f = IncidentFilter(D(2026, 10, 1), D(2026, 10, 31), areas=("x",))
    p = since.meeting_period(con, f, ANCHOR)
    assert p.basis == since.CHOSEN and p.meeting is None and p.new_from is None
    assert p.view == IncidentFilter(D(2026, 10, 1), D(2026, 10, 31))
    assert "Inga tidigare möten" in p.why()


@pytest.mark.parametrize("days, cycle", [
    ((), since.DEFAULT_CYCLE_DAYS),
    ((D(2026, 11, 13),), since.DEFAULT_CYCLE_DAYS),
    ((D(2026, 9, 1), D(2026, 10, 1), D(2026, 10, 29), D(2026, 11, 13)), 28),  # gaps 30, 28, 15
    ((D(2026, 11, 10), D(2026, 11, 12), D(2026, 11, 13)), 7),               # within the limits
    ((D(2025, 1, 1), D(2026, 11, 13)), 56),
    ((D(2026, 11, 1), D(2026, 11, 20)), since.DEFAULT_CYCLE_DAYS),          # later ones ignored
])
def test_usual_cycle(con, days, cycle):
    held(con, *days)
    assert since.usual_cycle_days(con, ANCHOR) == cycle


def test_news_counts_imports_after_the_meeting(con):
    con.execute("UPDATE import_batches SET imported_at = TIMESTAMP '2026-01-01 08:00'")
    assert since.news(con, D(2026, 11, 13)) == {"imports": 0, "imported_rows": 0}
    con.execute("UPDATE import_batches SET imported_at = TIMESTAMP '2026-11-13 00:00', "
                "rows_imported = 7 WHERE batch_id = (SELECT min(batch_id) FROM import_batches)")
    assert since.news(con, D(2026, 11, 13)) == {"imports": 1, "imported_rows": 7}
    assert since.news(con, D(2026, 11, 14))["imports"] == 0
    assert since.news(con, None)["imports"] == 0


def test_current_measures_leave_ended_ones_out_and_put_new_ones_first():
    m = pd.DataFrame({
        "title": ["old ended", "old running", "new", "ended in period"],
        "started_on": [D(2025, 1, 1), D(2025, 2, 1), D(2026, 11, 14), D(2026, 1, 1)],
        "ended_on": [D(2025, 6, 1), None, None, D(2026, 11, 5)],
    })
    view = IncidentFilter(D(2026, 11, 2), ANCHOR)
    out = since.current_measures(m, view, D(2026, 11, 13))
    assert list(out["title"]) == ["new", "ended in period", "old running"]
    assert list(out["is_new"]) == [True, False, False]
    assert not since.current_measures(m, view, None)["is_new"].any()
    assert since.current_measures(m.iloc[:0], view, None).empty


def test_new_alerts_are_those_not_flagged_at_the_meeting():
    now = pd.DataFrame({"level": ["area", "area"], "area_id": ["a", "b"], "category": ["x", "x"]})
    then = now.iloc[:1]
    assert since.new_alert_keys(now, then) == {("area", "b", "x")}
    assert since.new_alert_keys(now, None) == {("area", "a", "x"), ("area", "b", "x")}
