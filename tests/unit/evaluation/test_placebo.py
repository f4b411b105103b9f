"""The placebo test in space: every comparison area evaluated as if it were the target,
and where the target's effect ranks among them (issue 14, item 2)."""
from __future__ import annotations

import datetime as dt

import math

import numpy as np
import pandas as pd
import pytest

from est_data.evaluation import placebo
from est_data.evaluation.did import ModelEffect, did_effect
from est_data.evaluation.power import DEFAULT_TAU
from est_data.evaluation.counts import monthly_series
from est_data.evaluation.selection import windows_for

WINDOWS = windows_for(dt.date(2025, 1, 1), 365, 365)


def rows_for(series: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Count rows: area id → (events a month before, events a month after); "T" is the
    target, the others comparison areas (12 bins a window, steady months)."""
    out = []
    for key, (before, after) in series.items():
        for period, n in (("before", before), ("after", after)):
            for b in range(12):
                out.append({"grp": "target" if key == "T" else "control", "period": period,
                            "category": "storning", "buffer_key": None,
                            "control_key": None if key == "T" else key, "bin": b, "n": n})
    return pd.DataFrame(out)


def test_target_ranks_among_the_comparison_areas_as_if_each_were_the_target():
    # Comparison areas changed by -30 %, -10 %, 0, +10 %, +20 % (A..E); the target by -20 %.
    rows = rows_for({"T": (10, 8), "A": (10, 7), "B": (10, 9), "C": (10, 10),
                     "D": (10, 11), "E": (10, 12)})
    target = did_effect(monthly_series(rows, WINDOWS), True)
    p = placebo.placebo_in_space(rows, WINDOWS, target)
    # Only A fell more than the target: rank 2 of 6 (the target counted), p = 2/6.
    assert (p.rank, p.n) == (2, 5)
    assert p.p == pytest.approx(2 / 6)
    # Each placebo is its own area against the remaining comparison areas (not the target).
    own = rows[rows["control_key"].isin(["B", "C", "D", "E"]) | (rows["control_key"] == "A")]
    alone = own.assign(grp=lambda d: d["control_key"].map(lambda k: "target" if k == "A" else "control"))
    a_effect = did_effect(monthly_series(alone, WINDOWS), True).effect
    assert min(p.effects) == pytest.approx(a_effect)


def test_no_placebo_without_enough_comparison_areas_or_a_model():
    rows = rows_for({"T": (10, 8), "A": (10, 7), "B": (10, 9), "C": (10, 10)})
    target = did_effect(monthly_series(rows, WINDOWS), True)
    assert placebo.placebo_in_space(rows, WINDOWS, target).n == 3
    two = rows[rows["control_key"] != "C"]
    assert placebo.placebo_in_space(two, WINDOWS, target) is None  # fewer than MIN_PLACEBOS
    assert placebo.placebo_in_space(rows, WINDOWS, None) is None
    assert placebo.placebo_in_space(rows.drop(columns="control_key"), WINDOWS, target) is None
    alone = rows[rows["grp"] == "target"]
    assert placebo.placebo_in_space(alone, WINDOWS, target) is None


def test_ties_count_against_the_target():
    rows = rows_for({"T": (10, 10), "A": (10, 10), "B": (10, 10), "C": (10, 10)})
    target = did_effect(monthly_series(rows, WINDOWS), True)
    assert placebo.placebo_in_space(rows, WINDOWS, target).p == 1.0


def fake(effect: float, se: float) -> ModelEffect:
    return ModelEffect(effect, math.nan, math.nan, 1.0, "quasi-poisson", "did", 24, se)


def test_expected_change_regresses_the_placebo_effects_on_the_before_level():
    # Log effects exactly -0.2 per unit of level, no residual: the slope is recovered, the
    # spread beyond sampling is 0 and the expectation at level 3 is -0.6, with the
    # prediction variance of the sampling error alone: se^2 (1/n + (3 - mean)^2 / Sxx).
    levels = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    models = [(fake(math.exp(-0.2 * x), 0.1), x) for x in levels]
    expected, tau2, pred_var = placebo.expected_change(models, 3.0)
    assert expected == pytest.approx(-0.6)
    assert tau2 == 0.0
    assert pred_var == pytest.approx(0.01 * (1 / 6 + (3 - 1.25) ** 2 / 4.375))


def test_expected_change_measures_the_spread_beyond_sampling_error():
    # Residuals +-0.3 around a flat line (variance 0.09 * 6/4 with ddof 2) and se 0.1:
    # tau^2 = 0.135 - 0.01; the prediction variance at the mean level is s^2 / n.
    levels = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]
    signs = [1, -1, 1, -1, 1, -1]
    models = [(fake(math.exp(0.3 * sg), 0.1), x) for x, sg in zip(levels, signs)]
    expected, tau2, pred_var = placebo.expected_change(models, 1.0)
    assert expected == pytest.approx(0.0, abs=1e-12)
    assert tau2 == pytest.approx(0.135 - 0.01)
    assert pred_var == pytest.approx(0.135 / 6)
    # Fewer than MIN_FOR_SLOPE areas: no slope, the plain moment estimate.
    few = models[:4]
    e2, t2, p2 = placebo.expected_change(few, 5.0)
    assert (e2, p2) == (0.0, 0.0)
    assert t2 == pytest.approx(float(np.var([0.3, -0.3, 0.3, -0.3], ddof=1)) - 0.01)


def test_between_variance_against_statsmodels_meta_regression():
    # A random-effects meta-regression with unequal variances: statsmodels' WLS with the
    # same weights gives the same slope; tau^2 by the DerSimonian-Laird moments.
    import statsmodels.api as sm

    x = np.array([0.0, 0.4, 1.1, 1.5, 2.2, 2.9, 3.3])
    y = np.array([0.10, -0.05, 0.02, -0.20, -0.12, -0.35, -0.30])
    v = np.array([0.04, 0.09, 0.02, 0.05, 0.03, 0.06, 0.01])
    models = [(fake(math.exp(b), math.sqrt(s2)), a) for a, b, s2 in zip(x, y, v)]
    expected, tau2, pred_var = placebo.expected_change(models, 3.5)
    fe = sm.WLS(y, sm.add_constant(x), weights=1 / v).fit()
    q = float((fe.resid ** 2 / v).sum())
    xtwx_inv = np.linalg.inv((sm.add_constant(x).T / v) @ sm.add_constant(x))
    trace = np.trace(xtwx_inv @ ((sm.add_constant(x).T / v ** 2) @ sm.add_constant(x)))
    assert tau2 == pytest.approx(max(0.0, (q - 5) / ((1 / v).sum() - trace)))
    re = sm.WLS(y, sm.add_constant(x), weights=1 / (v + tau2)).fit()
    assert expected == pytest.approx(re.params[0] + 3.5 * re.params[1])
    # statsmodels scales the covariance by the residual variance; the meta-regression
    # takes the weights as known (scale 1).
    assert pred_var == pytest.approx(np.array([1, 3.5]) @ (re.cov_params() / re.scale)
                                     @ np.array([1, 3.5]))


def test_calibrated_interval_is_the_model_interval_widened_and_shifted():
    m = fake(0.5, 0.2)
    low, high = placebo.calibrated(m, 0.09, 0.95, expected=math.log(0.8))
    z = 1.959963984540054
    assert math.log(high) == pytest.approx(math.log(0.5 / 0.8) + z * math.sqrt(0.04 + 0.09))
    assert math.log(low) == pytest.approx(math.log(0.5 / 0.8) - z * math.sqrt(0.04 + 0.09))


def test_verdict_interval_assumes_the_default_spread_without_a_placebo():
    m = fake(0.5, 0.2)
    vi = placebo.verdict_interval(m, None)
    assert vi.assumed and vi.tau == DEFAULT_TAU
    assert vi.high == pytest.approx(math.exp(math.log(0.5) + 1.959963984540054
                                             * math.sqrt(0.04 + DEFAULT_TAU ** 2)))
    assert placebo.verdict_interval(None, None) is None
