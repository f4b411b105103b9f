"""Gi* hot spots of counts on a regular square grid: index the cells, fill in the
empty ones, compute the statistic (:mod:`est_data.maps.hotspots`), place the centres.

Why a grid's zero cells are included
------------------------------------
A grid built from event data only contains cells that have events. Gi*
compares each neighbourhood with the mean and variance of *all* analysed
cells; if the empty cells are missing, the reference is "cells where something
happened", the mean is inflated, and a busy street can come out as *not* hot
because its quiet surroundings are simply absent, while cells at the edge of an
empty area have too few neighbours. Filling the zeros inside the bounding
rectangle makes the null hypothesis "events spread at random over the study
area". The rectangle is the smallest extent that contains the data without
inventing a study area; it does include empty land or water inside it, which
lowers the mean and makes hot spots easier to reach. If a better study area is
known (a municipality or a police area), build the full set of cells inside it,
with zeros, and pass ``fill_zeros=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from est_data.maps import style
from est_data.maps.gi_exact import MIN_NEIGHBOURHOOD_EVENTS, exact_gi_test
from est_data.maps.hotspots import (
    _neighbour_sums, _standardised, bh_adjust, classify_hotspots, getis_ord_gi_star)

__all__ = ["HotspotOptions", "grid_hotspots"]

#: The columns of a grid: integer cell index (or centre in metres) and the count.
X_COL, Y_COL, VALUE_COL = "cx", "cy", "n"


def _looks_like_metres(cx: np.ndarray, cy: np.ndarray, cell_size: float) -> bool:
    """Heuristic for ``coords='auto'``: are (cx, cy) centres in metres?

    Metres if every offset from the minimum is a whole multiple of
    ``cell_size`` and at least one offset is non-zero, or if the values are
    not whole numbers. Index data (neighbouring cells differ by 1) fails the
    first test as soon as two cells are adjacent.
    """
    off = np.concatenate([cx - cx.min(), cy - cy.min()])
    if not np.allclose(off, np.round(off)):
        return True
    if cell_size == 1 or not np.any(off):
        return False
    steps = off / cell_size
    return bool(np.allclose(steps, np.round(steps), rtol=0, atol=1e-6))


@dataclass(frozen=True)
class HotspotOptions:
    """How :func:`grid_hotspots` reads and completes a grid.

    ``distance_band``: neighbourhood radius in metres (distance between cell
    centres, ``<=``); None means ``1.5 * cell_size``, the cell and its 8
    surrounding cells (queen neighbours, 3x3 window). Wider bands (3-5 cells) give
    smoother, larger hot spots and a better normal approximation.

    ``coords``: how to read ``cx``/``cy``. ``'auto'`` treats them as metres when all
    offsets between cells are whole multiples of ``cell_size`` (see
    ``_looks_like_metres``); pass ``'index'`` or ``'metres'`` when you know.

    ``fill_zeros``: add the cells with no events inside the bounding rectangle of
    the given cells, with ``n = 0`` (why: the module docstring).

    ``max_cells``: refuse (ValueError) to analyse more cells than this after
    filling, e.g. when two far-apart events span a huge empty rectangle.

    ``inference``: ``'exact'`` (the default, what the maps use) tests each cell's
    neighbourhood count against its exact randomisation distribution, only where the
    neighbourhood holds at least ``min_events`` events, with Benjamini-Hochberg at
    :data:`~est_data.maps.style.HOTSPOT_FDR` over the tested cells
    (:mod:`est_data.maps.gi_exact`); classes :data:`~est_data.maps.style.HOTSPOT_FDR_CLASSES`.
    ``'normal'`` is the textbook normal approximation (ArcGIS), classes
    :data:`~est_data.maps.style.HOTSPOT_CLASSES`: on sparse grids of counts it flags
    noise on almost every map (bench/SIM_HOTSPOTS.md); kept for comparison.

    ``fdr`` (normal only): classify on Benjamini-Hochberg adjusted p-values (column
    ``p_adj``), controlling the false discovery rate over all cells, like ArcGIS's
    "Apply False Discovery Rate (FDR) Correction". The exact test always applies it.
    """

    distance_band: float | None = None
    coords: Literal["auto", "index", "metres"] = "auto"
    fill_zeros: bool = True
    max_cells: int = 2_000_000
    fdr: bool = False
    inference: Literal["exact", "normal"] = "exact"
    min_events: int = MIN_NEIGHBOURHOOD_EVENTS


class _Grid(NamedTuple):
    """How cell indices relate to the caller's ``cx``/``cy``: the cell side and, for
    centres in metres, the centre of cell (0, 0)."""

    cell_size: float
    in_metres: bool
    origin_x: float = 0.0
    origin_y: float = 0.0

    def centres(self, ix: np.ndarray, iy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell centres in metres. For index input the centre of cell k is
        (k + 0.5) * cell_size; for metre input the given centres."""
        if self.in_metres:
            return self.given(ix, iy)
        return (ix + 0.5) * self.cell_size, (iy + 0.5) * self.cell_size

    def given(self, ix: np.ndarray, iy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``cx``/``cy`` in the caller's units (metres or indices) of cells by index."""
        if self.in_metres:
            return ix * self.cell_size + self.origin_x, iy * self.cell_size + self.origin_y
        return ix, iy


def _checked_copy(cells_df: pd.DataFrame, cell_size: float, coords: str) -> pd.DataFrame:
    """A copy of the cells with a numeric count, after checking the arguments."""
    if cell_size <= 0 or not np.isfinite(cell_size):
        raise ValueError(f"cell_size must be > 0, got {cell_size}")
    for col in (X_COL, Y_COL, VALUE_COL):
        if col not in cells_df.columns:
            raise KeyError(f"cells_df has no column {col!r}")
    if coords not in ("auto", "index", "metres"):
        raise ValueError(f"coords must be 'auto', 'index' or 'metres', not {coords!r}")
    df = cells_df.copy()
    df[VALUE_COL] = pd.to_numeric(df[VALUE_COL])
    if df[VALUE_COL].isna().any():
        raise ValueError(f"column {VALUE_COL!r} has missing values")
    return df


def _index_cells(df: pd.DataFrame, cell_size: float, coords: str) -> _Grid:
    """Add the integer cell index (``_ix``, ``_iy``) relative to the grid origin."""
    cx = df[X_COL].to_numpy(dtype=float)
    cy = df[Y_COL].to_numpy(dtype=float)
    if not (np.isfinite(cx).all() and np.isfinite(cy).all()):
        raise ValueError("cell coordinates must be finite")
    if coords == "auto":
        in_metres = len(df) > 0 and _looks_like_metres(cx, cy, cell_size)
    else:
        in_metres = coords == "metres"
    if in_metres:
        grid = _Grid(cell_size, True, cx.min() if len(cx) else 0.0, cy.min() if len(cy) else 0.0)
        ix = np.round((cx - grid.origin_x) / cell_size).astype(np.int64)
        iy = np.round((cy - grid.origin_y) / cell_size).astype(np.int64)
        if not (
            np.allclose(ix * cell_size + grid.origin_x, cx, atol=1e-6 * cell_size)
            and np.allclose(iy * cell_size + grid.origin_y, cy, atol=1e-6 * cell_size)
        ):
            raise ValueError("cell centres are not on a grid of spacing cell_size")
    else:
        if not (np.allclose(cx, np.round(cx)) and np.allclose(cy, np.round(cy))):
            raise ValueError("cell indices must be whole numbers (or pass coords='metres')")
        grid = _Grid(cell_size, False)
        ix = np.round(cx).astype(np.int64)
        iy = np.round(cy).astype(np.int64)
    df["_ix"], df["_iy"] = ix, iy
    return grid


def _one_row_per_cell(df: pd.DataFrame) -> pd.DataFrame:
    """Sum the counts of duplicate cells, keeping the first value of other columns."""
    if df.duplicated(["_ix", "_iy"]).any():
        agg = {c: "first" for c in df.columns if c not in ("_ix", "_iy")}
        agg[VALUE_COL] = "sum"
        df = df.groupby(["_ix", "_iy"], as_index=False, sort=False).agg(agg)
    df["filled"] = False
    return df


def _missing_cells(df: pd.DataFrame, max_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the empty cells inside the bounding rectangle of ``df``'s cells."""
    x0, x1 = int(df["_ix"].min()), int(df["_ix"].max())
    y0, y1 = int(df["_iy"].min()), int(df["_iy"].max())
    total = (x1 - x0 + 1) * (y1 - y0 + 1)
    if total > max_cells:
        raise ValueError(
            f"bounding rectangle holds {total:,} cells (> max_cells={max_cells:,}); "
            "use larger cells, a smaller area, or fill_zeros=False with your own "
            "study-area cells"
        )
    gx, gy = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1))
    gx, gy = gx.ravel(), gy.ravel()
    width = x1 - x0 + 1
    present = np.zeros(total, dtype=bool)
    present[(df["_iy"].to_numpy() - y0) * width + (df["_ix"].to_numpy() - x0)] = True
    return gx[~present], gy[~present]


def _fill_zeros(df: pd.DataFrame, grid: _Grid, max_cells: int) -> pd.DataFrame:
    """Add the empty cells of the bounding rectangle with ``n = 0``, ``filled`` True."""
    mx, my = _missing_cells(df, max_cells)
    if not len(mx):
        return df
    add_cx, add_cy = grid.given(mx, my)
    extra = pd.DataFrame(
        {X_COL: add_cx, Y_COL: add_cy, VALUE_COL: 0, "_ix": mx, "_iy": my, "filled": True}
    )
    # Keep the input dtypes of the coordinate columns where possible.
    for col in (X_COL, Y_COL):
        try:
            extra[col] = extra[col].astype(df[col].dtype)
        except (TypeError, ValueError):
            pass
    return pd.concat([df, extra], ignore_index=True)


def _add_exact(df: pd.DataFrame, idx: np.ndarray, band_cells: float, min_events: int) -> None:
    """Gi* ``z`` (for display), neighbourhood ``events``, ``tested``, the exact selective
    ``p``, ``p_adj`` (BH over the tested cells; NaN where untested) and the class."""
    y = df[VALUE_COL].to_numpy(dtype=float)
    lag, card = _neighbour_sums(idx, y, band_cells)
    df["z"] = _standardised(y, lag, card)
    res = exact_gi_test(y, lag, card, min_events)
    df["events"], df["tested"], df["p"], df["p_adj"] = res.s, res.tested, res.p, res.p_adj
    sig = res.tested & (res.p_adj <= style.HOTSPOT_FDR)
    klass = np.select([sig & (res.sign > 0), sig & (res.sign < 0), res.tested],
                      [style.HOT_FDR, style.COLD_FDR, style.NOT_SIGNIFICANT], style.NOT_TESTED)
    df["klass"] = pd.Categorical(klass, categories=style.HOTSPOT_FDR_CLASSES, ordered=True)


def _add_statistic(df: pd.DataFrame, band_cells: float, options: HotspotOptions) -> None:
    """The statistic and the class per cell (exact: :func:`_add_exact`; normal: Gi*
    ``z`` and two-sided ``p``, ``p_adj`` with ``fdr``).

    Distances are taken on the integer indices (exact), with the band in cells.
    """
    idx = np.column_stack([df["_ix"].to_numpy(), df["_iy"].to_numpy()]).astype(float)
    if options.inference == "exact":
        _add_exact(df, idx, band_cells, options.min_events)
        return
    if options.inference != "normal":
        raise ValueError(f"inference must be 'exact' or 'normal', not {options.inference!r}")
    fdr = options.fdr
    z, p = getis_ord_gi_star(idx, df[VALUE_COL].to_numpy(dtype=float), band_cells)
    df["z"], df["p"] = z, p
    p_class = p
    if fdr:
        df["p_adj"] = p_class = bh_adjust(p)
    df["klass"] = pd.Categorical(
        classify_hotspots(z, p_class), categories=style.HOTSPOT_CLASSES, ordered=True
    )


def grid_hotspots(
    cells_df: pd.DataFrame, cell_size: float, options: HotspotOptions = HotspotOptions()
) -> pd.DataFrame:
    """Gi* hot spots of counts on a regular square grid of side ``cell_size`` metres.

    ``cells_df`` has one row per grid cell with columns ``cx``, ``cy`` (integer cell
    indices, e.g. ``floor(x / cell_size)``, or cell centres in metres, SWEREF 99
    TM) and ``n`` (count, e.g. events in the cell). Duplicate cells are summed;
    other columns are kept. ``options``: see :class:`HotspotOptions`.

    Returns the analysed cells (the input rows, aggregated per cell, then the added
    zero cells), sorted by ``cy``, ``cx``, with the input columns (``n`` 0 for
    added cells, other columns missing there) plus ``x``, ``y`` (cell centre in
    metres), ``filled`` (True for added cells), ``z``, ``p`` (Gi* z-score and
    two-sided p-value), ``p_adj`` (exact, or normal with ``fdr``), with the exact test
    ``events`` (in the neighbourhood) and ``tested``, and ``klass`` (Swedish label,
    categorical in the order of the classes of the inference: see ``inference``).
    """
    df = _checked_copy(cells_df, cell_size, options.coords)
    band = 1.5 * cell_size if options.distance_band is None else float(options.distance_band)
    value_dtype = cells_df[VALUE_COL].dtype
    grid = _index_cells(df, cell_size, options.coords)
    df = _one_row_per_cell(df)
    if options.fill_zeros and len(df):
        df = _fill_zeros(df, grid, options.max_cells)
    elif len(df) > options.max_cells:
        raise ValueError(f"{len(df):,} cells > max_cells={options.max_cells:,}")
    if pd.api.types.is_integer_dtype(value_dtype):
        df[VALUE_COL] = df[VALUE_COL].astype(value_dtype)
    df["x"], df["y"] = grid.centres(df["_ix"].to_numpy(), df["_iy"].to_numpy())
    _add_statistic(df, band / cell_size, options)
    df = df.sort_values(["_iy", "_ix"], kind="stable").drop(columns=["_ix", "_iy"])
    return df.reset_index(drop=True)
