"""Area polygons: reading, storing and assigning points to them.

Polygons come from GeoJSON or GeoPackage in any CRS (SCB's DeSO/RegSO files are in
SWEREF 99 TM, EPSG:3006). They are stored as WKT in WGS84; metric work (areas, grid
cells, point-in-polygon) happens in SWEREF 99 TM.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from est_data.core.config import AREA_KINDS, CRS_SWEREF99TM, CRS_WGS84
from est_data.core.errors import UserError
from est_data.store.db import transaction
from est_data.store.sqlutil import in_list

#: The range of SWEREF 99 TM coordinates over Sweden, in metres (east, north).
SWEREF_X, SWEREF_Y = (180_000, 1_000_000), (6_100_000, 7_700_000)
_TO_SWEREF = Transformer.from_crs(CRS_WGS84, CRS_SWEREF99TM, always_xy=True)
_TO_WGS84 = Transformer.from_crs(CRS_SWEREF99TM, CRS_WGS84, always_xy=True)


class AreaFileError(UserError, ValueError):
    """An area file cannot be used; the message names the problem and the fix (``sv``:
    the same in Swedish, for the app)."""


def to_sweref(lon, lat):
    """WGS84 lon/lat arrays → SWEREF 99 TM x (east), y (north) in metres."""
    return _TO_SWEREF.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def to_wgs84(x, y):
    """SWEREF 99 TM x/y arrays → WGS84 lon, lat."""
    return _TO_WGS84.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def read_area_file(path: Path | str, id_field: str = "area_id", name_field: str = "name",
                   population_field: str | None = "population") -> gpd.GeoDataFrame:
    """Read polygons from a GeoJSON/GeoPackage file into WGS84.

    Returns a GeoDataFrame with ``area_id``, ``name``, ``population`` (may be missing)
    and polygon geometry in EPSG:4326. A file without a CRS is taken as WGS84 only if
    its coordinates look like degrees; otherwise the caller must say.
    """
    path = Path(path)
    if not path.exists():
        raise AreaFileError(f"no such file: {path}", f"Filen {path.name} finns inte.")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise AreaFileError(f"cannot read {path.name} as GeoJSON or GeoPackage: {exc}",
                            "Filen kan inte läsas som GeoJSON eller GeoPackage.") from exc
    if gdf.empty:
        raise AreaFileError(f"{path.name} holds no features", "Filen innehåller inga områden.")
    return frame_from_features(gdf, id_field, name_field, population_field, path.name,
                               fix="Name them with --id-field and --name-field.")


def frame_from_features(gdf: gpd.GeoDataFrame, id_field: str, name_field: str,
                        population_field: str | None, label: str,
                        fix: str = "") -> gpd.GeoDataFrame:
    """Features as read (any CRS) → ``area_id``, ``name``, ``population`` and valid
    polygons in WGS84; ``label`` names the file in messages, ``fix`` ends the message
    about missing properties."""
    missing = [f for f in (id_field, name_field) if f not in gdf.columns]
    if missing:
        fields = ", ".join(c for c in gdf.columns if c != "geometry")
        raise AreaFileError(
            f"{label} has no property {' or '.join(repr(m) for m in missing)}; "
            f"its properties are: {fields}. {fix}".rstrip(),
            f"Filen saknar fältet {' och '.join(repr(m) for m in missing)}; dess fält är: {fields}.")
    minx, miny, maxx, maxy = gdf.total_bounds
    degrees = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if (gdf.crs is None or gdf.crs.is_geographic) and not degrees:
        # No CRS, or GeoJSON's default WGS84, but metres: Swedish files without a CRS
        # member are SWEREF 99 TM when the values fall in its range (as for imports).
        if SWEREF_X[0] <= minx <= maxx <= SWEREF_X[1] and SWEREF_Y[0] <= miny <= maxy <= SWEREF_Y[1]:
            gdf = gdf.set_crs(CRS_SWEREF99TM, allow_override=True)
        else:
            raise AreaFileError(f"{label} has no usable CRS and its coordinates are neither "
                                "degrees nor SWEREF 99 TM",
                                "Filen saknar koordinatsystem och koordinaterna är varken grader "
                                "(WGS84) eller SWEREF 99 TM. Spara den med koordinatsystem.")
    elif gdf.crs is None:
        gdf = gdf.set_crs(CRS_WGS84)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    kinds = set(gdf.geometry.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise AreaFileError(f"{label} must hold polygons, found {sorted(kinds)}",
                            f"Filen ska innehålla ytor (polygoner), men har {', '.join(sorted(kinds))}.")
    out = gpd.GeoDataFrame(
        {
            "area_id": gdf[id_field].astype(str).str.strip(),
            "name": gdf[name_field].astype(str).str.strip(),
            "population": (pd.to_numeric(gdf[population_field], errors="coerce")
                           if population_field and population_field in gdf.columns
                           else pd.Series(np.nan, index=gdf.index)),
        },
        geometry=shapely.make_valid(gdf.geometry.values),
        crs=gdf.crs,
    ).to_crs(CRS_WGS84)
    dupes = out["area_id"][out["area_id"].duplicated()].unique().tolist()
    if dupes:
        raise AreaFileError(f"{label} repeats area ids: {', '.join(dupes[:10])}",
                            f"Samma id förekommer flera gånger: {', '.join(dupes[:10])}.")
    return out


def store_areas(con: duckdb.DuckDBPyConnection, gdf: gpd.GeoDataFrame, kind: str = "deso",
                is_focus: bool | pd.Series = False, district: pd.Series | None = None,
                reassign: bool = True) -> int:
    """Insert or replace areas (one transaction) and re-assign stored incidents.

    Returns the number of areas written.
    """
    if kind not in AREA_KINDS:
        raise AreaFileError(f"kind must be one of {', '.join(AREA_KINDS)}",
                            f"Typen ska vara en av {', '.join(AREA_KINDS)}.")
    wgs = gdf.to_crs(CRS_WGS84)
    metric = wgs.to_crs(CRS_SWEREF99TM)
    centroids = metric.geometry.centroid.to_crs(CRS_WGS84)
    rows = pd.DataFrame({
        "area_id": wgs["area_id"].astype(str).values,
        "name": wgs["name"].astype(str).values,
        "kind": kind,
        "district": (district.values if district is not None else wgs.get("district", pd.Series([None] * len(wgs))).values),
        "population": pd.to_numeric(wgs.get("population", np.nan), errors="coerce").round().astype("Int64").values,
        "is_focus": (is_focus.values if isinstance(is_focus, pd.Series) else bool(is_focus)),
        "geometry": shapely.to_wkt(wgs.geometry.values, rounding_precision=7),
        "centroid_lat": centroids.y.values,
        "centroid_lon": centroids.x.values,
        "area_km2": (metric.geometry.area / 1e6).values,
    })
    with transaction(con):
        con.execute("DELETE FROM areas WHERE area_id IN (SELECT area_id FROM rows)")
        con.execute("INSERT INTO areas BY NAME SELECT * FROM rows")
        if reassign:
            reassign_incidents(con)
    return len(rows)


def load_areas(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] | None = None) -> gpd.GeoDataFrame:
    """All stored areas as a GeoDataFrame in WGS84, ordered by ``area_id``."""
    sql = "SELECT * FROM areas"
    params: list = []
    if kinds:
        condition, params = in_list("kind", kinds)
        sql += f" WHERE {condition}"
    df = con.execute(sql + " ORDER BY area_id", params).df()
    geometry = shapely.from_wkt(df.pop("geometry").to_numpy(dtype=object)) if len(df) else []
    return gpd.GeoDataFrame(df, geometry=geometry, crs=CRS_WGS84)


_LOOP_MAX_POLYGONS = 300  # above this, one STRtree query for all points is faster


def assign_points(x, y, areas_metric: gpd.GeoDataFrame) -> np.ndarray:
    """The ``area_id`` holding each SWEREF 99 TM point, or ``None`` outside every area.

    A point on a border shared by two areas intersects both; it goes to exactly one:
    the first in ``areas_metric`` order (callers pass areas sorted by ``area_id``, so the
    rule is stable across runs).

    An STRtree picks the polygons that touch the points' extent; each is then tested,
    prepared, against only the still unassigned points inside its bounding box
    (vectorised ``intersects_xy``): a million points into a municipality's areas in well
    under a second. Very many polygons fall back to one STRtree query for all points.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    result = np.full(len(x), None, dtype=object)
    valid = np.isfinite(x) & np.isfinite(y)
    if not valid.any() or areas_metric.empty:
        return result
    ids = areas_metric["area_id"].to_numpy(dtype=object)
    geoms = np.asarray(areas_metric.geometry.values, dtype=object)
    extent = shapely.box(x[valid].min(), y[valid].min(), x[valid].max(), y[valid].max())
    near = np.sort(shapely.STRtree(geoms).query(extent, predicate="intersects"))
    if len(near) > _LOOP_MAX_POLYGONS:
        return _assign_points_tree(x, y, valid, ids, areas_metric, result)
    free = valid.copy()
    bounds = shapely.bounds(geoms)
    for i in near:
        todo = np.flatnonzero(free)
        if not todo.size:
            break
        minx, miny, maxx, maxy = bounds[i]
        xs, ys = x[todo], y[todo]
        todo = todo[(xs >= minx) & (xs <= maxx) & (ys >= miny) & (ys <= maxy)]
        if not todo.size:
            continue
        shapely.prepare(geoms[i])
        hit = todo[shapely.intersects_xy(geoms[i], x[todo], y[todo])]
        result[hit] = ids[i]
        free[hit] = False
    return result


def _assign_points_tree(x, y, valid, ids, areas_metric, result) -> np.ndarray:
    idx = np.flatnonzero(valid)
    points = shapely.points(x[idx], y[idx])
    point_i, area_i = areas_metric.sindex.query(points, predicate="intersects")
    if len(point_i):
        # Keep the lowest area position per point: sort by (point, area), take firsts.
        order = np.lexsort((area_i, point_i))
        point_i, area_i = point_i[order], area_i[order]
        first = np.ones(len(point_i), dtype=bool)
        first[1:] = point_i[1:] != point_i[:-1]
        result[idx[point_i[first]]] = ids[area_i[first]]
    return result


def assign_incident_areas(x, y, areas_wgs: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(area_id, focus_area_id)`` for SWEREF points against stored areas.

    Statistical areas (deso/regso) give ``area_id``; custom areas give ``focus_area_id``.
    """
    metric = areas_wgs.to_crs(CRS_SWEREF99TM).sort_values("area_id").reset_index(drop=True)
    base = metric[metric["kind"] != "custom"].reset_index(drop=True)
    custom = metric[metric["kind"] == "custom"].reset_index(drop=True)
    return assign_points(x, y, base), assign_points(x, y, custom)


def reassign_incidents(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute ``area_id``/``focus_area_id`` of every located incident.

    Incidents located only by an area code (precision ``area``) keep their area.
    Returns the number of incidents looked at.
    """
    pts = con.execute(
        "SELECT incident_id, x, y FROM incidents WHERE x IS NOT NULL AND precision <> 'area'"
    ).df()
    if pts.empty:
        return 0
    area_id, focus_id = assign_incident_areas(pts["x"], pts["y"], load_areas(con))
    updates = pd.DataFrame({"incident_id": pts["incident_id"].to_numpy(dtype=object),
                            "area_id": area_id, "focus_area_id": focus_id})
    con.execute(
        "UPDATE incidents SET area_id = u.area_id, focus_area_id = u.focus_area_id "
        "FROM updates u WHERE incidents.incident_id = u.incident_id"
    )
    return len(updates)
