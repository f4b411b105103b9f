"""Comparison areas matched on the before-period (issue 14, item 2): table-driven cases."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from est_data.evaluation import matching


def rows(areas: dict[str, tuple[int, int]], bins: int = 12) -> pd.DataFrame:
    """Before-period count rows: key → (events in the first half, in the second half);
    key "T" is the target."""
    out = []
    for key, (first, second) in areas.items():
        for b in range(bins):
            n = first if b < bins // 2 else second
            out.append({"grp": "target" if key == "T" else "control", "period": "before",
                        "category": "x", "buffer_key": None,
                        "control_key": None if key == "T" else key, "bin": b, "n": n})
    return pd.DataFrame(out)


def test_profile_and_features():
    prof = matching.before_profile(rows({"A": (2, 4)}), "control_key", 12)
    assert prof.loc["A"].tolist() == [36, 12, 24]
    feats = matching.features(prof, 365)
    assert feats.loc["A", "level"] == pytest.approx(math.log(36.5 / 365))
    assert feats.loc["A", "trend"] == pytest.approx(math.log(24.5 / 12.5))


@pytest.mark.parametrize("areas,k,chosen", [
    # the same level and trend as the target beats a busier or a rising area
    ({"T": (10, 10), "A": (10, 10), "B": (20, 20), "C": (5, 15), "D": (1, 1)}, 1, ["A"]),
    # a rising target is matched with the rising area first
    ({"T": (5, 15), "A": (10, 10), "B": (20, 20), "C": (5, 15), "D": (1, 1)}, 1, ["C"]),
    # ties in distance go by area id
    ({"T": (10, 10), "B": (10, 10), "A": (10, 10), "C": (1, 1), "D": (2, 2)}, 2, ["A", "B"]),
    # fewer candidates than MIN_CANDIDATES: all of them
    ({"T": (10, 10), "A": (1, 1), "B": (30, 30)}, 1, ["A", "B"]),
])
def test_nearest_candidates_are_chosen(areas, k, chosen):
    table = matching.match_table(rows(areas), 12, 365, k=k)
    assert sorted(table.loc[table["chosen"], "area_id"]) == chosen
    assert table["distance"].is_monotonic_increasing


def test_no_candidates_gives_an_empty_table():
    table = matching.match_table(rows({"T": (3, 3)}), 12, 365)
    assert table.empty and "chosen" in table.columns
