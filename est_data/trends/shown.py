"""The Trender page's figures as the meeting role may see them: the rule of
:mod:`est_data.core.privacy` on each chart's and table's counts.

* **Over time**: periods × series (categories, actors or areas) is a table whose margins
  (each period's total, each series' total, the whole) the page shows elsewhere, so it is
  protected as one (:func:`~est_data.core.privacy.protect_table`); a count not shown is no
  bar (NaN). The rolling mean and last year's line are left out (a mean over four
  periods minus the shown ones is a hidden count; last year's counts are as small), and
  the alert markers carry no numbers.
* **Weekday × hour** and **season**: the cells of each chart (each year of the season
  chart) are a group whose total is known; the busiest hour is named only when its count
  is shown.
* **Areas**: counts as published on every page (``est_data.incidents.published``), no
  change, percentage or rate beside a count not shown, and no weekly trend line.

Every function returns its input unchanged for ``limit`` 0 (the roles that may see
single incidents).
"""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from est_data.core import fmt, privacy
from est_data.core.filters import IncidentFilter
from est_data.incidents import published
from est_data.trends import series as series_sql
from est_data.trends.calendar_charts import weight_text
from est_data.trends.series import TOTAL_KEY


def series(df: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, dict[str, str] | None]:
    """``time_series`` rows as the chart may show them, and each series' total as text
    (for the small multiples' titles; None without a ``limit``)."""
    if not limit or df.empty:
        return df, None
    out = df.copy()
    keys = out["key"] != TOTAL_KEY
    parts = out[keys]
    marks = pd.Series(privacy.SHOWN, index=out.index, dtype=object)
    if len(parts) and parts["key"].nunique() > 0:
        cells = parts[parts["count"] > 0]
        marks[cells.index] = privacy.protect_table(cells, ["period", "key"], "count", limit)
    totals = out[~keys]
    if len(totals):
        marks[totals.index] = privacy.protect(totals["count"].tolist(), limit,
                                              keys=totals["period"].astype(str).tolist())
    out["count"] = out["count"].astype(float).where(marks == privacy.SHOWN)
    out[["rolling", "last_year", "full_count", "expected"]] = np.nan
    sums = parts.groupby("key")["count"].sum()
    key_marks = privacy.protect_series(sums, limit)
    # Series in published order (charts.ordered_keys reads it): by size, hidden by key.
    order = published.in_published_order(
        pd.DataFrame({"key": sums.index, "n": sums.to_numpy(), "m": key_marks.to_numpy()}),
        "key", "n", "m")["key"].tolist()
    out["rank"] = out["key"].map({k: i for i, k in enumerate(order)})
    return out, {k: privacy.text(sums[k], key_marks[k]) for k in sums.index}


def time_series(con: duckdb.DuckDBPyConnection, f: IncidentFilter, grain: str, by: str,
                limit: int) -> tuple[pd.DataFrame, dict[str, str] | None]:
    """:func:`series` of ``series.time_series``, in one read the app caches (the audit
    of a quarter's weeks takes a second)."""
    return series(series_sql.time_series(con, f, grain, by), limit)


def weekday_hour(matrix: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The 7 × 24 counts with every count not shown as NaN (an empty cell)."""
    if not limit:
        return matrix
    keys = [f"{d}-{h:02d}" for d, h in zip(matrix["weekday"], matrix["hour"])]
    marks = privacy.protect(matrix["count"].tolist(), limit, keys=keys)
    return matrix.assign(count=[float(v) if m == privacy.SHOWN else np.nan
                                for v, m in zip(matrix["count"], marks)])


def peak_sentence(matrix: pd.DataFrame, limit: int) -> str | None:
    """"Flest händelser: **fredag kl. 22–23** (14 under perioden)." for the busiest
    weekday and hour, or None when its count is not shown."""
    shown = weekday_hour(matrix, limit)
    if shown["count"].notna().sum() == 0 or shown["count"].max() <= 0:
        return None
    top = shown.sort_values("count", ascending=False).iloc[0]
    return (f"Flest händelser: **{fmt.WEEKDAY_NAMES[int(top['weekday']) - 1]} "
            f"kl. {int(top['hour']):02d}–{(int(top['hour']) + 1) % 24:02d}** "
            f"({weight_text(top['count'])} under perioden).")


def season(df: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Counts per month and year with each year's months protected as a group."""
    if not limit:
        return df
    out = df.assign(count=df["count"].astype(float))
    for _, year in df.groupby("year"):
        marks = privacy.protect(year["count"].tolist(), limit, keys=year["month"].tolist())
        out.loc[year.index, "count"] = [v if m == privacy.SHOWN else np.nan
                                        for v, m in zip(year["count"].astype(float), marks)]
    return out


RANKING_DERIVED = {
    "per_1000": (lambda v: fmt.num(v, 1), ("current",)),
    "change_prev": (fmt.signed, ("current", "previous")),
    "change_prev_pct": (fmt.pct, ("current", "previous")),
    "change_year": (fmt.signed, ("current", "last_year")),
    "change_year_pct": (fmt.pct, ("current", "last_year")),
}


def ranking(table: pd.DataFrame, marks: pd.DataFrame, limit: int) -> pd.DataFrame:
    """``ranking.area_ranking`` rows with counts as texts as published (``marks``:
    ``published.area_marks``), changes and rates "–" beside a count not shown, and no
    ``trend`` (weekly counts); the hidden counts after the shown ones, by name (the
    index says where each row of ``table`` went)."""
    if not limit:
        return table
    rows = published.in_published_order(published.with_marks(table, marks), "name")
    out = published.as_texts(rows, ("current", "previous", "last_year"), RANKING_DERIVED)
    return out.drop(columns=["trend"])
