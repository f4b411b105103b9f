"""Counting a before/after evaluation: unique incidents per group, window and month.

An incident counts for at most one group, in the order of precedence described in
:mod:`est_data.evaluation.selection` (target, other focus area, buffer, comparison); only
unique incidents count (``duplicate_of IS NULL``). DuckDB does the aggregation; pandas
only sorts the few thousand aggregated rows into groups and monthly series.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely

from est_data.evaluation.selection import MONTH_DAYS, AreaSelection, Windows
from est_data.store.sqlutil import fetch_df, in_list


@dataclass(frozen=True)
class Counts:
    """Unique incidents of one group in the before and after windows."""

    before: int
    after: int

    @property
    def total(self) -> int:
        return self.before + self.after


def observed_days(start, end, first: dt.date | None, last: dt.date | None) -> float:
    """Days of ``[start, end)`` on which the database has data: the overlap with
    ``[first, last + 1 day)`` (the first and last day with an incident). Dates or
    timestamps; None for ``first``/``last`` means unbounded on that side.

    Days outside the data's span are not observed: an after-window that ends after the
    last import is not a drop, and its exposure must not count the missing days.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if first is not None:
        lo = max(lo, pd.Timestamp(first))
    if last is not None:
        hi = min(hi, pd.Timestamp(last) + pd.Timedelta(days=1))
    return max(0.0, (hi - lo) / pd.Timedelta(days=1))


def month_bins(windows: Windows) -> pd.DataFrame:
    """About-monthly bins: each window cut into ``round(days / 30.4)`` equal parts.

    Columns ``period`` (before/after), ``bin``, ``start``, ``end`` (timestamps) and
    ``days``. Equal parts keep bins comparable when the date is not the 1st.
    """
    rows = []
    for period, start, days in (("before", windows.before_start, windows.before_days),
                                ("after", windows.after_start, windows.after_days)):
        n = max(1, int(round(days / MONTH_DAYS)))
        length = days / n
        t0 = pd.Timestamp(start)
        for k in range(n):
            rows.append({"period": period, "bin": k,
                         "start": (t0 + pd.Timedelta(days=k * length)).round("s"),
                         "end": (t0 + pd.Timedelta(days=(k + 1) * length)).round("s"),
                         "days": length})
    return pd.DataFrame(rows)


_COUNT_SQL = """
SELECT i.area_id, i.focus_area_id, {ring_column} AS in_ring, i.category,
       CASE WHEN i.occurred_at < ? THEN 'before' ELSE 'after' END AS period,
       CASE WHEN i.occurred_at < ?
            THEN least(floor(date_diff('second', ?::TIMESTAMP, i.occurred_at) / ?), ?)
            ELSE least(floor(date_diff('second', ?::TIMESTAMP, i.occurred_at) / ?), ?)
       END::INTEGER AS bin,
       count(*) AS n
FROM incidents i {ring_join}
WHERE i.duplicate_of IS NULL AND i.occurred_at >= ? AND i.occurred_at < ?
  AND (i.occurred_at < ? OR i.occurred_at >= ?) {category_sql}
GROUP BY ALL
"""


def _ring_incident_ids(con: duckdb.DuckDBPyConnection, sel: AreaSelection, windows: Windows,
                       categories: tuple[str, ...]) -> pd.DataFrame:
    """Ids of unique incidents with a point inside the ring (in the windows)."""
    if sel.ring_wkt is None:
        return pd.DataFrame({"incident_id": pd.Series([], dtype=object)})
    ring = shapely.from_wkt(sel.ring_wkt)
    minx, miny, maxx, maxy = ring.bounds
    sql = ("SELECT incident_id, x, y FROM incidents WHERE duplicate_of IS NULL "
           "AND occurred_at >= ? AND occurred_at < ? AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?")
    params: list = [windows.before_start, windows.after_end, minx, maxx, miny, maxy]
    if categories:
        sql += " AND list_contains(?::VARCHAR[], category)"
        params.append(list(categories))
    pts = fetch_df(con, sql, params)
    if pts.empty:
        return pts[["incident_id"]]
    inside = shapely.contains_xy(ring, pts["x"].to_numpy(), pts["y"].to_numpy())
    return pts.loc[inside, ["incident_id"]].reset_index(drop=True)


def count_rows(con: duckdb.DuckDBPyConnection, sel: AreaSelection, windows: Windows,
               categories: tuple[str, ...], first: dt.date | None = None,
               last: dt.date | None = None) -> pd.DataFrame:
    """Counts per group (target/buffer/control), period, bin, category and buffer area.

    DuckDB aggregates the incidents per area, focus area, category, period and month
    bin (every value a bound parameter); :func:`tag_groups` then sorts those few
    thousand rows into the groups. ``first``/``last`` cut the windows to the days the
    partners were reporting (:mod:`.reporting`).
    """
    bins = month_bins(windows)
    n_before = int((bins["period"] == "before").sum())
    n_after = int((bins["period"] == "after").sum())
    category_sql, category_params = "", []
    if categories:
        in_sql, category_params = in_list("i.category", categories)
        category_sql = f"AND {in_sql}"
    params = [windows.before_end, windows.before_end,
              windows.before_start, windows.before_days * 86400 / n_before, n_before - 1,
              windows.after_start, windows.after_days * 86400 / n_after, n_after - 1,
              max(pd.Timestamp(windows.before_start), pd.Timestamp(first or windows.before_start)),
              min(pd.Timestamp(windows.after_end),
                  pd.Timestamp(last or windows.after_end) + pd.Timedelta(days=1)),
              windows.before_end, windows.after_start,
              *category_params]
    ring = sel.ring_wkt is not None
    sql = _COUNT_SQL.format(
        category_sql=category_sql,
        ring_column="(r.incident_id IS NOT NULL)" if ring else "FALSE",
        ring_join="LEFT JOIN ring_ids r ON r.incident_id = i.incident_id" if ring else "")
    if not ring:
        return tag_groups(fetch_df(con, sql, params), sel)
    con.register("ring_ids", _ring_incident_ids(con, sel, windows, categories))
    try:
        return tag_groups(fetch_df(con, sql, params), sel)
    finally:
        con.unregister("ring_ids")


def tag_groups(raw: pd.DataFrame, sel: AreaSelection) -> pd.DataFrame:
    """Give each aggregated row its group, in the order of precedence of the module
    docstring (target, other focus area, buffer, comparison), its buffer area
    (``buffer_key``) and its comparison area (``control_key``, for the placebo test)."""
    t_stat, t_cust = sel.split(sel.targets)
    b_stat, b_cust = sel.split(sel.buffers)
    c_stat, c_cust = sel.split(sel.controls)
    area, focus = raw["area_id"], raw["focus_area_id"]
    target = area.isin(t_stat) | focus.isin(t_cust)
    excluded = focus.isin(sel.excluded_focus)
    buffer = raw["in_ring"].astype(bool) | area.isin(b_stat) | focus.isin(b_cust)
    control = area.isin(c_stat) | focus.isin(c_cust)
    grp = np.select([target, excluded, buffer, control],
                    ["target", "", "buffer", "control"], default="")
    key = np.where(focus.isin(b_cust), focus, np.where(area.isin(b_stat), area, None))
    ckey = np.where(focus.isin(c_cust), focus, np.where(area.isin(c_stat), area, None))
    out = pd.DataFrame({"grp": grp, "period": raw["period"], "category": raw["category"],
                        "buffer_key": np.where(grp == "buffer", key, None),
                        "control_key": np.where(grp == "control", ckey, None),
                        "bin": raw["bin"], "n": raw["n"]})
    out = out[out["grp"] != ""]
    cols = ["grp", "period", "category", "buffer_key", "control_key", "bin"]
    return (out.groupby(cols, dropna=False, as_index=False)["n"].sum()
            .astype({"n": "int64"}))


def group_counts(rows: pd.DataFrame, group: str) -> Counts:
    """One group's before and after totals from the count rows."""
    sub = rows[rows["grp"] == group]
    return Counts(int(sub.loc[sub["period"] == "before", "n"].sum()),
                  int(sub.loc[sub["period"] == "after", "n"].sum()))


def monthly_series(rows: pd.DataFrame, windows: Windows, first: dt.date | None = None,
                   last: dt.date | None = None) -> pd.DataFrame:
    """Counts per bin for target, comparison and buffer, with monthly rates and indices.

    ``observed_days`` is each bin's part inside the data's span ``[first, last]`` (see
    :func:`observed_days`); it is the exposure of the model (:mod:`.did`).

    ``*_rate`` = count per month (30.4 days); ``*_index`` = rate relative to the group's
    mean before-rate (before = 100); None where the group had nothing before.
    """
    bins = month_bins(windows)
    out = bins.copy()
    out["observed_days"] = [observed_days(a, b, first, last)
                            for a, b in zip(bins["start"], bins["end"])]
    for group in ("target", "control", "buffer"):
        sub = rows[rows["grp"] == group].groupby(["period", "bin"], as_index=False)["n"].sum()
        merged = bins.merge(sub, on=["period", "bin"], how="left")
        counts = merged["n"].fillna(0).astype(int).to_numpy()
        out[group] = counts
        out[f"{group}_rate"] = counts / out["days"] * MONTH_DAYS
        before_rate = counts[out["period"] == "before"].sum() / windows.before_days * MONTH_DAYS
        out[f"{group}_index"] = (out[f"{group}_rate"] / before_rate * 100
                                 if before_rate > 0 else np.nan)
    out["mid"] = (out["start"] + (out["end"] - out["start"]) / 2).dt.round("s")
    return out
