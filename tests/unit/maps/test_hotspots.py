"""Getis-Ord Gi* statistic: esda oracle, dense formula, degenerate inputs, classes."""

from __future__ import annotations

import numpy as np
import pytest

from est_data.maps.hotspots import classify_hotspots, getis_ord_gi_star
from est_data.maps.style import HOT_90, HOT_95, HOT_99, NOT_SIGNIFICANT

# esda's own doctest (esda.getisord.G_Local): DistanceBand(threshold=15).
ESDA_POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
ESDA_Y = np.array([2, 3, 3.2, 5, 8, 7])
ESDA_Z_STAR_B = [
    -1.39727626,
    -0.28917762,
    0.65064964,
    -0.28917762,
    1.23452088,
    2.02424331,
]
ESDA_Z_STAR_R = [
    -0.62488094,
    -0.09144599,
    0.41150696,
    -0.09144599,
    0.24690418,
    1.28024388,
]


def test_esda_oracle_binary_star():
    z, p = getis_ord_gi_star(ESDA_POINTS, ESDA_Y, distance_band=15, binary=True)
    np.testing.assert_allclose(z, ESDA_Z_STAR_B, rtol=0, atol=1e-6)
    # Two-sided normal p-values by default.
    from scipy.stats import norm

    np.testing.assert_allclose(p, 2 * norm.sf(np.abs(ESDA_Z_STAR_B)), atol=1e-6)


def test_esda_oracle_band_is_inclusive():
    # (15,20)-(30,20) are exactly 15 apart: "<=" matters for this oracle.
    z, _ = getis_ord_gi_star(ESDA_POINTS, ESDA_Y, distance_band=14.999)
    assert abs(z[3] - ESDA_Z_STAR_B[3]) > 0.5


def test_esda_oracle_row_standardised_star():
    z, _ = getis_ord_gi_star(ESDA_POINTS, ESDA_Y, distance_band=15, binary=False)
    np.testing.assert_allclose(z, ESDA_Z_STAR_R, rtol=0, atol=1e-6)


def test_one_sided_p_values():
    z, p_two = getis_ord_gi_star(ESDA_POINTS, ESDA_Y, 15)
    _, p_hot = getis_ord_gi_star(ESDA_POINTS, ESDA_Y, 15, alternative="greater")
    _, p_cold = getis_ord_gi_star(ESDA_POINTS, ESDA_Y, 15, alternative="less")
    np.testing.assert_allclose(p_hot + p_cold, 1.0)
    np.testing.assert_allclose(np.minimum(p_hot, p_cold) * 2, p_two)
    assert p_hot[5] < 0.05 < p_cold[5]  # z = 2.02
    with pytest.raises(ValueError):
        getis_ord_gi_star(ESDA_POINTS, ESDA_Y, 15, alternative="both")


def test_matches_dense_formula_on_random_points():
    """Sparse kd-tree result equals a dense evaluation of Ord & Getis (1995)."""
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 1000, size=(300, 2))
    y = rng.gamma(2.0, 3.0, size=300)
    band = 120.0
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    w = (d <= band).astype(float)  # diagonal 1: Gi*
    n = len(y)
    xbar, s = y.mean(), np.sqrt((y**2).mean() - y.mean() ** 2)
    wi, s1 = w.sum(1), (w**2).sum(1)
    expected = (w @ y - xbar * wi) / (s * np.sqrt((n * s1 - wi**2) / (n - 1)))
    z, _ = getis_ord_gi_star(xy, y, band)
    np.testing.assert_allclose(z, expected, rtol=1e-10, atol=1e-10)


def test_constant_field_gives_nothing_significant():
    g = np.stack(np.meshgrid(np.arange(30), np.arange(30)), -1).reshape(-1, 2)
    with np.errstate(all="raise"):  # no division by zero, no invalid values
        z, p = getis_ord_gi_star(g, np.full(len(g), 4.0), 1.5)
    assert np.all(z == 0) and np.all(p == 1)


def test_all_zero_and_tiny_inputs():
    z, p = getis_ord_gi_star([(0, 0), (1, 0)], [0, 0], 5)
    assert np.all(z == 0) and np.all(p == 1)
    z, p = getis_ord_gi_star(np.zeros((0, 2)), [], 5)
    assert len(z) == len(p) == 0
    z, p = getis_ord_gi_star([(0, 0)], [3], 5)
    assert z.tolist() == [0.0] and p.tolist() == [1.0]
    # A band covering every point: numerator and denominator both 0.
    z, p = getis_ord_gi_star([(0, 0), (1, 0), (2, 0)], [1, 5, 2], 10)
    assert np.all(z == 0) and np.all(np.isfinite(p))


def test_input_validation():
    with pytest.raises(ValueError):
        getis_ord_gi_star([(0, 0), (1, 1)], [1, 2, 3], 1)
    with pytest.raises(ValueError):
        getis_ord_gi_star([(0, 0), (1, 1)], [1, np.nan], 1)
    with pytest.raises(ValueError):
        getis_ord_gi_star([0, 1, 2], [1, 2, 3], 1)


def test_classify_thresholds():
    z = np.array([3.0, 2.0, 1.7, 1.0, -1.7, -2.0, -3.0, 0.0])
    from scipy.stats import norm

    p = 2 * norm.sf(np.abs(z))
    labels = classify_hotspots(z, p).tolist()
    assert labels == [
        HOT_99,
        HOT_95,
        HOT_90,
        NOT_SIGNIFICANT,
        "Signifikant kall punkt (90 %)",
        "Signifikant kall punkt (95 %)",
        "Signifikant kall punkt (99 %)",
        NOT_SIGNIFICANT,
    ]
