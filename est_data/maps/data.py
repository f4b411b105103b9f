"""What a map shows, read from the database in one go (one short connection).

:func:`map_data` gathers everything a map of a filter needs (heat cells, hot spots,
per-area figures, single incidents when few, measures, the counts the map must admit
it does not draw) into a picklable :class:`MapData`, so the app can cache it on the
database version and build the folium map from it in milliseconds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from est_data.maps import grid, style
from est_data.maps.hotspot_export import MIN_HOTSPOT_CELL_M, hotspot_analysis, map_sizes
from est_data.areas.catalog import area_attributes
from est_data.areas.geometry import load_areas
from est_data.core.config import CENTRE_LAT, CENTRE_LON, CRS_SWEREF99TM, CRS_WGS84
from est_data.core import fmt, privacy
from est_data.core.filters import IncidentFilter, where_clause
from est_data.incidents import published
from est_data.store.sqlutil import fetch_df, fetch_row, in_list

#: Layers a map can have: key -> Swedish name (also the order they are drawn in).
LAYERS = {
    "areas": "Områden",
    "outlines": "Områdesgränser",
    "heat": "Täthet",
    "hotspots": "Heta punkter (Gi*)",
    "focus": "Fokusområden",
    "measures": "Åtgärder",
    "points": "Enskilda händelser",
    "labels": "Ortnamn",
}
DEFAULT_LAYERS = ("areas", "heat", "focus", "measures", "points", "labels")
#: Single incidents are drawn only when the filter holds at most this many located ones.
MAX_POINTS = 2000
#: Area measures: key -> Swedish name.
AREA_MEASURES = {"count": "Antal händelser", "rate": "Per 1 000 invånare",
                 "change": "Förändring"}
#: Simplification of area outlines before they go to the browser, in metres.
SIMPLIFY_M = 5.0
#: Said when the test finds no cluster: the layer is on but nothing is drawn.
NO_HOTSPOTS_SV = ("Inga signifikanta kluster med det här filtret (FDR 10 %): händelserna "
                  "ligger inte tätare än vad slumpen ger.")
#: Zoomed in this many levels past the opening zoom, the heat switches to cells a
#: quarter of the size (when they are not too many): the cell size follows the zoom.
FINE_ZOOM_STEP = 2
MAX_FINE_CELLS = 4000
#: Said when the meeting role's heat layer is empty: every cell held under 3 incidents.
HEAT_TOO_SPARSE_SV = ("Tätheten visas bara i rutor med minst 3 händelser, så att ingen "
                      "enskild händelse pekas ut; med det här filtret finns ingen sådan ruta.")
#: Extra margin around the data extent, in metres, so nothing sits on the map's edge.
EXTENT_PAD_M = 250.0


@dataclass(frozen=True)
class MapOptions:
    """What the user asked to see. ``cell_size`` None means "suited to the extent"."""

    layers: tuple[str, ...] = DEFAULT_LAYERS
    area_measure: str = "count"
    cell_size: int | None = None
    max_points: int = MAX_POINTS
    # Aggregates-only view (the meeting role, the projector): counts under this show as
    # "<3" and single incidents are never drawn.
    suppress_below: int = 0

    def __post_init__(self):
        if self.suppress_below and "points" in self.layers:
            raise ValueError("single incidents cannot be drawn when small counts are suppressed")
        unknown = [k for k in self.layers if k not in LAYERS]
        if unknown:
            raise ValueError(f"unknown map layers: {unknown}")
        if self.area_measure not in AREA_MEASURES:
            raise ValueError(f"area_measure must be one of {list(AREA_MEASURES)}")
        if self.cell_size is not None and self.cell_size not in grid.CELL_SIZES_M:
            raise ValueError(f"cell_size must be one of {grid.CELL_SIZES_M}")


@dataclass
class MapData:
    """Everything one map of one filter shows (plain data, picklable)."""

    filter: IncidentFilter
    options: MapOptions
    bounds: list[list[float]]          # [[south, west], [north, east]]
    zoom: int
    counts: dict[str, int]             # total, located, area_only, municipality_only
    areas: pd.DataFrame                # marked_area_stats (as queries.area_table)
    heat: pd.DataFrame | None = None   # lat, lon, n, w
    heat_cell: int | None = None
    # Finer cells for closer zooms: (from this zoom on, cell size, cells like ``heat``).
    heat_fine: list[tuple[int, int, pd.DataFrame]] = field(default_factory=list)
    hotspots: pd.DataFrame | None = None  # cx, cy, n, z, klass (hot cells only)
    hot_cell: int | None = None
    hot_note: str | None = None        # why no hot spots could be computed
    points: pd.DataFrame | None = None
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    # How each of ``counts`` is published (est_data.incidents.published.placement_marks).
    count_marks: dict[str, str] = field(default_factory=dict)

    @property
    def heat_too_sparse(self) -> bool:
        """Heat was asked for, there are located incidents, but no cell may be shown."""
        return ("heat" in self.options.layers and self.counts["located"] > 0
                and (self.heat is None or self.heat.empty))

    @property
    def points_withheld(self) -> bool:
        """Single incidents were asked for but the filter holds too many."""
        return "points" in self.options.layers and self.points is None \
            and self.counts["located"] > 0


def area_shapes(con: duckdb.DuckDBPyConnection, tolerance_m: float = SIMPLIFY_M) -> gpd.GeoDataFrame:
    """Stored areas, simplified for the browser, in WGS84 (coordinates to 6 decimals).

    Besides the area columns it carries what every map needs and no filter changes,
    so it is worked out once per database version (the app caches it): ``geojson``
    (the outline as a GeoJSON geometry dict) and ``label_lat``/``label_lon``/
    ``label`` (one place name per district, placed inside it, and one per focus area,
    just above it; None on the other rows).
    """
    g = load_areas(con)
    if g.empty:
        return g.assign(geojson=None, label=None, label_lat=np.nan, label_lon=np.nan)
    metric = g.to_crs(CRS_SWEREF99TM)
    simple = metric.geometry.simplify(tolerance_m, preserve_topology=True)
    wgs = gpd.GeoSeries(simple, crs=CRS_SWEREF99TM).to_crs(CRS_WGS84)
    g = g.set_geometry(shapely.transform(wgs.values, lambda c: np.round(c, 6)), crs=CRS_WGS84)
    g["geojson"] = [shapely.geometry.mapping(geom) for geom in g.geometry.values]
    g["label"], g["label_lat"], g["label_lon"] = None, np.nan, np.nan
    base = g[g["kind"] != "custom"]
    key = base["district"].fillna(base["name"])
    for name, group in base.groupby(key, sort=True):
        point = shapely.union_all(group.geometry.values).representative_point()
        i = group.index[0]
        g.loc[i, ["label", "label_lat", "label_lon"]] = [name, round(point.y, 6), round(point.x, 6)]
    for i, r in g[g["is_focus"]].iterrows():
        minx, miny, maxx, maxy = r.geometry.bounds
        # Above the polygon, so the measure symbols at its centre stay free.
        g.loc[i, ["label", "label_lat", "label_lon"]] = [
            r["name"], round(maxy + (maxy - miny) * 0.35, 6), round((minx + maxx) / 2, 6)]
    return g


def located_counts(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> dict[str, int]:
    """How the filter's incidents split by what the map can do with them.

    ``located``: drawn (heat, hot spots, markers); ``area_only``: known by area only,
    counted in the areas but never drawn as a point; ``municipality_only``: known only
    at municipality level (e.g. the police's published events), never on the map.
    """
    where, params = where_clause(f)
    row = fetch_row(con, f"""
        SELECT count(*),
               count(*) FILTER (WHERE {grid.LOCATED_SQL}),
               count(*) FILTER (WHERE precision = 'municipality'),
               count(*) FILTER (WHERE NOT ({grid.LOCATED_SQL}) AND precision <> 'municipality')
        FROM incidents WHERE {where}""", params)
    return {"total": int(row[0]), "located": int(row[1]), "municipality_only": int(row[2]),
            "area_only": int(row[3])}


def counts_and_extent(con: duckdb.DuckDBPyConnection, f: IncidentFilter
                      ) -> tuple[dict[str, int], grid.Extent | None]:
    """:func:`located_counts` and the trimmed extent of the located incidents
    (:func:`~est_data.maps.grid.data_extent`) from one scan."""
    where, params = where_clause(f)
    loc = grid.LOCATED_SQL
    t = grid.EXTENT_TRIM
    row = fetch_row(con, f"""
        SELECT count(*),
               count(*) FILTER (WHERE {loc}),
               count(*) FILTER (WHERE precision = 'municipality'),
               count(*) FILTER (WHERE NOT ({loc}) AND precision <> 'municipality'),
               quantile_cont(x, [?, ?]) FILTER (WHERE {loc}),
               quantile_cont(y, [?, ?]) FILTER (WHERE {loc})
        FROM incidents WHERE {where}""", [t, 1 - t, t, 1 - t, *params])
    counts = {"total": int(row[0]), "located": int(row[1]), "municipality_only": int(row[2]),
              "area_only": int(row[3])}
    extent = (grid.Extent(row[4][0], row[5][0], row[4][1], row[5][1], counts["located"])
              if row[1] else None)
    return counts, extent


def area_stats(con: duckdb.DuckDBPyConnection, f: IncidentFilter) -> pd.DataFrame:
    """The same table as :func:`est_data.incidents.queries.area_table` (statistical and focus
    areas, counts now and in the previous period, change, rate), counted in one scan
    with grouping sets instead of two: the map needs it on every filter change."""
    prev = f.previous()
    where, params = where_clause(f, period=False)
    end = f.end + dt.timedelta(days=1)
    counts = fetch_df(con, f"""
        SELECT coalesce(area_id, focus_area_id) AS area_id,
               count(*) FILTER (WHERE occurred_at >= ?) AS current,
               count(*) FILTER (WHERE occurred_at < ?) AS previous
        FROM incidents
        WHERE occurred_at >= ? AND occurred_at < ? AND {where}
        GROUP BY GROUPING SETS ((area_id), (focus_area_id))
        HAVING coalesce(area_id, focus_area_id) IS NOT NULL""",
        [f.start, f.start, prev.start, end, *params])
    df = area_attributes(con).merge(counts, on="area_id", how="left")
    for col in ("current", "previous"):
        df[col] = df[col].fillna(0).astype(int)
    df["change"] = df["current"] - df["previous"]
    df["change_pct"] = fmt.change_pct_column(df["current"], df["previous"])
    df["per_1000"] = (df["current"] / df["population"].where(df["population"] > 0) * 1000).round(1)
    return df.sort_values(["is_focus", "current"], ascending=[False, False]).reset_index(drop=True)


def marked_area_stats(con: duckdb.DuckDBPyConnection, f: IncidentFilter, limit: int = 0
                      ) -> pd.DataFrame:
    """:func:`area_stats` with ``current_mark`` and ``previous_mark``: how each count is
    published (:mod:`est_data.incidents.published`; all shown without a ``limit``)."""
    stats = area_stats(con, f)
    if not limit:
        return stats.assign(current_mark=privacy.SHOWN, previous_mark=privacy.SHOWN)
    marks = published.area_marks(con, f, limit)[["current_mark", "previous_mark"]]
    return published.with_marks(stats, marks)


def incident_points(con: duckdb.DuckDBPyConnection, f: IncidentFilter, limit: int) -> pd.DataFrame:
    """Located incidents of the filter (at most ``limit``), newest first, for markers."""
    where, params = where_clause(f, alias="i.")
    return fetch_df(con, f"""
        SELECT i.incident_id, i.occurred_at, i.category, i.source,
               coalesce(a.name, i.source) AS source_name, i.address, i.description,
               i.precision, i.lat, i.lon, i.duplicate_of
        FROM incidents i LEFT JOIN actors a ON a.source = i.source
        WHERE {grid.located_sql("i.")} AND i.lat IS NOT NULL AND i.lon IS NOT NULL
              AND {where}
        ORDER BY i.occurred_at DESC, i.incident_id LIMIT ?""", [*params, int(limit)])


def measures(con: duckdb.DuckDBPyConnection, until: dt.date,
             areas: tuple[str, ...] = ()) -> pd.DataFrame:
    """Interventions started on or before ``until``, placed at their own point or else
    at their area's centroid. ``areas`` limits them to those areas."""
    sql = """
        SELECT m.intervention_id, m.area_id, coalesce(a.name, m.area_id) AS area_name,
               m.kind, m.title, m.started_on, m.ended_on, m.actor, m.cost_sek, m.note,
               coalesce(m.lat, a.centroid_lat) AS lat, coalesce(m.lon, a.centroid_lon) AS lon
        FROM interventions m LEFT JOIN areas a ON a.area_id = m.area_id
        WHERE m.started_on <= ?"""
    params: list = [until]
    if areas:
        cond, area_params = in_list("m.area_id", areas)
        sql += f" AND {cond}"
        params += area_params
    return fetch_df(con, sql + " ORDER BY m.started_on DESC, m.intervention_id", params)


def _hotspots(con, f: IncidentFilter, heat_cell: int) -> tuple[pd.DataFrame | None, int | None, str | None]:
    """Significant hot cells (Gi*, queen neighbours, exact test, FDR over the tested
    cells: :mod:`est_data.maps.gi_exact`) with events in them, or a reason why not."""
    result, size, note = hotspot_analysis(con, f, map_sizes(max(MIN_HOTSPOT_CELL_M, 2 * heat_cell)))
    if result is None:
        return None, size, note
    hot = result[(result["klass"] == style.HOT_FDR) & (result["n"] > 0)]
    hot = hot[["cx", "cy", "n", "z", "p_adj", "klass"]].astype({"cx": "int64", "cy": "int64"})
    return hot.reset_index(drop=True), size, None if len(hot) else NO_HOTSPOTS_SV


def map_data(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
             options: MapOptions = MapOptions()) -> MapData:
    """Read everything a map of ``f`` needs. Aggregation happens in DuckDB."""
    counts, extent = counts_and_extent(con, f)
    if extent is not None:
        extent = extent.padded(EXTENT_PAD_M)
    elif f.areas:
        extent = _areas_extent(con, f.areas)
    if extent is None:
        extent = _centre_extent()
    zoom = grid.zoom_for_extent(extent)
    limit = options.suppress_below
    data = MapData(filter=f, options=options, bounds=extent.wgs84_bounds(), zoom=zoom,
                   counts=counts, areas=marked_area_stats(con, f, limit),
                   count_marks=published.placement_marks(counts, limit))
    layers = set(options.layers)
    heat_cell = options.cell_size or grid.cell_size_for(extent, zoom)
    if "heat" in layers and counts["located"]:
        data.heat, data.heat_cell, data.heat_fine = _heat_levels(
            con, f, heat_cell, zoom, finer=options.cell_size is None,
            limit=options.suppress_below)
        heat_cell = data.heat_cell
    if "hotspots" in layers and counts["located"]:
        data.hotspots, data.hot_cell, data.hot_note = _hotspots(con, f, heat_cell)
    if "points" in layers and 0 < counts["located"] <= options.max_points:
        data.points = incident_points(con, f, options.max_points)
    if "measures" in layers:
        data.measures = measures(con, f.end, f.areas)
    return data


def _heat_frame(cells: pd.DataFrame, size: int, limit: int = 0) -> pd.DataFrame:
    """Heat cells as centres with a weight; with a suppression ``limit`` (the meeting
    role) only cells of at least ``limit`` incidents, their weights coarsened."""
    cells = grid.meeting_heat(cells, limit)
    lat, lon = grid.cell_centres_wgs84(cells["cx"], cells["cy"], size)
    weights = grid.heat_weights(cells["n"])
    return pd.DataFrame({"lat": np.round(lat, 5), "lon": np.round(lon, 5),
                         "n": cells["n"].to_numpy(),
                         "w": grid.coarse_weights(weights) if limit else weights})


#: With small counts suppressed and the cell size free, the heat uses the smallest cells
#: in which at least this share of the located incidents lie in cells that may be shown.
MEETING_HEAT_SHARE = 0.5


def _shown_share(cells: pd.DataFrame, limit: int) -> float:
    total = float(cells["n"].sum())
    return float(cells.loc[cells["n"] >= limit, "n"].sum()) / total if total else 1.0


def _heat_levels(con, f: IncidentFilter, cell: int, zoom: int, finer: bool, limit: int = 0
                 ) -> tuple[pd.DataFrame, int, list[tuple[int, int, pd.DataFrame]]]:
    """Heat cells at ``cell`` (or the next size up with at most
    :data:`~est_data.maps.grid.MAX_HEAT_CELLS` occupied), and, when ``finer``, one finer level
    (a quarter or half the size, at most :data:`MAX_FINE_CELLS`) for zooming in. One scan
    of the incidents for all sizes. With a suppression ``limit`` (see :func:`_heat_frame`)
    and a free size (``finer``), cells grow until :data:`MEETING_HEAT_SHARE` of the
    incidents can be shown: coarser cells rather than an empty map."""
    coarse = [s for s in grid.CELL_SIZES_M if s >= cell]
    fine = [s for s in grid.CELL_SIZES_M if cell / 4 <= s < cell] if finer else []
    levels = grid.cells_by_size(con, f, fine + (coarse if limit and finer else coarse[:3]))
    fits = [s for s in coarse[:3] if len(levels[s]) <= grid.MAX_HEAT_CELLS]
    if limit and finer:
        fits = [s for s in coarse if len(levels[s]) <= grid.MAX_HEAT_CELLS
                and _shown_share(levels[s], limit) >= MEETING_HEAT_SHARE] or fits
    size = fits[0] if fits else coarse[:3][-1]
    cells = levels[size]
    if len(cells) > grid.MAX_HEAT_CELLS:
        cells = cells.nlargest(grid.MAX_HEAT_CELLS, "n")
    out_fine = []
    for s in fine:
        if s < size and len(levels[s]) <= MAX_FINE_CELLS and (
                not limit or _shown_share(levels[s], limit) >= MEETING_HEAT_SHARE):
            out_fine = [(zoom + FINE_ZOOM_STEP, s, _heat_frame(levels[s], s, limit))]
            break
    return _heat_frame(cells, size, limit), size, out_fine


def _areas_extent(con, area_ids: tuple[str, ...]) -> grid.Extent | None:
    g = load_areas(con)
    g = g[g["area_id"].isin(area_ids)]
    if g.empty:
        return None
    x0, y0, x1, y1 = g.to_crs(CRS_SWEREF99TM).total_bounds
    return grid.Extent(x0, y0, x1, y1).padded(EXTENT_PAD_M)


def _centre_extent() -> grid.Extent:
    from est_data.areas.geometry import to_sweref

    x, y = to_sweref([CENTRE_LON], [CENTRE_LAT])
    return grid.Extent(x[0] - 3000, y[0] - 2000, x[0] + 3000, y[0] + 2000)
