"""Meetings stored in the database, and the meeting view's figures (est_data.overview.meetings,
est_data.overview.briefing)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from est_data.incidents import queries
from est_data.overview import briefing, meetings
from est_data.store.db import transaction
from est_data.core.filters import IncidentFilter

TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def con(demo_db):
    c = duckdb.connect(str(demo_db))
    yield c
    c.close()


def test_add_list_delete(con):
    before = len(meetings.list_meetings(con))
    with transaction(con):
        mid = meetings.add_meeting(con, dt.date(2026, 11, 19), " Extra  möte ", "Inför jul", today=TODAY)
    assert mid == "mote-2026-11-19"
    stored = meetings.list_meetings(con)
    assert len(stored) == before + 1
    first = stored.iloc[0]
    assert (first["held_on"], first["title"], first["note"]) == (dt.date(2026, 11, 19), "Extra möte", "Inför jul")
    assert meetings.delete_meeting(con, mid)
    assert not meetings.delete_meeting(con, mid)
    assert len(meetings.list_meetings(con)) == before


def test_default_title_is_the_week(con):
    meetings.add_meeting(con, dt.date(2026, 11, 18), today=TODAY)
    row = meetings.list_meetings(con).iloc[0]
    assert row["title"] == "EST-möte vecka 47" and pd.isna(row["note"])


@pytest.mark.parametrize("held_on, title, note, message", [
    (dt.date(2026, 11, 12), "", "", "Det finns redan ett möte 2026-11-12"),  # a demo meeting
    (dt.date(2028, 1, 1), "", "", "mer än ett år fram"),
    (dt.date(1999, 12, 31), "", "", "orimligt tidigt"),
    (None, "", "", "Ange mötets datum"),
    ("2026-11-20", "", "", "Ange mötets datum"),
    (dt.date(2026, 11, 20), "x" * 121, "", "Rubriken är för lång"),
    (dt.date(2026, 11, 20), "", "x" * 2001, "Anteckningen är för lång"),
])
def test_bad_meetings_are_refused_in_swedish(con, held_on, title, note, message):
    before = len(meetings.list_meetings(con))
    with pytest.raises(meetings.MeetingError, match=message):
        meetings.add_meeting(con, held_on, title, note, today=TODAY)
    assert len(meetings.list_meetings(con)) == before


def test_sql_in_text_is_stored_as_text(con):
    evil = "x'); DROP TABLE meetings; --"
    meetings.add_meeting(con, dt.date(2026, 11, 20), evil, evil, today=TODAY)
    assert meetings.list_meetings(con).iloc[0]["title"] == evil


def test_previous_meeting_is_strictly_before(con):
    assert meetings.previous_meeting(con, dt.date(2026, 11, 12))["held_on"] == dt.date(2026, 10, 29)
    assert meetings.previous_meeting(con, dt.date(2026, 11, 13))["held_on"] == dt.date(2026, 11, 12)
    assert meetings.previous_meeting(con, dt.date(2020, 1, 1)) is None


def test_meeting_filter_runs_from_the_day_after(con):
    f = IncidentFilter(dt.date(2026, 10, 1), TODAY, categories=("klotter",))
    view, meeting = briefing.meeting_filter(con, f, TODAY)
    assert meeting["held_on"] == dt.date(2026, 11, 12)
    assert (view.start, view.end, view.categories) == (dt.date(2026, 11, 13), TODAY, ("klotter",))
    con.execute("DELETE FROM meetings")
    assert briefing.meeting_filter(con, f, TODAY) == (f, None)


def test_top_increases():
    table = pd.DataFrame({
        "name": ["A", "B", "C", "D", "E", "F", "G"],
        "change": [5, 3, 3, 0, -2, 1, 3],
        "change_pct": [50.0, 10.0, None, 0.0, -20.0, 100.0, 30.0],
    })
    top = briefing.top_increases(table, n=4)
    assert list(top["name"]) == ["A", "C", "G", "B"]  # ties: new (no earlier count) first
    assert list(briefing.top_increases(table[table["change"] <= 0])["name"]) == []


def test_briefing_matches_the_queries(demo_con):
    f = IncidentFilter(dt.date(2026, 10, 30), TODAY)
    b = briefing.briefing(demo_con, f)
    totals = queries.period_totals(demo_con, f)
    assert b["totals"] == {**totals, "current_mark": "shown", "previous_mark": "shown"}
    assert set(b["focus"]["area_id"]) == {"fokus_kyrkgatan", "fokus_aragrand"}
    assert len(b["increases"]) <= 5 and (b["increases"]["change"] > 0).all()
    assert list(b["increases"]["change"]) == sorted(b["increases"]["change"], reverse=True)
    assert len(b["categories"]) == 3 and b["categories"]["label"].str.len().min() > 0
    m = b["measures"]
    assert len(m) == 5 and list(m["started_on"]) == sorted(m["started_on"], reverse=True)
    assert max(m["started_on"]) <= TODAY


def test_top_increases_leave_out_counts_not_shown():
    """Listed as an increase, "<3 → <3" would say 1 → 2."""
    table = pd.DataFrame({"name": ["A", "B", "C"], "change": [1, 4, 2],
                          "change_pct": [100.0, 50.0, 20.0], "current": [2, 12, 12],
                          "previous": [1, 8, 10], "current_mark": ["small", "shown", "hidden"],
                          "previous_mark": ["small", "shown", "shown"]})
    assert list(briefing.top_increases(table)["name"]) == ["B"]
