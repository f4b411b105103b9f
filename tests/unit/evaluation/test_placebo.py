"""The placebo test in space: every comparison area evaluated as if it were the target,
and where the target's effect ranks among them (issue 14, item 2)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from est_data.evaluation import placebo
from est_data.evaluation.did import did_effect
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


def test_no_placebo_without_comparison_areas_or_a_model():
    rows = rows_for({"T": (10, 8), "A": (10, 7), "B": (10, 9)})
    target = did_effect(monthly_series(rows, WINDOWS), True)
    assert placebo.placebo_in_space(rows, WINDOWS, target).n == 2
    assert placebo.placebo_in_space(rows, WINDOWS, None) is None
    assert placebo.placebo_in_space(rows.drop(columns="control_key"), WINDOWS, target) is None
    alone = rows[rows["grp"] == "target"]
    assert placebo.placebo_in_space(alone, WINDOWS, target) is None


def test_ties_count_against_the_target():
    rows = rows_for({"T": (10, 10), "A": (10, 10), "B": (10, 10)})
    target = did_effect(monthly_series(rows, WINDOWS), True)
    assert placebo.placebo_in_space(rows, WINDOWS, target).p == 1.0
