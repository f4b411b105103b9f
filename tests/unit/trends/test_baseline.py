"""Tests for est_data.trends.baseline ("unusually high" period detection)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from statsmodels.stats.multitest import multipletests

from est_data.trends.baseline import (SeasonalBaseline, bh_adjust, judge_period, nb_upper_tail,
                                      poisson_baseline_alerts)

COLUMNS = ["period", "count", "expected", "p_value", "flagged"]


def _exact_false_alarm_rate(mean: float, baseline_periods: int, alpha: float) -> float:
    """Exact flag rate of the baseline rule (min_count=0) for i.i.d. Poisson(mean).

    The baseline sum S ~ Poisson(B * mean) and the current count X ~ Poisson(mean)
    are independent; a flag occurs when P(Y >= X | Y ~ Poisson(S / B)) < alpha.
    """
    lam = baseline_periods * mean
    s_max = int(lam + 12 * math.sqrt(lam) + 20)
    x = np.arange(0, int(mean + 15 * math.sqrt(mean) + 30))
    px = stats.poisson.pmf(x, mean)
    rate = 0.0
    for s in range(s_max):
        mu = s / baseline_periods
        p = stats.poisson.sf(x - 1, mu) if mu > 0 else (x == 0).astype(float)
        rate += stats.poisson.pmf(s, lam) * px[p < alpha].sum()
    return rate


# ---------------------------------------------------------------------------
# poisson_baseline_alerts
# ---------------------------------------------------------------------------


def test_planted_jump_is_flagged_and_earlier_weeks_are_not():
    rng = np.random.default_rng(42)
    counts = np.append(rng.poisson(5, 30), 20)
    df = poisson_baseline_alerts(counts)  # B=12, gap=1, alpha=0.01, min_count=3
    assert list(df.columns) == COLUMNS
    assert len(df) == 31
    assert bool(df["flagged"].iloc[-1]) is True
    assert not df["flagged"].iloc[:-1].any()
    last = df.iloc[-1]
    expected = counts[30 - 1 - 12 : 30 - 1].mean()
    assert last["expected"] == pytest.approx(expected)
    assert last["p_value"] == pytest.approx(stats.poisson.sf(19, expected))
    assert last["p_value"] < 1e-6


def test_baseline_window_and_p_value_hand_computed():
    # B=3, gap=1: period 4 uses periods 0..2 (mean 2), period 3 is skipped over.
    counts = [1, 2, 3, 100, 7]
    df = poisson_baseline_alerts(counts, baseline_periods=3, gap=1, alpha=0.05, min_count=0)
    assert df["expected"].iloc[:4].isna().all()
    assert df["p_value"].iloc[:4].isna().all()
    assert df["expected"].iloc[4] == pytest.approx(2.0)
    # P(X >= 7 | Poisson(2)) = 1 - sum_{k<=6} e^-2 2^k / k!
    p = 1 - sum(math.exp(-2) * 2**k / math.factorial(k) for k in range(7))
    assert df["p_value"].iloc[4] == pytest.approx(p, rel=1e-9)
    assert df["flagged"].tolist() == [False, False, False, False, True]


def test_gap_zero_uses_immediately_preceding_periods():
    df = poisson_baseline_alerts([1, 2, 3, 100], baseline_periods=3, gap=0, alpha=0.05)
    assert df["expected"].iloc[3] == pytest.approx(2.0)
    assert bool(df["flagged"].iloc[3])


def test_min_count_blocks_small_significant_counts():
    counts = [0] * 12 + [0, 2]
    df = poisson_baseline_alerts(counts, baseline_periods=12, gap=1)
    assert df["p_value"].iloc[-1] == 0.0  # significant against Poisson(0) ...
    assert not df["flagged"].iloc[-1]  # ... but below min_count=3
    df2 = poisson_baseline_alerts(counts, baseline_periods=12, gap=1, min_count=2)
    assert bool(df2["flagged"].iloc[-1])


def test_alpha_threshold_is_strict():
    counts = [1, 2, 3, 100, 7]
    p = poisson_baseline_alerts(counts, 3, 1, 0.05, 0)["p_value"].iloc[4]
    assert not poisson_baseline_alerts(counts, 3, 1, p, 0)["flagged"].iloc[4]
    assert poisson_baseline_alerts(counts, 3, 1, p * 1.0001, 0)["flagged"].iloc[4]


def test_exact_false_alarm_rate_is_conservative():
    # Poisson(8), B=12, alpha=0.05: the discrete test is conservative even with
    # an estimated baseline mean. Known mean would give P(X >= 14) = 0.0342;
    # the plug-in mean raises that to about 0.0452.
    rate = _exact_false_alarm_rate(8.0, 12, 0.05)
    assert rate == pytest.approx(0.0452, abs=5e-4)
    assert rate <= 0.05
    assert stats.poisson.sf(13, 8) == pytest.approx(0.0342, abs=1e-4)


def test_flat_poisson_false_alarm_rate_single_series():
    alpha = 0.05
    rng = np.random.default_rng(42)
    counts = rng.poisson(8, 2000)
    df = poisson_baseline_alerts(counts, alpha=alpha, min_count=0)
    evaluated = df["p_value"].notna()
    assert evaluated.sum() == 2000 - 13
    rate = df.loc[evaluated, "flagged"].mean()
    # Observed 0.0483 at this seed; exact expectation 0.0452 (SE about 0.005).
    assert alpha / 5 < rate <= alpha


def test_flat_poisson_false_alarm_rate_matches_exact_rate():
    # Pool 10 series (about 19,870 evaluated periods): the simulated flag rate
    # must agree with the exact rate within sampling error.
    alpha = 0.05
    exact = _exact_false_alarm_rate(8.0, 12, alpha)
    rng = np.random.default_rng(123)
    flags = []
    for _ in range(10):
        df = poisson_baseline_alerts(rng.poisson(8, 2000), alpha=alpha, min_count=0)
        flags.append(df.loc[df["p_value"].notna(), "flagged"].to_numpy())
    rate = np.concatenate(flags).mean()
    se = math.sqrt(exact * (1 - exact) / sum(len(f) for f in flags))
    # 4 binomial SEs, doubled for the dependence from overlapping baselines.
    assert abs(rate - exact) < 8 * se
    assert rate <= alpha


@pytest.mark.parametrize("n", [0, 1, 5, 12, 13])
def test_too_short_series_flags_nothing(n):
    counts = [50] * n
    df = poisson_baseline_alerts(counts, baseline_periods=12, gap=1, min_count=0)
    assert len(df) == n
    assert list(df.columns) == COLUMNS
    assert not df["flagged"].any()
    assert df["expected"].isna().all()
    assert df["p_value"].isna().all()


def test_first_full_baseline_period_is_evaluated():
    counts = [1] * 13 + [30]
    df = poisson_baseline_alerts(counts, baseline_periods=12, gap=1)
    assert df["expected"].iloc[:13].isna().all()
    assert df["expected"].iloc[13] == pytest.approx(1.0)
    assert bool(df["flagged"].iloc[13])


@pytest.mark.parametrize(
    ("current", "p", "flag"),
    [(0, 1.0, False), (1, 0.0, False), (2, 0.0, False), (3, 0.0, True), (9, 0.0, True)],
)
def test_zero_baseline(current, p, flag):
    counts = [0] * 13 + [current]
    df = poisson_baseline_alerts(counts, baseline_periods=12, gap=1, min_count=3)
    assert df["expected"].iloc[-1] == 0.0
    assert df["p_value"].iloc[-1] == p
    assert bool(df["flagged"].iloc[-1]) is flag


def test_series_index_is_kept_as_period():
    idx = pd.date_range("2024-01-01", periods=16, freq="W-MON")
    s = pd.Series([2] * 15 + [15], index=idx)
    df = poisson_baseline_alerts(s)
    assert list(df["period"]) == list(idx)
    assert df["flagged"].tolist() == [False] * 15 + [True]
    assert df["count"].dtype == np.int64


def test_float_whole_numbers_accepted():
    df = poisson_baseline_alerts(np.array([2.0] * 14), baseline_periods=12)
    assert df["count"].tolist() == [2] * 14


@pytest.mark.parametrize(
    "counts",
    [[1, -1, 2], [1.5, 2], [1, np.nan], [[1, 2], [3, 4]], pd.Series([1, None, 3]), ["a", "b"]],
)
def test_invalid_counts_raise(counts):
    with pytest.raises(ValueError):
        poisson_baseline_alerts(counts)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(baseline_periods=0),
        dict(baseline_periods=2.5),
        dict(gap=-1),
        dict(alpha=0),
        dict(alpha=1),
        dict(min_count=-1),
    ],
)
def test_invalid_parameters_raise(kwargs):
    with pytest.raises(ValueError):
        poisson_baseline_alerts([1] * 20, **kwargs)


# ---------------------------------------------------------------------------
# The seasonal negative-binomial rule: nb_upper_tail, judge_period, bh_adjust
# ---------------------------------------------------------------------------

def _nb_tail_by_hand(x: int, mu: float, phi: float) -> float:
    """1 - sum_{k<x} of the NB pmf Γ(k+r)/(k! Γ(r)) p^r (1-p)^k, r = mu/(phi-1), p = 1/phi."""
    r, q = mu / (phi - 1), 1 / phi
    pmf = [math.exp(math.lgamma(k + r) - math.lgamma(k + 1) - math.lgamma(r)
                    + r * math.log(q) + k * math.log(1 - q)) for k in range(x)]
    return 1 - math.fsum(pmf)


@pytest.mark.parametrize("x, mu, phi", [(5, 2.0, 1.8), (9, 1.0, 1.7), (12, 6.5, 3.0),
                                        (1, 0.4, 1.2), (30, 10.0, 1.75)])
def test_nb_upper_tail_against_scipy_and_by_hand(x, mu, phi):
    got = nb_upper_tail(x, mu, phi)
    assert got == pytest.approx(stats.nbinom.sf(x - 1, mu / (phi - 1), 1 / phi), rel=1e-9)
    assert got == pytest.approx(_nb_tail_by_hand(x, mu, phi), rel=1e-7)


def test_nb_upper_tail_edges():
    # Dispersion 1 is Poisson; a zero count is certain; mean 0 puts all mass at zero.
    assert nb_upper_tail(5, 2.0, 1.0) == pytest.approx(stats.poisson.sf(4, 2.0))
    assert list(nb_upper_tail([0, 0, 3], [2.0, 0.0, 0.0], [1.8, 1.0, 2.0])) == [1.0, 1.0, 0.0]
    # Overdispersion widens the tail: the same count is less surprising.
    assert nb_upper_tail(8, 3.0, 1.75) > 3 * nb_upper_tail(8, 3.0, 1.0)


def test_judge_period_seasonal_window_by_hand():
    # Two years of weekly data; period 104 is judged against 101..107 - 52 and - 104.
    x = np.ones(110, dtype=int)
    x[49:56] = [2, 4, 6, 8, 6, 4, 2]   # weeks 49..55 = 104 - 52 ± 3
    x[104] = 14
    res = judge_period(x, 104, first=0).iloc[0]
    base = np.concatenate([x[0:4], x[49:56]])  # year 2 back: 0..3 (-1..-3 are before the data)
    assert res["seasonal"] and res["n_baseline"] == base.size == 11
    assert res["expected"] == pytest.approx(base.mean())
    phi = base.var(ddof=1) / base.mean()
    assert res["dispersion"] == pytest.approx(phi)
    assert res["p_value"] == pytest.approx(
        stats.nbinom.sf(13, base.mean() / (phi * (1 + 1 / 11) - 1), 1 / (phi * (1 + 1 / 11))))


@pytest.mark.parametrize("first, seasonal, n", [(0, True, 7), (45, True, 7), (49, True, 7),
                                               (50, False, 12), (91, False, 12),
                                               (92, False, 0)])
def test_judge_period_falls_back_to_recent_weeks_then_to_nothing(first, seasonal, n):
    # Period 104: its seasonal window 49..55 a year back needs the data from week 49;
    # the 12 recent weeks (91..102, gap 1) from week 91; before that, no test.
    x = np.random.default_rng(1).poisson(3, 105)
    spec = SeasonalBaseline(years=1)
    res = judge_period(x, 104, first, spec).iloc[0]
    assert (bool(res["seasonal"]), int(res["n_baseline"])) == (seasonal, n)
    assert np.isnan(res["p_value"]) == (n == 0)


def test_dispersion_is_floored_at_poisson_and_protects_against_spiky_baselines():
    flat = judge_period(np.array([3] * 12 + [0, 9]), 13, spec=SeasonalBaseline(years=0)).iloc[0]
    assert flat["dispersion"] == 1.0
    spiky = judge_period(np.array([0, 6] * 6 + [0, 9]), 13, spec=SeasonalBaseline(years=0))
    assert spiky["dispersion"].item() > 2
    assert spiky["p_value"].item() > 10 * flat["p_value"]  # same mean 3, same count 9


def test_bh_adjust_against_statsmodels_and_scipy():
    p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
                  0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0])  # Benjamini & Hochberg (1995)
    got = bh_adjust(p)
    assert got == pytest.approx(multipletests(p, method="fdr_bh")[1])
    assert got == pytest.approx(stats.false_discovery_control(p, method="bh"))
    assert (got <= 0.05).sum() == 4  # the paper's four rejections at q = 0.05
    with_nan = bh_adjust(np.append(p, np.nan))
    assert np.isnan(with_nan[-1]) and with_nan[:-1] == pytest.approx(got)


def test_the_family_pools_its_dispersion_as_a_floor():
    # A calm series judged alone is Poisson; beside a bursty one it takes the pooled ratio.
    calm = [3] * 12 + [0, 9]
    bursty = [0, 6] * 6 + [0, 3]
    spec = SeasonalBaseline(years=0)
    alone = judge_period(np.array([calm]), 13, spec=spec)
    both = judge_period(np.array([calm, bursty]), 13, spec=spec)
    pooled = (np.var([0, 6] * 6, ddof=0) * 12) / (11 * (3 + 3))
    assert alone["dispersion"].item() == 1.0
    assert both["dispersion"].tolist() == pytest.approx([pooled, 12 * 9 / (11 * 3)])
    assert both["p_value"].iloc[0] > alone["p_value"].item()
