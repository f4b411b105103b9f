"""How the counts every page shows are published: the small-count rule of
:mod:`est_data.core.privacy` applied to the partitions the pages share, so that a count
hidden on one page is hidden on every page (two choices would give it away together).

* **Areas**: the statistical areas and the incidents without an area ("okant") are one
  partition of the filter's incidents, protected as one group per period. A focus area
  lies inside statistical areas: it is shown as "<3" when small, and hidden ("dolt")
  when the rest of its statistical areas would be 1-2 (district minus focus area).
* **Categories**: one partition, one group per period.
* **Placement**: located / known by area only / known by municipality only.

Every function takes ``limit`` (0: nothing suppressed, for the roles that see single
incidents; :data:`~est_data.core.privacy.SUPPRESS_BELOW` for the meeting role).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from est_data.core import privacy
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df

UNKNOWN_AREA = "okant"  # the key of incidents without an area (as est_data.trends.series)
PERIODS = ("current", "previous", "last_year")


def year_earlier(day: dt.date) -> dt.date:
    """The same calendar day one year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def period_bounds(f: IncidentFilter) -> dict[str, tuple[dt.date, dt.date]]:
    """The filter's period, the one of equal length before, the same dates a year earlier
    (inclusive dates)."""
    prev = f.previous()
    return {"current": (f.start, f.end), "previous": (prev.start, prev.end),
            "last_year": (year_earlier(f.start), year_earlier(f.end))}


def area_pairs(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """Counts per (statistical area, focus area) in each of :func:`period_bounds`:
    columns ``area_id`` (None without an area), ``focus_area_id`` and one per period."""
    where, params = where_clause(f, period=False)
    bounds = period_bounds(f)
    cols, args = [], []
    for name, (lo, hi) in bounds.items():
        cols.append(f"count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?) AS {name}")
        args += [lo, hi + dt.timedelta(days=1)]
    lo = min(b[0] for b in bounds.values())
    return fetch_df(con, f"""
        SELECT area_id, focus_area_id, {', '.join(cols)}
        FROM incidents WHERE occurred_at >= ? AND occurred_at < ? AND {where}
        GROUP BY ALL""", [*args, lo, f.end + dt.timedelta(days=1), *params])


def mark_areas(pairs: pd.DataFrame, limit: int = privacy.SUPPRESS_BELOW,
               periods: tuple[str, ...] = PERIODS) -> pd.DataFrame:
    """How each area's count is published, per period (columns ``<period>_mark``),
    indexed by ``area_id``: the statistical areas, :data:`UNKNOWN_AREA` and the focus
    areas. Areas without incidents are not listed (their count, 0, is shown)."""
    stat = pairs.assign(area_id=pairs["area_id"].fillna(UNKNOWN_AREA)).groupby("area_id")[list(periods)].sum()
    out = pd.DataFrame(index=stat.index)
    for p in periods:
        out[f"{p}_mark"] = privacy.protect_series(stat[p], limit)
    focus = pairs[pairs["focus_area_id"].notna()]
    rows = {}
    for fid, group in focus.groupby("focus_area_id"):
        parents = stat.loc[group["area_id"].fillna(UNKNOWN_AREA).unique()]
        rows[fid] = {f"{p}_mark": _focus_mark(int(group[p].sum()), int(parents[p].sum()), limit)
                     for p in periods}
    if rows:
        out = pd.concat([out, pd.DataFrame.from_dict(rows, orient="index")])
    return out


def _focus_mark(count: int, parents: int, limit: int) -> str:
    """A focus area's mark: "<3" when small, "dolt" when its statistical areas minus it
    would be small, else shown."""
    mark = privacy.primary(count, limit)
    if count and mark == privacy.SHOWN and privacy.primary(parents - count, limit) == privacy.SMALL:
        return privacy.HIDDEN
    return mark


def area_marks(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
               limit: int = privacy.SUPPRESS_BELOW) -> pd.DataFrame:
    """:func:`mark_areas` of the filter (one query)."""
    return mark_areas(area_pairs(con, f), limit)


def with_marks(table: pd.DataFrame, marks: pd.DataFrame) -> pd.DataFrame:
    """``table`` (with ``area_id``) with the marks columns; areas not in ``marks`` (no
    incidents in any period) are shown."""
    out = table.copy()
    for col in marks.columns:
        given = marks[col].to_dict()
        out[col] = [given.get(a, privacy.SHOWN) for a in table["area_id"]]
    return out


def category_marks(counts: pd.DataFrame, limit: int = privacy.SUPPRESS_BELOW,
                   columns: tuple[str, ...] = ("current", "previous")) -> pd.DataFrame:
    """``counts`` (``queries.counts_with_change`` by category: ``key`` and the period
    columns) with a ``<column>_mark`` per period column."""
    out = counts.copy()
    for col in columns:
        out[f"{col}_mark"] = privacy.protect_series(counts.set_index("key")[col], limit).to_numpy()
    return out


PLACEMENT = ("located", "area_only", "municipality_only")


def placement_marks(counts: dict[str, int], limit: int = privacy.SUPPRESS_BELOW) -> dict[str, str]:
    """How the split of the filter's incidents by what the map can do with them
    (``maps.data.located_counts``) is published: ``{key: mark}`` for :data:`PLACEMENT`
    and ``total``."""
    marks = privacy.protect([counts[k] for k in PLACEMENT], limit, keys=PLACEMENT)
    return {**dict(zip(PLACEMENT, marks)), "total": privacy.primary(counts["total"], limit)}


def as_texts(df: pd.DataFrame, counts: tuple[str, ...], derived: dict | None = None) -> pd.DataFrame:
    """``df`` with its count columns as the texts a reader sees (each with its
    ``<column>_mark``; the mark columns are dropped) and every column derived from counts
    (``{column: (format, count columns it is made from)}``: a change, a percentage, a
    rate) as "–" where any of its counts is not shown."""
    out = df.copy()
    for col in counts:
        out[col] = [privacy.text(v, m) for v, m in zip(df[col], df[f"{col}_mark"])]
    for col, (format_, sources) in (derived or {}).items():
        hidden = [privacy.hides(*ms) for ms in zip(*(df[f"{s}_mark"] for s in sources))]
        out[col] = [privacy.WITHHELD_TEXT if h or pd.isna(v) else format_(v)
                    for h, v in zip(hidden, df[col])]
    return out.drop(columns=[f"{c}_mark" for c in counts])


def withheld(marks) -> bool:
    """True when a group's breakdown is withheld (see :mod:`est_data.core.privacy`)."""
    return privacy.WITHHELD in set(marks)


def area_category_counts(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """Counts per statistical area (:data:`UNKNOWN_AREA` without one) and category in
    the filter's period: ``area_id``, ``category``, ``n`` (non-empty cells only)."""
    where, params = where_clause(f)
    return fetch_df(con, f"""
        SELECT coalesce(area_id, '{UNKNOWN_AREA}') AS area_id, category, count(*) AS n
        FROM incidents WHERE {where} GROUP BY ALL ORDER BY 1, 2""", params)


def area_category_marks(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                        limit: int = privacy.SUPPRESS_BELOW) -> pd.DataFrame:
    """:func:`area_category_counts` with a ``mark`` per cell: the table protected
    against its margins (per area, per category, the total), the one protection every
    page and download of area x category counts uses."""
    cells = area_category_counts(con, f)
    return cells.assign(mark=privacy.protect_table(cells, ["area_id", "category"], "n", limit))


def in_published_order(df: pd.DataFrame, name: str, value: str = "current",
                        mark: str = "current_mark", first: str | None = None) -> pd.DataFrame:
    """``df`` sorted as a list of counts may be shown: the shown counts largest first,
    then the counts not shown by ``name`` (sorted by count, a "<3" of 2 would stand
    before a "<3" of 1, and the order would tell them apart). ``first``: a boolean column
    whose True rows come first (focus areas)."""
    key = pd.DataFrame({"hidden": df[mark] != privacy.SHOWN,
                        "value": -df[value].where(df[mark] == privacy.SHOWN, 0),
                        "name": df[name].astype(str)}, index=df.index)
    cols, ascending = ["hidden", "value", "name"], [True, True, True]
    if first is not None:
        key.insert(0, "first", df[first].astype(bool))
        cols, ascending = ["first", *cols], [False, *ascending]
    return df.loc[key.sort_values(cols, ascending=ascending, kind="stable").index]
