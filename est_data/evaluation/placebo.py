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
  a high before-level tends to fall by itself. Both are measured, not assumed
  (:func:`expected_change`): each placebo area's log effect, less the regression to the
  mean its own counts predict (:mod:`.rtm`), is pooled by a random-effects mean (weights
  ``1 / (se² + τ²)``, ``τ²`` by DerSimonian-Laird moments); the target's expectation is
  that mean plus its own regression to the mean. The target's interval is
  ``exp(log effect − expected ± t·sqrt(se² + τ² + var(expected)))`` with ``t`` at
  Satterthwaite's degrees of freedom (:func:`degrees_of_freedom`: ``τ²`` from a few dozen
  mostly quiet areas is uncertain, and for a busy target that uncertainty matters). It
  is the rank's information in a form that works with a dozen candidates too, and it is
  what the verdict uses (:func:`.evaluate.verdict_code`; bench/SIM_EVALUATION.md
  measures the rates).

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
from est_data.evaluation.rtm import LevelSpread, level_spread, regression_to_mean
from est_data.evaluation.selection import Windows
from est_data.evaluation.stats import two_sided_quantile

TIE = 1e-9  # effects this close to the target's count as ties, which rank before it
MIN_PLACEBOS = 3
MIN_TRUSTED = 10  # placebo areas from which a spread estimated at 0 is taken as it is


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
    expected: float = 1.0  # what the target would do by itself (a ratio; :mod:`.rtm`)
    expected_var: float = 0.0  # the variance of that expectation (log scale)
    df: float = math.inf  # degrees of freedom of the interval (:func:`degrees_of_freedom`)


def relabel(rows: pd.DataFrame, key: str, comparison: list[str] | None) -> pd.DataFrame:
    """The candidate rows with ``key`` as the target and ``comparison`` (None: every other
    candidate) as the comparison; other rows dropped."""
    is_key = rows["control_key"] == key
    others = ~is_key if comparison is None else rows["control_key"].isin(comparison)
    out = rows[is_key | others]
    return out.assign(grp=np.where(out["control_key"] == key, "target", "control"))


@dataclass(frozen=True)
class PlaceboFit:
    """One candidate evaluated as the target: its model, and the regression to the mean
    its own counts predict (:func:`.rtm.regression_to_mean`)."""

    model: ModelEffect
    noise: float = 0.0
    gap: float = 0.0


def placebo_models(rows: pd.DataFrame, windows: Windows, spread: LevelSpread,
                   first: dt.date | None = None, last: dt.date | None = None,
                   conf_level: float = 0.95, matched: bool = False, k: int = MATCH_K
                   ) -> list[PlaceboFit]:
    """The model of each candidate against its own comparison (module docstring).

    The candidates are the rows of ``grp`` "control" or "pool" with a ``control_key``.
    """
    if "control_key" not in rows.columns:
        return []
    cands = rows[rows["grp"].isin(["control", "pool"]) & rows["control_key"].notna()]
    n_before = int((month_bins(windows)["period"] == "before").sum())
    fits = []
    for key in sorted(cands["control_key"].unique()):
        comparison = None
        if matched:
            table = match_table(relabel(cands, key, None), n_before, windows.before_days, k)
            comparison = list(table.loc[table["chosen"], "area_id"])
        placebo_rows = relabel(cands, key, comparison)
        model = did_effect(monthly_series(placebo_rows, windows, first, last), True,
                           conf_level)
        if model is not None:
            fits.append(PlaceboFit(model, *regression_to_mean(placebo_rows, windows, spread)))
    return fits


@dataclass(frozen=True)
class Expectation:
    """What the target would do by itself (log scale), the spread ``tau2`` and the
    variances of both estimates."""

    log_effect: float
    tau2: float
    var: float        # variance of ``log_effect``
    tau2_var: float   # sampling variance of ``tau2`` (Fisher information)


def expected_change(fits: list[PlaceboFit], target_noise: float = 0.0,
                    target_gap: float = 0.0) -> Expectation:
    """The placebo areas' log effects, each with its own regression to the mean removed
    (:mod:`.rtm`: counting noise, and ``−τ²/2`` times the wander gap), pooled by a
    random-effects mean: weights ``1 / (se² + τ²)``, ``τ²`` by DerSimonian-Laird moments
    (:func:`between_variance`, iterated to its fixed point with the wander term, which
    needs ``τ²``). The target's expectation is that mean plus its own regression to the mean.
    ``tau2_var`` is ``2 / Σ w²``, the large-sample variance of ``τ²``.
    """
    logs = np.log([f.model.effect for f in fits]) - np.array([f.noise for f in fits])
    v = np.array([f.model.se for f in fits]) ** 2
    if len(logs) < 2 or not np.isfinite(v).all() or (v <= 0).any():
        return Expectation(target_noise, 0.0, 0.0, 0.0)
    ones, gaps = np.ones((len(logs), 1)), np.array([f.gap for f in fits])
    tau2 = between_variance(ones, logs, v)
    for _ in range(50):  # τ² and the wander term depend on each other: their fixed point
        new = between_variance(ones, logs + tau2 / 2 * gaps, v)
        done, tau2 = abs(new - tau2) <= 1e-12, new
        if done:
            break
    logs = logs + tau2 / 2 * gaps
    w = 1 / (v + tau2)
    tau2_var = 2 / float((w ** 2).sum())
    mean = float((w * logs).sum() / w.sum())
    return Expectation(log_effect=mean + target_noise - tau2 / 2 * target_gap, tau2=tau2,
                       var=1 / float(w.sum()) + (target_gap / 2) ** 2 * tau2_var,
                       tau2_var=tau2_var)


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


def degrees_of_freedom(target: ModelEffect, exp: Expectation, n_placebos: int) -> float:
    """Satterthwaite's degrees of freedom of the verdict's variance
    ``se² + τ² + var(expectation)``: ``2·total² / var(total)``, with ``var(se²) =
    2·se⁴ / df`` of the quasi-Poisson dispersion (when it is above 1) and ``var(τ²)``
    from :class:`Expectation`. ``τ²`` estimated at 0 adds no uncertainty when there are
    at least :data:`MIN_TRUSTED` placebo areas (bench/SIM_EVALUATION.md measures the
    false decreases this leaves). Infinite: the normal quantile."""
    total = target.se ** 2 + exp.tau2 + exp.var
    var = exp.tau2_var if exp.tau2 > 0 or n_placebos < MIN_TRUSTED else 0.0
    if target.dispersion > 1 and target.df_resid > 0:
        var += 2 * target.se ** 4 / target.df_resid
    return 2 * total ** 2 / var if var > 0 else math.inf


def calibrated(target: ModelEffect, tau2: float, conf_level: float,
               expected: float = 0.0, df: float = math.inf) -> tuple[float, float]:
    """The target's interval, relative to what it would do by itself (``expected``, log
    scale) and widened by the between-area variance ``tau2`` (plus that expectation's)."""
    half = two_sided_quantile(conf_level, df) * math.sqrt(target.se ** 2 + tau2)
    log_e = math.log(target.effect) - expected
    return math.exp(log_e - half), math.exp(log_e + half)


def placebo_in_space(rows: pd.DataFrame, windows: Windows, target: ModelEffect | None,
                     first: dt.date | None = None, last: dt.date | None = None,
                     conf_level: float = 0.95, matched: bool = False) -> Placebo | None:
    """The target's rank and calibrated interval (module docstring), or None without a
    target model of the ``did`` design or with fewer than :data:`MIN_PLACEBOS` effects."""
    if target is None or target.design != "did":
        return None
    spread = level_spread(rows[rows["grp"] != "buffer"], windows, target.dispersion)
    fits = placebo_models(rows, windows, spread, first, last, conf_level, matched)
    if len(fits) < MIN_PLACEBOS:
        return None
    effects = [f.model.effect for f in fits]
    rank = 1 + sum(e <= target.effect * (1 + TIE) for e in effects)
    exp = expected_change(fits, *regression_to_mean(rows, windows, spread))
    df = degrees_of_freedom(target, exp, len(fits))
    low, high = calibrated(target, exp.tau2 + exp.var, conf_level, exp.log_effect, df)
    return Placebo(rank=rank, n=len(effects), p=rank / (len(effects) + 1),
                   effects=tuple(sorted(effects)), tau=math.sqrt(exp.tau2), ci_low=low,
                   ci_high=high, expected=math.exp(exp.log_effect), expected_var=exp.var,
                   df=df)


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
