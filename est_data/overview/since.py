"""What the meeting view compares, and what is new since the last meeting.

The meeting view counts "since the last meeting" against the same number of days before.
When the last meeting was only a few days ago (three days in the demo), most counts are
"<3" or 0 and say nothing: then the view compares the meeting cycle's usual length
instead (the last 14 days against the 14 before, for meetings every other week) and
says so (:func:`meeting_period`).

The meeting view never takes the analyst's sidebar filter: a projected view that
silently shows only "Klotter" would be read as the whole picture. It counts every unique
incident (:func:`meeting_base_filter`) and says so on screen.

"New since the last meeting" (:func:`news`): measures started after it, imports made
after it, and unusual weeks that were not flagged on the meeting day.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import duckdb
import pandas as pd

from est_data.core import fmt
from est_data.core.filters import IncidentFilter
from est_data.overview import meetings
from est_data.store.sqlutil import fetch_df, fetch_value

#: Fewer days than this since the last meeting: compare the usual meeting cycle instead.
SHORT_INTERVAL_DAYS = 7
#: The cycle when fewer than two meetings are stored (EST groups commonly meet every
#: other week).
DEFAULT_CYCLE_DAYS = 14
CYCLE_LIMITS = (7, 56)
#: How many of the latest gaps between meetings decide the usual cycle (their median).
CYCLE_GAPS = 6

SINCE_MEETING, CYCLE, CHOSEN = "since_meeting", "cycle", "chosen"
FILTER_IGNORED_SV = "Alla unika händelser (sidopanelens filter gäller inte mötesläget)."


@dataclass(frozen=True)
class MeetingPeriod:
    """The period the meeting view counts, and why.

    ``basis`` is :data:`SINCE_MEETING` (the day after the last meeting through the
    anchor), :data:`CYCLE` (the last ``view.days`` days: the last meeting was too recent)
    or :data:`CHOSEN` (no meeting stored: the given period). ``meeting`` is the last
    meeting before the anchor (or None); what is "new" is counted from the day after it.
    """

    view: IncidentFilter
    meeting: dict | None
    basis: str

    @property
    def new_from(self) -> dt.date | None:
        """The first day that counts as new: the day after the last meeting."""
        return None if self.meeting is None else self.meeting["held_on"] + dt.timedelta(days=1)

    def heading(self) -> str:
        """The period's Swedish name, e.g. "Sedan förra mötet 2026-11-12"."""
        if self.basis == SINCE_MEETING:
            return f"Sedan förra mötet {fmt.date(self.meeting['held_on'])}"
        if self.basis == CYCLE:
            return f"Senaste {fmt.num(self.view.days)} dagarna"
        return "Vald period"

    def comparison(self) -> str:
        """What the period is compared with, in Swedish."""
        prev = self.view.previous()
        return f"jämfört med {fmt.num(prev.days)} dagar före ({fmt.date(prev.start)} – {fmt.date(prev.end)})"

    def why(self) -> str | None:
        """Why the period is not "since the last meeting" (None when it is)."""
        if self.basis == CYCLE:
            days = (self.view.end - self.meeting["held_on"]).days
            return (f"Förra mötet {fmt.date(self.meeting['held_on'])} var bara "
                    f"{fmt.num(days)} {'dag' if days == 1 else 'dagar'} sedan, för kort att "
                    f"jämföra: mötescykelns vanliga längd visas.")
        if self.basis == CHOSEN:
            return ("Inga tidigare möten är sparade, så perioden är den valda. Lägg till "
                    "mötesdatum under **Möten** i vanligt läge.")
        return None


def meeting_base_filter(f: IncidentFilter) -> IncidentFilter:
    """``f``'s period with every other filter cleared (see the module docstring)."""
    return IncidentFilter(f.start, f.end)


def usual_cycle_days(con: duckdb.DuckDBPyConnection, anchor: dt.date) -> int:
    """The median gap in days between the latest meetings held by ``anchor``, within
    :data:`CYCLE_LIMITS`; :data:`DEFAULT_CYCLE_DAYS` with fewer than two meetings."""
    held = fetch_df(con, "SELECT held_on FROM meetings WHERE held_on <= ? "
                         "ORDER BY held_on DESC LIMIT ?", [anchor, CYCLE_GAPS + 1])["held_on"]
    gaps = [(a - b).days for a, b in zip(held[:-1], held[1:])]
    if not gaps:
        return DEFAULT_CYCLE_DAYS
    return int(min(max(round(statistics.median(gaps)), CYCLE_LIMITS[0]), CYCLE_LIMITS[1]))


def meeting_period(con: duckdb.DuckDBPyConnection, f: IncidentFilter, anchor: dt.date
                   ) -> MeetingPeriod:
    """The meeting view's period for the data's last day ``anchor`` (see
    :class:`MeetingPeriod`); ``f`` gives only the period used when no meeting is stored."""
    base = meeting_base_filter(f)
    meeting = meetings.previous_meeting(con, anchor)
    if meeting is None:
        return MeetingPeriod(base, None, CHOSEN)
    start = meeting["held_on"] + dt.timedelta(days=1)
    if (anchor - start).days + 1 >= SHORT_INTERVAL_DAYS:
        return MeetingPeriod(base.with_period(start, anchor), meeting, SINCE_MEETING)
    days = usual_cycle_days(con, anchor)
    return MeetingPeriod(base.with_period(anchor - dt.timedelta(days=days - 1), anchor),
                         meeting, CYCLE)


def news(con: duckdb.DuckDBPyConnection, new_from: dt.date | None) -> dict:
    """What came in since the last meeting: ``imports`` (import batches made on or after
    ``new_from``) and ``imported_rows`` (their imported rows). Zero without a meeting."""
    if new_from is None:
        return {"imports": 0, "imported_rows": 0}
    n = fetch_value(con, "SELECT count(*) FROM import_batches WHERE imported_at >= ?", [new_from])
    rows = fetch_value(con, "SELECT coalesce(sum(rows_imported), 0) FROM import_batches "
                            "WHERE imported_at >= ?", [new_from])
    return {"imports": int(n or 0), "imported_rows": int(rows or 0)}


def current_measures(measures: pd.DataFrame, view: IncidentFilter, new_from: dt.date | None
                     ) -> pd.DataFrame:
    """The measures worth showing at the meeting: started since the last meeting
    (``is_new``) or still running in the period (not ended before it starts); the new
    ones first. Ended measures are left out: a list of 2025 items read as current."""
    if measures.empty:
        return measures.assign(is_new=pd.Series(dtype=bool))
    ended = pd.to_datetime(measures["ended_on"]).dt.date
    running = ended.isna() | (ended >= view.start)
    started = pd.to_datetime(measures["started_on"]).dt.date
    out = measures[running].assign(is_new=(started[running] >= new_from) if new_from else False)
    return out.sort_values(["is_new", "started_on"], ascending=[False, False], kind="stable"
                           ).reset_index(drop=True)


def new_alert_keys(now: pd.DataFrame, at_meeting: pd.DataFrame | None) -> set[tuple]:
    """``(level, area_id, category)`` of the alerts in ``now`` that were not flagged in
    the week ending on the meeting day (``at_meeting``; None: every alert is new)."""
    keys = set(zip(now["level"], now["area_id"], now["category"]))
    if at_meeting is None:
        return keys
    return keys - set(zip(at_meeting["level"], at_meeting["area_id"], at_meeting["category"]))
