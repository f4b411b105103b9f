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

The seasonal negative-binomial rule
-----------------------------------
:class:`SeasonalBaseline` and :func:`judge_period` are the rule the alerts use now
(the Poisson rule above is kept as the reference the simulation in
``bench/sim_alerts.py`` compares with). For period :math:`t` the baseline periods are

* the *same periods in earlier years*: :math:`t - yP + k` for :math:`y = 1..Y` and
  :math:`|k| \le h` (``P`` periods per year, ``Y = years``, ``h = half_width``), as far as
  the data reach; used when at least one whole such window (``2h + 1`` periods) exists;
* otherwise the ``recent`` periods ending ``gap`` before :math:`t` (less than a year of
  data: the season is not accounted for, ``seasonal`` is False);
* otherwise nothing: the series is too short and gets no p-value.

Over the :math:`n` baseline counts the expectation is their mean :math:`\hat\mu_i` and the
dispersion the method-of-moments ratio :math:`\hat\phi_i = s_i^2/\hat\mu_i`, floored at
Poisson (1) and at the family's pooled ratio
:math:`\sum_i \sum_j (x_{ij} - \hat\mu_i)^2 / \sum_i (n - 1)\hat\mu_i` over all series
judged together: 7–21 weeks are too few to estimate one series' dispersion, and an
underestimate makes the far tail, where a 300-test family is decided, far too thin
(``bench/sim_alerts.py``: on negative binomial series with variance 1.75 × mean the
series' own estimate alone gave ten times the nominal false alarms). The count is
compared with a negative binomial of mean :math:`\hat\mu` and variance
:math:`\hat\phi\hat\mu(1 + 1/n)`: the factor :math:`1 + 1/n` adds the uncertainty of
the estimated mean (a prediction, not a known
mean), as in Farrington et al. (1996). The upper tail :math:`P(X \ge x_t)` is
:func:`nb_upper_tail`. Multiplicity is the caller's: :func:`bh_adjust` gives the
Benjamini–Hochberg adjusted p-values over a family of tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special as _sp  # not scipy.stats: a third of the import time

__all__ = ["poisson_baseline_alerts", "SeasonalBaseline", "judge_period", "judge_arrays",
           "nb_upper_tail", "bh_adjust"]


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


@dataclass(frozen=True)
class SeasonalBaseline:
    """Which earlier periods make the normal level of a period (module docstring).

    Weeks: the same week ±3 in up to three earlier years (21 weeks with three years of
    data), else the 12 weeks ending a week before. Months: ``periods_per_year=12``,
    ``half_width=1``."""

    periods_per_year: int = 52
    half_width: int = 3
    years: int = 3
    recent: int = 12
    gap: int = 1

    @property
    def history(self) -> int:
        """Periods the rule can look back from the judged one."""
        return max(self.years * self.periods_per_year + self.half_width,
                   self.recent + self.gap)

    def offsets(self, t: int, first: int) -> tuple[np.ndarray, bool]:
        """Indices of the baseline periods of period ``t`` when the data begin at
        index ``first``, and whether they are the seasonal ones (empty: too short)."""
        k = np.arange(-self.half_width, self.half_width + 1)
        years = [t - y * self.periods_per_year + k for y in range(1, self.years + 1)]
        whole = [w for w in years if w.min() >= first]
        if whole:
            season = np.concatenate(years)
            return season[(season >= first) & (season < t - self.gap)], True
        lo = t - self.gap - self.recent
        if lo >= first:
            return np.arange(lo, t - self.gap), False
        return np.arange(0), False


def nb_upper_tail(obs, mu, dispersion) -> np.ndarray:
    """P(X >= obs) for X negative binomial with mean ``mu`` and variance
    ``dispersion * mu`` (``dispersion`` 1: Poisson; mean 0: all mass at zero).

    In scipy's terms X ~ nbinom(n = mu / (dispersion - 1), p = 1 / dispersion), whose
    survival function P(X > k) is the regularised incomplete beta I_{1-p}(k + 1, n)."""
    obs, mu, phi = np.broadcast_arrays(np.asarray(obs, float), np.asarray(mu, float),
                                       np.asarray(dispersion, float))
    with np.errstate(all="ignore"):
        poisson = _upper_tail(obs.astype(np.int64), mu)
        r = mu / (phi - 1.0)
        nb = np.where(obs > 0, _sp.betainc(np.maximum(obs, 1), r, 1.0 - 1.0 / phi), 1.0)
    p = np.where(phi > 1.0 + 1e-9, nb, poisson)
    return np.where(mu == 0, np.where(obs == 0, 1.0, 0.0), p)


def judge_period(matrix: np.ndarray, t: int, first: int = 0,
                 spec: SeasonalBaseline = SeasonalBaseline()) -> pd.DataFrame:
    """Period ``t`` of every row of ``matrix`` (series × periods, oldest first; data from
    column ``first``) against its baseline; the rows are one family (their pooled
    dispersion is a floor, module docstring). One row per series: ``count``,
    ``expected``, ``dispersion`` (:math:`\\hat\\phi`), ``n_baseline``, ``seasonal`` and
    ``p_value`` (NaN, with the other statistics, when the series is too short)."""
    matrix = np.asarray(matrix, dtype=float)
    return pd.DataFrame(judge_arrays(matrix.reshape(-1, matrix.shape[-1]), t, first, spec))


def judge_arrays(matrix: np.ndarray, t: int, first: int,
                 spec: SeasonalBaseline) -> dict[str, np.ndarray]:
    """:func:`judge_period` as a dict of arrays (``matrix``: 2-D float), for loops over
    many periods."""
    idx, seasonal = spec.offsets(t, first)
    n = idx.size
    count = matrix[:, t]
    nan = np.full(len(matrix), np.nan)
    out = {"count": count.astype(np.int64), "expected": nan, "dispersion": nan,
           "n_baseline": np.full(len(matrix), n), "seasonal": np.full(len(matrix), seasonal),
           "p_value": nan}
    if n >= 2:
        base = matrix[:, idx]
        mu = base.mean(axis=1)
        ss = ((base - mu[:, None]) ** 2).sum(axis=1)
        pooled = ss.sum() / ((n - 1) * mu.sum()) if mu.sum() > 0 else 1.0
        with np.errstate(all="ignore"):
            own = np.where(mu > 0, ss / ((n - 1) * mu), 1.0)
        phi = np.fmax(np.fmax(1.0, pooled), own)
        out.update(expected=mu, dispersion=phi,
                   p_value=nb_upper_tail(count, mu, phi * (1.0 + 1.0 / n)))
    return out


def bh_adjust(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values of the finite entries of ``p`` (NaN stays
    NaN and is not counted as a test): p_(i) * m / i, made monotone from the top."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m:
        order = np.argsort(p[ok])
        ranked = p[ok][order] * m / np.arange(1, m + 1)
        adj = np.minimum.accumulate(ranked[::-1])[::-1]
        vals = np.empty(m)
        vals[order] = np.minimum(adj, 1.0)
        out[ok] = vals
    return out
