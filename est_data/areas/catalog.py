"""The stored areas as plain rows, without their shapes (cheap: no geometry libraries).

The one place that lists areas for choices and tables; :func:`est_data.areas.geometry.load_areas`
reads them with their polygons.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from est_data.store.sqlutil import fetch_df


def area_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Known areas, id → name, focus areas first."""
    rows = con.execute(
        "SELECT area_id, name FROM areas ORDER BY is_focus DESC, name").fetchall()
    return dict(rows)


def area_attributes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every stored area's ``area_id``, ``name``, ``kind``, ``is_focus`` and ``population``."""
    return fetch_df(con, "SELECT area_id, name, kind, is_focus, population FROM areas")
