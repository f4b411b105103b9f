"""The simulated towns of bench/sim_evaluation.py: the selection, the matching and the
rates on a few seeded towns (the full run is the bench script)."""
from __future__ import annotations

import numpy as np

from bench import sim_evaluation as sim


def test_target_is_the_area_with_the_highest_before_count():
    bins = sim.bins_frame()
    before = (bins["period"] == "before").to_numpy()
    pre, monthly, target = sim.simulate_town(np.random.default_rng(3), 25, 1.0, bins)
    assert monthly.shape == (25, len(bins)) and pre.shape == (25,)
    assert target == int(np.argmax(monthly[:, before].sum(axis=1)))


def test_matched_areas_are_the_nearest_on_level_and_trend():
    bins = sim.bins_frame()
    before = (bins["period"] == "before").to_numpy()
    monthly = np.zeros((6, len(bins)), dtype=int)
    monthly[:, np.flatnonzero(before)[0]] = [100, 95, 20, 90, 10, 30]
    pre = np.array([100, 96, 20, 30, 10, 30])  # area 3 rose threefold: a different trend
    chosen = sim.matched_areas(pre, monthly, 0, bins, k=2)
    assert 0 not in chosen
    assert chosen[0] == 1 and 3 not in chosen


def test_planted_drop_is_found_and_random_targets_are_calibrated():
    strong = sim.run(towns=30, areas=30, effect=0.4, seed=5)
    assert strong["all others"] >= 0.8
    null_random = sim.run(towns=40, areas=30, effect=1.0, seed=6, pick="random")
    assert null_random["all others"] <= 0.1


def test_placebo_p_is_smallest_when_only_the_target_dropped():
    bins = sim.bins_frame()
    after = (bins["period"] == "after").to_numpy()
    monthly = np.full((8, len(bins)), 20)
    monthly[3, after] = 8  # only area 3 fell, by 60 %
    assert sim.placebo_p(bins, monthly, 3) == 1 / 8
    # A flat target: only area 3 (which fell) ranks before it. The flat placebos rose
    # relative to their comparison, which holds area 3 but never the target: p = 2/8.
    assert sim.placebo_p(bins, monthly, 0) == 2 / 8
