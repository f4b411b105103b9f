r"""Getis-Ord Gi* hot spot analysis on points: the pure statistic.

The local Gi* statistic (Getis & Ord 1992; Ord & Getis 1995) asks, for every
location, whether the sum of the values in its neighbourhood (the location
itself included: the "star") is larger or smaller than expected if the values
were spread at random over all locations. It is the statistic behind ArcGIS
"Hot Spot Analysis" and pysal/esda ``G_Local(star=True)``. The Swedish class
labels and their colours live in :mod:`est_data.maps.style`, the analysis of a
grid of counts in :mod:`est_data.maps.hotspot_grid`.

The statistic
-------------
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
large negative values cold spots. This reproduces pysal/esda
``G_Local(y, DistanceBand(coords, threshold), transform='B', star=True).Zs``.

Neighbour pairs come from :meth:`scipy.spatial.cKDTree.query_pairs` and the
neighbourhood sums are sparse accumulations, so 50 000 grid cells take a
fraction of a second; memory grows with the number of pairs, about
``n * pi * (band / cell)**2 / 2`` on a regular grid. The p-values are per
location and not adjusted for multiple testing (see ``fdr`` in
:class:`~est_data.maps.hotspot_grid.HotspotOptions`); they also assume the normal approximation, which is
poor when a band holds only a few locations or the values are very skewed
(Ord & Getis 1995 advise at least ~8 neighbours). On sparse grids of counts it is
useless: the maps therefore test Gi* exactly, with a minimum of events and FDR over
the tested cells (:mod:`est_data.maps.gi_exact`), and keep this z for display.

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
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
from scipy.spatial import cKDTree
from scipy.stats import norm

from est_data.maps.style import (
    COLD_90, COLD_95, COLD_99, HOT_90, HOT_95, HOT_99, NOT_SIGNIFICANT)

__all__ = [
    "GiStarResult",
    "getis_ord_gi_star",
    "classify_hotspots",
    "bh_adjust",
]

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


def _points_and_values(coords, values, distance_band: float) -> tuple[np.ndarray, np.ndarray]:
    """``coords`` as an (n, 2) float array and ``values`` as floats, validated."""
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
    return xy, y


def _standardised(y: np.ndarray, wy: np.ndarray, w_sum: np.ndarray) -> np.ndarray:
    """Gi* z-scores from the weighted neighbourhood sums ``wy`` and weight sums
    ``w_sum``; 0 where the statistic is undefined (no variance, or a band that
    covers every location)."""
    n = len(y)
    mean = y.mean()
    # Population variance via E[x^2] - E[x]^2 (as esda); clip rounding noise.
    var = max(float(np.mean(y * y) - mean * mean), 0.0)
    scale = max(float(np.mean(np.abs(y))), np.finfo(float).tiny)
    z = np.zeros(n)
    if n > 1 and var > (1e-12 * scale) ** 2:
        denom = np.sqrt(var * w_sum * (n - w_sum) / (n - 1))
        ok = denom > 1e-12 * np.sqrt(var)
        z[ok] = (wy[ok] - mean * w_sum[ok]) / denom[ok]
    return z


def getis_ord_gi_star(
    coords,
    values,
    distance_band: float,
    binary: bool = True,
    alternative: Literal["two-sided", "greater", "less"] = "two-sided",
) -> GiStarResult:
    """Local Getis-Ord Gi* z-scores with distance-band weights (formula: module doc).

    ``coords`` (n, 2) are projected coordinates in metres (e.g. SWEREF 99 TM;
    distances are Euclidean: not longitude/latitude); ``values`` (n,) the finite
    variable, e.g. events per grid cell. Points with distance ``<= distance_band``
    are neighbours (a relative tolerance of 1e-9 keeps points exactly on the band).

    ``binary`` True gives binary weights (esda ``transform='B'``), the standard for
    hot spot maps; False row-standardised weights (esda ``transform='R'``,
    self-weight 1 before standardising), where esda's variance
    :math:`W_i(n - W_i)/(n-1)` with :math:`W_i = 1` makes the z-score (local mean -
    overall mean) / s, whatever the number of neighbours: for comparison only.

    ``alternative``: ``'two-sided'`` p is :math:`2(1 - \\Phi(|z|))` (hot *or* cold,
    as in ArcGIS), ``'greater'`` :math:`1 - \\Phi(z)` (hot only), ``'less'``
    :math:`\\Phi(z)` (cold only). esda's ``p_norm`` is half the two-sided value.

    Returns ``(z, p)``, float arrays of shape (n,). Where the statistic is undefined
    (all values equal; or a band covering every location) ``z`` is 0 and ``p`` is 1
    (two-sided) / 0.5 (one-sided): nothing can be significant there.

    >>> pts = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
    >>> z, p = getis_ord_gi_star(pts, [2, 3, 3.2, 5, 8, 7], distance_band=15)
    >>> z.round(4)
    array([-1.3973, -0.2892,  0.6506, -0.2892,  1.2345,  2.0242])
    """
    xy, y = _points_and_values(coords, values, distance_band)
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
    z = _standardised(y, wy, w_sum)
    return GiStarResult(z, _p_values(z, alternative))


def classify_hotspots(z, p) -> np.ndarray:
    """Swedish hot/cold spot class per location from z and two-sided p.

    Confidence levels as in ArcGIS "Hot Spot Analysis": 99 % if p <= 0.01,
    95 % if p <= 0.05, 90 % if p <= 0.10 (p two-sided, i.e. |z| >= 2.576,
    1.960, 1.645); the sign of z decides hot (positive) or cold (negative).

    Returns
    -------
    numpy.ndarray of str
        One of :data:`~est_data.maps.style.HOTSPOT_CLASSES` per location.
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


def bh_adjust(p: np.ndarray) -> np.ndarray:
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
