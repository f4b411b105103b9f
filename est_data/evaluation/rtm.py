"""Regression to the mean, from what the areas' counts say (issue 14, item 2).

An area picked for its many incidents tends to have fewer next year even if nothing is
done, for two reasons, and both can be computed rather than guessed:

- **Counting noise.** An area's before-level ``x = log((n + 0.5) / days)`` is its true
  level measured with the noise of ``n`` counted events (dispersion ``φ``). Across the
  town the true levels spread with variance ``V`` around ``m`` (:func:`level_spread`:
  the levels' variance less their mean noise ``φ / n``). Given ``n``, the true level is
  expected to be ``E[level | n]`` (:meth:`LevelSpread.posterior`: the normal prior times
  the counts' likelihood, by quadrature), and the after-window does not repeat the
  noise: the log effect is expected to be ``x − E[level | n]`` lower. Large for a quiet
  area with a lucky year, small for a busy one.
- **Levels that wander.** An area's level also wanders from year to year. For any level
  that wanders around its own mean (a stationary process) the yearly change ``Δ`` has
  ``cov(Δ, wander) = −var(Δ) / 2``, and the wander's share of a level's deviation is
  ``s² / V``: the expected change is ``−(τ² / 2) · (E[level | n] − m) / V``, where ``τ²``
  is the variance of the yearly change, which is what the placebo areas measure beyond
  their sampling error (:func:`.placebo.expected_change`). A wander without a mean to
  return to (a random walk) has no such pull; then this term is conservative.

In a difference-in-differences the comparison regresses too: the comparison's log change
is its areas' changes weighted by their before-counts, so each term is the target's own
minus the comparison's weighted mean (:func:`regression_to_mean`). A
comparison matched on the before-level (:mod:`.matching`) cancels most of it; what is left
is how far the target lies above its comparison.

References: Barnett, van der Pols & Dobson (2005), "Regression to the mean: what it is
and how to deal with it", *Int. J. Epidemiol.* 34:215-220; Morton & Torgerson (2003),
*BMJ* 326:1083-1084.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from est_data.evaluation.selection import Windows

MIN_V = 1e-4  # a floor for the true levels' variance (all areas alike)
GRID = 241    # quadrature points of :meth:`LevelSpread.posterior`


@dataclass(frozen=True)
class LevelSpread:
    """The town's true before-levels: mean ``m`` and variance ``V`` (log events per day),
    the dispersion ``phi`` of the counts and the before-window's ``days``."""

    m: float
    V: float
    phi: float
    days: float = 365.0

    def posterior(self, levels: pd.DataFrame) -> np.ndarray:
        """``E[true level | n]`` of each area (:func:`area_levels`): the prior
        ``N(m, V)`` times the quasi-Poisson likelihood of its ``n`` events (``n / phi``
        events of rate ``exp(level) · days / phi``), by quadrature on a grid of ±6 sd.
        Exact where the usual shrinkage ``V / (V + phi / n)`` is not: an area at the top
        by its count is more often a quieter area in a lucky year than that says."""
        sd = math.sqrt(self.V)
        grid = self.m + sd * np.linspace(-6, 6, GRID)
        n = levels["n"].to_numpy(dtype=float)[:, None]
        rate = np.exp(grid)[None, :] * self.days
        log_w = (n * np.log(rate) - rate) / self.phi - (grid - self.m) ** 2 / (2 * self.V)
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        return (w * grid).sum(axis=1) / w.sum(axis=1)


def area_levels(rows: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """Before-window events ``n`` and level ``x = log((n + 0.5) / days)`` per area of the
    count rows (``control_key``; the target's rows, without a key, as one area)."""
    before = rows[rows["period"] == "before"]
    key = before["control_key"].fillna("__target__") if "control_key" in before else (
        pd.Series("__target__", index=before.index))
    n = before.groupby(key)["n"].sum().astype(float)
    return pd.DataFrame({"n": n, "x": np.log((n + 0.5) / max(windows.before_days, 1))})


def level_spread(rows: pd.DataFrame, windows: Windows, phi: float) -> LevelSpread:
    """:class:`LevelSpread` of every area in the rows (target, comparison and pool): the
    levels' mean and variance less their mean counting noise ``phi / (n + 0.5)``."""
    levels = area_levels(rows, windows)
    phi = max(1.0, phi) if math.isfinite(phi) else 1.0
    days = float(max(windows.before_days, 1))
    if len(levels) < 2:
        return LevelSpread(float(levels["x"].mean()), MIN_V, phi, days)
    noise = float(np.mean(phi / (levels["n"] + 0.5)))
    return LevelSpread(float(levels["x"].mean()),
                       max(MIN_V, float(levels["x"].var(ddof=1)) - noise), phi, days)


def _parts(rows: pd.DataFrame, windows: Windows) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The target's and the comparison's :func:`area_levels` (``grp`` target/control)."""
    return (area_levels(rows[rows["grp"] == "target"].assign(control_key=None), windows),
            area_levels(rows[rows["grp"] == "control"], windows))


def regression_to_mean(rows: pd.DataFrame, windows: Windows, spread: LevelSpread
                       ) -> tuple[float, float]:
    """``(noise, gap)`` of the target (``grp`` "target") against its comparison (``grp``
    "control"; other rows are ignored), each the target's term less the comparison areas'
    mean weighted by their before-counts (module docstring):

    - ``noise``: the log effect the counting noise alone is expected to give,
      ``−(x − E[level | n])``;
    - ``gap``: ``(E[level | n] − m) / V``; times ``−τ²/2`` it is the log effect the
      wandering levels are expected to give (the wander's share ``s²/V`` of the level's
      deviation, pulled back by ``(1 − ρ)``, and ``(1 − ρ)·s² = τ²/2``).
    """
    def terms(levels: pd.DataFrame) -> np.ndarray:
        post = spread.posterior(levels)
        return np.column_stack([levels["x"] - post, (post - spread.m) / spread.V])

    target, comparison = _parts(rows, windows)
    own = terms(target).sum(axis=0)
    if not comparison.empty:
        weights = (comparison["n"] + 0.5).to_numpy()
        own = own - weights @ terms(comparison) / weights.sum()
    return -float(own[0]), float(own[1])
