"""The headline effect: a difference-in-differences GLM on monthly counts.

The exact rate ratio and the RES (:mod:`.stats`) treat every incident as independent
(Poisson) and the windows as comparable. Monthly counts vary more than that (about 1.7-1.8
times the Poisson variance in the partners' data) and with the season, so the headline
effect comes from a model that allows both:

    log E[n] = log(observed days) + month of year + target + after + target × after

fitted to the monthly bins of :func:`.counts.monthly_series` (target and the summed
comparison areas), Poisson mean with the quasi-Poisson variance ``φ·μ``, where ``φ`` is
the Pearson statistic over the residual degrees of freedom. ``exp(target × after)`` is the
relative effect: the target's after/before ratio divided by the comparison's (0.6 = 40 %
fewer than the comparison's development predicts). The interval is the Wald interval with
standard errors scaled by ``max(1, φ)``: a dispersion estimated below 1 from a few dozen
bins is noise, and never narrows the interval below Poisson.

Without comparison areas (or with fewer than :data:`MIN_EVENTS` events in a comparison
window) the model is the target's own before/after (``design`` "before_after"): the effect
is the ``after`` coefficient, adjusted for month of year when the windows allow it.

Exposure is the observed days of each bin (days inside the data's span), so a window the
data do not yet cover does not look like a drop. Bins without observed days, and months
without a single event in either group (their effect is minus infinity and they carry no
information on the others), are left out. Columns that the others already determine (for
example ``after`` when before and after cover different months) are dropped in order, so
the effect column is always kept. The fit is plain IRLS in numpy; the tests check it
against statsmodels fitted independently.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from est_data.evaluation.stats import two_sided_quantile

FAMILY = "quasi-poisson"


@dataclass(frozen=True)
class ModelEffect:
    """The model's relative effect (a ratio) with its interval and the dispersion."""

    effect: float
    ci_low: float
    ci_high: float
    dispersion: float
    family: str
    design: str  # "did" (target against comparison) or "before_after" (target alone)
    n_obs: int
    se: float = math.nan  # standard error of the log effect (scaled by max(1, φ))
    df_resid: int = 0  # residual degrees of freedom of the dispersion φ


def model_frame(monthly: pd.DataFrame, with_control: bool) -> pd.DataFrame:
    """Long form of the monthly bins: ``count``, ``exposure`` (observed days), ``target``,
    ``after`` (0/1) and ``month`` (1-12, the calendar month of the bin's middle)."""
    groups = [("target", 1)] + ([("control", 0)] if with_control else [])
    exposure = monthly.get("observed_days", monthly["days"])
    parts = [pd.DataFrame({
        "count": monthly[group].to_numpy(dtype=float),
        "exposure": exposure.to_numpy(dtype=float),
        "target": flag,
        "after": (monthly["period"] == "after").to_numpy(dtype=int),
        "month": pd.to_datetime(monthly["mid"]).dt.month.to_numpy(),
    }) for group, flag in groups]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["exposure"] > 0]
    month_total = frame.groupby("month")["count"].transform("sum")
    return frame[month_total > 0].reset_index(drop=True)


def design_matrix(frame: pd.DataFrame, did: bool) -> tuple[np.ndarray, list[str]]:
    """Columns in order of priority, each kept only if it adds to the rank; the effect
    column (``target:after`` or ``after``) comes right after the intercept."""
    target = frame["target"].to_numpy(dtype=float)
    after = frame["after"].to_numpy(dtype=float)
    candidates = [("intercept", np.ones(len(frame)))]
    if did:
        candidates += [("target", target), ("target:after", target * after), ("after", after)]
    else:
        candidates += [("after", after)]
    months = sorted(frame["month"].unique())
    candidates += [(f"month[{m}]", (frame["month"] == m).to_numpy(dtype=float))
                   for m in months[1:]]
    kept: list[np.ndarray] = []
    names: list[str] = []
    for name, column in candidates:
        trial = np.column_stack(kept + [column])
        if np.linalg.matrix_rank(trial) > len(kept):
            kept.append(column)
            names.append(name)
    return np.column_stack(kept), names


def fit_poisson(x: np.ndarray, y: np.ndarray, offset: np.ndarray,
                max_iter: int = 100, tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson GLM with log link by IRLS: ``(beta, unscaled covariance, fitted means)``."""
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    deviance = math.inf
    beta = np.zeros(x.shape[1])
    for _ in range(max_iter):
        z = eta - offset + (y - mu) / mu
        xtw = x.T * mu
        beta = np.linalg.solve(xtw @ x, xtw @ z)
        eta = x @ beta + offset
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
        new = 2 * float(terms.sum())
        if abs(new - deviance) <= tol * (abs(new) + 0.1):
            break
        deviance = new
    cov = np.linalg.inv((x.T * mu) @ x)
    return beta, cov, mu


def did_effect(monthly: pd.DataFrame, with_control: bool,
               conf_level: float = 0.95) -> ModelEffect | None:
    """The model's effect (see the module docstring), or None when a group has no
    events in a window (the effect would be zero or infinite) or nothing is left."""
    if monthly is None or monthly.empty:
        return None
    frame = model_frame(monthly, with_control)
    cells = frame.groupby(["target", "after"])["count"].sum()
    needed = [(1, 0), (1, 1)] + ([(0, 0), (0, 1)] if with_control else [])
    if any(cells.get(cell, 0) <= 0 for cell in needed):
        return None
    x, names = design_matrix(frame, with_control)
    y = frame["count"].to_numpy(dtype=float)
    beta, cov, mu = fit_poisson(x, y, np.log(frame["exposure"].to_numpy(dtype=float)))
    dof = len(y) - x.shape[1]
    dispersion = float(((y - mu) ** 2 / mu).sum() / dof) if dof > 0 else math.nan
    scale = max(1.0, dispersion) if math.isfinite(dispersion) else 1.0
    k = names.index("target:after" if with_control else "after")
    se = math.sqrt(scale * cov[k, k])
    zq = two_sided_quantile(conf_level)
    return ModelEffect(
        effect=math.exp(beta[k]), ci_low=math.exp(beta[k] - zq * se),
        ci_high=math.exp(beta[k] + zq * se), dispersion=dispersion, family=FAMILY,
        design="did" if with_control else "before_after", n_obs=len(y), se=se,
        df_resid=max(0, dof))
