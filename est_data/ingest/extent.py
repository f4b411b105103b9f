"""Where the municipality is: a point given in a row must lie in it to be one of its
incidents.

The municipality is the union of its stored statistical areas (DeSO/RegSO, which cover
it), widened by ``OUTSIDE_TOLERANCE_M`` for points on the edge; focus areas alone do not
describe it. With no statistical areas stored, it is the configured box
(``MUNICIPALITY_BBOX``) that :func:`est_data.ingest.coords.locate` checks. A point outside
(Stockholm, or a SWEREF point 400 km south) is not an incident of this municipality: the
import rejects the row with :func:`reason_sv`, unless it is told to accept such rows,
which then keep their point but have no area (see :mod:`est_data.ingest.stage`).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from est_data.core.config import CRS_SWEREF99TM, OUTSIDE_TOLERANCE_M
from est_data.ingest import coords


def _statistical(areas_wgs: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if areas_wgs is None or areas_wgs.empty:
        return None
    stat = areas_wgs[areas_wgs["kind"] != "custom"]
    return None if stat.empty else stat


def outside(x: np.ndarray, y: np.ndarray, status: np.ndarray, area_id: np.ndarray,
            areas_wgs: gpd.GeoDataFrame | None,
            tolerance_m: float = OUTSIDE_TOLERANCE_M) -> np.ndarray:
    """Which points (SWEREF ``x``/``y`` with their :func:`coords.locate` ``status`` and
    assigned ``area_id``) lie outside the municipality."""
    stat = _statistical(areas_wgs)
    if stat is None:
        return np.asarray(status) == coords.OUTSIDE
    out = np.zeros(len(x), dtype=bool)
    # A point in an area is inside; only the others are measured against the union.
    check = np.flatnonzero(np.array([a is None for a in area_id], dtype=bool))
    if len(check):
        union = stat.to_crs(CRS_SWEREF99TM).geometry.union_all().buffer(tolerance_m)
        shapely.prepare(union)
        out[check] = ~shapely.contains_xy(union, np.asarray(x)[check], np.asarray(y)[check])
    return out


def reason_sv(areas_wgs: gpd.GeoDataFrame | None,
              tolerance_m: float = OUTSIDE_TOLERANCE_M) -> str:
    """The Swedish reason a row outside the municipality is rejected with."""
    if _statistical(areas_wgs) is None:
        return "Platsen ligger utanför kommunen (utanför kommunens koordinatram)"
    return (f"Platsen ligger utanför kommunen (mer än {tolerance_m / 1000:g} km från "
            "kommunens områden)")
