"""The heat cells a map's page holds (the folium script), and how many incidents each
stands for: shared by the meeting role's walk (AppTest) and the browser test of the
map's page source."""
from __future__ import annotations

import json
import re

import numpy as np

from est_data.areas.geometry import to_sweref
from est_data.core.filters import IncidentFilter
from est_data.maps import grid


def heat_levels(script: str) -> list[list[list[float]]]:
    """The heat cells a map's page holds, per level: each heat layer's own cells and
    each finer level's (for closer zooms), as ``[lat, lon, weight]``."""
    levels = [json.loads(m.group(1))
              for m in re.finditer(r"L\.heatLayer\(\s*(\[\[.*?\]\])\s*,", script, re.S)]
    for m in re.finditer(r"\.concat\((\[\{.*?\}\])\);", script, re.S):
        levels += [level["data"] for level in json.loads(m.group(1))]
    return levels


def heat_points(script: str) -> list[list[float]]:
    return [p for level in heat_levels(script) for p in level]


def _cell_size(x: np.ndarray, y: np.ndarray) -> int | None:
    """The largest grid size whose cell centres every point lies on (within 2 m)."""
    for size in sorted(grid.CELL_SIZES_M, reverse=True):
        fx, fy = x / size - 0.5, y / size - 0.5
        if (np.abs(fx - np.round(fx)) * size < 2).all() and (np.abs(fy - np.round(fy)) * size < 2).all():
            return size
    return None


def heat_cell_counts(con, f: IncidentFilter, script: str) -> list[tuple[list[float], int]]:
    """Each heat point of the page with the number of incidents of ``f`` in the grid cell
    it stands for (-1 when no cell size fits the level)."""
    out = []
    for level in heat_levels(script):
        if not level:
            continue
        x, y = (np.asarray(v) for v in to_sweref([p[1] for p in level], [p[0] for p in level]))
        size = _cell_size(x, y)
        if size is None:
            out += [(p, -1) for p in level]
            continue
        counts = grid.grid_cells(con, f, size).set_index(["cx", "cy"])["n"].to_dict()
        out += [(p, counts.get((int(np.floor(px / size)), int(np.floor(py / size))), 0))
                for p, px, py in zip(level, x, y)]
    return out
