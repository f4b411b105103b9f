"""Counting an evaluation: the monthly bins of each window."""
from __future__ import annotations

import datetime as dt

from est_data.evaluation.counts import month_bins
from est_data.evaluation.selection import windows_for


def test_month_bins_cover_each_window_exactly():
    w = windows_for(dt.date(2025, 3, 17), 365, 200)
    bins = month_bins(w)
    before, after = bins[bins.period == "before"], bins[bins.period == "after"]
    assert len(before) == 12 and len(after) == 7
    assert before["start"].iloc[0] == dt.datetime(2024, 3, 17)
    assert abs(before["days"].sum() - 365) < 1e-9 and abs(after["days"].sum() - 200) < 1e-9
    assert after["end"].iloc[-1] == dt.datetime(2025, 10, 3)
