"""Alert rules that flag unusually high weekly or monthly crime counts.

Two pure, UI-free detectors for a single area's count series:

* :func:`poisson_baseline_alerts` compares each period with the mean of a
  moving baseline window and flags periods whose count is improbably high
  under a Poisson distribution with that mean.
* :func:`poisson_cusum` is the Poisson CUSUM of Lucas (1985) for detecting a
  sustained upward shift from a known in-control mean.

Both accept a 1-D sequence, :class:`numpy.ndarray` or :class:`pandas.Series`
of non-negative whole-number counts, in chronological order, and return a
:class:`pandas.DataFrame` with one row per period. If a Series is given, its
index (e.g. week start dates) becomes the ``period`` column; otherwise
``period`` is the 0-based position.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special as _sp  # not scipy.stats: a third of the import time

__all__ = ["poisson_baseline_alerts", "poisson_cusum"]


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


def poisson_baseline_alerts(
    counts: Sequence[int] | np.ndarray | pd.Series,
    baseline_periods: int = 12,
    gap: int = 1,
    alpha: float = 0.01,
    min_count: int = 3,
) -> pd.DataFrame:
    r"""Flag periods whose count is significantly above a moving baseline.

    For each period :math:`t` the baseline is the window of
    ``baseline_periods`` periods that ends ``gap`` periods before :math:`t`,

    .. math:: \mu_t = \frac{1}{B} \sum_{s = t-g-B}^{t-g-1} x_s ,

    (``B = baseline_periods``, ``g = gap``; with ``gap=1`` the window ends
    just before the previous period, so a slowly building rise in the
    immediately preceding period does not mask the current one). The upper
    tail probability under a Poisson model with that mean is

    .. math:: p_t = P(X \ge x_t), \quad X \sim \mathrm{Poisson}(\mu_t),

    computed as ``scipy.stats.poisson.sf(x_t - 1, mu_t)``. Period :math:`t`
    is flagged when ``p_t < alpha`` **and** ``x_t >= min_count``; the
    minimum count keeps single incidents in quiet areas from raising alarms.

    Periods without a full baseline window (the first ``gap +
    baseline_periods`` periods) are kept in the output with ``expected`` and
    ``p_value`` set to NaN and ``flagged`` False.

    A baseline mean of 0 is handled as the degenerate Poisson(0)
    distribution: ``p = 1`` if the count is 0 and ``p = 0`` otherwise, i.e.
    *any* event after a baseline without events is significant, and only
    ``min_count`` decides whether it is flagged (with the default 3, three or
    more events after an empty baseline are flagged).

    Notes
    -----
    Because the count is discrete, the false-alarm rate for a stable Poisson
    series is at most about ``alpha``; the plug-in baseline mean adds some
    extra variability, which partly offsets this conservativeness (for
    Poisson(8) counts, B = 12 and alpha = 0.05 the exact rate is about
    0.045). Overdispersed counts, seasonality or trends increase the false
    alarm rate; the method of Farrington et al. (1996) addresses these with a
    quasi-Poisson regression baseline and is the more elaborate relative of
    this simple rule.

    Parameters
    ----------
    counts : sequence of int, numpy.ndarray or pandas.Series
        Non-negative whole-number counts per period, oldest first.
    baseline_periods : int, default 12
        Length :math:`B` of the baseline window (>= 1).
    gap : int, default 1
        Number of periods :math:`g` between the end of the baseline window
        and the evaluated period (>= 0; 0 means the window ends directly
        before :math:`t`).
    alpha : float, default 0.01
        Significance level, ``0 < alpha < 1``.
    min_count : int, default 3
        Minimum count for a period to be flagged (>= 0).

    Returns
    -------
    pandas.DataFrame
        One row per period, in input order, with columns

        ``period``
            Series index label, or 0-based position.
        ``count`` (int64)
            Observed count :math:`x_t`.
        ``expected`` (float64)
            Baseline mean :math:`\mu_t` (NaN without a full baseline).
        ``p_value`` (float64)
            :math:`P(X \ge x_t)` (NaN without a full baseline).
        ``flagged`` (bool)
            Whether the period is flagged as unusually high.

    Raises
    ------
    ValueError
        Invalid counts (negative, non-integer, missing, not 1-D) or invalid
        parameters.

    References
    ----------
    Farrington, C. P., Andrews, N. J., Beale, A. D., & Catchpole, M. A.
    (1996). A statistical algorithm for the early detection of outbreaks of
    infectious disease. *Journal of the Royal Statistical Society, Series A*,
    159(3), 547-563.
    """
    if isinstance(baseline_periods, bool) or not isinstance(baseline_periods, (int, np.integer)) or baseline_periods < 1:
        raise ValueError(f"baseline_periods must be an integer >= 1, got {baseline_periods!r}.")
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"gap must be an integer >= 0, got {gap!r}.")
    if not (0.0 < float(alpha) < 1.0):
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}.")
    if min_count < 0:
        raise ValueError(f"min_count must be >= 0, got {min_count!r}.")

    x, periods = _as_counts(counts)
    n = x.size
    expected = np.full(n, np.nan)
    p_value = np.full(n, np.nan)

    start = gap + baseline_periods  # first t with a full baseline window
    if n > start:
        csum = np.concatenate(([0], np.cumsum(x)))
        t = np.arange(start, n)
        lo = t - gap - baseline_periods
        hi = t - gap
        mu = (csum[hi] - csum[lo]) / baseline_periods
        obs = x[t]
        with np.errstate(all="ignore"):
            # P(X >= obs) for X ~ Poisson(mu), as scipy.stats.poisson.sf(obs - 1, mu)
            # computes it; obs == 0 is certain.
            p = np.where(obs > 0, _sp.pdtrc(np.maximum(obs - 1, 0), mu), 1.0)
        # Degenerate Poisson(0): all mass at zero.
        zero_mu = mu == 0
        p = np.where(zero_mu, np.where(obs == 0, 1.0, 0.0), p)
        expected[t] = mu
        p_value[t] = p

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


def poisson_cusum(
    counts: Sequence[int] | np.ndarray | pd.Series,
    in_control_mean: float,
    out_control_mean: float,
    threshold: float,
) -> pd.DataFrame:
    r"""Upper one-sided Poisson CUSUM (Lucas 1985) with reset after alarm.

    With in-control mean :math:`m_0` and the shifted mean :math:`m_1 > m_0`
    that should be detected quickly, the reference value is

    .. math:: k = \frac{m_1 - m_0}{\ln m_1 - \ln m_0},

    and the statistic is

    .. math:: S_0 = 0, \qquad S_t = \max(0,\; S_{t-1} + x_t - k).

    An alarm is raised at period :math:`t` when :math:`S_t > h`
    (``threshold``; strictly greater). After an alarm the statistic restarts
    from zero, i.e. :math:`S_{t-1}` is taken as 0 when computing
    :math:`S_{t+1}`. The reported ``cusum`` value at an alarm period is the
    value *before* the reset. Larger ``h`` gives fewer false alarms and
    slower detection; Lucas (1985) tabulates average run lengths for
    choosing ``h``.

    Parameters
    ----------
    counts : sequence of int, numpy.ndarray or pandas.Series
        Non-negative whole-number counts per period, oldest first.
    in_control_mean : float
        Acceptable ("normal") mean :math:`m_0` per period, > 0.
    out_control_mean : float
        Shifted mean :math:`m_1` per period to detect, > ``in_control_mean``.
    threshold : float
        Decision interval :math:`h` > 0.

    Returns
    -------
    pandas.DataFrame
        One row per period with columns ``period``, ``count`` (int64),
        ``cusum`` (float64, :math:`S_t` before any reset) and ``alarm``
        (bool). The reference value ``k`` is stored in ``df.attrs["k"]``.

    Raises
    ------
    ValueError
        Invalid counts or parameters.

    References
    ----------
    Lucas, J. M. (1985). Counted data CUSUM's. *Technometrics*, 27(2),
    129-144.
    """
    m0 = float(in_control_mean)
    m1 = float(out_control_mean)
    h = float(threshold)
    if not (math.isfinite(m0) and m0 > 0):
        raise ValueError(f"in_control_mean must be a positive number, got {in_control_mean!r}.")
    if not (math.isfinite(m1) and m1 > m0):
        raise ValueError(
            "out_control_mean must be a finite number greater than in_control_mean, "
            f"got {out_control_mean!r}."
        )
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"threshold must be a positive number, got {threshold!r}.")

    x, periods = _as_counts(counts)
    k = (m1 - m0) / (math.log(m1) - math.log(m0))

    s_values = np.empty(x.size, dtype=float)
    alarms = np.zeros(x.size, dtype=bool)
    s = 0.0
    for i, xi in enumerate(x):
        s = max(0.0, s + float(xi) - k)
        s_values[i] = s
        if s > h:
            alarms[i] = True
            s = 0.0

    df = pd.DataFrame({"period": periods, "count": x, "cusum": s_values, "alarm": alarms})
    df.attrs["k"] = k
    return df
