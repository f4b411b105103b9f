"""Hot spots of a filter as data: the grid analysis the map draws, and the significant
cells as a GeoJSON FeatureCollection in WGS84 (``python -m est_data hotspots``, QGIS).

The cell size is the map's when none is given: the smallest of
:data:`~est_data.maps.grid.CELL_SIZES_M` from ``min_cell`` up whose bounding rectangle
stays within :data:`~est_data.maps.grid.MAX_HOTSPOT_CELLS` cells.
"""
from __future__ import annotations

import math

import duckdb
import pandas as pd

from est_data.core.errors import UserError
from est_data.core.filters import IncidentFilter
from est_data.maps import grid, style

#: Gi* cells are at least this large: smaller cells hold too few events to test.
MIN_HOTSPOT_CELL_M = 100
#: The fewest occupied cells worth an analysis.
MIN_OCCUPIED_CELLS = 9
TOO_FEW_SV = "För få händelser med plats för att söka heta punkter."
TOO_SPREAD_SV = "Händelserna är för utspridda för en analys av heta punkter."


def hotspot_analysis(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                     sizes: list[int]) -> tuple[pd.DataFrame | None, int | None, str | None]:
    """Every analysed cell (``grid_hotspots`` with the exact test) at the first of
    ``sizes`` whose rectangle fits, with that size; or None, the size and why not."""
    # Imported here: scipy takes about a second to import, and most maps have no hot spots.
    from est_data.maps.hotspot_grid import HotspotOptions, grid_hotspots

    for size in sizes:
        cells = grid.grid_cells(con, f, size)
        if len(cells) < MIN_OCCUPIED_CELLS:
            return None, size, TOO_FEW_SV
        span = (cells["cx"].max() - cells["cx"].min() + 1) * (cells["cy"].max() - cells["cy"].min() + 1)
        if span > grid.MAX_HOTSPOT_CELLS:
            continue
        return grid_hotspots(cells, size, HotspotOptions(coords="index")), size, None
    return None, None, TOO_SPREAD_SV


def map_sizes(min_cell: int = MIN_HOTSPOT_CELL_M) -> list[int]:
    """The cell sizes the map tries, smallest first."""
    return [s for s in grid.CELL_SIZES_M if s >= min_cell]


def hotspot_features(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                     cell: int | None = None) -> dict:
    """The significant cells (hot and cold) of ``f`` as a GeoJSON FeatureCollection:
    polygons in WGS84, properties ``kind`` ("hot"/"cold"), ``count`` (events in the
    cell), ``z`` (Gi*, for display) and ``p_adj`` (Benjamini-Hochberg over the tested
    cells). Foreign members say how: ``cell_m``, ``fdr``, ``min_events``, ``tested``
    (cells tested) and ``note`` (why there was nothing to test, else null)."""
    if f.start > f.end:
        raise UserError(f"--from {f.start} is after --to {f.end}",
                        f"Startdatumet {f.start} ligger efter slutdatumet {f.end}.")
    if cell is not None and (not math.isfinite(cell) or cell <= 0):
        raise UserError(f"--cell must be a positive number of metres, not {cell}",
                        f"Rutstorleken måste vara ett positivt antal meter, inte {cell}.")
    result, size, note = hotspot_analysis(con, f, [int(cell)] if cell else map_sizes())
    if result is None and note == TOO_SPREAD_SV:
        raise UserError(
            f"the incidents span more than {grid.MAX_HOTSPOT_CELLS:,} cells"
            + (f" of {int(cell)} m; use a larger --cell" if cell else ""), note)
    fc = {"type": "FeatureCollection", "cell_m": size, "fdr": style.HOTSPOT_FDR,
          "min_events": style.MIN_NEIGHBOURHOOD_EVENTS, "tested": 0, "note": note,
          "features": []}
    if result is None:
        return fc
    fc["tested"] = int(result["tested"].sum())
    sig = result[result["klass"].isin((style.HOT_FDR, style.COLD_FDR))].reset_index(drop=True)
    rings = grid.cell_rings_wgs84(sig["cx"], sig["cy"], size)
    for ring, r in zip(rings, sig.itertuples()):
        fc["features"].append({
            "type": "Feature",
            "properties": {"kind": "hot" if r.klass == style.HOT_FDR else "cold",
                           "count": int(r.n), "z": round(float(r.z), 3),
                           "p_adj": float(r.p_adj)},
            "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return fc


def summary_line(fc: dict) -> str:
    """One English line on a :func:`hotspot_features` result (the CLI without --json)."""
    if fc["note"]:
        return f"no hot spots tested: {fc['note']}"
    kinds = [feat["properties"]["kind"] for feat in fc["features"]]
    return (f"{kinds.count('hot')} hot and {kinds.count('cold')} cold cells of {fc['cell_m']} m "
            f"(FDR {fc['fdr']:.0%} over {fc['tested']} tested cells; cells with fewer than "
            f"{fc['min_events']} events in their neighbourhood are not tested)")
