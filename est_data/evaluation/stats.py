"""Before/after evaluation statistics for place-based crime prevention.

Pure functions without any UI dependencies. Every function returns a small
frozen dataclass so that callers can access results by name.

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

The only exception to this rule is :func:`weighted_displacement_quotient`,
which by design returns ``wdq=None`` together with a reason instead of raising
when the quotient is undefined (see its docstring).
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
    "WeightedDisplacementDifference",
    "WeightedDisplacementQuotient",
    "rate_ratio",
    "relative_effect_size",
    "weighted_displacement_difference",
    "weighted_displacement_quotient",
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
# Result types
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


@dataclass(frozen=True)
class WeightedDisplacementDifference:
    """Wheeler & Ratcliffe weighted displacement difference (WDD).

    Attributes
    ----------
    estimate : float
        Total WDD (local + displacement part). Negative values mean fewer
        crimes than expected from the comparison area.
    se : float
        Standard error, ``sqrt`` of the sum of all counts involved.
    z : float
        ``estimate / se`` (``nan`` when every count is zero).
    p_value : float
        Two-sided normal p-value for H0: WDD = 0 (``1.0`` when every count is
        zero).
    ci_low, ci_high : float
        Normal confidence interval ``estimate -/+ z_{1-alpha/2} * se``.
    local_estimate, local_se : float
        Target-versus-comparison part only.
    displacement_estimate, displacement_se : float or None
        Displacement-area part; ``None`` when no displacement area was given.
    conf_level : float
        Confidence level used for the interval.
    """

    estimate: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    local_estimate: float
    local_se: float
    displacement_estimate: float | None = None
    displacement_se: float | None = None
    conf_level: float = 0.95


@dataclass(frozen=True)
class WeightedDisplacementQuotient:
    """Bowers & Johnson weighted displacement quotient (WDQ).

    Attributes
    ----------
    wdq : float or None
        ``buffer_measure / success_measure``; ``None`` when undefined or not
        interpretable (see ``reason``).
    success_measure : float or None
        ``ta/ca - tb/cb``; negative means the target improved relative to the
        comparison area. ``None`` if a comparison count is zero.
    buffer_measure : float or None
        ``da/ca - db/cb``; positive means the buffer got worse relative to the
        comparison area (displacement). ``None`` if a comparison count is zero.
    total_net_effect : float or None
        Net number of crimes prevented (positive) in target plus buffer,
        ``(tb*ca/cb - ta) + (db*ca/cb - da)``. ``None`` if ``cb`` is zero.
    reason : str or None
        English explanation when ``wdq`` is ``None``; otherwise ``None``.
    reason_code : str or None
        Machine-readable reason: ``"zero_comparison_count"``,
        ``"zero_success_measure"`` or ``"no_relative_decrease"``.
    """

    wdq: float | None
    success_measure: float | None
    buffer_measure: float | None
    total_net_effect: float | None
    reason: str | None = None
    reason_code: str | None = None


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _check_conf_level(conf_level: float) -> float:
    if not isinstance(conf_level, Real) or not (0.0 < float(conf_level) < 1.0):
        raise StatisticsError(
            f"conf_level must be strictly between 0 and 1, got {conf_level!r}.",
            code="invalid_conf_level",
        )
    return float(conf_level)


def _check_count(value: object, name: str, *, integer: bool) -> float:
    """Return ``value`` as float after checking it is a valid count."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise StatisticsError(
            f"{name} must be a number, got {value!r}.", code="invalid_count"
        )
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise StatisticsError(
            f"{name} must be a finite non-negative number, got {value!r}.",
            code="invalid_count",
        )
    if integer and v != math.floor(v):
        raise StatisticsError(
            f"{name} must be a whole number (a count), got {value!r}.",
            code="invalid_count",
        )
    return v


def _check_exposure(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise StatisticsError(
            f"{name} must be a number, got {value!r}.", code="invalid_exposure"
        )
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise StatisticsError(
            f"{name} must be a finite positive number, got {value!r}.",
            code="invalid_exposure",
        )
    return v


def _normal_two_sided_p(z: float) -> float:
    return float(2.0 * _sp.ndtr(-abs(z)))  # 2 * (1 - Phi(|z|))


def _normal_quantile(q: float) -> float:
    return float(_sp.ndtri(q))  # Phi^-1(q)


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


def rate_ratio(
    count_before: int,
    count_after: int,
    exposure_before: float,
    exposure_after: float,
    conf_level: float = 0.95,
) -> RateRatio:
    r"""Exact rate ratio *after / before* for two Poisson counts.

    The rate in each period is ``count / exposure`` (exposure = length of the
    period, population, ...). The estimate is

    .. math:: \widehat{RR} = \frac{x_a / E_a}{x_b / E_b}.

    Inference conditions on the total :math:`n = x_b + x_a`. Under Poisson
    sampling, :math:`x_a \mid n \sim \mathrm{Bin}(n, p)` with

    .. math:: p = \frac{RR \cdot E_a}{RR \cdot E_a + E_b}, \qquad
              RR = \frac{p}{1 - p} \cdot \frac{E_b}{E_a}.

    The confidence interval is the Clopper-Pearson interval for ``p``
    (``Beta(alpha/2; x_a, n - x_a + 1)`` and
    ``Beta(1 - alpha/2; x_a + 1, n - x_a)`` quantiles) transformed to the RR
    scale. The two-sided p-value for RR = 1 is the *central* one,
    ``min(1, 2 * min(P(X <= x_a), P(X >= x_a)))`` with
    ``X ~ Bin(n, E_a / (E_a + E_b))``.

    This reproduces R's ``rateratio.test::rateratio.test(x = c(count_after,
    count_before), n = c(exposure_after, exposure_before))`` (note the order:
    R puts the numerator, i.e. the *after* period, first).

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
        ``estimate``, ``ci_low``, ``ci_high``, ``p_value``, ``conf_level``.
        Zero counts never raise: if both counts are zero the result is
        ``estimate=nan``, CI ``(0, inf)``, ``p_value=1``; if only
        ``count_after`` is zero the estimate and ``ci_low`` are 0; if only
        ``count_before`` is zero the estimate and ``ci_high`` are ``inf``.

    Raises
    ------
    StatisticsError
        Negative or non-integer counts, non-positive exposures or an invalid
        ``conf_level``.

    References
    ----------
    Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals
    for discrete data. *The R Journal*, 2(1), 53-58.

    Clopper, C. J., & Pearson, E. S. (1934). The use of confidence or fiducial
    limits illustrated in the case of the binomial. *Biometrika*, 26(4),
    404-413.

    Examples
    --------
    R: ``rateratio.test(x = c(2, 9), n = c(17877, 16660))``

    >>> r = rate_ratio(count_before=9, count_after=2,
    ...                exposure_before=16660, exposure_after=17877)
    >>> round(r.estimate, 7), round(r.ci_low, 8), round(r.ci_high, 8)
    (0.2070942, 0.02177406, 1.0005491)
    """
    conf = _check_conf_level(conf_level)
    xb = _check_count(count_before, "count_before", integer=True)
    xa = _check_count(count_after, "count_after", integer=True)
    eb = _check_exposure(exposure_before, "exposure_before")
    ea = _check_exposure(exposure_after, "exposure_after")

    n = xb + xa
    if n == 0:
        return RateRatio(math.nan, 0.0, math.inf, 1.0, conf)

    alpha = 1.0 - conf
    odds_to_rr = eb / ea  # RR = p / (1 - p) * Eb / Ea

    if xb == 0:
        estimate = math.inf
    else:
        estimate = (xa / ea) / (xb / eb)

    # Clopper-Pearson limits for p (probability that an event is "after").
    p_low = 0.0 if xa == 0 else _beta_quantile(alpha / 2.0, xa, n - xa + 1.0)
    p_high = 1.0 if xa == n else _beta_quantile(1.0 - alpha / 2.0, xa + 1.0, n - xa)

    ci_low = p_low / (1.0 - p_low) * odds_to_rr
    ci_high = math.inf if p_high >= 1.0 else p_high / (1.0 - p_high) * odds_to_rr

    # Central two-sided p-value for RR = 1.
    p_null = ea / (ea + eb)
    lower_tail = _binom_cdf(xa, n, p_null)
    upper_tail = _binom_sf(xa - 1.0, n, p_null)
    p_value = min(1.0, 2.0 * min(lower_tail, upper_tail))

    return RateRatio(float(estimate), float(ci_low), float(ci_high), p_value, conf)


# ---------------------------------------------------------------------------
# Relative effect size (Farrington & Welsh)
# ---------------------------------------------------------------------------


def relative_effect_size(
    tb: float, ta: float, cb: float, ca: float, conf_level: float = 0.95
) -> RelativeEffectSize:
    r"""Relative effect size (odds-ratio type) of Farrington & Welsh.

    .. math:: RES = \frac{T_b \cdot C_a}{T_a \cdot C_b}

    RES above 1 means that crime in the target area fell *relative to* the
    comparison area (e.g. RES = 1.25 corresponds to a 20 % relative
    reduction, ``1 - 1/RES``). Assuming Poisson counts, the variance of
    ``ln RES`` is

    .. math:: V = \frac{1}{T_b} + \frac{1}{T_a} + \frac{1}{C_b} + \frac{1}{C_a},

    and the confidence interval is
    ``exp(ln RES -/+ z_{1-alpha/2} * sqrt(V))``. The p-value is the two-sided
    normal p-value of ``z = ln RES / sqrt(V)``.

    Note that Farrington et al. (2007) argue that this variance is too small
    when counts are overdispersed; the interval is therefore a lower bound on
    the true uncertainty.

    Parameters
    ----------
    tb, ta : float
        Target-area counts before and after (non-negative).
    cb, ca : float
        Comparison-area counts before and after (non-negative, summed over
        all comparison units).
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    RelativeEffectSize
        ``estimate``, ``ci_low``, ``ci_high``, ``log_se``, ``p_value``,
        ``conf_level``.

    Raises
    ------
    StatisticsError
        With ``code="zero_count"`` if any of the four counts is zero (the
        statistic and its variance are undefined); with another code for
        negative/non-finite counts or an invalid ``conf_level``. This function
        never returns a "not computable" result; callers should catch the
        exception.

    References
    ----------
    Farrington, D. P., & Welsh, B. C. (2002). Improved street lighting and
    crime prevention. *Justice Quarterly*, 19(2), 313-342.

    Farrington, D. P., Gill, M., Waples, S. J., & Argomaniz, J. (2007). The
    effects of closed-circuit television on crime: meta-analysis of an English
    national quasi-experimental multi-site evaluation. *Journal of
    Experimental Criminology*, 3(1), 21-38.
    """
    conf = _check_conf_level(conf_level)
    values = {
        "tb": _check_count(tb, "tb", integer=False),
        "ta": _check_count(ta, "ta", integer=False),
        "cb": _check_count(cb, "cb", integer=False),
        "ca": _check_count(ca, "ca", integer=False),
    }
    zeros = [name for name, v in values.items() if v == 0]
    if zeros:
        raise StatisticsError(
            "The relative effect size cannot be computed because these counts "
            f"are zero: {', '.join(zeros)}. All four counts must be positive.",
            code="zero_count",
        )
    t_b, t_a, c_b, c_a = values["tb"], values["ta"], values["cb"], values["ca"]

    log_res = math.log(t_b) + math.log(c_a) - math.log(t_a) - math.log(c_b)
    log_se = math.sqrt(1.0 / t_b + 1.0 / t_a + 1.0 / c_b + 1.0 / c_a)
    z_crit = _normal_quantile(0.5 + conf / 2.0)
    return RelativeEffectSize(
        estimate=math.exp(log_res),
        ci_low=math.exp(log_res - z_crit * log_se),
        ci_high=math.exp(log_res + z_crit * log_se),
        log_se=log_se,
        p_value=_normal_two_sided_p(log_res / log_se),
        conf_level=conf,
    )


# ---------------------------------------------------------------------------
# Weighted displacement difference (Wheeler & Ratcliffe)
# ---------------------------------------------------------------------------


def weighted_displacement_difference(
    tb: float,
    ta: float,
    cb: float,
    ca: float,
    db: float | None = None,
    da: float | None = None,
    eb: float | None = None,
    ea: float | None = None,
    conf_level: float = 0.95,
) -> WeightedDisplacementDifference:
    r"""Weighted displacement difference test of Wheeler & Ratcliffe (2018).

    Local part (target T versus comparison C):

    .. math:: WDD_{local} = (T_a - T_b) - (C_a - C_b), \qquad
              SE_{local} = \sqrt{T_a + T_b + C_a + C_b}.

    If a displacement area D with its own comparison area E is given, its
    difference-in-differences is added and its four counts enter the
    variance:

    .. math:: WDD = WDD_{local} + (D_a - D_b) - (E_a - E_b), \qquad
              SE = \sqrt{T_a + T_b + C_a + C_b + D_a + D_b + E_a + E_b}.

    ``Z = WDD / SE``; the p-value is two-sided from the standard normal and
    the confidence interval is ``WDD -/+ z_{1-alpha/2} * SE``. Negative WDD
    means fewer crimes than expected (a reduction). The variance uses the
    Poisson assumption (variance = count), so it is optimistic for
    overdispersed data and rough for very small counts.

    Parameters
    ----------
    tb, ta : float
        Target-area counts before and after.
    cb, ca : float
        Comparison-area counts before and after.
    db, da : float, optional
        Displacement (buffer) area counts before and after.
    eb, ea : float, optional
        Counts before and after in the comparison area *for the displacement
        area*. Either all four of ``db, da, eb, ea`` are given or none.
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    WeightedDisplacementDifference
        ``estimate``, ``se``, ``z``, ``p_value``, ``ci_low``, ``ci_high``,
        ``local_estimate``, ``local_se``, ``displacement_estimate``,
        ``displacement_se`` (the last two are ``None`` without a displacement
        area) and ``conf_level``. If every count is zero, ``se`` is 0, ``z`` is
        ``nan`` and ``p_value`` is 1.0 (no evidence of change).

    Raises
    ------
    StatisticsError
        Negative/non-finite counts, an incomplete displacement specification
        (``code="incomplete_displacement"``) or an invalid ``conf_level``.

    References
    ----------
    Wheeler, A. P., & Ratcliffe, J. H. (2018). A simple weighted displacement
    difference test to evaluate place based crime interventions. *Crime
    Science*, 7(1), 11. https://doi.org/10.1186/s40163-018-0085-5

    Examples
    --------
    >>> r = weighted_displacement_difference(207, 110, 308, 318,
    ...                                      178, 157, 150, 140)
    >>> r.estimate, round(r.z, 2)
    (-118.0, -2.98)
    """
    conf = _check_conf_level(conf_level)
    t_b = _check_count(tb, "tb", integer=False)
    t_a = _check_count(ta, "ta", integer=False)
    c_b = _check_count(cb, "cb", integer=False)
    c_a = _check_count(ca, "ca", integer=False)

    local_est = (t_a - t_b) - (c_a - c_b)
    local_var = t_a + t_b + c_a + c_b

    disp = (db, da, eb, ea)
    n_given = sum(v is not None for v in disp)
    if n_given not in (0, 4):
        raise StatisticsError(
            "For the displacement part, give all four counts db, da, eb and ea "
            "(displacement area and its comparison area, before and after) or "
            "none of them.",
            code="incomplete_displacement",
        )
    disp_est: float | None = None
    disp_se: float | None = None
    total_est, total_var = local_est, local_var
    if n_given == 4:
        d_b = _check_count(db, "db", integer=False)
        d_a = _check_count(da, "da", integer=False)
        e_b = _check_count(eb, "eb", integer=False)
        e_a = _check_count(ea, "ea", integer=False)
        disp_est = (d_a - d_b) - (e_a - e_b)
        disp_var = d_a + d_b + e_a + e_b
        disp_se = math.sqrt(disp_var)
        total_est += disp_est
        total_var += disp_var

    se = math.sqrt(total_var)
    if se == 0:
        z, p_value = math.nan, 1.0
    else:
        z = total_est / se
        p_value = _normal_two_sided_p(z)
    z_crit = _normal_quantile(0.5 + conf / 2.0)
    return WeightedDisplacementDifference(
        estimate=float(total_est),
        se=se,
        z=z,
        p_value=p_value,
        ci_low=total_est - z_crit * se,
        ci_high=total_est + z_crit * se,
        local_estimate=float(local_est),
        local_se=math.sqrt(local_var),
        displacement_estimate=None if disp_est is None else float(disp_est),
        displacement_se=disp_se,
        conf_level=conf,
    )


# ---------------------------------------------------------------------------
# Weighted displacement quotient (Bowers & Johnson)
# ---------------------------------------------------------------------------


def weighted_displacement_quotient(
    tb: float, ta: float, cb: float, ca: float, db: float, da: float
) -> WeightedDisplacementQuotient:
    r"""Weighted displacement quotient of Bowers & Johnson (2003).

    .. math::

        \text{success measure} &= T_a / C_a - T_b / C_b \\
        \text{buffer measure}  &= D_a / C_a - D_b / C_b \\
        WDQ &= \text{buffer measure} / \text{success measure}

    A negative success measure means the target improved relative to the
    comparison area. Given such a success, ``WDQ > 0`` indicates diffusion of
    benefits to the buffer (``WDQ > 1``: the buffer benefit exceeds the
    direct effect), ``WDQ < 0`` indicates displacement (``WDQ < -1``:
    displacement exceeds the direct effect, net harm), and ``WDQ`` near 0
    means little of either.

    The total net effect (Bowers & Johnson, 2003) is the number of crimes
    prevented in the target plus the buffer, each compared with what the
    comparison area's trend (``C_a / C_b``) predicts:

    .. math::

        TNE = \left(T_b \frac{C_a}{C_b} - T_a\right)
            + \left(D_b \frac{C_a}{C_b} - D_a\right)
            = \left(T_b \frac{C_a}{C_b} - T_a\right)
            - \left(D_a - D_b \frac{C_a}{C_b}\right).

    Positive TNE means crimes prevented overall; displacement (buffer above
    expectation) reduces it and diffusion of benefits increases it.

    Parameters
    ----------
    tb, ta : float
        Target-area counts before and after.
    cb, ca : float
        Comparison-area counts before and after.
    db, da : float
        Buffer-area counts before and after.

    Returns
    -------
    WeightedDisplacementQuotient
        ``wdq`` is ``None`` (never an exception) with an English ``reason``
        and a ``reason_code`` when:

        * ``cb`` or ``ca`` is zero (``"zero_comparison_count"``; the measures
          are then ``None`` as well, and ``total_net_effect`` is ``None`` if
          ``cb`` is zero);
        * the success measure is zero (``"zero_success_measure"``);
        * the success measure is positive, i.e. the target did not improve
          relative to the comparison area, in which case Bowers & Johnson
          note the WDQ is not meaningful (``"no_relative_decrease"``).

    Raises
    ------
    StatisticsError
        Negative or non-finite counts.

    References
    ----------
    Bowers, K. J., & Johnson, S. D. (2003). Measuring the geographical
    displacement and diffusion of benefit effects of crime prevention
    activity. *Journal of Quantitative Criminology*, 19(3), 275-301.
    """
    t_b = _check_count(tb, "tb", integer=False)
    t_a = _check_count(ta, "ta", integer=False)
    c_b = _check_count(cb, "cb", integer=False)
    c_a = _check_count(ca, "ca", integer=False)
    d_b = _check_count(db, "db", integer=False)
    d_a = _check_count(da, "da", integer=False)

    total_net_effect: float | None = None
    if c_b > 0:
        ratio = c_a / c_b
        total_net_effect = (t_b * ratio - t_a) + (d_b * ratio - d_a)

    if c_b == 0 or c_a == 0:
        return WeightedDisplacementQuotient(
            wdq=None,
            success_measure=None,
            buffer_measure=None,
            total_net_effect=total_net_effect,
            reason=(
                "The comparison area has zero crimes in the before or after "
                "period, so the WDQ cannot be computed."
            ),
            reason_code="zero_comparison_count",
        )

    success = t_a / c_a - t_b / c_b
    buffer = d_a / c_a - d_b / c_b

    if success == 0:
        return WeightedDisplacementQuotient(
            wdq=None,
            success_measure=success,
            buffer_measure=buffer,
            total_net_effect=total_net_effect,
            reason=(
                "The success measure is zero (the target area changed exactly "
                "like the comparison area), so the WDQ is undefined."
            ),
            reason_code="zero_success_measure",
        )
    if success > 0:
        return WeightedDisplacementQuotient(
            wdq=None,
            success_measure=success,
            buffer_measure=buffer,
            total_net_effect=total_net_effect,
            reason=(
                "Crime in the target area did not decrease relative to the "
                "comparison area, so the WDQ is not meaningful."
            ),
            reason_code="no_relative_decrease",
        )
    return WeightedDisplacementQuotient(
        wdq=buffer / success,
        success_measure=success,
        buffer_measure=buffer,
        total_net_effect=total_net_effect,
    )
