"""The meeting view's figures: since the last meeting against the same length before.

One call, :func:`briefing`, gathers what a projector shows (key figures, the largest
increases, the newest measures) so the app caches it as one read. The meeting view is
projected and its one-page lägesbild leaves the app, so its counts always follow the
small-count rule (:mod:`est_data.core.privacy`), whoever is signed in: every count comes
with its ``*_mark``.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from est_data.core import privacy
from est_data.incidents import published, queries
from est_data.overview import meetings
from est_data.overview.since import current_measures
from est_data.core.filters import IncidentFilter
from est_data.maps.data import measures
from est_data.core.taxonomy import labels

TOP_AREAS = 5
TOP_CATEGORIES = 3
NEWEST_MEASURES = 5


def meeting_filter(con: duckdb.DuckDBPyConnection, f: IncidentFilter, anchor: dt.date
                   ) -> tuple[IncidentFilter, dict | None]:
    """``f`` with its period set to "since the last meeting" (the day after the latest
    meeting before ``anchor``, through ``anchor``), and that meeting. Without a stored
    meeting, ``f`` is returned unchanged with None."""
    meeting = meetings.previous_meeting(con, anchor)
    if meeting is None:
        return f, None
    return f.with_period(meeting["held_on"] + dt.timedelta(days=1), anchor), meeting


def top_increases(table: pd.DataFrame, n: int = TOP_AREAS) -> pd.DataFrame:
    """The ``n`` areas whose count rose the most (ties: larger relative rise, then name).
    Areas that did not rise are left out, so the list may be shorter than ``n``; so are
    areas whose count now or before is not shown (``*_mark``): being listed would say
    that "<3" rose to "<3", from 1 to 2."""
    up = table[table["change"] > 0].copy()
    for col in ("current_mark", "previous_mark"):
        if col in up:
            up = up[up[col] == privacy.SHOWN]
    up["_pct"] = up["change_pct"].fillna(float("inf"))
    up = up.sort_values(["change", "_pct", "name"], ascending=[False, False, True])
    return up.drop(columns="_pct").head(n).reset_index(drop=True)


def briefing(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
             new_from: dt.date | None = None) -> dict:
    """Figures for the meeting view of ``f`` (usually :func:`meeting_filter`'s).

    Keys: ``totals`` (queries.period_totals, with ``current_mark`` and
    ``previous_mark``), ``categories`` (the top categories whose count is shown, with
    ``label``), ``focus`` (focus
    areas' rows of queries.area_table), ``increases`` (:func:`top_increases`),
    ``measures`` (measures new since ``new_from`` or still running in the period, new
    ones first, with ``is_new``: :func:`.since.current_measures`). The count frames carry
    ``current_mark`` and ``previous_mark`` (:mod:`est_data.incidents.published`).
    """
    limit = privacy.SUPPRESS_BELOW
    table = published.with_marks(queries.area_table(con, f), published.area_marks(con, f, limit))
    cats = published.category_marks(queries.counts_with_change(con, f, "category"), limit)
    # The largest categories among those shown: a "<3" among them would say which of
    # the small ones are larger than the others.
    cats = cats[cats["current_mark"] == privacy.SHOWN].head(TOP_CATEGORIES).reset_index(drop=True)
    names = labels()
    cats.insert(0, "label", cats["key"].map(lambda c: names.get(c, c)))
    totals = queries.period_totals(con, f)
    totals.update({f"{p}_mark": privacy.primary(totals[p], limit) for p in ("current", "previous")})
    return {
        "totals": totals,
        "categories": cats,
        "focus": table[table["is_focus"]].reset_index(drop=True),
        "increases": top_increases(table),
        "measures": current_measures(measures(con, f.end), f, new_from).head(NEWEST_MEASURES),
    }
