"""What a click on the map means: which area, and that area's figures.

Map clicks cannot be simulated in AppTest, so the page only passes the clicked
coordinates to these plain functions, which the tests call directly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from est_data.core import fmt, privacy
from est_data.incidents import published, queries
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df, fetch_row
from est_data.core.taxonomy import labels

#: Trend buckets (whitelist for the SQL ``date_trunc`` part).
BUCKETS = {"day": "dag", "week": "vecka", "month": "månad"}


def clicked_point(result: dict | None) -> tuple[float, float] | None:
    """``(lat, lon)`` of the last clicked object in a ``st_folium`` result, if any."""
    if not result:
        return None
    obj = result.get("last_object_clicked") or result.get("last_clicked")
    if not isinstance(obj, dict):
        return None
    try:
        return float(obj["lat"]), float(obj["lng"])
    except (KeyError, TypeError, ValueError):
        return None


def area_at(shapes: gpd.GeoDataFrame, lat: float, lon: float) -> str | None:
    """The area holding a WGS84 point: a focus (custom) area before a statistical one,
    the smallest first when several hold it. None outside every area."""
    if shapes is None or shapes.empty:
        return None
    hit = shapes[shapely.contains_xy(shapes.geometry.values, lon, lat)]
    if hit.empty:
        return None
    order = hit.assign(_custom=hit["kind"] == "custom",
                       _size=shapely.area(hit.geometry.values))
    order = order.sort_values(["_custom", "_size", "area_id"], ascending=[False, True, True])
    return str(order["area_id"].iloc[0])


def trend_bucket(f: IncidentFilter) -> str:
    """Days for short periods, weeks up to half a year, months beyond."""
    span = 2 * f.days  # the trend shows the previous period too
    if span <= 31:
        return "day"
    if span <= 190:
        return "week"
    return "month"


def area_trend(con: duckdb.DuckDBPyConnection, f: IncidentFilter, bucket: str | None = None
               ) -> pd.DataFrame:
    """Counts per day/week/month over the previous and the current period of ``f``.

    Columns ``start`` (date; calendar weeks start on Monday), ``count``, ``period``
    (``"Föregående"`` / ``"Vald period"``); empty buckets are filled with 0.
    """
    bucket = bucket or trend_bucket(f)
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {list(BUCKETS)}")
    prev = f.previous()
    where, params = where_clause(f, period=False)
    df = fetch_df(con, f"""
        SELECT CAST(date_trunc('{bucket}', occurred_at) AS DATE) AS start, count(*) AS count
        FROM incidents
        WHERE occurred_at >= ? AND occurred_at < ? AND {where}
        GROUP BY 1 ORDER BY 1""", [prev.start, f.end + dt.timedelta(days=1), *params])
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[bucket]
    first = pd.Timestamp(prev.start)
    if bucket == "week":
        first -= pd.Timedelta(days=first.weekday())
    elif bucket == "month":
        first = first.replace(day=1)
    index = pd.date_range(first, pd.Timestamp(f.end), freq=freq).date
    counts = dict(zip(df["start"], df["count"])) if len(df) else {}
    out = pd.DataFrame({"start": index, "count": [int(counts.get(d, 0)) for d in index]})
    # A week or month that straddles the period start counts as the previous period.
    out["period"] = ["Vald period" if d >= f.start else "Föregående" for d in out["start"]]
    return out


def area_figures(con: duckdb.DuckDBPyConnection, f: IncidentFilter, area_id: str) -> dict | None:
    """An area's figures under filter ``f``: name, totals now and before, change, counts
    by category (Swedish labels) and the trend. None if the area does not exist."""
    row = fetch_row(con, "SELECT name, kind, population, is_focus FROM areas WHERE area_id = ?",
                    [area_id])
    if row is None:
        return None
    fa = replace(f, areas=(area_id,))
    totals = queries.period_totals(con, fa)
    cats = queries.counts_with_change(con, fa, "category")
    names = labels()
    cats.insert(0, "label", cats["key"].map(lambda c: names.get(c, c)))
    change = totals["current"] - totals["previous"]
    pct = fmt.change_pct(totals["current"], totals["previous"])
    population = row[2]
    return {
        "area_id": area_id, "name": row[0], "kind": row[1], "is_focus": bool(row[3]),
        "population": population, "current": totals["current"], "previous": totals["previous"],
        "change": change, "change_pct": pct,
        "per_1000": (round(totals["current"] / population * 1000, 1) if population else None),
        "by_category": cats, "trend": area_trend(con, fa),
    }


def category_table(cats: pd.DataFrame, suppress_below: int = 0,
                   marks: pd.DataFrame | None = None) -> pd.DataFrame:
    """An area's counts by category for the table under the map: ``Kategori``, ``Antal``,
    ``Föregående``, ``Förändring``. Numbers (so they sort), unless ``suppress_below`` is
    set (the meeting role): then text as published (``marks``: :func:`category_marks`,
    by ``key``; else each count's own primary mark), the change "–" beside a count not
    shown, as in the map's tooltip for the same area, the hidden counts last, by name."""
    table = pd.DataFrame({"Kategori": cats["label"].to_numpy(),
                          "Antal": cats["current"].to_numpy(),
                          "Föregående": cats["previous"].to_numpy(),
                          "Förändring": cats["change"].to_numpy()})
    if not suppress_below:
        return table
    if marks is None:
        now = [privacy.primary(v, suppress_below) for v in cats["current"]]
        before = [privacy.primary(v, suppress_below) for v in cats["previous"]]
    else:
        given = marks.set_index("key")
        now = [given["current_mark"].get(k, privacy.SHOWN) for k in cats["key"]]
        before = [given["previous_mark"].get(k, privacy.SHOWN) for k in cats["key"]]
    order = published.in_published_order(
        table.assign(m=now), "Kategori", "Antal", "m").index  # hidden ones by name
    table, now, before = table.loc[order], [now[i] for i in order], [before[i] for i in order]
    return table.reset_index(drop=True).assign(
        Antal=[privacy.text(int(v), m) for v, m in zip(table["Antal"], now)],
        Föregående=[privacy.text(int(v), m) for v, m in zip(table["Föregående"], before)],
        Förändring=["–" if privacy.hides(a, b) else fmt.signed(int(c))
                    for a, b, c in zip(now, before, table["Förändring"])])


def category_marks(con: duckdb.DuckDBPyConnection, f: IncidentFilter, area_id: str,
                   limit: int = privacy.SUPPRESS_BELOW) -> pd.DataFrame:
    """How an area's counts by category are published, now and in the previous period:
    ``key``, ``current_mark``, ``previous_mark``. A statistical area's row of the one
    protected area x category table (:func:`~est_data.incidents.published.area_category_marks`,
    the sharing download's); a focus area's categories protected as a group against its
    own total as published."""
    out = {}
    for col, period in (("current_mark", f), ("previous_mark", f.previous())):
        table = published.area_category_marks(con, period, limit)
        row = table[table["area_id"] == area_id]
        if row.empty and limit:
            row = _focus_category_marks(con, period, area_id, limit)
        out[col] = dict(zip(row["category"], row["mark"]))
    keys = sorted(set(out["current_mark"]) | set(out["previous_mark"]))
    return pd.DataFrame({"key": keys,
                         "current_mark": [out["current_mark"].get(k, privacy.SHOWN) for k in keys],
                         "previous_mark": [out["previous_mark"].get(k, privacy.SHOWN) for k in keys]})


def _focus_category_marks(con, f: IncidentFilter, area_id: str, limit: int) -> pd.DataFrame:
    cats = queries.counts_with_change(con, replace(f, areas=(area_id,)), "category")
    marks = published.area_marks(con, f, limit)
    mark = marks["current_mark"].get(area_id, privacy.SHOWN)
    total = privacy.interval(int(cats["current"].sum()), mark, limit)
    return pd.DataFrame({"category": cats["key"], "mark": privacy.protect(
        cats["current"].tolist(), limit, total=total, keys=cats["key"].tolist())})


def trend_shown(trend: pd.DataFrame, limit: int = 0) -> pd.DataFrame:
    """:func:`area_trend` as the chart may show it: with a suppression ``limit`` each
    period's counts are protected as a group (their sum is the area's count) and a
    count not shown is left out (None: no bar)."""
    if not limit:
        return trend
    out = trend.copy().astype({"count": "object"})
    for _, group in trend.groupby("period"):
        marks = privacy.protect(group["count"].tolist(), limit, keys=group["start"].astype(str))
        out.loc[group.index, "count"] = privacy.chart_values(group["count"].tolist(), marks)
    return out


def trend_labels(starts: pd.Series, bucket: str) -> list[str]:
    """Swedish labels for the chart's buckets: ``"17 maj"`` for days and weeks (the
    Monday), with the year when the chart spans two; ``"maj 2025"`` for months."""
    days = [pd.Timestamp(d).date() for d in starts]
    if bucket == "month":
        return [fmt.month_year(d) for d in days]
    with_year = len({d.year for d in days}) > 1
    return [fmt.day_month(d, with_year) for d in days]


def trend_chart(trend: pd.DataFrame, bucket: str, height: int = 230):
    """The area's counts per bucket as bars, coloured by period, every word Swedish
    (Vega's own date axis would say "May 17" and "Mon 02")."""
    import altair as alt

    data = trend.assign(label=trend_labels(trend["start"], bucket))
    unit = BUCKETS[bucket].capitalize()
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("label:N", sort=list(dict.fromkeys(data["label"])), title=None,
                axis=alt.Axis(labelAngle=-45, labelOverlap=True)),
        y=alt.Y("count:Q", title="Antal", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("period:N", title="Period",
                        scale=alt.Scale(domain=["Föregående", "Vald period"],
                                        range=["#9ecae1", "#08519c"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=unit), alt.Tooltip("period:N", title="Period"),
                 alt.Tooltip("count:Q", title="Antal")],
    ).properties(height=height)
