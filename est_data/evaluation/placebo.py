"""The placebo test in space: how unusual is the target's effect among areas without the
measure? ("hur ovanligt är detta", issue 14, item 2)

Every comparison area is evaluated as if it were the target: the same model
(:func:`.did.did_effect`) with that area as the target and the other comparison areas
(never the real target) as its comparison. The target's effect is ranked among those
placebo effects from the largest decrease: ``rank`` 1 means no comparison area fell as
much relative to the others. ``p = rank / (n + 1)`` is the one-sided empirical p-value of
a decrease (the target counted among the ``n + 1``); it cannot go below ``1 / (n + 1)``,
so with fewer than 19 comparison areas no decrease is "significant at 5 %" by placebo alone.

Ties (equal effects up to rounding) count against the target, so ``p`` errs on the large side.
Areas where the model cannot be fitted (no events in a window) are left out of ``n``.
The rows need a ``control_key`` column (the comparison area of each count row, see
:func:`.counts.tag_groups`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from est_data.evaluation.counts import monthly_series
from est_data.evaluation.did import ModelEffect, did_effect
from est_data.evaluation.selection import Windows


TIE = 1e-9  # effects this close to the target's count as ties, which rank before it


@dataclass(frozen=True)
class Placebo:
    """The target's rank among the placebo effects and the empirical p-value."""

    rank: int
    n: int
    p: float
    effects: tuple[float, ...]


def placebo_effects(rows: pd.DataFrame, windows: Windows, first: dt.date | None = None,
                    last: dt.date | None = None, conf_level: float = 0.95) -> list[float]:
    """The model effect of each comparison area against the other comparison areas."""
    if "control_key" not in rows.columns:
        return []
    controls = rows[(rows["grp"] == "control") & rows["control_key"].notna()]
    effects = []
    for key in sorted(controls["control_key"].unique()):
        relabelled = controls.assign(
            grp=(controls["control_key"] == key).map({True: "target", False: "control"}))
        model = did_effect(monthly_series(relabelled, windows, first, last), True, conf_level)
        if model is not None:
            effects.append(model.effect)
    return effects


def placebo_in_space(rows: pd.DataFrame, windows: Windows, target: ModelEffect | None,
                     first: dt.date | None = None, last: dt.date | None = None,
                     conf_level: float = 0.95) -> Placebo | None:
    """The target's rank among the placebo effects (module docstring), or None without a
    target model or without any placebo effect."""
    if target is None or target.design != "did":
        return None
    effects = placebo_effects(rows, windows, first, last, conf_level)
    if not effects:
        return None
    rank = 1 + sum(e <= target.effect * (1 + TIE) for e in effects)
    return Placebo(rank=rank, n=len(effects), p=rank / (len(effects) + 1),
                   effects=tuple(sorted(effects)))
