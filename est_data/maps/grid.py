"""Square grid cells on SWEREF 99 TM, counted in DuckDB, for heat and hot spot maps.

The browser never gets raw points by the hundred thousand (README §4): incidents are
counted per cell in SQL (``floor(x / size)``, ``floor(y / size)``) and only the occupied
cells travel, with their centres converted to WGS84 for Leaflet. The cell size follows
the extent the map opens on, so a view of one district gets finer cells than a view of
the whole town, and the number of cells stays bounded whatever the number of incidents.

Only incidents placed on a point or an address (``precision IN ('point', 'address')``)
enter a grid; those known only by area or municipality never become a point.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from est_data.areas.geometry import to_wgs84
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df, fetch_row

#: Cell sides offered, in metres (round numbers a meeting can talk about).
CELL_SIZES_M = (25, 50, 100, 200, 250, 500, 1000, 2000, 5000)
#: At most this many occupied cells go to the browser as heat (bounds the payload).
MAX_HEAT_CELLS = 6000
#: At most this many cells (occupied or not) inside the analysed rectangle for Gi*.
MAX_HOTSPOT_CELLS = 40_000
#: A heat cell should be about this many screen pixels wide at the opening zoom.
TARGET_CELL_PX = 5
#: The map's assumed size on screen when choosing its opening zoom.
MAP_PX = (900, 560)
MIN_ZOOM, MAX_ZOOM = 8, 17
#: Share of points cut at each end when measuring the extent, so one stray
#: coordinate does not zoom the map out to the whole county.
EXTENT_TRIM = 0.002


def located_sql(alias: str = "") -> str:
    """Condition for incidents that may be drawn on a map: placed on a point or an
    address. ``alias`` prefixes the columns (e.g. ``"i."``)."""
    a = alias
    return f"{a}x IS NOT NULL AND {a}y IS NOT NULL AND {a}precision IN ('point', 'address')"


LOCATED_SQL = located_sql()

_WEB_MERCATOR_M_PER_PX_Z0 = 156_543.033_92  # metres per pixel at zoom 0 on the equator


@dataclass(frozen=True)
class Extent:
    """A rectangle in SWEREF 99 TM metres holding ``n`` located incidents."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    n: int = 0

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin

    def padded(self, metres: float) -> "Extent":
        """The rectangle grown by ``metres`` on every side (and at least that wide)."""
        return Extent(self.xmin - metres, self.ymin - metres, self.xmax + metres,
                      self.ymax + metres, self.n)

    def wgs84_bounds(self) -> list[list[float]]:
        """``[[south, west], [north, east]]`` in degrees, as Leaflet's fitBounds wants."""
        lon, lat = to_wgs84([self.xmin, self.xmax, self.xmin, self.xmax],
                            [self.ymin, self.ymin, self.ymax, self.ymax])
        return [[float(np.min(lat)), float(np.min(lon))], [float(np.max(lat)), float(np.max(lon))]]

    def centre_lat(self) -> float:
        _, lat = to_wgs84([(self.xmin + self.xmax) / 2], [(self.ymin + self.ymax) / 2])
        return float(lat[0])


def extent_sql(f: IncidentFilter, trim: float = EXTENT_TRIM) -> tuple[str, list]:
    """SQL for the trimmed extent (quantiles ``trim`` and ``1 - trim``) and the count."""
    where, params = where_clause(f)
    sql = f"""
        SELECT quantile_cont(x, [?, ?]), quantile_cont(y, [?, ?]), count(*)
        FROM incidents WHERE {LOCATED_SQL} AND {where}"""
    return sql, [trim, 1 - trim, trim, 1 - trim, *params]


def data_extent(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> Extent | None:
    """Where the filter's located incidents lie (trimmed), or None if there are none."""
    sql, params = extent_sql(f)
    row = fetch_row(con, sql, params)
    if not row or not row[2]:
        return None
    (x0, x1), (y0, y1) = row[0], row[1]
    return Extent(x0, y0, x1, y1, int(row[2]))


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground size of one screen pixel in web-mercator at ``zoom`` and latitude ``lat``."""
    return _WEB_MERCATOR_M_PER_PX_Z0 * math.cos(math.radians(lat)) / 2 ** zoom


def zoom_for_extent(extent: Extent, px: tuple[int, int] = MAP_PX, lat: float | None = None) -> int:
    """The largest whole zoom at which ``extent`` fits a map of ``px`` pixels."""
    lat = extent.centre_lat() if lat is None else lat
    need = max(extent.width / px[0], extent.height / px[1], 1e-9)  # metres per pixel
    zoom = math.floor(math.log2(_WEB_MERCATOR_M_PER_PX_Z0 * math.cos(math.radians(lat)) / need))
    return int(min(MAX_ZOOM, max(MIN_ZOOM, zoom)))


def cell_size_for(extent: Extent, zoom: int, lat: float | None = None,
                  max_cells: int = MAX_HEAT_CELLS * 4) -> int:
    """A cell side from :data:`CELL_SIZES_M` about :data:`TARGET_CELL_PX` pixels wide
    at ``zoom``, and coarse enough that the extent holds at most ``max_cells`` cells."""
    lat = extent.centre_lat() if lat is None else lat
    wanted = metres_per_pixel(zoom, lat) * TARGET_CELL_PX
    for size in CELL_SIZES_M:
        cells = math.ceil(max(extent.width, size) / size) * math.ceil(max(extent.height, size) / size)
        if size >= wanted and cells <= max_cells:
            return size
    return CELL_SIZES_M[-1]


def cell_sql(f: IncidentFilter, cell_size: float) -> tuple[str, list]:
    """SQL counting the filter's located incidents per grid cell.

    Returns integer cell indices ``cx = floor(x / cell_size)``, ``cy`` and the count
    ``n``; cell ``(cx, cy)`` covers ``[cx * size, (cx + 1) * size)`` east, likewise north.
    """
    if not (isinstance(cell_size, (int, float)) and math.isfinite(cell_size) and cell_size > 0):
        raise ValueError(f"cell_size must be a positive number of metres, got {cell_size!r}")
    where, params = where_clause(f)
    sql = f"""
        SELECT CAST(floor(x / ?) AS BIGINT) AS cx, CAST(floor(y / ?) AS BIGINT) AS cy,
               count(*) AS n
        FROM incidents WHERE {LOCATED_SQL} AND {where}
        GROUP BY ALL ORDER BY cy, cx"""
    return sql, [float(cell_size), float(cell_size), *params]


def grid_cells(con: duckdb.DuckDBPyConnection, f: IncidentFilter, cell_size: float) -> pd.DataFrame:
    """Occupied cells: ``cx``, ``cy`` (int64 indices) and ``n`` (int64 count)."""
    sql, params = cell_sql(f, cell_size)
    df = fetch_df(con, sql, params)
    return df.astype({"cx": "int64", "cy": "int64", "n": "int64"})


def multi_cell_sql(f: IncidentFilter, sizes: list[int]) -> tuple[str, list]:
    """SQL counting cells at several sizes in one scan of the incidents.

    The incidents are counted once in cells of the greatest common divisor of the sizes
    (whole metres); every requested size is a sum of those:
    ``floor(floor(x / a) / k) = floor(x / (a * k))``. Columns: ``size``, ``cx``,
    ``cy``, ``n``.
    """
    if not sizes or any(int(s) != s or s <= 0 for s in sizes):
        raise ValueError(f"sizes must be positive whole metres, got {sizes}")
    sizes = sorted(set(int(s) for s in sizes))
    unit = math.gcd(*sizes)
    base, base_params = cell_sql(f, unit)
    parts, params = [], []
    for size in sizes:
        k = size // unit
        parts.append("SELECT CAST(? AS INTEGER) AS size, CAST(floor(cx / ?) AS BIGINT) AS cx, "
                     "CAST(floor(cy / ?) AS BIGINT) AS cy, CAST(sum(n) AS BIGINT) AS n "
                     "FROM base GROUP BY ALL")
        params += [size, k, k]
    base = base.replace("ORDER BY cy, cx", "")
    # MATERIALIZED: counted once, not once per size (DuckDB would otherwise inline it).
    sql = f"WITH base AS MATERIALIZED ({base}) " + " UNION ALL ".join(parts) + " ORDER BY size, cy, cx"
    return sql, [*base_params, *params]


def cells_by_size(con: duckdb.DuckDBPyConnection, f: IncidentFilter, sizes: list[int]
                  ) -> dict[int, pd.DataFrame]:
    """Occupied cells (``cx``, ``cy``, ``n``) at each of ``sizes``, from one scan."""
    sql, params = multi_cell_sql(f, sizes)
    df = fetch_df(con, sql, params)
    out = {}
    for size in sorted(set(int(s) for s in sizes)):
        part = df[df["size"] == size][["cx", "cy", "n"]]
        out[size] = part.astype({"cx": "int64", "cy": "int64", "n": "int64"}).reset_index(drop=True)
    return out


def cell_centres_wgs84(cx, cy, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """``(lat, lon)`` of the centres of cells given by integer indices."""
    x = (np.asarray(cx, dtype=float) + 0.5) * cell_size
    y = (np.asarray(cy, dtype=float) + 0.5) * cell_size
    lon, lat = to_wgs84(x, y)
    return np.asarray(lat), np.asarray(lon)


def cell_rings_wgs84(cx, cy, cell_size: float, decimals: int = 6) -> list[list[list[float]]]:
    """Each cell's outline as a closed GeoJSON ring of ``[lon, lat]`` corners.

    The corners are projected one by one, so the squares follow SWEREF 99 TM exactly.
    """
    cx = np.asarray(cx, dtype=float)
    cy = np.asarray(cy, dtype=float)
    corners = ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))
    xs = np.stack([(cx + dx) * cell_size for dx, _ in corners], axis=1)
    ys = np.stack([(cy + dy) * cell_size for _, dy in corners], axis=1)
    lon, lat = to_wgs84(xs.ravel(), ys.ravel())
    lon = np.round(np.asarray(lon), decimals).reshape(xs.shape)
    lat = np.round(np.asarray(lat), decimals).reshape(xs.shape)
    return [[[float(a), float(b)] for a, b in zip(lo, la)] for lo, la in zip(lon, lat)]


def heat_weights(n, cap_quantile: float = 0.98) -> np.ndarray:
    """Relative heat per cell in ``(0, 1]``: the count over a high quantile, capped at 1.

    Capping at the 98th percentile keeps one extreme cell (a station entrance with every
    report of the year) from washing out every other place on the map.
    """
    n = np.asarray(n, dtype=float)
    if n.size == 0:
        return n
    top = float(np.quantile(n, cap_quantile)) if n.size > 1 else float(n[0])
    top = max(top, 1.0)
    return np.round(np.minimum(n / top, 1.0), 3)


#: Heat levels the meeting role's map gets: the weights are rounded up to fifths, so
#: ratios between cells (and with them counts) cannot be read from the page.
MEETING_HEAT_LEVELS = 5


def meeting_heat(cells: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The cells a map may send for a user with suppression ``limit`` (0: all): cells
    with fewer than ``limit`` incidents are left out (a cell of one or two incidents is
    a place and a person), see :mod:`est_data.core.privacy`."""
    return cells[cells["n"] >= limit].reset_index(drop=True) if limit else cells


def coarse_weights(weights, levels: int = MEETING_HEAT_LEVELS) -> np.ndarray:
    """Heat weights in ``(0, 1]`` rounded up to ``1 / levels`` steps."""
    w = np.asarray(weights, dtype=float)
    return np.round(np.ceil(w * levels - 1e-9) / levels, 3)
