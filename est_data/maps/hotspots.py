"""Getis-Ord Gi* hot spot analysis on points and grid cells.

The local Gi* statistic (Getis & Ord 1992; Ord & Getis 1995) asks, for every
location, whether the sum of the values in its neighbourhood (the location
itself included: the "star") is larger or smaller than expected if the values
were spread at random over all locations. It is the statistic behind ArcGIS
"Hot Spot Analysis" and pysal/esda ``G_Local(star=True)``.

This module needs only numpy/scipy: neighbours are found with
:class:`scipy.spatial.cKDTree` and the neighbourhood sums are sparse
accumulations, so 50 000 grid cells take a fraction of a second.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from scipy.stats import norm

__all__ = [
    "GiStarResult",
    "getis_ord_gi_star",
    "grid_hotspots",
    "classify_hotspots",
    "HOT_99",
    "HOT_95",
    "HOT_90",
    "NOT_SIGNIFICANT",
    "COLD_90",
    "COLD_95",
    "COLD_99",
    "HOTSPOT_CLASSES",
    "HOTSPOT_COLORS",
]

# Class labels (Swedish, shown in the UI), from hottest to coldest.
HOT_99 = "Signifikant het punkt (99 %)"
HOT_95 = "Signifikant het punkt (95 %)"
HOT_90 = "Signifikant het punkt (90 %)"
NOT_SIGNIFICANT = "Ej signifikant"
COLD_90 = "Signifikant kall punkt (90 %)"
COLD_95 = "Signifikant kall punkt (95 %)"
COLD_99 = "Signifikant kall punkt (99 %)"

#: Ordered labels, for legends and categorical dtypes.
HOTSPOT_CLASSES = [HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT, COLD_90, COLD_95, COLD_99]

#: Diverging colours (red = hot, blue = cold), the usual hot spot map scheme.
HOTSPOT_COLORS = {
    HOT_99: "#d7191c",
    HOT_95: "#f07c4a",
    HOT_90: "#fec980",
    NOT_SIGNIFICANT: "#f0f0f0",
    COLD_90: "#c7e6db",
    COLD_95: "#75b8d4",
    COLD_99: "#2c7bb6",
}

# Relative tolerance on the distance band, so that neighbours lying exactly on
# the band (e.g. grid cells one cell size apart) are not lost to rounding.
_BAND_RTOL = 1e-9


class GiStarResult(NamedTuple):
    """z-scores and p-values of :func:`getis_ord_gi_star` (unpacks as a pair)."""

    z: np.ndarray
    p: np.ndarray


def _neighbour_sums(
    coords: np.ndarray, y: np.ndarray, band: float
) -> tuple[np.ndarray, np.ndarray]:
    """Sum of ``y`` and count of points within ``band``, each point included."""
    n = len(y)
    tree = cKDTree(coords)
    pairs = tree.query_pairs(band * (1.0 + _BAND_RTOL), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    lag = y + np.bincount(i, weights=y[j], minlength=n)
    lag += np.bincount(j, weights=y[i], minlength=n)
    card = 1 + np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    return lag, card.astype(float)


def _p_values(z: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "two-sided":
        return 2.0 * norm.sf(np.abs(z))
    if alternative == "greater":
        return norm.sf(z)
    if alternative == "less":
        return norm.cdf(z)
    raise ValueError(
        f"alternative must be 'two-sided', 'greater' or 'less', not {alternative!r}"
    )


def getis_ord_gi_star(
    coords,
    values,
    distance_band: float,
    binary: bool = True,
    alternative: Literal["two-sided", "greater", "less"] = "two-sided",
) -> GiStarResult:
    r"""Local Getis-Ord Gi* z-scores with distance-band weights.

    For location :math:`i` with distance-band weights :math:`w_{ij}`
    (:math:`w_{ii}` included: the "star" version), the standardised Gi*
    statistic (Ord & Getis 1995, eq. 14, with the star moments) is

    .. math::

        G_i^* = \frac{\sum_j w_{ij} x_j - \bar{x} W_i^*}
                     {s \sqrt{\dfrac{n S_{1i}^* - W_i^{*2}}{n - 1}}},
        \qquad
        W_i^* = \sum_j w_{ij}, \quad S_{1i}^* = \sum_j w_{ij}^2,

    where the sums run over all :math:`n` locations including :math:`i`,
    :math:`\bar{x}` is the mean of all values and
    :math:`s^2 = \frac{1}{n}\sum_j x_j^2 - \bar{x}^2` their population
    variance. With binary weights (:math:`w_{ij} = 1` if
    :math:`d_{ij} \le` ``distance_band``, else 0, and :math:`w_{ii} = 1`),
    :math:`S_{1i}^* = W_i^*` = the number of locations in the band, and the
    denominator becomes :math:`s\sqrt{W_i^*(n - W_i^*)/(n-1)}`. Under the
    null hypothesis (values randomly permuted over locations) :math:`G_i^*` is
    approximately standard normal; large positive values mark hot spots,
    large negative values cold spots.

    This reproduces pysal/esda ``G_Local(y, DistanceBand(coords, threshold),
    transform='B', star=True).Zs``.

    Parameters
    ----------
    coords : array_like, shape (n, 2)
        Projected coordinates in metres (e.g. SWEREF 99 TM). Distances are
        Euclidean: do not pass longitude/latitude.
    values : array_like, shape (n,)
        The variable (e.g. number of events per grid cell). Must be finite.
    distance_band : float
        Neighbourhood radius in the units of ``coords``; points with distance
        ``<= distance_band`` are neighbours (a relative tolerance of 1e-9
        protects points exactly on the band from rounding).
    binary : bool, default True
        True: binary weights (esda ``transform='B'``), the standard choice for
        hot spot maps. False: row-standardised weights (esda
        ``transform='R'``, self-weight 1 before standardising). esda then uses
        the variance :math:`W_i(n - W_i)/(n-1)` with :math:`W_i = 1`, so the
        z-score reduces to (local mean - overall mean) / s and ignores how many
        neighbours it averages over; offered only for comparison with esda.
    alternative : {'two-sided', 'greater', 'less'}, default 'two-sided'
        Normal-approximation p-values: ``'two-sided'`` is
        :math:`2\,(1 - \Phi(|z|))` (hot *or* cold, as in ArcGIS); ``'greater'``
        tests for hot spots only, :math:`1 - \Phi(z)`; ``'less'`` for cold
        spots only, :math:`\Phi(z)`. Note: esda's ``p_norm`` is
        :math:`1 - \Phi(|z|)`, i.e. half the two-sided value.

    Returns
    -------
    GiStarResult
        Named tuple ``(z, p)`` of float arrays of shape (n,). Where the
        statistic is undefined (all values equal, so :math:`s = 0`; or a
        location whose band covers every location, so the denominator is 0)
        ``z`` is 0 and ``p`` is 1 (two-sided) / 0.5 (one-sided): nothing can
        be significant there.

    Notes
    -----
    Neighbour pairs come from :meth:`scipy.spatial.cKDTree.query_pairs`;
    memory grows with the number of pairs, about ``n * pi * (band / cell)**2
    / 2`` on a regular grid. The p-values are per location and not adjusted
    for multiple testing (see ``fdr`` in :func:`grid_hotspots`); they also
    assume the normal approximation, which is poor when a band holds only a
    few locations or the values are very skewed (Ord & Getis 1995 advise at
    least ~8 neighbours).

    References
    ----------
    .. [1] Getis, A. and Ord, J. K. (1992). The analysis of spatial
       association by use of distance statistics. *Geographical Analysis*
       24(3), 189-206. https://doi.org/10.1111/j.1538-4632.1992.tb00261.x
    .. [2] Ord, J. K. and Getis, A. (1995). Local spatial autocorrelation
       statistics: distributional issues and an application. *Geographical
       Analysis* 27(4), 286-306.
       https://doi.org/10.1111/j.1538-4632.1995.tb00912.x
    .. [3] pysal/esda, ``esda.getisord.G_Local``.

    Examples
    --------
    >>> pts = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
    >>> z, p = getis_ord_gi_star(pts, [2, 3, 3.2, 5, 8, 7], distance_band=15)
    >>> z.round(4)
    array([-1.3973, -0.2892,  0.6506, -0.2892,  1.2345,  2.0242])
    """
    xy = np.asarray(coords, dtype=float)
    y = np.asarray(values, dtype=float).ravel()
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"coords must have shape (n, 2), got {xy.shape}")
    if len(xy) != len(y):
        raise ValueError(f"{len(xy)} coordinates but {len(y)} values")
    if not (np.isfinite(xy).all() and np.isfinite(y).all()):
        raise ValueError("coords and values must be finite (no NaN/inf)")
    if not np.isfinite(distance_band) or distance_band < 0:
        raise ValueError(f"distance_band must be >= 0, got {distance_band}")
    # Validate `alternative` before the (possibly long) computation.
    _p_values(np.zeros(0), alternative)

    n = len(y)
    if n == 0:
        return GiStarResult(np.zeros(0), np.zeros(0))

    lag, card = _neighbour_sums(xy, y, float(distance_band))
    if binary:
        wy, w_sum = lag, card
    else:
        # Row-standardised: w_ij = 1 / card_i, so the row sum W_i is 1.
        wy, w_sum = lag / card, np.ones(n)

    mean = y.mean()
    # Population variance via E[x^2] - E[x]^2 (as esda); clip rounding noise.
    var = max(float(np.mean(y * y) - mean * mean), 0.0)
    scale = max(float(np.mean(np.abs(y))), np.finfo(float).tiny)
    z = np.zeros(n)
    if n > 1 and var > (1e-12 * scale) ** 2:
        denom = np.sqrt(var * w_sum * (n - w_sum) / (n - 1))
        ok = denom > 1e-12 * np.sqrt(var)
        z[ok] = (wy[ok] - mean * w_sum[ok]) / denom[ok]
    p = _p_values(z, alternative)
    return GiStarResult(z, p)


def classify_hotspots(z, p) -> np.ndarray:
    """Swedish hot/cold spot class per location from z and two-sided p.

    Confidence levels as in ArcGIS "Hot Spot Analysis": 99 % if p <= 0.01,
    95 % if p <= 0.05, 90 % if p <= 0.10 (p two-sided, i.e. |z| >= 2.576,
    1.960, 1.645); the sign of z decides hot (positive) or cold (negative).

    Returns
    -------
    numpy.ndarray of str
        One of :data:`HOTSPOT_CLASSES` per location.
    """
    z = np.asarray(z, dtype=float)
    p = np.asarray(p, dtype=float)
    hot = z > 0
    cold = z < 0
    conditions = [
        hot & (p <= 0.01),
        hot & (p <= 0.05),
        hot & (p <= 0.10),
        cold & (p <= 0.01),
        cold & (p <= 0.05),
        cold & (p <= 0.10),
    ]
    choices = [HOT_99, HOT_95, HOT_90, COLD_99, COLD_95, COLD_90]
    return np.select(conditions, choices, default=NOT_SIGNIFICANT).astype(object)


def _bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate)."""
    n = len(p)
    if n == 0:
        return p.copy()
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(ranked, 1.0)
    return out


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


def grid_hotspots(
    cells_df: pd.DataFrame,
    cell_size: float,
    distance_band: float | None = None,
    *,
    coords: Literal["auto", "index", "metres"] = "auto",
    fill_zeros: bool = True,
    max_cells: int = 2_000_000,
    fdr: bool = False,
    x_col: str = "cx",
    y_col: str = "cy",
    value_col: str = "n",
) -> pd.DataFrame:
    """Gi* hot spots of counts on a regular square grid.

    Parameters
    ----------
    cells_df : pandas.DataFrame
        One row per grid cell with columns ``cx``, ``cy`` (integer cell
        indices, e.g. ``floor(x / cell_size)``, or cell centre coordinates in
        metres, SWEREF 99 TM) and ``n`` (count, e.g. events in the cell).
        Duplicate cells are summed. Other columns are kept.
    cell_size : float
        Cell side in metres.
    distance_band : float, optional
        Neighbourhood radius in metres (distance between cell centres,
        ``<=``). Default ``1.5 * cell_size``: the cell and its 8 surrounding
        cells (queen neighbours, 3x3 window). Wider bands (e.g. 3-5 cells)
        give smoother, larger hot spots and a better normal approximation.
    coords : {'auto', 'index', 'metres'}, default 'auto'
        How to read ``cx``/``cy``. ``'auto'`` treats them as metres when all
        offsets between cells are whole multiples of ``cell_size`` (see
        ``_looks_like_metres``); pass it explicitly when you know.
    fill_zeros : bool, default True
        Add the cells with no events inside the bounding rectangle of the
        given cells, with ``n = 0``. See Notes.
    max_cells : int, default 2 000 000
        Refuse (ValueError) to analyse more cells than this after filling,
        e.g. when two far-apart events span a huge empty rectangle.
    fdr : bool, default False
        If True, classify on Benjamini-Hochberg adjusted p-values (column
        ``p_adj``), controlling the false discovery rate over all cells, like
        ArcGIS's "Apply False Discovery Rate (FDR) Correction". With 50 000
        cells, ~10 % of them are "significant at 90 %" by chance alone
        without it.
    x_col, y_col, value_col : str
        Column names, if not ``cx``/``cy``/``n``.

    Returns
    -------
    pandas.DataFrame
        The analysed cells (the input rows, aggregated per cell, then the
        added zero cells), sorted by ``cy``, ``cx``, with the input columns
        (``n`` 0 for added cells, other columns missing there) plus:

        - ``x``, ``y``: cell centre in metres,
        - ``filled``: True for cells added by ``fill_zeros``,
        - ``z``, ``p``: Gi* z-score and two-sided p-value,
        - ``p_adj``: only if ``fdr=True``,
        - ``klass``: Swedish label, one of :data:`HOTSPOT_CLASSES`
          (categorical in that order).

    Notes
    -----
    Why zero cells are included: a grid built from event data only contains
    cells that have events. Gi* compares each neighbourhood with the mean and
    variance of *all* analysed cells; if the empty cells are missing, the
    reference is "cells where something happened", the mean is inflated, and
    a busy street can come out as *not* hot because its quiet surroundings
    are simply absent, while cells at the edge of an empty area have too few
    neighbours. Filling the zeros inside the bounding rectangle makes the null
    hypothesis "events spread at random over the study area". The rectangle is
    the smallest extent that contains the data without inventing a study area;
    it does include empty land or water inside it, which lowers the mean and
    makes hot spots easier to reach. If a better study area is known (a
    municipality or a police area), build the full set of cells inside it,
    with zeros, and pass ``fill_zeros=False``.
    """
    if cell_size <= 0 or not np.isfinite(cell_size):
        raise ValueError(f"cell_size must be > 0, got {cell_size}")
    for col in (x_col, y_col, value_col):
        if col not in cells_df.columns:
            raise KeyError(f"cells_df has no column {col!r}")
    if coords not in ("auto", "index", "metres"):
        raise ValueError(f"coords must be 'auto', 'index' or 'metres', not {coords!r}")
    band = 1.5 * cell_size if distance_band is None else float(distance_band)

    df = cells_df.copy()
    value_dtype = df[value_col].dtype
    df[value_col] = pd.to_numeric(df[value_col])
    if df[value_col].isna().any():
        raise ValueError(f"column {value_col!r} has missing values")
    cx = df[x_col].to_numpy(dtype=float)
    cy = df[y_col].to_numpy(dtype=float)
    if not (np.isfinite(cx).all() and np.isfinite(cy).all()):
        raise ValueError("cell coordinates must be finite")

    if coords == "auto":
        in_metres = len(df) > 0 and _looks_like_metres(cx, cy, cell_size)
    else:
        in_metres = coords == "metres"

    # Integer cell index relative to the grid origin.
    if in_metres:
        origin_x = cx.min() if len(cx) else 0.0
        origin_y = cy.min() if len(cy) else 0.0
        ix = np.round((cx - origin_x) / cell_size).astype(np.int64)
        iy = np.round((cy - origin_y) / cell_size).astype(np.int64)
        if not (
            np.allclose(ix * cell_size + origin_x, cx, atol=1e-6 * cell_size)
            and np.allclose(iy * cell_size + origin_y, cy, atol=1e-6 * cell_size)
        ):
            raise ValueError("cell centres are not on a grid of spacing cell_size")
    else:
        if not (np.allclose(cx, np.round(cx)) and np.allclose(cy, np.round(cy))):
            raise ValueError("cell indices must be whole numbers (or pass coords='metres')")
        origin_x = origin_y = 0.0
        ix = np.round(cx).astype(np.int64)
        iy = np.round(cy).astype(np.int64)
    df["_ix"], df["_iy"] = ix, iy

    # One row per cell: sum duplicates, keep the first value of other columns.
    if df.duplicated(["_ix", "_iy"]).any():
        agg = {c: "first" for c in df.columns if c not in ("_ix", "_iy")}
        agg[value_col] = "sum"
        df = df.groupby(["_ix", "_iy"], as_index=False, sort=False).agg(agg)
    df["filled"] = False

    if fill_zeros and len(df):
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
        missing = ~present
        if missing.any():
            mx, my = gx[missing], gy[missing]
            if in_metres:
                add_cx, add_cy = mx * cell_size + origin_x, my * cell_size + origin_y
            else:
                add_cx, add_cy = mx, my
            extra = pd.DataFrame(
                {
                    x_col: add_cx,
                    y_col: add_cy,
                    value_col: 0,
                    "_ix": mx,
                    "_iy": my,
                    "filled": True,
                }
            )
            # Keep the input dtypes of the coordinate columns where possible.
            for col in (x_col, y_col):
                try:
                    extra[col] = extra[col].astype(df[col].dtype)
                except (TypeError, ValueError):
                    pass
            df = pd.concat([df, extra], ignore_index=True)
    elif len(df) > max_cells:
        raise ValueError(f"{len(df):,} cells > max_cells={max_cells:,}")
    if pd.api.types.is_integer_dtype(value_dtype):
        df[value_col] = df[value_col].astype(value_dtype)

    # Cell centres in metres. For index input the centre of cell k is
    # (k + 0.5) * cell_size; for metre input the given centres.
    if in_metres:
        df["x"] = df["_ix"].to_numpy() * cell_size + origin_x
        df["y"] = df["_iy"].to_numpy() * cell_size + origin_y
    else:
        df["x"] = (df["_ix"].to_numpy() + 0.5) * cell_size
        df["y"] = (df["_iy"].to_numpy() + 0.5) * cell_size

    # Distances on integer indices (exact), band converted to cells.
    idx = np.column_stack([df["_ix"].to_numpy(), df["_iy"].to_numpy()]).astype(float)
    z, p = getis_ord_gi_star(
        idx, df[value_col].to_numpy(dtype=float), band / cell_size
    )
    df["z"], df["p"] = z, p
    p_class = p
    if fdr:
        df["p_adj"] = p_class = _bh_adjust(p)
    df["klass"] = pd.Categorical(
        classify_hotspots(z, p_class), categories=HOTSPOT_CLASSES, ordered=True
    )
    df = df.sort_values(["_iy", "_ix"], kind="stable").drop(columns=["_ix", "_iy"])
    return df.reset_index(drop=True)
