r"""The alert rule that flags unusually high weekly or monthly crime counts.

:func:`poisson_baseline_alerts`, pure and UI-free, compares each period of a single
area's count series with the mean of a moving baseline window and flags periods whose
count is improbably high under a Poisson distribution with that mean. It accepts a 1-D
sequence, :class:`numpy.ndarray` or :class:`pandas.Series` of non-negative
whole-number counts, in chronological order, and returns a :class:`pandas.DataFrame`
with one row per period. If a Series is given, its index (e.g. week start dates)
becomes the ``period`` column; otherwise ``period`` is the 0-based position.

The rule
--------
For each period :math:`t` the baseline is the window of ``baseline_periods`` periods
that ends ``gap`` periods before :math:`t`,

.. math:: \mu_t = \frac{1}{B} \sum_{s = t-g-B}^{t-g-1} x_s ,

(``B = baseline_periods``, ``g = gap``; with ``gap=1`` the window ends just before the
previous period, so a slowly building rise in the immediately preceding period does
not mask the current one). The upper tail probability under a Poisson model with that
mean is

.. math:: p_t = P(X \ge x_t), \quad X \sim \mathrm{Poisson}(\mu_t),

computed as ``scipy.stats.poisson.sf(x_t - 1, mu_t)``. Period :math:`t` is flagged
when ``p_t < alpha`` **and** ``x_t >= min_count``; the minimum count keeps single
incidents in quiet areas from raising alarms. Periods without a full baseline window
(the first ``gap + baseline_periods`` periods) are kept with ``expected`` and
``p_value`` NaN and ``flagged`` False.

A baseline mean of 0 is handled as the degenerate Poisson(0) distribution: ``p = 1``
if the count is 0 and ``p = 0`` otherwise, i.e. *any* event after a baseline without
events is significant, and only ``min_count`` decides whether it is flagged (with the
default 3, three or more events after an empty baseline are flagged).

Because the count is discrete, the false-alarm rate for a stable Poisson series is at
most about ``alpha``; the plug-in baseline mean adds some extra variability, which
partly offsets this conservativeness (for Poisson(8) counts, B = 12 and alpha = 0.05
the exact rate is about 0.045). Overdispersed counts, seasonality or trends increase
the false alarm rate; the method of Farrington et al. (1996) addresses these with a
quasi-Poisson regression baseline and is the more elaborate relative of this simple
rule: Farrington, C. P., Andrews, N. J., Beale, A. D., & Catchpole, M. A. (1996). A
statistical algorithm for the early detection of outbreaks of infectious disease.
*Journal of the Royal Statistical Society, Series A*, 159(3), 547-563.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special as _sp  # not scipy.stats: a third of the import time

__all__ = ["poisson_baseline_alerts"]


def _as_counts(counts: Sequence[int] | np.ndarray | pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Validate ``counts`` and return (int64 array, period labels)."""
    if isinstance(counts, pd.Series):
        periods = counts.index
        raw = counts.to_numpy(dtype=float, na_value=np.nan)
    else:
        arr = np.asarray(counts)
        if arr.ndim != 1:
            raise ValueError(f"counts must be one-dimensional, got shape {arr.shape}.")
        if arr.size and not (
            np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
        ):
            raise ValueError("counts must be numeric.")
        raw = arr.astype(float)
        periods = pd.RangeIndex(len(raw))
    if raw.ndim != 1:
        raise ValueError("counts must be one-dimensional.")
    if raw.size:
        if not np.all(np.isfinite(raw)):
            raise ValueError("counts must not contain missing or infinite values.")
        if np.any(raw < 0):
            raise ValueError("counts must be non-negative.")
        if np.any(raw != np.floor(raw)):
            raise ValueError("counts must be whole numbers.")
    return raw.astype(np.int64), periods


def _check_parameters(baseline_periods, gap, alpha, min_count) -> None:
    """Raise ValueError for a window, gap, level or minimum count out of range."""
    if isinstance(baseline_periods, bool) or not isinstance(baseline_periods, (int, np.integer)) or baseline_periods < 1:
        raise ValueError(f"baseline_periods must be an integer >= 1, got {baseline_periods!r}.")
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"gap must be an integer >= 0, got {gap!r}.")
    if not (0.0 < float(alpha) < 1.0):
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}.")
    if min_count < 0:
        raise ValueError(f"min_count must be >= 0, got {min_count!r}.")


def _baseline_means(x: np.ndarray, baseline_periods: int, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """The periods ``t`` with a full baseline window, and each one's window mean."""
    start = gap + baseline_periods  # first t with a full baseline window
    t = np.arange(start, max(x.size, start))
    csum = np.concatenate(([0], np.cumsum(x)))
    lo = t - gap - baseline_periods
    hi = t - gap
    return t, (csum[hi] - csum[lo]) / baseline_periods


def _upper_tail(obs: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """P(X >= obs) for X ~ Poisson(mu); Poisson(0) has all its mass at zero."""
    with np.errstate(all="ignore"):
        # As scipy.stats.poisson.sf(obs - 1, mu) computes it; obs == 0 is certain.
        p = np.where(obs > 0, _sp.pdtrc(np.maximum(obs - 1, 0), mu), 1.0)
    return np.where(mu == 0, np.where(obs == 0, 1.0, 0.0), p)


def poisson_baseline_alerts(
    counts: Sequence[int] | np.ndarray | pd.Series,
    baseline_periods: int = 12,
    gap: int = 1,
    alpha: float = 0.01,
    min_count: int = 3,
) -> pd.DataFrame:
    """Flag periods whose count is significantly above a moving baseline (the rule:
    module docstring).

    ``counts``: non-negative whole-number counts per period, oldest first.
    ``baseline_periods`` (>= 1) is the window length B; ``gap`` (>= 0) the number of
    periods between the end of the window and the evaluated period (0: the window
    ends directly before it); ``alpha`` the significance level, ``0 < alpha < 1``;
    ``min_count`` (>= 0) the least count that can be flagged.

    Returns one row per period, in input order: ``period`` (Series index label, or
    0-based position), ``count`` (int64), ``expected`` (float64, the baseline mean,
    NaN without a full baseline), ``p_value`` (float64, :math:`P(X \\ge x_t)`, NaN
    without a full baseline) and ``flagged`` (bool). Raises ValueError for invalid
    counts (negative, non-integer, missing, not 1-D) or parameters.
    """
    _check_parameters(baseline_periods, gap, alpha, min_count)
    x, periods = _as_counts(counts)
    expected = np.full(x.size, np.nan)
    p_value = np.full(x.size, np.nan)
    t, mu = _baseline_means(x, baseline_periods, gap)
    if t.size:
        expected[t] = mu
        p_value[t] = _upper_tail(x[t], mu)
    with np.errstate(invalid="ignore"):
        flagged = (p_value < alpha) & (x >= min_count)
    return pd.DataFrame(
        {
            "period": periods,
            "count": x,
            "expected": expected,
            "p_value": p_value,
            "flagged": flagged.astype(bool),
        }
    )
