"""Read queries the pages share. SQL with bound parameters; aggregation in DuckDB.

Every function takes an open connection and returns plain data (DataFrames, dicts).
Column names used in SQL come from the fixed whitelists below, never from input.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from est_data.core import fmt
from est_data.areas.catalog import area_attributes, area_names
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df, fetch_row, fetch_value
from est_data.core.taxonomy import labels

# Dimensions a count can be grouped by: public name -> SQL column.
DIMENSIONS = {"category": "category", "source": "source", "area": "area_id",
              "focus_area": "focus_area_id"}


def anchor_date(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> dt.date:
    """The day "now" means for period presets: today, or the last day with data if the
    data ends earlier (a demo or an archive), so "senaste 30 dagarna" is never empty."""
    today = today or dt.date.today()
    last = fetch_value(con, "SELECT max(occurred_at)::DATE FROM incidents")
    return min(today, last) if last else today


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with incidents."""
    row = fetch_row(con, "SELECT min(occurred_at)::DATE, max(occurred_at)::DATE FROM incidents")
    return row[0], row[1]


def last_meeting(con: duckdb.DuckDBPyConnection, on_or_before: dt.date) -> dt.date | None:
    """The latest stored meeting on or before a day."""
    return fetch_value(con, "SELECT max(held_on) FROM meetings WHERE held_on <= ?",
                       [on_or_before])


def lookups(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Labels for the filter widgets: categories, actors and areas (code -> name)."""
    cat_labels = labels()
    present = [r[0] for r in con.execute("SELECT DISTINCT category FROM incidents").fetchall()]
    categories = {c: l for c, l in cat_labels.items()}
    categories.update({c: c for c in present if c not in categories})
    actors = dict(con.execute(
        "SELECT source, name FROM actors UNION SELECT DISTINCT source, source FROM incidents "
        "WHERE source NOT IN (SELECT source FROM actors) ORDER BY 2").fetchall())
    return {"categories": categories, "sources": actors, "areas": area_names(con)}


def period_totals(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> dict[str, int]:
    """Counts in the filter's period and the previous period of equal length.

    ``municipality_only`` counts incidents known only at municipality level (never on
    the map); ``located`` those with a point or address.
    """
    prev = f.previous()
    where, params = where_clause(f, period=False)
    row = fetch_row(
        con,
        f"""SELECT
              count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?),
              count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?),
              count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ? AND precision = 'municipality'),
              count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ? AND x IS NOT NULL)
            FROM incidents WHERE occurred_at >= ? AND occurred_at < ? AND {where}""",
        [*_bounds(f), *_bounds(prev), *_bounds(f), *_bounds(f), prev.start,
         f.end + dt.timedelta(days=1), *params])
    return {"current": row[0], "previous": row[1], "municipality_only": row[2], "located": row[3]}


def _bounds(f: IncidentFilter) -> list:
    return [f.start, f.end + dt.timedelta(days=1)]


def counts_with_change(con: duckdb.DuckDBPyConnection, f: IncidentFilter, by: str) -> pd.DataFrame:
    """Counts per ``by`` (a key of :data:`DIMENSIONS`) now and in the previous period.

    Columns: ``key``, ``current``, ``previous``, ``change`` (difference) and
    ``change_pct`` (None where the previous count is 0). Sorted by ``current``.
    """
    column = DIMENSIONS[by]
    prev = f.previous()
    where, params = where_clause(f, period=False)
    sql = f"""
        SELECT {column} AS key,
               count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?) AS current,
               count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?) AS previous
        FROM incidents
        WHERE occurred_at >= ? AND occurred_at < ? AND {column} IS NOT NULL AND {where}
        GROUP BY 1"""
    df = fetch_df(con, sql, [*_bounds(f), *_bounds(prev), prev.start,
                        f.end + dt.timedelta(days=1), *params])
    df["change"] = df["current"] - df["previous"]
    df["change_pct"] = fmt.change_pct_column(df["current"], df["previous"])
    return df.sort_values(["current", "key"], ascending=[False, True]).reset_index(drop=True)


def area_table(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """Counts per area (statistical and focus areas) with population, rate and change.

    Columns: ``area_id``, ``name``, ``kind``, ``is_focus``, ``population``, ``current``,
    ``previous``, ``change``, ``change_pct``, ``per_1000`` (current per 1,000 residents
    in the period, None without population).
    """
    parts = [counts_with_change(con, f, "area"), counts_with_change(con, f, "focus_area")]
    counts = pd.concat(parts, ignore_index=True).rename(columns={"key": "area_id"})
    df = area_attributes(con).merge(counts, on="area_id", how="left")
    for col in ("current", "previous", "change"):
        df[col] = df[col].fillna(0).astype(int)
    df["per_1000"] = (df["current"] / df["population"].where(df["population"] > 0) * 1000).round(1)
    return df.sort_values(["is_focus", "current"], ascending=[False, False]).reset_index(drop=True)
