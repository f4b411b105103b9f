"""EST meetings: stored in the ``meetings`` table, added and removed from the app, so
"sedan förra mötet" (since the last meeting) means the real last meeting.

Writers take an open read-write connection; the caller owns the transaction
(``webui.cache.write`` wraps each call in one). Bad input raises :class:`MeetingError` with a
Swedish message the app shows as it is.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from est_data.core.errors import UserError
from est_data.store.sqlutil import fetch_df, fetch_row, fetch_value

TITLE_MAX = 120
NOTE_MAX = 2000
#: Meetings may be planned ahead, but not absurdly far.
MAX_DAYS_AHEAD = 366
EARLIEST = dt.date(2000, 1, 1)


class MeetingError(UserError, ValueError):
    """A meeting cannot be stored; the message (Swedish) says why."""


def list_meetings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All meetings, newest first: ``meeting_id``, ``held_on``, ``title``, ``note``."""
    return fetch_df(con, "SELECT meeting_id, held_on, title, note FROM meetings "
                         "ORDER BY held_on DESC, meeting_id")


def default_title(held_on: dt.date) -> str:
    return f"EST-möte vecka {held_on.isocalendar()[1]}"


def add_meeting(con: duckdb.DuckDBPyConnection, held_on: dt.date, title: str = "",
                note: str = "", today: dt.date | None = None) -> str:
    """Store a meeting (one per day) and return its id (``mote-YYYY-MM-DD``)."""
    today = today or dt.date.today()
    if isinstance(held_on, dt.datetime):
        held_on = held_on.date()
    if not isinstance(held_on, dt.date):
        raise MeetingError("Ange mötets datum.")
    if held_on < EARLIEST:
        raise MeetingError(f"Datumet {held_on:%Y-%m-%d} är orimligt tidigt.")
    if held_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise MeetingError(f"Datumet {held_on:%Y-%m-%d} ligger mer än ett år fram i tiden.")
    title = " ".join(str(title or "").split()) or default_title(held_on)
    note = str(note or "").strip()
    if len(title) > TITLE_MAX:
        raise MeetingError(f"Rubriken är för lång (högst {TITLE_MAX} tecken).")
    if len(note) > NOTE_MAX:
        raise MeetingError(f"Anteckningen är för lång (högst {NOTE_MAX} tecken).")
    if fetch_value(con, "SELECT count(*) FROM meetings WHERE held_on = ?", [held_on]):
        raise MeetingError(f"Det finns redan ett möte {held_on:%Y-%m-%d}.")
    meeting_id = f"mote-{held_on.isoformat()}"
    if fetch_value(con, "SELECT count(*) FROM meetings WHERE meeting_id = ?", [meeting_id]):
        meeting_id += f"-{dt.datetime.now():%H%M%S}"
    con.execute("INSERT INTO meetings (meeting_id, held_on, title, note) VALUES (?, ?, ?, ?)",
                [meeting_id, held_on, title, note or None])
    return meeting_id


def delete_meeting(con: duckdb.DuckDBPyConnection, meeting_id: str) -> bool:
    """Remove a meeting; False if there was none with that id."""
    if not fetch_value(con, "SELECT count(*) FROM meetings WHERE meeting_id = ?", [meeting_id]):
        return False
    con.execute("DELETE FROM meetings WHERE meeting_id = ?", [meeting_id])
    return True


def previous_meeting(con: duckdb.DuckDBPyConnection, before: dt.date) -> dict | None:
    """The latest meeting held strictly before ``before`` (on a meeting day, "since the
    last meeting" means since the one before today's)."""
    row = fetch_row(con, "SELECT meeting_id, held_on, title FROM meetings WHERE held_on < ? "
                         "ORDER BY held_on DESC LIMIT 1", [before])
    if row is None:
        return None
    return {"meeting_id": row[0], "held_on": row[1], "title": row[2]}
