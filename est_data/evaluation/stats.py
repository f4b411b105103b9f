"""Before/after evaluation statistics for place-based crime prevention: the rate ratio
and the relative effect size, with the checks every statistic shares.

Pure functions without any UI dependencies. Every function returns a small frozen
dataclass so that callers can access results by name. The displacement statistics (WDD,
WDQ) are in :mod:`est_data.evaluation.displacement`.

Notation used throughout
------------------------
T : target area (where the measure was introduced)
C : comparison area (control; counts summed over all comparison units)
D : buffer / displacement area around the target
E : comparison area for the displacement area (WDD only)
b, a : before and after period, e.g. ``tb`` = target count before.

Error handling
--------------
Invalid input (negative counts, non-positive exposures, a confidence level
outside (0, 1), ...) and statistics that cannot be computed because of zero
counts raise :class:`StatisticsError`, a subclass of :class:`ValueError`. Its
message is plain English; the machine-readable :attr:`StatisticsError.code`
is meant for callers that translate messages for the user interface.

The only exception to this rule is
:func:`est_data.evaluation.displacement.weighted_displacement_quotient`, which by
design returns ``wdq=None`` together with a reason instead of raising when the
quotient is undefined (see its docstring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

# scipy.special, not scipy.stats: the same functions scipy.stats calls for these
# distributions, at a third of the import time (a page's first run pays it).
from scipy import special as _sp

__all__ = [
    "StatisticsError",
    "RateRatio",
    "RelativeEffectSize",
    "rate_ratio",
    "relative_effect_size",
]


class StatisticsError(ValueError):
    """Raised when a statistic cannot be computed from the given input.

    Parameters
    ----------
    message : str
        Human-readable English explanation.
    code : str, optional
        Stable machine-readable identifier (e.g. ``"zero_count"``,
        ``"invalid_count"``, ``"invalid_exposure"``, ``"invalid_conf_level"``,
        ``"incomplete_displacement"``) that a caller can map to a translated
        message.
    """

    def __init__(self, message: str, code: str = "invalid_input") -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------
# Checks and distributions shared by every statistic
# ---------------------------------------------------------------------------


def check_conf_level(conf_level: float) -> float:
    """Return ``conf_level`` as float after checking it lies strictly between 0 and 1."""
    if not isinstance(conf_level, Real) or not (0.0 < float(conf_level) < 1.0):
        raise StatisticsError(
            f"conf_level must be strictly between 0 and 1, got {conf_level!r}.",
            code="invalid_conf_level")
    return float(conf_level)


def check_count(value: object, name: str, *, integer: bool) -> float:
    """Return ``value`` as float after checking it is a valid count."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise StatisticsError(f"{name} must be a number, got {value!r}.", code="invalid_count")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise StatisticsError(
            f"{name} must be a finite non-negative number, got {value!r}.", code="invalid_count")
    if integer and v != math.floor(v):
        raise StatisticsError(
            f"{name} must be a whole number (a count), got {value!r}.", code="invalid_count")
    return v


def check_counts(**counts: object) -> tuple[float, ...]:
    """The named counts as floats, in the order given, each checked by :func:`check_count`
    (non-negative, not necessarily whole)."""
    return tuple(check_count(value, name, integer=False) for name, value in counts.items())


def check_exposure(value: object, name: str) -> float:
    """Return ``value`` as float after checking it is a finite positive exposure."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise StatisticsError(f"{name} must be a number, got {value!r}.", code="invalid_exposure")
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise StatisticsError(
            f"{name} must be a finite positive number, got {value!r}.", code="invalid_exposure")
    return v


def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic ``z``."""
    return float(2.0 * _sp.ndtr(-abs(z)))  # 2 * (1 - Phi(|z|))


def normal_quantile(q: float) -> float:
    """The standard normal quantile of ``q``."""
    return float(_sp.ndtri(q))  # Phi^-1(q)


def two_sided_quantile(conf_level: float, df: float = math.inf) -> float:
    """The ``(1 + conf_level) / 2`` quantile: Student's t with ``df``, normal if infinite."""
    q = 1 - (1 - conf_level) / 2
    return normal_quantile(q) if not math.isfinite(df) else float(_sp.stdtrit(df, q))


def _beta_quantile(q: float, a: float, b: float) -> float:
    return float(_sp.betaincinv(a, b, q))  # inverse regularised incomplete beta


def _binom_cdf(k: float, n: float, p: float) -> float:
    """P(X <= k) for X ~ Bin(n, p); k and n whole numbers."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return float(_sp.bdtr(math.floor(k), round(n), p))


def _binom_sf(k: float, n: float, p: float) -> float:
    """P(X > k) for X ~ Bin(n, p); k and n whole numbers."""
    if k < 0:
        return 1.0
    if k >= n:
        return 0.0
    return float(_sp.bdtrc(math.floor(k), round(n), p))


# ---------------------------------------------------------------------------
# Rate ratio (exact, conditional on the total)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRatio:
    """Rate ratio after/before with exact conditional inference.

    Attributes
    ----------
    estimate : float
        ``(count_after / exposure_after) / (count_before / exposure_before)``.
        ``0.0`` if only the after count is zero, ``inf`` if only the before
        count is zero, ``nan`` if both are zero.
    ci_low, ci_high : float
        Exact (Clopper-Pearson based) confidence limits; ``ci_high`` may be
        ``inf``.
    p_value : float
        Two-sided central exact p-value for H0: RR = 1.
    conf_level : float
        Confidence level used for the interval.
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    conf_level: float = 0.95


def rate_ratio(count_before: int, count_after: int, exposure_before: float,
               exposure_after: float, conf_level: float = 0.95) -> RateRatio:
    r"""Exact rate ratio *after / before* for two Poisson counts.

    The rate in each period is ``count / exposure`` (exposure = length of the period,
    population, ...), so :math:`\widehat{RR} = (x_a / E_a) / (x_b / E_b)`.

    Inference conditions on the total :math:`n = x_b + x_a`: the interval is
    Clopper-Pearson on the RR scale (:func:`_rate_ratio_interval`), the p-value the
    central exact one (:func:`_rate_ratio_p_value`). This reproduces R's
    ``rateratio.test::rateratio.test(x = c(count_after, count_before), n =
    c(exposure_after, exposure_before))`` (R puts the numerator, *after*, first); the
    example is ``rateratio.test(x = c(2, 9), n = c(17877, 16660))``.

    Parameters
    ----------
    count_before, count_after : int
        Non-negative whole-number event counts in the before and after period.
    exposure_before, exposure_after : float
        Positive exposures (e.g. number of days) of the two periods.
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    RateRatio
        ``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``conf_level``. Zero counts
        never raise: if both counts are zero the result is ``estimate=nan``, CI
        ``(0, inf)``, ``p_value=1``; if only ``count_after`` is zero the estimate and
        ``ci_low`` are 0; if only ``count_before`` is zero the estimate and ``ci_high``
        are ``inf``.

    Raises
    ------
    StatisticsError
        Negative or non-integer counts, non-positive exposures or an invalid ``conf_level``.

    References
    ----------
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for
    discrete data. *The R Journal*, 2(1), 53-58. (Interval: :func:`_rate_ratio_interval`.)

    Examples
    --------
    >>> r = rate_ratio(count_before=9, count_after=2,
    ...                exposure_before=16660, exposure_after=17877)
    >>> round(r.estimate, 7), round(r.ci_low, 8), round(r.ci_high, 8)
    (0.2070942, 0.02177406, 1.0005491)
    """
    conf, xb, xa, eb, ea = _rate_ratio_inputs(count_before, count_after, exposure_before,
                                              exposure_after, conf_level)
    n = xb + xa
    if n == 0:
        return RateRatio(math.nan, 0.0, math.inf, 1.0, conf)
    estimate = math.inf if xb == 0 else (xa / ea) / (xb / eb)
    ci_low, ci_high = _rate_ratio_interval(xa, n, eb / ea, conf)
    p_value = _rate_ratio_p_value(xa, n, ea / (ea + eb))
    return RateRatio(float(estimate), float(ci_low), float(ci_high), p_value, conf)


def _rate_ratio_inputs(count_before: object, count_after: object, exposure_before: object,
                       exposure_after: object, conf_level: object) -> tuple[float, ...]:
    """``(conf, xb, xa, eb, ea)`` as floats, each checked: whole counts, positive exposures."""
    return (check_conf_level(conf_level),
            check_count(count_before, "count_before", integer=True),
            check_count(count_after, "count_after", integer=True),
            check_exposure(exposure_before, "exposure_before"),
            check_exposure(exposure_after, "exposure_after"))


def _rate_ratio_interval(xa: float, n: float, odds_to_rr: float,
                         conf: float) -> tuple[float, float]:
    r"""Clopper-Pearson limits for the rate ratio, given ``n = x_b + x_a`` events.

    Under Poisson sampling, :math:`x_a \mid n \sim \mathrm{Bin}(n, p)` with

    .. math:: p = \frac{RR \cdot E_a}{RR \cdot E_a + E_b}, \qquad
              RR = \frac{p}{1 - p} \cdot \frac{E_b}{E_a}.

    The limits for ``p`` are the ``Beta(alpha/2; x_a, n - x_a + 1)`` and
    ``Beta(1 - alpha/2; x_a + 1, n - x_a)`` quantiles (Clopper & Pearson 1934),
    transformed to the RR scale with ``odds_to_rr`` = :math:`E_b / E_a`.

    References
    ----------
    Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial limits
    illustrated in the case of the binomial. *Biometrika*, 26(4), 404-413.
    """
    alpha = 1.0 - conf
    # Clopper-Pearson limits for p (probability that an event is "after").
    p_low = 0.0 if xa == 0 else _beta_quantile(alpha / 2.0, xa, n - xa + 1.0)
    p_high = 1.0 if xa == n else _beta_quantile(1.0 - alpha / 2.0, xa + 1.0, n - xa)
    ci_low = p_low / (1.0 - p_low) * odds_to_rr
    ci_high = math.inf if p_high >= 1.0 else p_high / (1.0 - p_high) * odds_to_rr
    return ci_low, ci_high


def _rate_ratio_p_value(xa: float, n: float, p_null: float) -> float:
    """Central two-sided exact p-value for RR = 1 (Fay 2010).

    ``min(1, 2 * min(P(X <= x_a), P(X >= x_a)))`` with ``X ~ Bin(n, p_null)`` and
    ``p_null = E_a / (E_a + E_b)``.
    """
    lower_tail = _binom_cdf(xa, n, p_null)
    upper_tail = _binom_sf(xa - 1.0, n, p_null)
    return min(1.0, 2.0 * min(lower_tail, upper_tail))


# ---------------------------------------------------------------------------
# Relative effect size (Farrington & Welsh)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RelativeEffectSize:
    """Farrington & Welsh relative effect size (RES).

    Attributes
    ----------
    estimate : float
        ``(tb * ca) / (ta * cb)``; above 1 means a relative decrease in the
        target area compared with the comparison area.
    ci_low, ci_high : float
        Log-normal confidence limits.
    log_se : float
        Standard error of ``ln(RES)``.
    p_value : float
        Two-sided normal p-value for H0: RES = 1 (z = ln RES / log_se).
    conf_level : float
        Confidence level used for the interval.
    """

    estimate: float
    ci_low: float
    ci_high: float
    log_se: float
    p_value: float
    conf_level: float = 0.95


def relative_effect_size(tb: float, ta: float, cb: float, ca: float,
                         conf_level: float = 0.95) -> RelativeEffectSize:
    r"""Relative effect size (odds-ratio type) of Farrington & Welsh.

    .. math:: RES = \frac{T_b \cdot C_a}{T_a \cdot C_b}

    RES above 1 means that crime in the target area fell *relative to* the comparison
    area (e.g. RES = 1.25 corresponds to a 20 % relative reduction, ``1 - 1/RES``).
    Assuming Poisson counts, the variance of ``ln RES`` is

    .. math:: V = \frac{1}{T_b} + \frac{1}{T_a} + \frac{1}{C_b} + \frac{1}{C_a},

    and the confidence interval is ``exp(ln RES -/+ z_{1-alpha/2} * sqrt(V))``. The
    p-value is the two-sided normal p-value of ``z = ln RES / sqrt(V)``.

    Note that Farrington et al. (2007) argue that this variance is too small when
    counts are overdispersed; the interval is therefore a lower bound on the true
    uncertainty.

    Parameters
    ----------
    tb, ta : float
        Target-area counts before and after (non-negative).
    cb, ca : float
        Comparison-area counts before and after (non-negative, summed over all
        comparison units).
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    RelativeEffectSize
        ``estimate``, ``ci_low``, ``ci_high``, ``log_se``, ``p_value``, ``conf_level``.

    Raises
    ------
    StatisticsError
        With ``code="zero_count"`` if any of the four counts is zero (the statistic and
        its variance are undefined); with another code for negative/non-finite counts or
        an invalid ``conf_level``. This function never returns a "not computable"
        result; callers should catch the exception.

    References
    ----------
    Farrington, D. P., & Welsh, B. C. (2002). Improved street lighting and crime
    prevention. *Justice Quarterly*, 19(2), 313-342.

    Farrington, D. P., Gill, M., Waples, S. J., & Argomaniz, J. (2007). The effects of
    closed-circuit television on crime: meta-analysis of an English national
    quasi-experimental multi-site evaluation. *Journal of Experimental Criminology*,
    3(1), 21-38.
    """
    conf = check_conf_level(conf_level)
    t_b, t_a, c_b, c_a = _positive_counts(tb=tb, ta=ta, cb=cb, ca=ca)
    log_res = math.log(t_b) + math.log(c_a) - math.log(t_a) - math.log(c_b)
    log_se = math.sqrt(1.0 / t_b + 1.0 / t_a + 1.0 / c_b + 1.0 / c_a)
    z_crit = normal_quantile(0.5 + conf / 2.0)
    return RelativeEffectSize(math.exp(log_res), math.exp(log_res - z_crit * log_se),
                              math.exp(log_res + z_crit * log_se), log_se,
                              normal_two_sided_p(log_res / log_se), conf)


def _positive_counts(**counts: object) -> tuple[float, ...]:
    """The four RES counts as floats; a zero among them raises ``code="zero_count"``."""
    values = check_counts(**counts)
    zeros = [name for name, v in zip(counts, values) if v == 0]
    if zeros:
        raise StatisticsError(
            "The relative effect size cannot be computed because these counts "
            f"are zero: {', '.join(zeros)}. All four counts must be positive.",
            code="zero_count",
        )
    return values
