"""Tests for est_data.evaluation.stats (before/after evaluation statistics)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from est_data.evaluation.stats import (
    RateRatio, RelativeEffectSize, StatisticsError, rate_ratio, relative_effect_size)

REL = 1e-5


# ---------------------------------------------------------------------------
# rate_ratio
# ---------------------------------------------------------------------------


def test_rate_ratio_matches_r_rateratio_test_oracle():
    # R: rateratio.test(x = c(2, 9), n = c(17877, 16660))
    #   rate ratio 0.2070942, 95% CI 0.02177406 1.00054910, p-value = 0.05011
    # R's first element is the numerator, i.e. our "after" period.
    r = rate_ratio(
        count_before=9, count_after=2, exposure_before=16660, exposure_after=17877
    )
    assert isinstance(r, RateRatio)
    assert r.estimate == pytest.approx(0.2070942, rel=REL)
    assert r.ci_low == pytest.approx(0.02177406, rel=REL)
    assert r.ci_high == pytest.approx(1.00054910, rel=REL)
    # R prints the p-value rounded to 4 significant digits (0.05011).
    assert r.p_value == pytest.approx(0.05011, abs=5e-6)
    assert r.conf_level == 0.95


def test_rate_ratio_positional_order_is_before_after():
    r = rate_ratio(9, 2, 16660, 17877)
    assert r.estimate == pytest.approx((2 / 17877) / (9 / 16660), rel=1e-12)


def test_rate_ratio_result_is_frozen():
    r = rate_ratio(5, 5, 1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.estimate = 2.0  # type: ignore[misc]


def test_rate_ratio_equal_counts_equal_exposure():
    r = rate_ratio(10, 10, 7, 7)
    assert r.estimate == pytest.approx(1.0)
    assert r.p_value == pytest.approx(1.0)
    assert r.ci_low < 1.0 < r.ci_high
    # Symmetric split -> interval symmetric on the log scale.
    assert r.ci_low * r.ci_high == pytest.approx(1.0, rel=1e-10)


def test_rate_ratio_exposure_matters():
    # Same counts, but the after period is twice as long -> half the rate.
    r = rate_ratio(10, 10, 30, 60)
    assert r.estimate == pytest.approx(0.5)


def test_rate_ratio_wider_interval_for_higher_conf_level():
    r90 = rate_ratio(20, 12, 1, 1, conf_level=0.90)
    r99 = rate_ratio(20, 12, 1, 1, conf_level=0.99)
    assert r99.ci_low < r90.ci_low < r90.estimate < r90.ci_high < r99.ci_high


@pytest.mark.parametrize(
    ("cb", "ca", "eb", "ea"),
    [(9, 2, 16660, 17877), (1, 7, 3, 5), (40, 25, 365, 365), (0, 4, 10, 10), (6, 0, 10, 10), (3, 3, 2, 9)],
)
def test_rate_ratio_swap_before_after_inverts(cb, ca, eb, ea):
    fwd = rate_ratio(cb, ca, eb, ea)
    rev = rate_ratio(ca, cb, ea, eb)
    def inv(x):
        return math.inf if x == 0 else (0.0 if math.isinf(x) else 1.0 / x)
    assert rev.estimate == pytest.approx(inv(fwd.estimate), rel=1e-9)
    assert rev.ci_low == pytest.approx(inv(fwd.ci_high), rel=1e-9)
    assert rev.ci_high == pytest.approx(inv(fwd.ci_low), rel=1e-9)
    assert rev.p_value == pytest.approx(fwd.p_value, rel=1e-9)


def test_rate_ratio_both_zero():
    r = rate_ratio(0, 0, 10, 10)
    assert math.isnan(r.estimate)
    assert r.ci_low == 0.0
    assert r.ci_high == math.inf
    assert r.p_value == 1.0


def test_rate_ratio_zero_after():
    r = rate_ratio(8, 0, 10, 10)
    assert r.estimate == 0.0
    assert r.ci_low == 0.0
    # Clopper-Pearson upper limit for 0/8: 1 - 0.025**(1/8); RR = p/(1-p).
    p_hi = 1 - 0.025 ** (1 / 8)
    assert r.ci_high == pytest.approx(p_hi / (1 - p_hi), rel=1e-9)
    # Exact one-sided tail P(X <= 0) = 0.5**8, doubled.
    assert r.p_value == pytest.approx(2 * 0.5**8, rel=1e-9)


def test_rate_ratio_zero_before():
    r = rate_ratio(0, 8, 10, 10)
    assert r.estimate == math.inf
    assert r.ci_high == math.inf
    assert 0 < r.ci_low < 1e9
    assert r.p_value == pytest.approx(2 * 0.5**8, rel=1e-9)


def test_rate_ratio_numpy_integers_accepted():
    r = rate_ratio(np.int64(9), np.int64(2), np.float64(16660), 17877)
    assert r.estimate == pytest.approx(0.2070942, rel=REL)


@pytest.mark.parametrize(
    "args",
    [
        (-1, 2, 1, 1),
        (1.5, 2, 1, 1),
        (1, 2, 0, 1),
        (1, 2, 1, -3),
        (math.nan, 2, 1, 1),
        ("3", 2, 1, 1),
    ],
)
def test_rate_ratio_invalid_input(args):
    with pytest.raises(StatisticsError):
        rate_ratio(*args)


@pytest.mark.parametrize("conf", [0, 1, 1.5, -0.1])
def test_rate_ratio_invalid_conf_level(conf):
    with pytest.raises(StatisticsError) as exc:
        rate_ratio(3, 4, 1, 1, conf_level=conf)
    assert exc.value.code == "invalid_conf_level"
    assert isinstance(exc.value, ValueError)


@settings(max_examples=60, deadline=None)
@given(
    cb=st.integers(0, 300),
    ca=st.integers(0, 300),
    eb=st.floats(0.5, 1000),
    ea=st.floats(0.5, 1000),
)
def test_rate_ratio_interval_contains_estimate(cb, ca, eb, ea):
    r = rate_ratio(cb, ca, eb, ea)
    assert 0.0 <= r.p_value <= 1.0
    if cb + ca == 0:
        return
    assert r.ci_low <= r.estimate <= r.ci_high


# ---------------------------------------------------------------------------
# relative_effect_size
# ---------------------------------------------------------------------------


def test_res_hand_computed():
    # tb=100, ta=50, cb=200, ca=200 -> RES = 100*200 / (50*200) = 2
    r = relative_effect_size(100, 50, 200, 200)
    assert isinstance(r, RelativeEffectSize)
    assert r.estimate == pytest.approx(2.0)
    se = math.sqrt(1 / 100 + 1 / 50 + 1 / 200 + 1 / 200)
    assert r.log_se == pytest.approx(se)
    z = 1.959963984540054
    assert r.ci_low == pytest.approx(2.0 * math.exp(-z * se), rel=1e-9)
    assert r.ci_high == pytest.approx(2.0 * math.exp(z * se), rel=1e-9)
    # se = sqrt(0.04) = 0.2, z = ln 2 / 0.2 = 3.4657...; two-sided p
    assert se == pytest.approx(0.2)
    assert r.p_value == pytest.approx(0.000528782, rel=1e-5)


def test_res_orientation_decrease_in_target_is_above_one():
    # Target falls, comparison flat -> RES > 1.
    assert relative_effect_size(40, 20, 100, 100).estimate > 1
    # Target rises, comparison flat -> RES < 1.
    assert relative_effect_size(20, 40, 100, 100).estimate < 1


@pytest.mark.parametrize(
    "counts",
    [(100, 50, 200, 200), (3, 7, 11, 2), (1, 1, 1, 1), (250, 260, 1000, 900), (5.5, 2.5, 10, 12)],
)
def test_res_ci_contains_estimate(counts):
    r = relative_effect_size(*counts)
    assert r.ci_low < r.estimate < r.ci_high
    # Interval is symmetric on the log scale.
    assert math.log(r.estimate) - math.log(r.ci_low) == pytest.approx(
        math.log(r.ci_high) - math.log(r.estimate)
    )


@pytest.mark.parametrize(
    "counts",
    [(0, 5, 5, 5), (5, 0, 5, 5), (5, 5, 0, 5), (5, 5, 5, 0), (0, 0, 0, 0)],
)
def test_res_zero_count_raises(counts):
    with pytest.raises(StatisticsError) as exc:
        relative_effect_size(*counts)
    assert exc.value.code == "zero_count"
    assert "zero" in str(exc.value)


def test_res_swapping_periods_inverts():
    a = relative_effect_size(30, 18, 120, 110)
    b = relative_effect_size(18, 30, 110, 120)
    assert b.estimate == pytest.approx(1 / a.estimate)
    assert b.ci_low == pytest.approx(1 / a.ci_high)
    assert b.ci_high == pytest.approx(1 / a.ci_low)


def test_two_sided_quantile_is_normal_or_students_t():
    from est_data.evaluation.stats import two_sided_quantile

    assert two_sided_quantile(0.95) == pytest.approx(1.959963984540054)
    assert two_sided_quantile(0.95, 10) == pytest.approx(2.2281388519649385)
