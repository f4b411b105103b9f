"""The incidents beside the map: a table whose chosen row is highlighted on the map.

Only for roles that see single incidents; descriptions only for roles that may read
them (the callers pass what the user may see).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from est_data.core import fmt, taxonomy
from est_data.core.filters import IncidentFilter
from est_data.maps.data import incident_points

#: Rows the table lists (newest first); the caption says when there are more.
TABLE_ROWS = 500
COLUMNS_SV = {"occurred_at": "Tid", "category": "Kategori", "source_name": "Aktör",
              "address": "Adress", "description": "Beskrivning"}


def incident_list(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                  limit: int = TABLE_ROWS) -> pd.DataFrame:
    """The filter's located incidents, newest first (at most ``limit``), with ``lat``/``lon``."""
    return incident_points(con, f, limit)


def table_key(f: IncidentFilter) -> str:
    """The table widget's key: a new filter is a new table, so a row chosen before
    (a position in the old list) never points at another incident."""
    return f"karta_rader_{hash(f) & 0xFFFFFFFF:08x}"


def table_view(points: pd.DataFrame, descriptions: bool) -> pd.DataFrame:
    """The table as shown: Swedish headings, time as ``2025-03-04 22:15``, category labels;
    the description column only when ``descriptions``. Row order is that of ``points``."""
    labels = taxonomy.labels()
    view = pd.DataFrame({
        "Tid": pd.to_datetime(points["occurred_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        "Kategori": points["category"].map(lambda c: labels.get(c, c)),
        "Aktör": points["source_name"].astype(str),
        "Adress": points["address"].fillna(""),
    })
    if descriptions:
        view["Beskrivning"] = points["description"].fillna("")
    return view.reset_index(drop=True)


def selected_point(points: pd.DataFrame, rows: list[int]) -> dict | None:
    """``lat``, ``lon``, ``label`` and ``incident_id`` of the chosen table row (the
    first of ``rows``), or None when nothing (or a row no longer there) is chosen."""
    if not rows or not 0 <= rows[0] < len(points):
        return None
    r = points.iloc[rows[0]]
    label = taxonomy.labels().get(r["category"], r["category"])
    when = fmt.date(pd.Timestamp(r["occurred_at"]).date())
    where = f", {r['address']}" if isinstance(r["address"], str) and r["address"] else ""
    return {"lat": float(r["lat"]), "lon": float(r["lon"]), "incident_id": r["incident_id"],
            "label": f"{label} {when}{where}"}
