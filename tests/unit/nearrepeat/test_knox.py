"""The Knox test: an oracle by brute force over all pairs, a planted case whose answer
is known, and random cases that must not be significant."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from est_data.nearrepeat.knox import knox


def brute_table(x, y, t, space_edges, time_edges) -> np.ndarray:
    """Every pair's cell, counted one by one (the definition)."""
    out = np.zeros((len(space_edges) + 1, len(time_edges) + 1), int)
    for a, b in itertools.combinations(range(len(x)), 2):
        d = np.hypot(x[a] - x[b], y[a] - y[b])
        s = next((k for k, e in enumerate(space_edges) if d <= e), len(space_edges))
        lag = abs(int(t[a]) - int(t[b]))
        k = next((k for k, e in enumerate(time_edges) if lag <= e), len(time_edges))
        out[s, k] += 1
    return out


def test_observed_table_matches_brute_force_with_band_edges_inclusive():
    rng = np.random.default_rng(3)
    # On a 50 m lattice many distances fall exactly on an edge (100, 200, ...).
    x = rng.integers(0, 12, 80) * 50.0
    y = rng.integers(0, 12, 80) * 50.0
    t = rng.integers(0, 60, 80)
    r = knox(x, y, t, (0, 100, 200, 300), (7, 14, 21), permutations=9)
    assert (r.observed == brute_table(x, y, t, (0, 100, 200, 300), (7, 14, 21))).all()
    assert r.observed.sum() == 80 * 79 // 2
    # Permuting times keeps every pair's place: each row keeps its total.
    assert np.allclose(r.expected.sum(axis=1), r.observed.sum(axis=1))
    assert np.allclose(r.expected.sum(axis=0), r.observed.sum(axis=0))


def test_expected_matches_the_exact_permutation_mean():
    """Under random permutation a pair gets a random pair of the times, so a cell's
    expected count is (pairs in its distance band) × (share of all pairs in its time
    band): Knox's own expectation. The Monte Carlo mean must approach it."""
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 800, 150), rng.uniform(0, 800, 150)
    t = rng.integers(0, 120, 150)
    r = knox(x, y, t, (100, 200), (7, 14), permutations=999, seed=1)
    exact = np.outer(r.observed.sum(axis=1), r.observed.sum(axis=0)) / r.observed.sum()
    assert np.allclose(r.expected, exact, rtol=0.05)


def planted():
    """300 events spread uniformly over 5 km × 5 km and a year, plus 20 planted
    couples: two burglaries 30 m apart within 3 days of each other."""
    rng = np.random.default_rng(11)
    x, y = rng.uniform(0, 5000, 300), rng.uniform(0, 5000, 300)
    t = rng.integers(0, 365, 300)
    cx, cy = rng.uniform(0, 5000, 20), rng.uniform(0, 5000, 20)
    ct = rng.integers(0, 360, 20)
    return (np.concatenate([x, cx, cx + 30]), np.concatenate([y, cy, cy]),
            np.concatenate([t, ct, ct + rng.integers(0, 4, 20)]))


def test_planted_near_repeats_give_a_high_ratio_and_the_smallest_p():
    x, y, t = planted()
    r = knox(x, y, t, (100, 200, 300), (7, 14, 21), permutations=99, seed=0)
    # The planted cell: within 100 m and 7 days. 20 couples against a handful by chance.
    assert r.observed[0, 0] >= 20
    assert r.ratio[0, 0] > 5
    assert r.p_value[0, 0] == pytest.approx(1 / 100)
    assert r.significant()[0, 0]
    # Nothing was planted at 100-300 m or after 7 days.
    assert not r.significant()[1:3, 1:3].any()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_events_are_not_significant(seed):
    """Places and times drawn independently: no interaction, so at p <= 0.05 at most
    the odd cell of 12 by chance, and never the near cell together with its neighbours."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 3000, 400), rng.uniform(0, 3000, 400)
    t = rng.integers(0, 365, 400)
    r = knox(x, y, t, (100, 200, 300), (7, 14), permutations=99, seed=seed)
    assert r.significant()[:3, :2].sum() <= 1
    assert 0.5 < np.nanmean(r.ratio) < 1.5


def test_p_values_of_random_events_are_roughly_uniform():
    """Over many cells and seeds the share of p <= 0.05 stays near 5 %."""
    hits = cells = 0
    for seed in range(10):
        rng = np.random.default_rng(100 + seed)
        x, y = rng.uniform(0, 2000, 250), rng.uniform(0, 2000, 250)
        t = rng.integers(0, 200, 250)
        r = knox(x, y, t, (100, 200, 300, 400), (7, 14, 21), permutations=99, seed=seed)
        hits += int((r.p_value[:4, :3] <= 0.05).sum())
        cells += 12
    assert hits / cells <= 0.12


def test_degenerate_inputs():
    r = knox([], [], [], permutations=5)
    assert r.observed.sum() == 0 and r.n_events == 0
    r = knox([0.0], [0.0], [3], permutations=5)
    assert r.observed.sum() == 0
    with pytest.raises(ValueError):
        knox([0.0, 1.0], [0.0], [1, 2])
    with pytest.raises(ValueError):
        knox([0.0], [0.0], [1], space_edges=())


@pytest.mark.parametrize("span_days", [30, 365, 3 * 365, 40_000])
def test_packed_batches_count_each_permutation_as_alone(span_days):
    """Several permutations share one pass over the pairs, packed side by side in one
    integer: each must count exactly as if it were counted alone (no borrow between
    fields), whatever the span of days (wider spans pack fewer)."""
    from est_data.nearrepeat.knox import _Pairs

    rng = np.random.default_rng(span_days)
    x, y = rng.uniform(0, 600, 120), rng.uniform(0, 600, 120)
    days = rng.integers(0, span_days, 120)
    days -= days.min()
    offset = int(days.max())
    pairs = _Pairs(x, y, np.array([0.0, 100.0, 200.0]))
    step = pairs.batch_size(2 * offset + 1)
    assert 1 <= step <= 5
    batch = [rng.permutation(days) for _ in range(step)]
    together = pairs.counts(batch, offset, 2 * offset + 1)
    alone = [pairs.counts([d], offset, 2 * offset + 1)[0] for d in batch]
    assert all((a == b).all() for a, b in zip(together, alone))
    assert len({int(a.sum()) for a in together}) == 1  # every pair counted once in each


def test_grouping_by_first_event_with_and_without_scipys_kernel(monkeypatch):
    from scipy.sparse import _sparsetools

    from est_data.nearrepeat.knox import _group_by_first

    rng = np.random.default_rng(9)
    cells = rng.choice(50 * 50, 1200, replace=False)  # pairs are unique, as in knox
    first, second = (cells // 50).astype(np.int32), (cells % 50).astype(np.int32)

    def rows(indptr, seconds):
        return [sorted(seconds[indptr[r]:indptr[r + 1]].tolist()) for r in range(50)]

    expected = [sorted(second[first == r].tolist()) for r in range(50)]
    assert rows(*_group_by_first(first, second, 50)) == expected
    monkeypatch.delattr(_sparsetools, "coo_tocsr")
    assert rows(*_group_by_first(first, second, 50)) == expected
