"""The placebo test in time: did the target already change before the measure?
(issue 14, item 2)

The same model (:func:`.did.did_effect`, target against its comparison) with the measure
moved to the middle of the before-window: the first half of the before-window's months
as "before", the second half as "after", and nothing of the real after-window. No measure
was taken at that pseudo date, so its effect should be no change. When its interval
excludes no change, the target was already moving relative to the comparison areas
(parallel trends do not hold), and a change in the same direction after the measure may
be that movement going on: the verdict (:func:`.evaluate.verdict_code`) does not assert
it.

Half-windows are shorter than the evaluation's, so the test has less power than the real
one; it only vetoes, it never asserts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from est_data.evaluation.did import ModelEffect, did_effect

MIN_BINS = 6  # a before-window of fewer months gives no time placebo


def placebo_in_time(monthly: pd.DataFrame, with_control: bool,
                    conf_level: float = 0.95) -> ModelEffect | None:
    """The model at the pseudo date in the middle of the before-window, or None (no
    comparison, too short a before-window, or no events in a half)."""
    if not with_control or monthly is None or monthly.empty:
        return None
    before = monthly[monthly["period"] == "before"].sort_values("bin")
    if len(before) < MIN_BINS:
        return None
    half = len(before) // 2
    pseudo = before.assign(period=np.where(np.arange(len(before)) < half, "before", "after"))
    return did_effect(pseudo, True, conf_level)
