"""The placebo test in space: how unusual is the target's effect among areas without the
measure? ("hur ovanligt är detta", issue 14, item 2)

Every candidate comparison area is evaluated as if it were the target: the same model
(:func:`.did.did_effect`) with that area as the target and, as its comparison, the areas
the same rule would give it (its :mod:`.matching` nearest among the other candidates, or
all of them), never the real target.

Two numbers come out of the placebo effects:

- **the rank**: the target's effect ranked among them from the largest decrease; ``rank``
  1 means no candidate fell as much. ``p = rank / (n + 1)`` is the one-sided empirical
  p-value of a decrease (the target counted among the ``n + 1``). It cannot go below
  ``1 / (n + 1)``: with fewer than 19 candidates no decrease is "rare at 5 %" by rank.
  Ties (equal effects up to rounding) count against the target.
- **the calibrated interval**: areas without any measure still change from year to year
  more than the model's monthly noise says (their levels wander), and an area chosen for
  a high before-level tends to fall by itself. The placebo areas' log effects are regressed
  on their log before-level (:func:`expected_change`: a random-effects meta-regression,
  weights ``1 / (se² + τ²)``, ``τ²`` by DerSimonian-Laird moments). At the target's level
  it gives the expected change without a measure and its variance; the target's interval
  is ``exp(log effect − expected ± z·sqrt(se² + τ² + var(expected)))``. It is the rank's
  information in a form that works with a dozen candidates too, and it is what the
  verdict uses (:func:`.evaluate.verdict_code`; bench/SIM_EVALUATION.md measures the
  rates).

Areas where the model cannot be fitted (no events in a window) are left out of ``n``; with
fewer than :data:`MIN_PLACEBOS` effects there is no placebo test, and the verdict's interval
uses the assumed spread :data:`.power.DEFAULT_TAU` instead (:func:`verdict_interval`): too
few areas to measure how much areas move by themselves is no reason to assume they do not.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from est_data.evaluation.counts import month_bins, monthly_series
from est_data.evaluation.did import ModelEffect, did_effect
from est_data.evaluation.matching import MATCH_K, match_table
from est_data.evaluation.power import DEFAULT_TAU
from est_data.evaluation.selection import Windows
from est_data.evaluation.stats import normal_quantile

TIE = 1e-9  # effects this close to the target's count as ties, which rank before it
MIN_PLACEBOS = 3
MIN_FOR_SLOPE = 6  # placebo areas needed to regress their effects on the before-level


@dataclass(frozen=True)
class Placebo:
    """The target's rank among the placebo effects, the empirical p-value, the extra
    between-area spread ``tau`` (sd of the log effect) and the calibrated interval."""

    rank: int
    n: int
    p: float
    effects: tuple[float, ...]
    tau: float = 0.0
    ci_low: float = math.nan
    ci_high: float = math.nan
    expected: float = 1.0  # what an area at the target's level does by itself (a ratio)
    expected_var: float = 0.0  # the variance of that expectation (log scale)


def relabel(rows: pd.DataFrame, key: str, comparison: list[str] | None) -> pd.DataFrame:
    """The candidate rows with ``key`` as the target and ``comparison`` (None: every other
    candidate) as the comparison; other rows dropped."""
    is_key = rows["control_key"] == key
    others = ~is_key if comparison is None else rows["control_key"].isin(comparison)
    out = rows[is_key | others]
    return out.assign(grp=np.where(out["control_key"] == key, "target", "control"))


def placebo_models(rows: pd.DataFrame, windows: Windows, first: dt.date | None = None,
                   last: dt.date | None = None, conf_level: float = 0.95,
                   matched: bool = False, k: int = MATCH_K
                   ) -> list[tuple[ModelEffect, float]]:
    """The model of each candidate against its own comparison (module docstring), with
    the candidate's before-level (:func:`before_level`).

    The candidates are the rows of ``grp`` "control" or "pool" with a ``control_key``.
    """
    if "control_key" not in rows.columns:
        return []
    cands = rows[rows["grp"].isin(["control", "pool"]) & rows["control_key"].notna()]
    n_before = int((month_bins(windows)["period"] == "before").sum())
    models = []
    for key in sorted(cands["control_key"].unique()):
        comparison = None
        if matched:
            table = match_table(relabel(cands, key, None), n_before, windows.before_days, k)
            comparison = list(table.loc[table["chosen"], "area_id"])
        model = did_effect(monthly_series(relabel(cands, key, comparison), windows, first,
                                          last), True, conf_level)
        if model is not None:
            models.append((model, before_level(cands[cands["control_key"] == key], windows)))
    return models


def before_level(rows: pd.DataFrame, windows: Windows) -> float:
    """``log((before events + 0.5) / before days)``: the level an area was chosen on."""
    before = rows.loc[rows["period"] == "before", "n"].sum()
    return math.log((float(before) + 0.5) / max(windows.before_days, 1))


def expected_change(models: list[tuple[ModelEffect, float]], level: float
                    ) -> tuple[float, float, float]:
    """What the placebo areas say an area at ``level`` does by itself, on the log scale:
    ``(expected log effect, τ², variance of that expectation)``.

    With at least :data:`MIN_FOR_SLOPE` placebo areas the log effects are regressed on
    the before-level: areas with a high before-year fall by themselves (regression to the
    mean), and the target was chosen for its high count. The regression is a
    random-effects meta-regression: each area weighted by ``1 / (se² + τ²)``, with ``τ²``
    the between-area variance beyond the areas' own sampling variance by the method of
    moments (DerSimonian & Laird 1986; Thompson & Sharp 1999), floored at 0. The
    expectation's variance is the regression's prediction variance at ``level``. With
    fewer areas: no slope, the mean is taken as 0 (the comparison already removes the
    town's common change) and ``τ²`` is the plain moment estimate.
    """
    logs = np.log([m.effect for m, _ in models])
    ses = np.array([m.se for m, _ in models])
    x = np.array([lv for _, lv in models])
    if len(logs) < 2 or not np.isfinite(ses).all() or (ses <= 0).any():
        return 0.0, 0.0, 0.0
    if len(logs) < MIN_FOR_SLOPE or np.ptp(x) == 0:
        return 0.0, max(0.0, float(np.var(logs, ddof=1) - np.mean(ses ** 2))), 0.0
    design = np.column_stack([np.ones_like(x), x])
    tau2 = between_variance(design, logs, ses ** 2)
    w = 1 / (ses ** 2 + tau2)
    cov = np.linalg.inv((design.T * w) @ design)
    beta = cov @ ((design.T * w) @ logs)
    point = np.array([1.0, level])
    return float(point @ beta), tau2, float(point @ cov @ point)


def between_variance(design: np.ndarray, y: np.ndarray, v: np.ndarray) -> float:
    """``τ²`` of a meta-regression by the method of moments (DerSimonian-Laird form):
    ``(Q − (n − p)) / (Σw − tr((XᵀWX)⁻¹ XᵀW²X))`` with ``w = 1/v``, floored at 0."""
    w = 1 / v
    xtwx_inv = np.linalg.inv((design.T * w) @ design)
    beta = xtwx_inv @ ((design.T * w) @ y)
    q = float((w * (y - design @ beta) ** 2).sum())
    n, p = design.shape
    denom = float(w.sum() - np.trace(xtwx_inv @ ((design.T * w ** 2) @ design)))
    return max(0.0, (q - (n - p)) / denom) if denom > 0 else 0.0


def calibrated(target: ModelEffect, tau2: float, conf_level: float,
               expected: float = 0.0) -> tuple[float, float]:
    """The target's interval, relative to what it would do by itself (``expected``, log
    scale) and widened by the between-area variance ``tau2`` (plus that expectation's)."""
    half = normal_quantile(1 - (1 - conf_level) / 2) * math.sqrt(target.se ** 2 + tau2)
    log_e = math.log(target.effect) - expected
    return math.exp(log_e - half), math.exp(log_e + half)


def placebo_in_space(rows: pd.DataFrame, windows: Windows, target: ModelEffect | None,
                     first: dt.date | None = None, last: dt.date | None = None,
                     conf_level: float = 0.95, matched: bool = False) -> Placebo | None:
    """The target's rank and calibrated interval (module docstring), or None without a
    target model of the ``did`` design or with fewer than :data:`MIN_PLACEBOS` effects."""
    if target is None or target.design != "did":
        return None
    models = placebo_models(rows, windows, first, last, conf_level, matched)
    if len(models) < MIN_PLACEBOS:
        return None
    effects = [m.effect for m, _ in models]
    rank = 1 + sum(e <= target.effect * (1 + TIE) for e in effects)
    level = before_level(rows[rows["grp"] == "target"], windows)
    expected, tau2, pred_var = expected_change(models, level)
    low, high = calibrated(target, tau2 + pred_var, conf_level, expected)
    return Placebo(rank=rank, n=len(effects), p=rank / (len(effects) + 1),
                   effects=tuple(sorted(effects)), tau=math.sqrt(tau2), ci_low=low,
                   ci_high=high, expected=math.exp(expected), expected_var=pred_var)


@dataclass(frozen=True)
class VerdictInterval:
    """The interval the verdict is read from: the model's effect widened by ``tau``
    (measured by the placebo test, or :data:`DEFAULT_TAU` when ``assumed``)."""

    low: float
    high: float
    tau: float
    assumed: bool


def verdict_interval(model: ModelEffect | None, placebo: Placebo | None,
                     conf_level: float = 0.95) -> VerdictInterval | None:
    """The placebo's calibrated interval, or the model's widened by the assumed spread."""
    if model is None:
        return None
    if placebo is not None:
        return VerdictInterval(placebo.ci_low, placebo.ci_high, placebo.tau, False)
    low, high = calibrated(model, DEFAULT_TAU ** 2, conf_level)
    return VerdictInterval(low, high, DEFAULT_TAU, True)
