"""Area ranking for the Trender page: counts, rates, changes and a small trend per area.

One SQL query with bound parameters does all counting. An incident counts for its
statistical area and, when it lies in one, for its focus area too (focus areas are
inside statistical areas), so the rows overlap and are not meant to be summed.
"""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd

from est_data.core.filters import IncidentFilter, where_clause
from est_data.incidents.published import year_earlier
from est_data.store.sqlutil import fetch_df, in_list
from est_data.trends.series import named

MIN_TREND_DAYS = 84


def last_year(f: IncidentFilter) -> tuple[dt.date, dt.date]:
    """The filter's period one calendar year earlier (inclusive dates; the same dates
    ``est_data.incidents.published`` counts last year's counts over)."""
    return year_earlier(f.start), year_earlier(f.end)


def trend_bins(f: IncidentFilter) -> tuple[int, int]:
    """``(bin_days, bins)`` of the small trend: the filter's period, at least
    ``MIN_TREND_DAYS`` days, in weeks (periods up to a year) or four-week blocks,
    ending on the filter's last day."""
    span = max(f.days, MIN_TREND_DAYS)
    bin_days = 7 if span <= 366 else 28
    return bin_days, math.ceil(span / bin_days)


def _counts_sql(where: str) -> str:
    """CTEs ``b`` (each incident once for its area and once for its focus area),
    ``tot`` (counts now, in the previous period and a year earlier), ``bins`` and
    ``trend`` (counts per trend bin, oldest first, zero-filled)."""
    return f"""
    b AS (
        SELECT unnest([area_id, focus_area_id]) AS area_id, occurred_at AS t
        FROM incidents WHERE occurred_at >= $lo AND occurred_at < $end_excl AND {where}
    ),
    tot AS (
        SELECT area_id,
               count(*) FILTER (WHERE t >= $start AND t < $end_excl) AS current,
               count(*) FILTER (WHERE t >= $prev_start AND t < $prev_end_excl) AS previous,
               count(*) FILTER (WHERE t >= $ly_start AND t < $ly_end_excl) AS last_year
        FROM b WHERE area_id IS NOT NULL GROUP BY 1
    ),
    bins AS (
        SELECT area_id, date_diff('day', t::DATE, $end::DATE) // $bin_days AS bin,
               count(*) AS n
        FROM b WHERE area_id IS NOT NULL AND t >= $trend_start GROUP BY ALL
    ),
    trend AS (
        SELECT a.area_id, list(coalesce(bins.n, 0) ORDER BY r.bin DESC) AS trend
        FROM areas a CROSS JOIN range(0, $bins) r(bin)
        LEFT JOIN bins ON bins.area_id = a.area_id AND bins.bin = r.bin
        GROUP BY a.area_id
    )"""


def _ranking_select(area_cond: str) -> str:
    """CTE ``c`` (the listed areas with their counts) and the rows with rate and
    changes."""
    return f"""
    c AS (
        SELECT a.area_id, a.name, a.kind, a.is_focus, a.district, a.population,
               coalesce(tot.current, 0) AS current, coalesce(tot.previous, 0) AS previous,
               coalesce(tot.last_year, 0) AS last_year, trend.trend
        FROM areas a LEFT JOIN tot USING (area_id) LEFT JOIN trend USING (area_id)
        WHERE {area_cond}
    )
    SELECT area_id, name, kind, is_focus, district, population, current, previous, last_year,
           round(1000.0 * current / nullif(population, 0), 2) AS per_1000,
           current - previous AS change_prev,
           round(100.0 * (current - previous) / nullif(previous, 0))::INTEGER AS change_prev_pct,
           current - last_year AS change_year,
           round(100.0 * (current - last_year) / nullif(last_year, 0))::INTEGER AS change_year_pct,
           trend
    FROM c
    ORDER BY current DESC, name"""


def _ranking_dates(f: IncidentFilter) -> dict:
    """The named date parameters: the filter's period, the one before, the same dates a
    year earlier (end dates exclusive) and the trend bins."""
    prev = f.previous()
    ly_start, ly_end = last_year(f)
    bin_days, bins = trend_bins(f)
    trend_start = f.end - dt.timedelta(days=bin_days * bins - 1)
    day = dt.timedelta(days=1)
    return {"lo": min(prev.start, ly_start, trend_start), "start": f.start,
            "end": f.end, "end_excl": f.end + day,
            "prev_start": prev.start, "prev_end_excl": prev.end + day,
            "ly_start": ly_start, "ly_end_excl": ly_end + day,
            "bin_days": bin_days, "bins": bins, "trend_start": trend_start}


def area_ranking_sql(f: IncidentFilter) -> tuple[str, dict]:
    """SQL and named parameters for one row per area with counts, rate, changes and
    trend.

    Columns: ``area_id``, ``name``, ``kind``, ``is_focus``, ``district``,
    ``population``, ``current`` (the filter's period), ``previous`` (the period of
    equal length before), ``last_year`` (the same dates a year earlier),
    ``per_1000`` (``current`` per 1,000 residents, NULL without population),
    ``change_prev``/``change_prev_pct`` and ``change_year``/``change_year_pct``
    (differences and percent, NULL percent when the base is 0) and ``trend`` (a
    list of counts per trend bin, oldest first). With an area filter only the
    chosen areas are listed.
    """
    where, params = named(*where_clause(f, period=False), "w")
    area_cond = "TRUE"
    if f.areas:
        area_cond, area_params = named(*in_list("a.area_id", f.areas), "a")
        params.update(area_params)
    sql = "WITH" + _counts_sql(where) + "," + _ranking_select(area_cond)
    return sql, {**_ranking_dates(f), **params}


def area_ranking(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """Areas ranked by count in the filter's period (see :func:`area_ranking_sql`)."""
    df = fetch_df(con, *area_ranking_sql(f))
    df["trend"] = df["trend"].map(lambda v: [int(x) for x in v] if v is not None else [])
    return df


def unplaced_count(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> int:
    """Incidents in the filter without any area (known only at municipality level)."""
    where, params = where_clause(f)
    df = fetch_df(con, f"SELECT count(*) AS n FROM incidents WHERE area_id IS NULL AND {where}",
                  params)
    return int(df["n"].iloc[0])
