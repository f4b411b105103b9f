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


def fake(effect: float, se: float, dispersion: float = 1.0, df_resid: int = 0) -> ModelEffect:
    return ModelEffect(effect, math.nan, math.nan, dispersion, "quasi-poisson", "did", 24, se,
                       df_resid)


def fits(logs, ses, noise=None, gap=None) -> list[placebo.PlaceboFit]:
    noise = noise or [0.0] * len(logs)
    gap = gap or [0.0] * len(logs)
    return [placebo.PlaceboFit(fake(math.exp(y), s), n, g)
            for y, s, n, g in zip(logs, ses, noise, gap)]


def test_expected_change_without_spread_is_the_precision_weighted_mean():
    # Equal effects -0.1, se 0.1: no spread beyond sampling, the mean is -0.1 with the
    # variance of a mean of six: 0.01 / 6.
    e = placebo.expected_change(fits([-0.1] * 6, [0.1] * 6))
    assert e.log_effect == pytest.approx(-0.1)
    assert e.tau2 == 0.0
    assert e.var == pytest.approx(0.01 / 6)
    assert e.tau2_var == pytest.approx(2 / (6 * 100 ** 2))


def test_expected_change_measures_the_spread_beyond_sampling_error():
    # Effects +-0.3 with se 0.1: with equal variances the moment estimate is the
    # effects' variance (ddof 1) less the sampling variance: 0.09 * 6 / 5 - 0.01.
    e = placebo.expected_change(fits([0.3, -0.3] * 3, [0.1] * 6))
    assert e.log_effect == pytest.approx(0.0, abs=1e-12)
    assert e.tau2 == pytest.approx(0.108 - 0.01)
    assert e.var == pytest.approx(0.108 / 6)


def test_expected_change_against_statsmodels_random_effects_meta_analysis():
    # Unequal variances: statsmodels' DerSimonian-Laird combination ("chi2") gives the
    # same tau^2, random-effects mean and its variance.
    from statsmodels.stats.meta_analysis import combine_effects

    y = np.array([0.30, -0.05, 0.02, -0.40, -0.12, -0.45, -0.30, 0.35])
    v = np.array([0.04, 0.09, 0.02, 0.05, 0.03, 0.06, 0.01, 0.08])
    e = placebo.expected_change(fits(list(y), list(np.sqrt(v))))
    ref = combine_effects(y, v, method_re="chi2")
    assert ref.tau2 > 0.02
    assert e.tau2 == pytest.approx(ref.tau2)
    assert e.log_effect == pytest.approx(ref.mean_effect_re)
    assert e.var == pytest.approx(ref.sd_eff_w_re ** 2)


def test_expected_change_removes_each_areas_own_regression_to_the_mean():
    # Each placebo's effect is exactly its counting-noise shift minus tau^2/2 times its
    # wander gap, around a common -0.05 (+-0.2, so tau^2 > 0): removed, the areas agree on
    # -0.05 up to the +-0.2; the target gets the mean plus its own shifts.
    noise = [-0.10, 0.02, -0.04, 0.00, -0.08, 0.05, -0.01, 0.03]
    gap = [0.5, -0.3, 0.2, 0.0, 0.4, -0.6, 0.1, -0.2]
    spread = [0.2, -0.2] * 4
    plain = placebo.expected_change(fits([-0.05 + s for s in spread], [0.1] * 8))
    tau2 = plain.tau2
    logs = [-0.05 + s + n - tau2 / 2 * g for s, n, g in zip(spread, noise, gap)]
    e = placebo.expected_change(fits(logs, [0.1] * 8, noise, gap), -0.07, 0.8)
    assert e.tau2 == pytest.approx(tau2)
    assert e.log_effect == pytest.approx(-0.05 - 0.07 - tau2 / 2 * 0.8)
    assert e.var == pytest.approx(plain.var + 0.4 ** 2 * e.tau2_var)


def test_degrees_of_freedom_by_satterthwaite():
    e = placebo.Expectation(log_effect=0.0, tau2=0.04, var=0.01, tau2_var=0.0008)
    m = fake(0.7, 0.15, dispersion=1.8, df_resid=33)
    total = 0.15 ** 2 + 0.04 + 0.01
    assert placebo.degrees_of_freedom(m, e, 20) == pytest.approx(
        2 * total ** 2 / (0.0008 + 2 * 0.15 ** 4 / 33))
    # A spread estimated at 0 from enough areas, and a dispersion at the Poisson floor:
    # nothing uncertain left, the normal quantile.
    none = placebo.Expectation(0.0, 0.0, 0.01, 0.0008)
    assert placebo.degrees_of_freedom(fake(0.7, 0.15), none, 20) == math.inf
    # From fewer than MIN_TRUSTED areas a spread of 0 is not taken at its word.
    assert placebo.degrees_of_freedom(fake(0.7, 0.15), none, 5) < math.inf


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
