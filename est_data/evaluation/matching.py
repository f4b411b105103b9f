"""Comparison areas matched on the before-period (issue 14, item 2).

A focus area is chosen because it had many incidents, and an area with a high year tends
to fall the next year by itself (regression to the mean). Comparing it with every other
area of town, most of them quiet, mistakes that fall for an effect. The default comparison
is therefore the :data:`MATCH_K` candidate areas most like the target in the before-window:

- **level**: ``log((before + 0.5) / days)``, the before-rate on a log scale;
- **trend**: ``log((second half + 0.5) / (first half + 0.5))``, the rise or fall inside the
  before-window (no earlier history is needed).

Both are standardised over the candidates (divided by their standard deviation) and the
areas nearest the target in that plane are taken (Euclidean distance; ties by area id).
The candidates are the default comparison areas of :mod:`.selection` (statistical areas
that do not touch the target nor belong to the buffer). An evaluator can still choose the
areas by hand, or compare with all candidates.

The same rule picks each placebo area's own comparison (:mod:`.placebo`), so the placebo
test evaluates every candidate exactly as the target was evaluated.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from est_data.core import fmt

MATCH_K = 8          # comparison areas in a matched comparison
MIN_CANDIDATES = 3   # fewer candidates than this: no matching, all of them are used
COMPARISONS = ("matched", "all")


def before_profile(rows: pd.DataFrame, key_column: str, n_before_bins: int) -> pd.DataFrame:
    """Per key: ``before`` total and the ``first``/``second`` half of the before-window.

    ``rows`` are count rows (:func:`.counts.tag_groups`) of the before period with a
    ``bin`` (0 … ``n_before_bins - 1``); the middle bin of an odd number is left out of
    both halves.
    """
    sub = rows[rows["period"] == "before"]
    half = n_before_bins // 2
    first = sub[sub["bin"] < half].groupby(key_column)["n"].sum()
    second = sub[sub["bin"] >= n_before_bins - half].groupby(key_column)["n"].sum()
    total = sub.groupby(key_column)["n"].sum()
    out = pd.DataFrame({"before": total, "first": first, "second": second}).fillna(0)
    return out.astype("int64")


def features(profile: pd.DataFrame, days: float) -> pd.DataFrame:
    """``level`` and ``trend`` of each row of a :func:`before_profile`."""
    return pd.DataFrame({
        "level": np.log((profile["before"] + 0.5) / max(days, 1.0)),
        "trend": np.log((profile["second"] + 0.5) / (profile["first"] + 0.5)),
    }, index=profile.index)


def nearest(target: pd.Series, candidates: pd.DataFrame, k: int = MATCH_K) -> pd.DataFrame:
    """The candidates with their standardised ``distance`` to the target, nearest first;
    column ``chosen`` marks the ``k`` nearest (all of them when there are too few)."""
    scale = candidates[["level", "trend"]].std(ddof=0).replace(0, 1.0).fillna(1.0)
    diff = (candidates[["level", "trend"]] - target[["level", "trend"]]) / scale
    out = candidates.assign(distance=np.sqrt((diff ** 2).sum(axis=1)))
    out = out.rename_axis("area_id").reset_index().sort_values(["distance", "area_id"])
    take = len(out) if len(out) < max(MIN_CANDIDATES, k) else k
    out["chosen"] = np.arange(len(out)) < take
    return out.reset_index(drop=True)


def match_table(rows: pd.DataFrame, n_before_bins: int, before_days: float,
                k: int = MATCH_K) -> pd.DataFrame:
    """The target's matching: one row per candidate comparison area with ``before``,
    ``level``, ``trend``, ``distance`` and ``chosen`` (see the module docstring).

    ``rows`` are the evaluation's count rows: the target (``grp`` "target") and the
    candidates (``grp`` "control", keyed by ``control_key``).
    """
    target_rows = rows[rows["grp"] == "target"].assign(key="target")
    target = features(before_profile(target_rows, "key", n_before_bins), before_days)
    cand_rows = rows[(rows["grp"] == "control") & rows["control_key"].notna()]
    profile = before_profile(cand_rows, "control_key", n_before_bins)
    if profile.empty:
        return pd.DataFrame(columns=["area_id", "before", "level", "trend", "distance",
                                     "chosen"])
    cands = profile[["before"]].join(features(profile, before_days))
    row = target.iloc[0] if len(target) else pd.Series({"level": -np.inf, "trend": 0.0})
    return nearest(row, cands, k)


def swedish_table(table: pd.DataFrame) -> pd.DataFrame:
    """The match table for people: area, events before, trend inside the before-window,
    distance and whether it was chosen (nearest first)."""
    if table.empty:
        return pd.DataFrame(columns=["Område", "Händelser före", "Utveckling före",
                                     "Avstånd", "Vald"])
    trend = (np.exp(table["trend"]) - 1) * 100
    return pd.DataFrame({
        "Område": table.get("name", table["area_id"]),
        "Händelser före": [fmt.num(int(n)) for n in table["before"]],
        "Utveckling före": [fmt.pct(t) if round(t) else f"0{fmt.NBSP}%" for t in trend],
        "Avstånd": [fmt.num(d, 2) for d in table["distance"]],
        "Vald": ["ja" if c else "" for c in table["chosen"]],
    })
