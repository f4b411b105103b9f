"""The placebo test in time (issue 14, item 2): the model at a pseudo date in the middle
of the before-window, which vetoes a claim when the target was already moving."""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from est_data.evaluation import evaluate as ev_mod
from est_data.evaluation.counts import Counts, month_bins
from est_data.evaluation.did import did_effect
from est_data.evaluation.explain_sv import pre_trend_caveat
from est_data.evaluation.placebo_time import placebo_in_time
from est_data.evaluation.selection import windows_for

W = windows_for(dt.date(2025, 1, 1), 365, 365)


def monthly(target: list[int], control: list[int]):
    bins = month_bins(W)
    bins["mid"] = (bins["start"] + (bins["end"] - bins["start"]) / 2).dt.round("s")
    bins["observed_days"] = bins["days"]
    return bins.assign(target=target, control=control)


def test_a_steady_target_has_no_pre_trend_and_the_after_window_is_not_used():
    flat = monthly([20] * 12 + [5] * 12, [200] * 24)
    pt = placebo_in_time(flat, True)
    assert pt.effect == pytest.approx(1.0) and pt.ci_low < 1 < pt.ci_high


def test_a_target_falling_before_the_measure_is_caught():
    # 40 a month in the first half of the before-year, 20 in the second; the comparison flat.
    falling = monthly([40] * 6 + [20] * 6 + [20] * 12, [200] * 24)
    pt = placebo_in_time(falling, True)
    # The same as the model fitted to the before-months alone, split in halves.
    half = falling[falling["period"] == "before"].assign(
        period=["before"] * 6 + ["after"] * 6)
    assert pt.effect == pytest.approx(did_effect(half, True).effect) == pytest.approx(0.5)
    assert pt.ci_high < 1
    assert placebo_in_time(falling, False) is None  # no comparison: no test
    assert placebo_in_time(falling.iloc[:4].assign(period="before"), True) is None


def test_the_verdict_does_not_claim_what_the_pre_trend_already_showed():
    falling = monthly([40] * 6 + [20] * 6 + [10] * 12, [200] * 24)
    model = did_effect(falling, True)
    pt = placebo_in_time(falling, True)
    common = dict(target=Counts(360, 120), model=model, after_days=365, after_days_observed=365)
    assert model.ci_high < 1
    assert ev_mod.verdict_code(**common) == "decrease"
    assert ev_mod.verdict_code(**common, pre_trend=pt) == "no_change"
    rising = placebo_in_time(monthly([20] * 6 + [40] * 6 + [10] * 12, [200] * 24), True)
    assert rising.ci_low > 1  # a rise before does not veto a decrease after
    assert ev_mod.verdict_code(**common, pre_trend=rising) == "decrease"


def test_the_caveat_says_so(demo_con):
    from est_data.evaluation.selection import EvaluationSpec

    ev = ev_mod.evaluate(demo_con, EvaluationSpec(("fokus_kyrkgatan",), dt.date(2025, 10, 6),
                                                  categories=("storning", "inbrott")))
    assert ev.pre_trend is not None
    falling = placebo_in_time(monthly([40] * 6 + [20] * 6 + [10] * 12, [200] * 24), True)
    text = pre_trend_caveat(dataclasses.replace(ev, pre_trend=falling, verdict="no_change"))
    assert text.startswith("Redan före insatsen minskade målområdet relativt "
                           "jämförelseområdena (andra halvan av föreperioden mot den första: −50")
    assert pre_trend_caveat(dataclasses.replace(ev, pre_trend=None)) is None
    assert np.isfinite(ev.pre_trend.effect)


def test_the_headline_names_the_pre_trend_when_it_vetoes(demo_con):
    from est_data.evaluation.placebo import VerdictInterval
    from est_data.evaluation.selection import EvaluationSpec
    from est_data.evaluation.summary_sv import verdict_sentence

    ev = ev_mod.evaluate(demo_con, EvaluationSpec(("fokus_kyrkgatan",), dt.date(2025, 10, 6),
                                                  categories=("storning", "inbrott")))
    series = monthly([40] * 6 + [20] * 6 + [10] * 12, [200] * 24)
    falling = placebo_in_time(series, True)
    vetoed = dataclasses.replace(ev, pre_trend=falling, verdict="no_change",
                                 model=did_effect(series, True), target=Counts(360, 120),
                                 control=Counts(2400, 2400),
                                 verdict_ci=VerdictInterval(0.5, 0.9, 0.1, False))
    assert vetoed.model.ci_high < 1
    text = verdict_sentence(vetoed)
    assert text.startswith("Bedömning: ingen säkerställd förändring. Modellen visar en minskning")
    assert "minskade redan före insatsen (placebotest i tid)" in text
