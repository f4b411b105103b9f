"""The headline model (difference-in-differences quasi-Poisson GLM) against statsmodels,
fitted independently with its formula API on constructed monthly counts."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from est_data.evaluation import did
from est_data.evaluation.counts import month_bins, observed_days
from est_data.evaluation.selection import windows_for


def monthly(date, days, target_rate, control_rate, effect, seed, data_last=None,
            overdispersion=4.0):
    """Monthly bins with negative-binomial counts (size ``overdispersion``: variance
    ``mu + mu²/size``), a seasonal wave, and the target's after-rate times ``effect``."""
    rng = np.random.default_rng(seed)
    bins = month_bins(windows_for(date, days, days))
    bins["mid"] = bins["start"] + (bins["end"] - bins["start"]) / 2
    bins["observed_days"] = [observed_days(a, b, None, data_last)
                             for a, b in zip(bins["start"], bins["end"])]
    season = 1 + 0.3 * np.cos(2 * np.pi * (bins["mid"].dt.month.to_numpy() - 1) / 12)
    after = (bins["period"] == "after").to_numpy()
    for group, rate, eff in (("target", target_rate, effect), ("control", control_rate, 1.0)):
        mu = rate * season * np.where(after, eff, 1.0) * bins["observed_days"].to_numpy() / 30
        p = overdispersion / (overdispersion + mu)
        bins[group] = rng.negative_binomial(overdispersion, p)
    return bins


def long_form(bins):
    parts = []
    for group, flag in (("target", 1), ("control", 0)):
        parts.append(pd.DataFrame({"count": bins[group], "exposure": bins["observed_days"],
                                   "target": flag, "after": (bins["period"] == "after").astype(int),
                                   "month": bins["mid"].dt.month}))
    df = pd.concat(parts, ignore_index=True)
    return df[df["exposure"] > 0]


def oracle(df, formula, scale):
    fit = smf.glm(formula, data=df, family=sm.families.Poisson(),
                  offset=np.log(df["exposure"])).fit(scale=scale, tol=1e-13)
    low, high = fit.conf_int(alpha=0.05).loc["target:after"]
    return fit, math.exp(fit.params["target:after"]), math.exp(low), math.exp(high)


def test_effect_and_interval_match_statsmodels_on_overdispersed_counts():
    bins = monthly(dt.date(2025, 3, 10), 730, 30, 200, 0.6, seed=3, overdispersion=5.0)
    m = did.did_effect(bins, with_control=True)
    fit, effect, low, high = oracle(long_form(bins),
                                    "count ~ C(month) + target + after + target:after", "X2")
    assert fit.scale > 1  # the constructed counts are overdispersed
    assert m.dispersion == pytest.approx(fit.scale, rel=1e-6)
    assert m.effect == pytest.approx(effect, rel=1e-6)
    assert (m.ci_low, m.ci_high) == pytest.approx((low, high), rel=1e-6)
    assert m.family == "quasi-poisson" and m.design == "did" and m.n_obs == 96
    # wider than Poisson: the exact-count intervals are too narrow here
    _, _, p_low, p_high = oracle(long_form(bins),
                                 "count ~ C(month) + target + after + target:after", 1.0)
    assert m.ci_high / m.ci_low > p_high / p_low


def test_partial_after_window_uses_observed_days_as_exposure():
    # Data end 200 days into the 365-day after-window: later bins are shorter or absent.
    date = dt.date(2025, 1, 1)
    bins = monthly(date, 365, 40, 300, 1.0, seed=5, data_last=date + dt.timedelta(days=199))
    m = did.did_effect(bins, with_control=True)
    df = long_form(bins)
    assert len(df) < 48
    fit_x2 = smf.glm("count ~ C(month) + target + after + target:after", data=df,
                     family=sm.families.Poisson(), offset=np.log(df["exposure"])).fit(scale="X2", tol=1e-13)
    scale = max(1.0, fit_x2.scale)
    _, effect, low, high = oracle(df, "count ~ C(month) + target + after + target:after", scale)
    assert m.effect == pytest.approx(effect, rel=1e-6)
    assert (m.ci_low, m.ci_high) == pytest.approx((low, high), rel=1e-6)


def test_underdispersion_never_narrows_the_interval_below_poisson():
    bins = monthly(dt.date(2025, 1, 1), 365, 40, 300, 1.0, seed=1, overdispersion=1e9)
    m = did.did_effect(bins, with_control=True)
    df = long_form(bins)
    x2 = smf.glm("count ~ C(month) + target + after + target:after", data=df,
                 family=sm.families.Poisson(), offset=np.log(df["exposure"])).fit(scale="X2", tol=1e-13)
    assert x2.scale < 1 and m.dispersion == pytest.approx(x2.scale, rel=1e-6)
    _, effect, low, high = oracle(df, "count ~ C(month) + target + after + target:after", 1.0)
    assert (m.effect, m.ci_low, m.ci_high) == pytest.approx((effect, low, high), rel=1e-6)


def test_windows_in_different_months_drop_the_after_column():
    # 90 days before (Oct-Dec) and after (Jan-Mar): month of year determines "after", so
    # the model keeps month effects and the interaction, as the statsmodels fit without it.
    bins = monthly(dt.date(2025, 1, 1), 90, 40, 300, 0.5, seed=2)
    m = did.did_effect(bins, with_control=True)
    df = long_form(bins)
    x2 = smf.glm("count ~ C(month) + target + target:after", data=df,
                 family=sm.families.Poisson(), offset=np.log(df["exposure"])).fit(scale="X2", tol=1e-13)
    _, effect, low, high = oracle(df, "count ~ C(month) + target + target:after",
                                  max(1.0, x2.scale))
    assert (m.effect, m.ci_low, m.ci_high) == pytest.approx((effect, low, high), rel=1e-6)


def test_target_alone_is_a_before_after_model():
    bins = monthly(dt.date(2025, 1, 1), 730, 40, 300, 0.5, seed=4)
    m = did.did_effect(bins, with_control=False)
    df = long_form(bins)
    df = df[df["target"] == 1]
    x2 = smf.glm("count ~ C(month) + after", data=df, family=sm.families.Poisson(),
                 offset=np.log(df["exposure"])).fit(scale="X2", tol=1e-13)
    scale = max(1.0, x2.scale)
    fit = smf.glm("count ~ C(month) + after", data=df, family=sm.families.Poisson(),
                  offset=np.log(df["exposure"])).fit(scale=scale, tol=1e-13)
    low, high = np.exp(fit.conf_int().loc["after"])
    assert m.design == "before_after"
    assert (m.effect, m.ci_low, m.ci_high) == pytest.approx(
        (math.exp(fit.params["after"]), low, high), rel=1e-6)


def test_no_model_when_a_window_has_no_events():
    bins = monthly(dt.date(2025, 1, 1), 365, 40, 300, 1.0, seed=1)
    bins.loc[bins["period"] == "after", "target"] = 0
    assert did.did_effect(bins, with_control=True) is None
