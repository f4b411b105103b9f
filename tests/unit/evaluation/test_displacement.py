"""Tests for est_data.evaluation.displacement (WDD and WDQ)."""

from __future__ import annotations

import math

import pytest

from est_data.evaluation.displacement import (
    WeightedDisplacementDifference, WeightedDisplacementQuotient,
    weighted_displacement_difference, weighted_displacement_quotient)
from est_data.evaluation.stats import StatisticsError

REL = 1e-5


# ---------------------------------------------------------------------------
# weighted_displacement_difference
# ---------------------------------------------------------------------------


def test_wdd_ptools_local_oracle():
    # ptools::wdd(control = c(20, 20), treated = c(20, 10))
    r = weighted_displacement_difference(tb=20, ta=10, cb=20, ca=20)
    assert isinstance(r, WeightedDisplacementDifference)
    assert r.estimate == pytest.approx(-10)
    assert r.se == pytest.approx(8.3666, rel=REL)
    assert r.z == pytest.approx(-1.1952, rel=1e-4)
    assert r.local_estimate == pytest.approx(-10)
    assert r.displacement_estimate is None
    assert r.displacement_se is None
    assert r.p_value == pytest.approx(2 * 0.11601, rel=1e-3)


def test_wdd_ptools_paper_oracle_with_displacement():
    # ptools::wdd(c(308, 318), c(207, 110), c(150, 140), c(178, 157), alpha = 0.05)
    # control, treated, displacement control, displacement treated
    r = weighted_displacement_difference(
        tb=207, ta=110, cb=308, ca=318, db=178, da=157, eb=150, ea=140
    )
    assert r.estimate == pytest.approx(-118)
    assert r.se == pytest.approx(math.sqrt(1568))
    assert r.se == pytest.approx(39.598, rel=REL)
    assert round(r.z, 2) == -2.98
    assert round(r.ci_low) == -196
    assert round(r.ci_high) == -40
    assert r.local_estimate == pytest.approx(-107)
    assert r.displacement_estimate == pytest.approx(-11)
    assert r.local_se == pytest.approx(math.sqrt(943))
    assert r.displacement_se == pytest.approx(math.sqrt(625))
    assert r.p_value < 0.01


@pytest.mark.parametrize(
    ("tb", "ta", "cb", "ca"),
    [(20, 10, 20, 20), (0, 5, 3, 3), (100, 120, 50, 40), (7, 7, 7, 7), (1, 0, 0, 1)],
)
def test_wdd_without_displacement_equals_formula(tb, ta, cb, ca):
    r = weighted_displacement_difference(tb, ta, cb, ca)
    est = (ta - tb) - (ca - cb)
    se = math.sqrt(ta + tb + ca + cb)
    assert r.estimate == pytest.approx(est)
    assert r.se == pytest.approx(se)
    assert r.z == pytest.approx(est / se)
    assert r.estimate == r.local_estimate
    assert r.se == r.local_se


def test_wdd_displacement_components_add_up():
    r = weighted_displacement_difference(20, 10, 20, 20, 20, 10, 20, 20)
    assert r.local_estimate == pytest.approx(-10)
    assert r.displacement_estimate == pytest.approx(-10)
    assert r.estimate == pytest.approx(-20)
    assert r.se == pytest.approx(math.sqrt(140))


def test_wdd_all_zero_counts():
    r = weighted_displacement_difference(0, 0, 0, 0)
    assert r.estimate == 0
    assert r.se == 0
    assert math.isnan(r.z)
    assert r.p_value == 1.0


@pytest.mark.parametrize(
    "disp",
    [dict(db=1), dict(db=1, da=2), dict(db=1, da=2, eb=3), dict(eb=3, ea=4)],
)
def test_wdd_incomplete_displacement_raises(disp):
    with pytest.raises(StatisticsError) as exc:
        weighted_displacement_difference(10, 5, 10, 10, **disp)
    assert exc.value.code == "incomplete_displacement"


def test_wdd_negative_count_raises():
    with pytest.raises(StatisticsError):
        weighted_displacement_difference(10, -5, 10, 10)


# ---------------------------------------------------------------------------
# weighted_displacement_quotient
# ---------------------------------------------------------------------------


def test_wdq_hand_computed_displacement():
    # success = 60/200 - 100/200 = -0.2; buffer = 60/200 - 50/200 = 0.05
    r = weighted_displacement_quotient(tb=100, ta=60, cb=200, ca=200, db=50, da=60)
    assert isinstance(r, WeightedDisplacementQuotient)
    assert r.success_measure == pytest.approx(-0.2)
    assert r.buffer_measure == pytest.approx(0.05)
    assert r.wdq == pytest.approx(-0.25)
    # TNE = (100*1 - 60) + (50*1 - 60) = 30
    assert r.total_net_effect == pytest.approx(30)
    assert r.reason is None and r.reason_code is None


def test_wdq_hand_computed_diffusion_with_comparison_trend():
    # Ca/Cb = 1.2; success = 20/120 - 40/100 = -7/30; buffer = 24/120 - 30/100 = -0.1
    r = weighted_displacement_quotient(tb=40, ta=20, cb=100, ca=120, db=30, da=24)
    assert r.success_measure == pytest.approx(-7 / 30)
    assert r.buffer_measure == pytest.approx(-0.1)
    assert r.wdq == pytest.approx(3 / 7)
    # TNE = (40*1.2 - 20) + (30*1.2 - 24) = 28 + 12 = 40
    assert r.total_net_effect == pytest.approx(40)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((10, 5, 0, 10, 5, 5), "zero_comparison_count"),
        ((10, 5, 10, 0, 5, 5), "zero_comparison_count"),
        ((10, 10, 20, 20, 5, 8), "zero_success_measure"),
        ((0, 0, 20, 30, 5, 8), "zero_success_measure"),
        ((10, 20, 20, 20, 5, 8), "no_relative_decrease"),
    ],
)
def test_wdq_not_computable(args, code):
    r = weighted_displacement_quotient(*args)
    assert r.wdq is None
    assert r.reason_code == code
    assert isinstance(r.reason, str) and r.reason


def test_wdq_zero_cb_has_no_total_net_effect_but_zero_ca_has():
    assert weighted_displacement_quotient(10, 5, 0, 10, 5, 5).total_net_effect is None
    r = weighted_displacement_quotient(10, 5, 10, 0, 5, 5)
    # Ca/Cb = 0 -> TNE = (0 - 5) + (0 - 5)
    assert r.total_net_effect == pytest.approx(-10)


def test_wdq_zero_target_after_is_fine():
    r = weighted_displacement_quotient(10, 0, 10, 10, 10, 10)
    assert r.success_measure == pytest.approx(-1.0)
    assert r.wdq == pytest.approx(0.0)
    assert r.total_net_effect == pytest.approx(10)
