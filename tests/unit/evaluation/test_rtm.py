"""Regression to the mean from the counts (est_data.evaluation.rtm): hand-computed cases,
and two simulations where the truth is known (counting noise; levels that wander)."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from est_data.evaluation import rtm
from est_data.evaluation.selection import windows_for

WINDOWS = windows_for(dt.date(2025, 1, 1), 365, 365)


def rows_for(before: dict[str, int], grp: dict[str, str] | None = None) -> pd.DataFrame:
    """One before-row and one (empty) after-row per area; "T" is the target."""
    grp = grp or {}
    out = []
    for key, n in before.items():
        g = grp.get(key, "target" if key == "T" else "control")
        for period, count in (("before", n), ("after", 0)):
            out.append({"grp": g, "period": period, "control_key": None if key == "T" else key,
                        "bin": 0, "n": count})
    return pd.DataFrame(out)


def level(n: int) -> float:
    return math.log((n + 0.5) / 365)


def test_level_spread_is_the_levels_variance_less_their_counting_noise():
    rows = rows_for({"T": 99, "A": 49, "B": 199, "C": 9})
    s = rtm.level_spread(rows, WINDOWS, 1.5)
    xs = [level(n) for n in (99, 49, 199, 9)]
    noise = np.mean([1.5 / (n + 0.5) for n in (99, 49, 199, 9)])
    assert s.m == pytest.approx(np.mean(xs))
    assert s.V == pytest.approx(np.var(xs, ddof=1) - noise)
    # A dispersion below Poisson is noise: the counting noise is never taken below it.
    assert rtm.level_spread(rows, WINDOWS, 0.7).phi == 1.0
    assert rtm.level_spread(rows_for({"T": 5}), WINDOWS, 1.0).V == rtm.MIN_V


def test_posterior_level_by_quadrature_against_the_normal_shrinkage():
    # Many events: the likelihood is nearly normal with variance phi / n, and the
    # posterior mean is the usual shrinkage m + V / (V + phi / n) (x - m).
    s = rtm.LevelSpread(m=level(2000), V=0.3, phi=1.5)
    lv = pd.DataFrame({"n": [5000.0, 1000.0], "x": [level(5000), level(1000)]})
    shrink = [s.m + 0.3 / (0.3 + 1.5 / n) * (x - s.m) for n, x in zip(lv["n"], lv["x"])]
    assert s.posterior(lv) == pytest.approx(shrink, abs=3e-3)
    # Few events: pulled much further toward m than the observed level.
    few = pd.DataFrame({"n": [3.0], "x": [level(3)]})
    assert s.m > s.posterior(few)[0] > level(3)


def test_noise_and_gap_are_the_target_less_its_weighted_comparison():
    rows = rows_for({"T": 199, "A": 99, "B": 49, "P": 9}, grp={"P": "pool"})
    s = rtm.LevelSpread(m=level(60), V=0.5, phi=2.0)

    def post(n: int) -> float:
        return float(s.posterior(pd.DataFrame({"n": [float(n)], "x": [level(n)]}))[0])

    w = np.array([99.5, 49.5]) / 149.0
    shrink = {n: level(n) - post(n) for n in (199, 99, 49)}
    pull = {n: (post(n) - s.m) / 0.5 for n in (199, 99, 49)}
    assert shrink[199] > 0 and pull[199] > 0
    noise, gap = rtm.regression_to_mean(rows, WINDOWS, s)
    assert noise == pytest.approx(-(shrink[199] - w[0] * shrink[99] - w[1] * shrink[49]))
    assert gap == pytest.approx(pull[199] - w[0] * pull[99] - w[1] * pull[49])
    # Without a comparison, the target's own terms (the pool is not the comparison).
    alone = rows[rows["grp"] != "control"]
    assert rtm.regression_to_mean(alone, WINDOWS, s) == pytest.approx(
        (-shrink[199], pull[199]))


AREAS = 10_000


def top_areas(x: np.ndarray, share: float = 0.05) -> np.ndarray:
    return np.argsort(x)[-int(len(x) * share):]


def test_counting_noise_predicts_how_much_the_busiest_areas_fall_by_themselves():
    # 10,000 areas with true yearly means log-normal (sd 0.5 around 20) and the same mean
    # next year: the top 5 % by this year's count fall by themselves, as predicted.
    rng = np.random.default_rng(7)
    mu = np.exp(rng.normal(math.log(20), 0.5, AREAS))
    n1, n2 = rng.poisson(mu), rng.poisson(mu)
    rows = pd.DataFrame({"grp": "control", "period": "before",
                         "control_key": [f"a{i}" for i in range(AREAS)], "bin": 0, "n": n1})
    s = rtm.level_spread(rows, WINDOWS, 1.0)
    assert s.V == pytest.approx(0.25, rel=0.1)
    top = top_areas(np.log(n1 + 0.5))
    realised = np.mean(np.log((n2[top] + 0.5) / (n1[top] + 0.5)))
    predicted = np.mean([rtm.regression_to_mean(rows_for({"T": int(n1[i])}), WINDOWS, s)[0]
                         for i in top])
    assert realised < -0.05
    assert predicted == pytest.approx(realised, abs=0.02)


def test_wandering_levels_pull_back_by_half_the_yearly_change_variance():
    # Busy areas (no counting noise to speak of) whose log levels wander as AR(1), rho
    # 0.5, sd 0.3: var(change) = 2 * 0.09 * 0.5 = 0.09, and the top 5 % fall by
    # tau^2 / 2 times their wander gap.
    rng = np.random.default_rng(11)
    base = rng.normal(math.log(5000), 0.4, AREAS)
    l1 = rng.normal(0, 0.3, AREAS)
    l2 = 0.5 * l1 + rng.normal(0, 0.3 * math.sqrt(0.75), AREAS)
    n1 = np.round(np.exp(base + l1)).astype(int)
    rows = pd.DataFrame({"grp": "control", "period": "before",
                         "control_key": [f"a{i}" for i in range(AREAS)], "bin": 0, "n": n1})
    s = rtm.level_spread(rows, WINDOWS, 1.0)
    tau2 = float(np.var(l2 - l1))
    assert tau2 == pytest.approx(0.09, rel=0.1)
    top = top_areas(base + l1)
    realised = np.mean(l2[top] - l1[top])
    predicted = np.mean([-tau2 / 2 * rtm.regression_to_mean(rows_for({"T": int(n1[i])}),
                                                            WINDOWS, s)[1]
                         for i in top])
    assert realised < -0.1
    assert predicted == pytest.approx(realised, abs=0.02)
