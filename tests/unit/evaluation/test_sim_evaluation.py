"""The simulated towns of bench/sim_evaluation.py: the selection, and that each town is
evaluated by the app's own code (matching, model, placebo, verdict). The rates are the
bench script's (bench/SIM_EVALUATION.md)."""
from __future__ import annotations

import numpy as np
import pytest

from bench import sim_evaluation as sim


def test_target_is_the_area_with_the_highest_before_count():
    bins = sim.bins_frame()
    before = (bins["period"] == "before").to_numpy()
    pre, monthly, target = sim.simulate_town(np.random.default_rng(3), 25, 1.0, bins)
    assert monthly.shape == (25, len(bins)) and pre.shape == (25,)
    assert target == int(np.argmax(monthly[:, before].sum(axis=1)))


def test_town_rows_are_the_evaluations_count_rows():
    bins = sim.bins_frame()
    monthly = np.arange(3 * len(bins)).reshape(3, len(bins))
    rows = sim.town_rows(monthly, 1, bins)
    assert set(rows["grp"]) == {"target", "control"}
    assert sorted(rows["control_key"].dropna().unique()) == ["a00", "a02"]
    assert rows.loc[rows["grp"] == "target", "n"].sum() == monthly[1].sum()


def flat_town(areas: int = 12, level: int = 20) -> tuple[np.ndarray, np.ndarray]:
    bins = sim.bins_frame()
    rng = np.random.default_rng(0)
    return bins, level + rng.integers(-2, 3, size=(areas, len(bins)))


def test_a_planted_drop_in_one_area_is_a_decrease_and_a_flat_town_is_not():
    bins, monthly = flat_town()
    after = (bins["period"] == "after").to_numpy()
    dropped = monthly.copy()
    dropped[4, after] = dropped[4, after] // 2
    ev = sim.app_evaluation(dropped, 4, bins, "matched")
    assert ev.verdict == "decrease" and ev.selection.comparison == "matched"
    assert len(ev.selection.controls) == 8 and ev.placebo.n == 11
    assert ev.placebo.rank == 1
    assert sim.app_evaluation(monthly, 4, bins, "all").verdict == "no_change"


def test_two_after_years_and_the_oracle_that_knows_the_world():
    from types import SimpleNamespace

    from est_data.evaluation.selection import windows_for

    bins = sim.bins_frame(windows_for(sim.DATE, 365, 730))
    years = sim.bin_years(bins)
    assert list(np.bincount(years)[1:]) == [12, 12, 12]
    levels: list[np.ndarray] = []
    sim.simulate_town(np.random.default_rng(5), 10, 1.0, bins, levels_out=levels)
    assert len(levels) == 4 and all(lv.shape == (10,) for lv in levels)
    # An area at its mean level (l1 = 0) is expected to stay: z is the log effect over
    # the model's and the wander's standard deviation; one standing high is expected to
    # fall (AR(1): back by 1 - rho in the first year, 1 - rho^2 in the second).
    ev = SimpleNamespace(model=SimpleNamespace(effect=0.6, se=0.1))
    flat = [np.zeros(3)] * 4
    s2 = sim.LEVEL_SD ** 2 * (1 - sim.RHO ** 2)
    one = sim.bins_frame()
    assert sim.oracle_z(ev, flat, 0, one) == pytest.approx(np.log(0.6) / np.sqrt(0.01 + s2))
    high = [np.zeros(3), np.full(3, 0.4), np.zeros(3), np.zeros(3)]
    assert sim.oracle_z(ev, high, 0, one) == pytest.approx(
        (np.log(0.6) + 0.2) / np.sqrt(0.01 + s2))
    two = (np.log(0.6) + 0.4 * (1 - (sim.RHO + sim.RHO ** 2) / 2))
    wander2 = s2 * ((0.5 + 0.5 * sim.RHO) ** 2 + 0.25)
    assert sim.oracle_z(ev, high, 0, bins) == pytest.approx(two / np.sqrt(0.01 + wander2))
