"""The exact randomisation test of Gi* on counts: oracles (enumeration of every draw, a
hand-computed Gi*, a Monte Carlo permutation test) and the rules (a tight cluster is
found; a lone event, or a few, never is; random maps rarely show anything)."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import ndimage

from est_data.maps.gi_exact import MIN_NEIGHBOURHOOD_EVENTS, exact_gi_test, sum_distribution
from est_data.maps.hotspot_grid import HotspotOptions, grid_hotspots
from est_data.maps.hotspots import getis_ord_gi_star
from est_data.maps.style import HOT_FDR, NOT_SIGNIFICANT, NOT_TESTED

INDEX = HotspotOptions(coords="index")


@pytest.mark.parametrize("values, k_max, cap", [
    ([0, 0, 0, 1, 2, 0, 3, 1, 0, 5], 4, 12),
    ([0, 0, 0, 1, 2, 0, 3, 1, 0, 5], 5, 4),     # sums >= 4 lumped in the last bin
    ([7, 7, 7], 3, 30),
    ([0, 0, 0, 0, 0, 0], 3, 5),
    ([1, 0, 2], 5, 6),                          # rows past the population size are zero
    ([0, 1, 50, 2, 3, 100, 0, 1, 1, 40], 3, 120),  # large values: a wide distribution
    ([0, 1, 50, 2, 3, 100, 0, 1, 1, 40], 3, 60),   # ... lumped at the cap
    ([2, 2, 2, 9], 0, 5),
])
def test_sum_distribution_is_every_draw_counted(values, k_max, cap):
    dist = sum_distribution(values, k_max, cap)
    for k in range(k_max + 1):
        draws = [sum(c) for c in itertools.combinations(values, k)]
        want = (np.bincount(np.minimum(draws, cap), minlength=cap + 1) / len(draws)
                if draws else np.zeros(cap + 1))
        np.testing.assert_allclose(dist[k], want, atol=1e-12)


@pytest.mark.parametrize("values", [[0, 1.5, 2], [0, -1, 2]])
def test_sum_distribution_needs_counts(values):
    with pytest.raises(ValueError):
        sum_distribution(values, 2, 5)


def test_gi_star_hand_computed():
    """Five cells in a row, 3 events in the middle, band one cell: mean 0.6, s = 1.2;
    the middle three have W = 3 and sum 3, z = 1.2 / (1.2 sqrt(3 * 2 / 4)); the ends
    W = 2 and sum 0, z = -1.2 / (1.2 sqrt(2 * 3 / 4))."""
    x = [0, 0, 3, 0, 0]
    want = np.array([-1, 1, 1, 1, -1]) / np.sqrt(1.5)
    z, _ = getis_ord_gi_star([(i, 0) for i in range(5)], x, distance_band=1)
    np.testing.assert_allclose(z, want, rtol=1e-12)
    out = grid_hotspots(pd.DataFrame({"cx": range(5), "cy": 0, "n": x}), 1,
                        HotspotOptions(coords="index", distance_band=1))
    np.testing.assert_allclose(out["z"], want, rtol=1e-12)


def test_exact_p_agrees_with_permutations():
    """Shuffle the counts over a 12 x 12 grid 20 000 times (an independent Monte Carlo
    of the same null, neighbourhood sums by convolution): the selective p of every
    tested cell agrees with the exact one within the Monte Carlo error."""
    rng = np.random.default_rng(4)
    grid = rng.poisson(0.6, (12, 12))
    grid[3:5, 7:9] += 2
    iy, ix = np.indices(grid.shape)
    out = grid_hotspots(pd.DataFrame({"cx": ix.ravel(), "cy": iy.ravel(), "n": grid.ravel()}),
                        1, INDEX).set_index(["cx", "cy"])
    tested = out[out["tested"]]
    assert 5 <= len(tested) < len(out)
    kernel = np.ones((3, 3))
    perms = np.stack([ndimage.convolve(rng.permutation(grid.ravel()).reshape(grid.shape),
                                       kernel, mode="constant") for _ in range(20_000)])
    for (cx, cy), row in tested.iterrows():
        s = perms[:, cy, cx]
        sel = s >= MIN_NEIGHBOURHOOD_EVENTS
        hot = (s[sel] >= row["events"]).mean()
        cold = (s[sel] <= row["events"]).mean()
        mc = min(1.0, 2 * min(hot, cold))
        assert abs(mc - row["p"]) < 4 * np.sqrt(row["p"] * (1 - row["p"]) / sel.sum()) + 0.01


def _empty(size: int = 20) -> np.ndarray:
    return np.zeros((size, size), dtype=int)


def _run(grid: np.ndarray) -> pd.DataFrame:
    iy, ix = np.indices(grid.shape)
    df = pd.DataFrame({"cx": ix.ravel(), "cy": iy.ravel(), "n": grid.ravel()})
    return grid_hotspots(df, 100, INDEX).set_index(["cx", "cy"])


def _background(seed: int) -> np.ndarray:
    """About 0.1 events per cell at random, as on a sparse town map."""
    return np.random.default_rng(seed).poisson(0.1, (20, 20))


@pytest.mark.parametrize("seed", range(5))
def test_tight_cluster_in_20x20_is_found(seed):
    grid = _background(seed)
    grid[10:12, 10:12] += [[3, 2], [2, 1]]   # 8 events within 150 m
    out = _run(grid)
    hot = out[out["klass"] == HOT_FDR]
    assert {(10, 10), (11, 10), (10, 11), (11, 11)} & set(hot.index)
    assert all(abs(cx - 10.5) <= 2 and abs(cy - 10.5) <= 2 for cx, cy in hot.index)


@pytest.mark.parametrize("plant", [
    {(5, 5): 1},                              # a single event
    {(5, 5): 4},                              # four events at one address
    {(5, 5): 2, (6, 5): 2},                   # two and two next door
])
def test_few_events_are_never_tested(plant):
    grid = _empty()
    grid[15:17, 15:17] = 3                    # a real cluster elsewhere, so something is tested
    for (cx, cy), n in plant.items():
        grid[cy, cx] = n
    out = _run(grid)
    assert out.loc[(16, 16), "klass"] == HOT_FDR
    for cell in plant:
        assert out.loc[cell, "klass"] == NOT_TESTED and np.isnan(out.loc[cell, "p_adj"])


def test_lone_event_on_empty_map_gives_nothing():
    grid = _empty()
    grid[7, 3] = 1
    out = _run(grid)
    assert not out["tested"].any() and (out["klass"] == NOT_TESTED).all()


def test_random_sparse_maps_rarely_show_a_cluster():
    """40 random 60 x 60 maps at 0.1 events per cell: the normal approximation flags
    something on most; the exact test, selective p and FDR 10 % on few."""
    flagged = {"exact": 0, "normal": 0}
    for seed in range(40):
        grid = np.random.default_rng(100 + seed).poisson(0.1, (60, 60))
        iy, ix = np.indices(grid.shape)
        df = pd.DataFrame({"cx": ix.ravel(), "cy": iy.ravel(), "n": grid.ravel()})
        exact = grid_hotspots(df, 100, INDEX)
        normal = grid_hotspots(df, 100, HotspotOptions(coords="index", fdr=True, inference="normal"))
        flagged["exact"] += bool((exact["klass"] == HOT_FDR).any())
        flagged["normal"] += bool(((normal["z"] > 0) & (normal["p_adj"] <= 0.10)).any())
    assert flagged["normal"] >= 30
    assert flagged["exact"] <= 10


def test_p_adj_is_bh_over_the_tested_cells():
    """BH over the tested cells only: with one tested cell, p_adj equals p."""
    res = exact_gi_test(np.array([0] * 20 + [6]), lag=np.array([0] * 20 + [6]),
                        card=np.full(21, 9))
    assert res.tested.sum() == 1 and res.p_adj[-1] == res.p[-1]
    assert np.isnan(res.p[:20]).all()


def test_constant_counts_are_not_significant():
    out = _run(np.full((10, 10), 3))
    assert (out["klass"] == NOT_SIGNIFICANT).all() and (out["p"] == 1).all()


@pytest.mark.parametrize("min_events", [1, 3, 5, 8])
def test_tested_cells_are_those_with_enough_events(min_events):
    grid = _background(9)
    grid[4:6, 4:6] += 2
    iy, ix = np.indices(grid.shape)
    df = pd.DataFrame({"cx": ix.ravel(), "cy": iy.ravel(), "n": grid.ravel()})
    out = grid_hotspots(df, 100, HotspotOptions(coords="index", min_events=min_events))
    assert (out["tested"] == (out["events"] >= min_events)).all()
    assert out["p"].notna().eq(out["tested"]).all()
    window = ndimage.convolve(grid, np.ones((3, 3), dtype=int), mode="constant")
    assert sorted(out["events"]) == sorted(window.ravel())


def test_unknown_inference_is_refused():
    with pytest.raises(ValueError, match="inference"):
        grid_hotspots(pd.DataFrame({"cx": [0, 1], "cy": [0, 0], "n": [1, 2]}), 1,
                      HotspotOptions(coords="index", inference="bayes"))
