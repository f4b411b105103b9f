"""Power of the verdict (issue 14, item 4): the formula against statsmodels' normal power,
its limits, and the JSON table."""
from __future__ import annotations

import math

import pytest
from statsmodels.stats.power import NormalIndPower

from est_data.evaluation import power
from est_data.evaluation.selection import MONTH_DAYS

BUSY = power.PowerInputs(target_rate=100 / 365, control_rate=1000 / 365, dispersion=1.5,
                         tau=0.1, defaults=False)


def test_detect_chance_is_the_normal_power_of_the_verdicts_rule():
    drop, months = 0.3, 12
    tb, ta = 100.0, 100 / 365 * 0.7 * months * MONTH_DAYS
    cb, ca = 1000.0, 1000 / 365 * months * MONTH_DAYS
    sd = math.sqrt(1.5 * (1 / tb + 1 / ta + 1 / cb + 1 / ca) + 0.1 ** 2)
    expected = NormalIndPower().power(effect_size=-math.log(0.7) / sd, nobs1=1, ratio=0,
                                      alpha=0.025, alternative="larger")
    # The 10-event rule is certain to hold at these counts.
    assert power.detect_chance(BUSY, drop, months) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("rate,months,drop,low,high", [
    (100 / 365, 12, 0.3, 0.3, 0.8),     # a busy area: a fair chance after a year
    (100 / 365, 24, 0.3, 0.4, 0.95),    # better after two
    (100 / 365, 12, 0.4, 0.6, 0.99),    # a larger drop is easier
    (8 / 365, 12, 0.3, 0.0, 0.01),      # 8 events a year: the 10-event rule is rarely met
])
def test_detect_chance_grows_with_level_time_and_drop(rate, months, drop, low, high):
    inp = power.PowerInputs(rate, 1000 / 365, 1.5, 0.1, False)
    assert low <= power.detect_chance(inp, drop, months) <= high


def test_the_spread_between_areas_caps_what_time_can_buy():
    # With tau 0.3 a 30 % drop (log 0.36) is never found with 80 % chance.
    wander = power.PowerInputs(10, 100, 1.0, 0.3, False)
    assert power.months_to_detect(wander, 0.3) is None
    months = power.months_to_detect(BUSY, 0.4)
    assert months is not None and power.detect_chance(BUSY, 0.4, months) >= 0.8
    assert power.detect_chance(BUSY, 0.4, months - 1) < 0.8


def test_power_table_is_the_json_form():
    table = power.power_table(BUSY, after_days=183)
    assert set(table) == {"detect_20_12m", "detect_30_12m", "detect_40_12m", "detect_20_24m",
                          "detect_30_24m", "detect_40_24m", "detect_30_now",
                          "months_to_detect_30", "months_to_detect_40", "assumed"}
    assert table["detect_30_now"] == pytest.approx(
        power.detect_chance(BUSY, 0.3, 183 / MONTH_DAYS), abs=5e-4)
    assert table["detect_30_12m"] < table["detect_30_24m"]
    assert table["assumed"] is False


def test_inputs_fall_back_to_the_defaults_when_nothing_was_measured():
    inp = power.inputs_for(50, None, 365, None, None)
    assert inp.defaults and inp.dispersion == power.DEFAULT_DISPERSION
    assert inp.tau == power.DEFAULT_TAU and inp.control_rate is None
    measured = power.inputs_for(50, 500, 365, 1.3, 0.2)
    assert not measured.defaults and (measured.dispersion, measured.tau) == (1.3, 0.2)


def test_the_expectations_own_uncertainty_lowers_the_chance():
    import dataclasses

    wider = dataclasses.replace(BUSY, extra_var=0.02)
    assert power.detect_chance(wider, 0.3, 12) < power.detect_chance(BUSY, 0.3, 12)
    assert power.inputs_for(100, 1000, 365, 1.5, 0.1, extra_var=0.02).extra_var == 0.02
    assert power.inputs_for(100, 1000, 365, None, None, extra_var=0.02).extra_var == 0.0
