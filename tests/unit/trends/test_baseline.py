"""Tests for est_data.trends.baseline ("unusually high" period detection)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from est_data.trends.baseline import poisson_baseline_alerts

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
