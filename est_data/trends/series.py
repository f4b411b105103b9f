"""Counts over time for the Trender page: all aggregation in DuckDB, bound parameters.

Each ``*_sql`` builder returns ``(sql, params)`` and is tested on its own; the matching
function without the suffix runs it and returns a DataFrame. Identifiers (grouping
columns, period units) come from the whitelists below, never from input.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from est_data.core.config import SPAN_MAX_DAYS
from est_data.trends.alerts import DEFAULT_RULE
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df, in_list

# What a series can be split by: public name -> SQL expression over ``incidents``.
# Incidents known only at municipality level have no area; they get the key "okant".
SERIES_DIMENSIONS = {
    "total": "'__total'",
    "category": "category",
    "source": "source",
    "area": "coalesce(area_id, 'okant')",
}
TOTAL_KEY = "__total"
OTHER_KEY = "__ovriga"
UNKNOWN_AREA_KEY = "okant"


@dataclass(frozen=True)
class Grain:
    """A period length for time series.

    ``shift`` is how far back "the same period last year" lies: 52 weeks for weeks
    (so Monday stays Monday), one calendar year for months.
    """

    unit: str            # date_trunc unit
    step: str            # SQL interval literal for one period
    shift: str           # SQL interval literal for "last year"
    rolling: int         # periods in the rolling mean
    label: str           # Swedish noun, singular
    label_plural: str


GRAINS = {
    "week": Grain("week", "INTERVAL 1 WEEK", "INTERVAL 364 DAY", 4, "vecka", "veckor"),
    "month": Grain("month", "INTERVAL 1 MONTH", "INTERVAL 1 YEAR", 3, "månad", "månader"),
}


def period_start(day: dt.date, grain: str) -> dt.date:
    """The first day of the week (Monday) or month holding ``day``."""
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def add_periods(day: dt.date, grain: str, n: int) -> dt.date:
    """``day`` (a period start) moved ``n`` periods (negative: back)."""
    if grain == "week":
        return day + dt.timedelta(weeks=n)
    months = day.year * 12 + day.month - 1 + n
    return dt.date(months // 12, months % 12 + 1, 1)


def history_periods(grain: str) -> int:
    """Periods read before the first shown one: the rolling mean and the alert
    baseline both need a full window at the first shown period."""
    return max(GRAINS[grain].rolling - 1, grain_rule(grain).history)


def named(sql: str, params: list, prefix: str) -> tuple[str, dict]:
    """A condition with ``?`` placeholders (from ``where_clause`` or ``in_list``) with
    named ones instead (``$w0``, ``$w1`` … for prefix ``w``), to sit in a query whose
    other parameters are named too: DuckDB does not mix ``?`` and ``$name``. Only the
    builders' placeholders are replaced: values are always bound, never in the SQL."""
    pieces = sql.split("?")
    if len(pieces) - 1 != len(params):
        raise ValueError(f"{len(pieces) - 1} placeholders but {len(params)} parameters")
    out = pieces[0] + "".join(f"${prefix}{i}{rest}" for i, rest in enumerate(pieces[1:]))
    return out, {f"{prefix}{i}": value for i, value in enumerate(params)}


def _counts_sql(g: Grain, key_sql: str, where: str) -> str:
    """CTEs ``raw`` (the incidents from the history start, and last year's shifted a
    year on) and ``agg`` (counts per period and key: in the filter, whole period, last
    year)."""
    return f"""
    raw AS (
        SELECT {key_sql} AS key, occurred_at AS t, FALSE AS ly
        FROM incidents WHERE occurred_at >= $hist_start AND occurred_at < $end_excl AND {where}
        UNION ALL
        SELECT {key_sql} AS key, occurred_at + {g.shift} AS t, TRUE AS ly
        FROM incidents
        WHERE occurred_at >= $start::TIMESTAMP - {g.shift}
          AND occurred_at < $end_excl::TIMESTAMP - {g.shift}
          AND {where}
    ),
    agg AS (
        SELECT date_trunc('{g.unit}', t)::DATE AS period, key,
               count(*) FILTER (WHERE NOT ly AND t >= $start) AS n,
               count(*) FILTER (WHERE NOT ly) AS n_full,
               count(*) FILTER (WHERE ly) AS n_ly
        FROM raw GROUP BY ALL
    )"""


def _lumped_sql() -> str:
    """CTEs ``ranked``, ``lumped`` (keys past the ``$top`` summed into ``__ovriga``) and
    ``with_total`` (plus the ``__total`` series)."""
    return f"""
    ranked AS (
        SELECT key, row_number() OVER (ORDER BY sum(n) DESC, sum(n_full) DESC, key) AS rk
        FROM agg GROUP BY key
    ),
    lumped AS (
        SELECT period,
               CASE WHEN rk <= $top OR (SELECT count(*) FROM ranked) <= $top + 1 THEN key
                    ELSE '{OTHER_KEY}' END AS key,
               sum(n) AS n, sum(n_full) AS n_full, sum(n_ly) AS n_ly
        FROM agg JOIN ranked USING (key) GROUP BY ALL
    ),
    with_total AS (
        SELECT * FROM lumped WHERE key <> '{TOTAL_KEY}'
        UNION ALL
        SELECT period, '{TOTAL_KEY}', sum(n), sum(n_full), sum(n_ly) FROM lumped GROUP BY period
    )"""


def _filled_sql(g: Grain) -> str:
    """CTEs ``grid`` (every period from the history start to the last, times every
    key) and ``filled`` (the counts on that grid, zero where none)."""
    return f"""
    grid AS (
        SELECT p.period, k.key
        FROM (SELECT unnest(generate_series($hist_start::TIMESTAMP, $last::TIMESTAMP,
                                            {g.step}))::DATE AS period) p
        CROSS JOIN (SELECT DISTINCT key FROM with_total) k
    ),
    filled AS (
        SELECT g.period, g.key, coalesce(w.n, 0)::BIGINT AS count,
               coalesce(w.n_full, 0)::BIGINT AS full_count,
               coalesce(w.n_ly, 0)::BIGINT AS last_year
        FROM grid g LEFT JOIN with_total w USING (period, key)
    )"""


def _series_select(g: Grain) -> str:
    """The rows: counts, the rolling mean and how much of each period lies inside."""
    return f"""
    SELECT period::TIMESTAMP AS period, key, count, full_count, last_year,
           avg(full_count) OVER (PARTITION BY key ORDER BY period
                                 ROWS BETWEEN {g.rolling - 1} PRECEDING AND CURRENT ROW)
               AS rolling,
           date_diff('day', greatest(period, $start::DATE),
                     least((period + {g.step})::DATE, $end_excl::DATE)) AS days,
           date_diff('day', period, (period + {g.step})::DATE) AS period_days,
           (period + {g.step})::DATE <= $end_excl::DATE AS complete,
           period >= (SELECT min(occurred_at) FROM incidents)::DATE AS covered
    FROM filled
    ORDER BY key, period"""


def time_series_sql(f: IncidentFilter, grain: str = "week", by: str = "category",
                    top: int = 8) -> tuple[str, dict]:
    """SQL and named parameters for counts per period and key, with last year's count
    and a rolling mean.

    Output columns: ``period`` (TIMESTAMP, period start), ``key``, ``count`` (incidents in
    the filter's period), ``full_count`` (the whole period, also days before the
    filter starts), ``last_year`` (the same days one year earlier), ``rolling`` (mean
    of ``full_count`` over the last ``Grain.rolling`` periods), ``days`` (days of the
    period inside the filter) and ``period_days``. Periods start
    :func:`history_periods` before the filter's first period, so the caller can run
    alert baselines; every (period, key) pair is present (zero-filled).

    The ``top`` keys by count keep their own series; the rest are summed into
    ``__ovriga`` (not when only one would be summed). ``__total`` is the sum of all.
    """
    g = GRAINS[grain]
    key_sql = SERIES_DIMENSIONS[by]
    where, wparams = named(*where_clause(f, period=False), "w")
    first = period_start(f.start, grain)
    sql = ("WITH" + _counts_sql(g, key_sql, where) + "," + _lumped_sql() + ","
           + _filled_sql(g) + _series_select(g))
    params = {"hist_start": add_periods(first, grain, -history_periods(grain)),
              "last": period_start(f.end, grain), "start": f.start,
              "end_excl": f.end + dt.timedelta(days=1), "top": top, **wparams}
    return sql, params


def time_series(con: duckdb.DuckDBPyConnection, f: IncidentFilter, grain: str = "week",
                by: str = "category", top: int = 8) -> pd.DataFrame:
    """Counts per period and key for the filter, with comparison lines and alerts.

    Columns as in :func:`time_series_sql` plus ``partial`` (the period is cut by the
    filter's start or end), ``expected`` and ``p_value`` (the alert baseline) and
    ``alert`` (a period significantly above its baseline, see :func:`flag_alerts`).
    Only the filter's periods are returned; ``rolling`` is NaN for a last period cut
    by the filter's end.
    """
    sql, params = time_series_sql(f, grain, by, top)
    df = fetch_df(con, sql, params)
    df["partial"] = df["days"] < df["period_days"]
    shown_from = pd.Timestamp(period_start(f.start, grain))
    df = flag_alerts(df, grain, shown_from)
    shown = df["period"] >= shown_from
    df = df[shown].reset_index(drop=True)
    df.loc[~df["complete"], "rolling"] = np.nan
    return df


def grain_rule(grain: str):
    """The alert rule for periods of ``grain`` (52 weeks or 12 months a year)."""
    return DEFAULT_RULE.for_periods(52 if grain == "week" else 12)


def flag_alerts(df: pd.DataFrame, grain: str = "week", shown_from=None) -> pd.DataFrame:
    """Run the alert rule (:func:`grain_rule`) on each key's ``full_count`` series.

    Every whole period is one family: its keys are tested together and
    Benjamini–Hochberg adjusted (:meth:`est_data.trends.alerts.AlertRule.judge_matrix`).
    A period cut by the filter's end is not tested (it is incomplete); one cut by the
    start is judged on its whole count. Periods before the first day with data are not
    baseline periods (weeks without data are not weeks without incidents), so a period
    without enough history is not judged (``p_value`` NaN); nor is one before
    ``shown_from`` (a period start), when given.
    """
    df = df.sort_values(["key", "period"]).reset_index(drop=True)
    df["expected"] = df["p_value"] = np.nan
    df["alert"] = False
    if df.empty:
        return df
    wide = df.pivot(index="key", columns="period", values="full_count")
    covered = df.groupby("period")["covered"].any().reindex(wide.columns).to_numpy()
    complete = df.groupby("period")["complete"].all().reindex(wide.columns).to_numpy()
    if shown_from is not None:
        complete = complete & (wide.columns >= shown_from)
    first = int(covered.argmax()) if covered.any() else wide.shape[1]
    res = grain_rule(grain).judge_matrix(wide.to_numpy(dtype=np.int64), first, complete)
    res["key"] = wide.index.to_numpy()[res["series"].to_numpy(dtype=int)]
    res["period"] = wide.columns.to_numpy()[res["period"].to_numpy(dtype=int)]
    res = df[["key", "period"]].merge(res, on=["key", "period"], how="left")
    df["expected"], df["p_value"] = res["expected"].to_numpy(), res["p_value"].to_numpy()
    df["alert"] = res["flagged"].fillna(False).astype(bool).to_numpy()
    return df


def weekday_hour_sql(f: IncidentFilter) -> tuple[str, list]:
    """SQL for a 7 × 24 matrix: ``weekday`` (ISO 1-7), ``hour`` (0-23), ``count``.

    Aoristic weighting (Ratcliffe 2002, "Aoristic signatures and the spatio-temporal
    analysis of high volume crime patterns"): an incident with a time span
    (``occurred_to``, e.g. 22.00-06.00) counts in every hour it covers, each hour with
    the share of the span that lies in it, so it weighs 1 in all; spans are capped at
    ``SPAN_MAX_DAYS`` days. Instants and dates without a time count 1 at their start
    as before. ``count`` is therefore a sum of weights (DOUBLE, fractional with spans),
    rounded to 9 decimals against floating-point dust. The filter selects incidents
    by their start (as everywhere else)."""
    where, params = where_clause(f)
    sql = f"""
    WITH picked AS (
        SELECT occurred_at AS s,
               CASE WHEN occurred_to > occurred_at AND coalesce(time_known, TRUE)
                    THEN least(occurred_to, occurred_at + INTERVAL {SPAN_MAX_DAYS} DAY) END AS e
        FROM incidents WHERE {where}
    ), spread AS (
        SELECT s, e, unnest(generate_series(date_trunc('hour', s), e, INTERVAL 1 HOUR)) AS b
        FROM picked WHERE e IS NOT NULL
    ), weights AS (
        SELECT s AS b, 1.0::DOUBLE AS w FROM picked WHERE e IS NULL
        UNION ALL
        SELECT b, (epoch(least(b + INTERVAL 1 HOUR, e)) - epoch(greatest(b, s)))
                  / (epoch(e) - epoch(s)) AS w
        FROM spread WHERE b < e
    )
    SELECT d.weekday::INTEGER AS weekday, h.hour::INTEGER AS hour,
           round(coalesce(c.n, 0), 9)::DOUBLE AS count
    FROM range(1, 8) d(weekday) CROSS JOIN range(0, 24) h(hour)
    LEFT JOIN (SELECT isodow(b) AS weekday, hour(b) AS hour, sum(w) AS n
               FROM weights GROUP BY ALL) c USING (weekday, hour)
    ORDER BY weekday, hour"""
    return sql, params


def weekday_hour(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """Weighted counts per weekday and hour of day (all 168 cells, zero-filled; see
    :func:`weekday_hour_sql`)."""
    return fetch_df(con, *weekday_hour_sql(f))


def seasonal_sql(f: IncidentFilter, years: int = 4) -> tuple[str, list]:
    """SQL for counts per calendar month and year, over the last ``years`` years up to
    the filter's end, with the filter's other conditions (not its period).

    Columns: ``year``, ``month`` (1-12), ``count``, ``complete`` (the whole month lies
    inside the data and on or before the filter's end).
    """
    where, params = where_clause(f, period=False)
    lo = dt.date(f.end.year - years + 1, 1, 1)
    end_excl = f.end + dt.timedelta(days=1)
    sql = f"""
    WITH span AS (SELECT min(occurred_at)::DATE AS first, max(occurred_at)::DATE AS last
                  FROM incidents),
    months AS (
        SELECT unnest(generate_series(?::TIMESTAMP, ?::TIMESTAMP, INTERVAL 1 MONTH))::DATE
            AS m),
    counts AS (
        SELECT date_trunc('month', occurred_at)::DATE AS m, count(*) AS n
        FROM incidents WHERE occurred_at >= ? AND occurred_at < ? AND {where} GROUP BY 1)
    SELECT year(months.m)::INTEGER AS year, month(months.m)::INTEGER AS month,
           coalesce(n, 0) AS count,
           (months.m >= span.first AND (months.m + INTERVAL 1 MONTH)::DATE <= span.last + 1
            AND (months.m + INTERVAL 1 MONTH)::DATE <= ?) AS complete
    FROM months CROSS JOIN span LEFT JOIN counts USING (m)
    ORDER BY year, month"""
    return sql, [lo, period_start(f.end, "month"), lo, end_excl, *params, end_excl]


def seasonal(con: duckdb.DuckDBPyConnection, f: IncidentFilter, years: int = 4) -> pd.DataFrame:
    """Counts per month of the year for the last ``years`` years (see :func:`seasonal_sql`)."""
    return fetch_df(con, *seasonal_sql(f, years))


def measures_sql(areas: tuple[str, ...] = ()) -> tuple[str, list]:
    """SQL for the measures (``interventions``) that belong on time axes for an area
    filter (``IncidentFilter.areas``; the period does not matter, the chart shows those
    on its axis).

    Without areas every measure; with areas, measures in them and in focus areas
    lying inside a chosen statistical area. Columns: ``intervention_id``, ``area_id``,
    ``area_name``, ``kind``, ``title``, ``started_on``, ``ended_on``, ``actor``.
    """
    params: list = []
    cond = "TRUE"
    if areas:
        own, params = in_list("i.area_id", areas)
        inside, inside_params = in_list("area_id", areas)
        cond = (f"({own} OR i.area_id IN (SELECT DISTINCT focus_area_id "
                f"FROM incidents WHERE {inside} AND focus_area_id IS NOT NULL))")
        params = params + inside_params
    sql = f"""
    SELECT i.intervention_id, i.area_id, coalesce(a.name, i.area_id) AS area_name, i.kind,
           i.title, i.started_on, i.ended_on, i.actor
    FROM interventions i LEFT JOIN areas a USING (area_id)
    WHERE {cond}
    ORDER BY i.started_on, i.intervention_id"""
    return sql, params


def measures(con: duckdb.DuckDBPyConnection, areas: tuple[str, ...] = ()) -> pd.DataFrame:
    """Measures to mark on time axes (see :func:`measures_sql`). Takes the areas only,
    so a cached result survives changes of period, category or actor."""
    return fetch_df(con, *measures_sql(tuple(areas)))


def series_colors(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Colours for series keys: each category's and each actor's own colour."""
    from est_data.core.taxonomy import colors

    out = dict(colors())
    out.update({k: v for k, v in con.execute(
        "SELECT source, color FROM actors WHERE color IS NOT NULL").fetchall()})
    return out
