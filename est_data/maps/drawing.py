"""Shapes drawn on the map (folium's Draw plugin through ``st_folium``) as a filter.

``st_folium`` returns what was drawn as GeoJSON in WGS84: a polygon or rectangle as a
``Polygon``, a circle as a ``Point`` with ``properties.radius`` in metres. These become
a :class:`~est_data.core.shape.DrawnShape` in SWEREF 99 TM, which the shared filter turns
into SQL on ``x``/``y`` (:func:`est_data.core.shape.shape_sql`).
"""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import mapping

from est_data.areas.geometry import to_sweref, to_wgs84
from est_data.core.shape import MAX_RADIUS_M, MAX_VERTICES, DrawnShape

#: Segments of the polygon that stands for a circle (map outline, saved area).
CIRCLE_SEGMENTS = 64


def latest_drawing(result: dict | None) -> dict | None:
    """The newest shape in ``st_folium``'s ``all_drawings`` (a GeoJSON feature), or None.

    ``last_active_drawing`` is not used: streamlit-folium also sets it when an area is
    clicked (any layer with ``toGeoJSON``), which must not become a filter.
    """
    drawings = (result or {}).get("all_drawings") or []
    return drawings[-1] if drawings and isinstance(drawings[-1], dict) else None


def shape_from_geojson(feature: dict | None) -> DrawnShape | None:
    """A drawn polygon or circle in SWEREF 99 TM, or None for anything else (a line, a
    marker, a degenerate or malformed shape). Never raises."""
    try:
        geom = (feature or {}).get("geometry") or {}
        props = (feature or {}).get("properties") or {}
        if geom.get("type") == "Point" and props.get("radius"):
            lon, lat = (float(v) for v in geom["coordinates"][:2])
            x, y = to_sweref([lon], [lat])
            r = float(props["radius"])
            if not (np.isfinite(x[0]) and np.isfinite(y[0]) and 0.5 <= r <= MAX_RADIUS_M):
                return None
            return DrawnShape("circle", (round(x[0]), round(y[0]), max(1, round(r))))
        if geom.get("type") == "Polygon":
            return _polygon(np.asarray(geom["coordinates"][0], dtype=float)[:, :2])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return None


def _polygon(lonlat: np.ndarray) -> DrawnShape | None:
    x, y = to_sweref(lonlat[:, 0], lonlat[:, 1])
    poly = shapely.make_valid(shapely.Polygon(np.column_stack([x, y])))
    if poly.geom_type != "Polygon":  # a bow tie splits in two: keep the larger part
        parts = [g for g in getattr(poly, "geoms", []) if g.geom_type == "Polygon"]
        if not parts:
            return None
        poly = max(parts, key=lambda g: g.area)
    tolerance = 1.0
    while len(poly.exterior.coords) - 1 > MAX_VERTICES:
        poly = poly.simplify(tolerance)
        tolerance *= 2
    ring = np.round(np.asarray(poly.exterior.coords)[:-1]).astype(int)
    if len(ring) < 3 or poly.area < 1:
        return None
    return DrawnShape("polygon", tuple(int(v) for v in ring.ravel()))


def shape_metric(shape: DrawnShape) -> shapely.Polygon:
    """The shape as a shapely polygon in SWEREF 99 TM (a circle as a 64-gon)."""
    if shape.kind == "circle":
        cx, cy, r = shape.coords
        return shapely.Point(cx, cy).buffer(r, quad_segs=CIRCLE_SEGMENTS // 4)
    return shapely.Polygon(shape.corners)


def shape_wgs84(shape: DrawnShape) -> shapely.Polygon:
    """The shape in WGS84 (lon/lat), for the map and for storing it as an area."""
    ring = np.asarray(shape_metric(shape).exterior.coords)
    lon, lat = to_wgs84(ring[:, 0], ring[:, 1])
    return shapely.Polygon(np.column_stack([np.round(lon, 6), np.round(lat, 6)]))


def shape_geojson(shape: DrawnShape) -> dict:
    """A GeoJSON Feature of the shape in WGS84."""
    return {"type": "Feature", "properties": {}, "geometry": mapping(shape_wgs84(shape))}
