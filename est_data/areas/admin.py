"""Areas from the app: upload polygons (a new focus area drawn at geojson.io, or SCB's
DeSO file), see what is stored, and mark which areas are EST focus areas.

The same rules as ``python -m est_data areas import`` (:mod:`.areas`): any CRS, polygons
only, unique ids, incidents re-assigned in the same transaction. An uploaded file is
read from memory: its name never reaches the file system.
"""
from __future__ import annotations

import io

import duckdb
import geopandas as gpd
import pandas as pd

from est_data.areas.geometry import AreaFileError, frame_from_features, store_areas
from est_data.core.config import AREA_KINDS
from est_data.core.errors import UserError
from est_data.store.db import transaction
from est_data.store.sqlutil import fetch_df, fetch_value
from est_data.store.audit import audited_as

#: Largest area file accepted from the app (SCB's national DeSO file is about 60 MB).
MAX_UPLOAD_MB = 100
KIND_SV = {"deso": "DeSO", "regso": "RegSO", "custom": "Eget område"}


class AreaUploadError(UserError, ValueError):
    """An uploaded area file cannot be used; ``str()`` is English, ``sv`` Swedish."""


def read_upload(data: bytes, file_name: str) -> gpd.GeoDataFrame:
    """The features of an uploaded GeoJSON or GeoPackage file, as read (any CRS)."""
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise AreaUploadError(f"{file_name} is larger than {MAX_UPLOAD_MB} MB",
                              f"Filen är större än {MAX_UPLOAD_MB} MB.")
    try:
        gdf = gpd.read_file(io.BytesIO(data))
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise AreaUploadError(f"cannot read {file_name} as GeoJSON or GeoPackage: {exc}",
                              "Filen kan inte läsas som GeoJSON eller GeoPackage.") from exc
    if gdf.empty:
        raise AreaUploadError(f"{file_name} holds no features", "Filen innehåller inga områden.")
    return gdf


def property_fields(gdf: gpd.GeoDataFrame) -> list[str]:
    """The features' property names, for choosing the id, name and population fields."""
    return [c for c in gdf.columns if c != gdf.geometry.name]


def prepare(gdf: gpd.GeoDataFrame, id_field: str, name_field: str,
            population_field: str | None, file_name: str) -> gpd.GeoDataFrame:
    """The areas to store (WGS84, ``area_id``/``name``/``population``), or a Swedish error."""
    try:
        return frame_from_features(gdf, id_field, name_field, population_field, file_name)
    except AreaFileError as exc:
        raise AreaUploadError(str(exc), exc.sv) from exc


@audited_as("area_admin.store")
def store(con: duckdb.DuckDBPyConnection, file_name: str, kind: str, is_focus: bool, *,
          areas: gpd.GeoDataFrame) -> int:
    """Store prepared areas (insert or replace by id) and re-assign the incidents.
    ``file_name`` is only for the change log."""
    return store_areas(con, areas, kind=kind, is_focus=is_focus)


def overview(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Stored areas with their incidents (unique ones), focus areas first."""
    return fetch_df(con, """
        SELECT a.area_id, a.name, a.kind, a.is_focus, a.population, round(a.area_km2, 2) AS area_km2,
               (SELECT count(*) FROM incidents i WHERE i.duplicate_of IS NULL
                  AND (i.area_id = a.area_id OR i.focus_area_id = a.area_id)) AS incidents
        FROM areas a ORDER BY a.is_focus DESC, a.name, a.area_id""")


@audited_as("area_admin.set_focus")
def set_focus(con: duckdb.DuckDBPyConnection, area_id: str, is_focus: bool) -> None:
    """Mark or unmark an area as an EST focus area."""
    if not fetch_value(con, "SELECT count(*) FROM areas WHERE area_id = ?", [area_id]):
        raise AreaUploadError(f"no area {area_id!r}", "Området finns inte längre.")
    with transaction(con):
        con.execute("UPDATE areas SET is_focus = ? WHERE area_id = ?", [bool(is_focus), area_id])


__all__ = ["AREA_KINDS", "KIND_SV", "MAX_UPLOAD_MB", "AreaUploadError", "overview", "prepare",
           "property_fields", "read_upload", "set_focus", "store"]
