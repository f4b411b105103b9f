"""Displacement statistics for place-based crime prevention: did crime move next door?

The weighted displacement difference (WDD) and quotient (WDQ) compare a target area, a
buffer around it and comparison areas before and after a measure. Pure functions; the
notation (T, C, D, E; b, a), the input checks and :class:`StatisticsError` are those of
:mod:`est_data.evaluation.stats`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from est_data.evaluation.stats import (
    StatisticsError, check_conf_level, check_counts, normal_quantile, normal_two_sided_p)

__all__ = [
    "WeightedDisplacementDifference",
    "WeightedDisplacementQuotient",
    "weighted_displacement_difference",
    "weighted_displacement_quotient",
]


# ---------------------------------------------------------------------------
# Weighted displacement difference (Wheeler & Ratcliffe)
# ---------------------------------------------------------------------------


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


def weighted_displacement_difference(tb: float, ta: float, cb: float, ca: float,
                                     db: float | None = None, da: float | None = None,
                                     eb: float | None = None, ea: float | None = None,
                                     conf_level: float = 0.95) -> WeightedDisplacementDifference:
    r"""Weighted displacement difference test of Wheeler & Ratcliffe (2018).

    Local part, target T versus comparison C: :math:`WDD_{local} = (T_a - T_b) - (C_a -
    C_b)` with :math:`SE_{local} = \sqrt{T_a + T_b + C_a + C_b}`. With a displacement
    area D and its own comparison area E, their part is added
    (:func:`_displacement_part`). ``Z = WDD / SE``; the p-value is two-sided from the
    standard normal and the interval is ``WDD -/+ z_{1-alpha/2} * SE``. Negative WDD
    means fewer crimes than expected (a reduction). The variance uses the Poisson
    assumption (variance = count), so it is optimistic for overdispersed data and
    rough for very small counts.

    Parameters
    ----------
    tb, ta : float
        Target-area counts before and after.
    cb, ca : float
        Comparison-area counts before and after.
    db, da : float, optional
        Displacement (buffer) area counts before and after.
    eb, ea : float, optional
        Counts before and after in the comparison area *for the displacement area*.
        Either all four of ``db, da, eb, ea`` are given or none.
    conf_level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    WeightedDisplacementDifference
        ``estimate``, ``se``, ``z``, ``p_value``, ``ci_low``, ``ci_high``,
        ``local_estimate``, ``local_se``, ``displacement_estimate``, ``displacement_se``
        (the last two are ``None`` without a displacement area) and ``conf_level``. If
        every count is zero, ``se`` is 0, ``z`` is ``nan`` and ``p_value`` is 1.0.

    Raises
    ------
    StatisticsError
        Negative/non-finite counts, an incomplete displacement specification
        (``code="incomplete_displacement"``) or an invalid ``conf_level``.

    References
    ----------
    Wheeler, A. P., & Ratcliffe, J. H. (2018). A simple weighted displacement difference
    test to evaluate place based crime interventions. *Crime Science*, 7(1), 11.
    https://doi.org/10.1186/s40163-018-0085-5

    Examples
    --------
    >>> r = weighted_displacement_difference(207, 110, 308, 318,
    ...                                      178, 157, 150, 140)
    >>> r.estimate, round(r.z, 2)
    (-118.0, -2.98)
    """
    conf = check_conf_level(conf_level)
    t_b, t_a, c_b, c_a = check_counts(tb=tb, ta=ta, cb=cb, ca=ca)
    local = (t_a - t_b) - (c_a - c_b), t_a + t_b + c_a + c_b
    return _wdd_result(local, _displacement_part(db, da, eb, ea), conf)


def _displacement_part(db: float | None, da: float | None, eb: float | None,
                       ea: float | None) -> tuple[float, float] | None:
    r"""The displacement area's difference-in-differences and variance, or None.

    .. math:: WDD_{disp} = (D_a - D_b) - (E_a - E_b), \qquad
              V_{disp} = D_a + D_b + E_a + E_b,

    added to the local part: :math:`WDD = WDD_{local} + WDD_{disp}` and
    :math:`SE = \sqrt{V_{local} + V_{disp}}` (Wheeler & Ratcliffe 2018).
    """
    n_given = sum(v is not None for v in (db, da, eb, ea))
    if n_given not in (0, 4):
        raise StatisticsError(
            "For the displacement part, give all four counts db, da, eb and ea "
            "(displacement area and its comparison area, before and after) or "
            "none of them.",
            code="incomplete_displacement",
        )
    if n_given == 0:
        return None
    d_b, d_a, e_b, e_a = check_counts(db=db, da=da, eb=eb, ea=ea)
    return (d_a - d_b) - (e_a - e_b), d_a + d_b + e_a + e_b


def _wdd_result(local: tuple[float, float], disp: tuple[float, float] | None,
                conf: float) -> WeightedDisplacementDifference:
    """Add the parts (each ``(estimate, variance)``) and do normal-theory inference on the
    total: ``z``, two-sided p-value and interval."""
    local_est, local_var = local
    total_est, total_var = local_est, local_var
    if disp is not None:
        total_est += disp[0]
        total_var += disp[1]
    se = math.sqrt(total_var)
    if se == 0:
        z, p_value = math.nan, 1.0
    else:
        z = total_est / se
        p_value = normal_two_sided_p(z)
    z_crit = normal_quantile(0.5 + conf / 2.0)
    return WeightedDisplacementDifference(
        estimate=float(total_est), se=se, z=z, p_value=p_value,
        ci_low=total_est - z_crit * se, ci_high=total_est + z_crit * se,
        local_estimate=float(local_est), local_se=math.sqrt(local_var),
        displacement_estimate=None if disp is None else float(disp[0]),
        displacement_se=None if disp is None else math.sqrt(disp[1]),
        conf_level=conf,
    )


# ---------------------------------------------------------------------------
# Weighted displacement quotient (Bowers & Johnson)
# ---------------------------------------------------------------------------


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


_WDQ_REASONS = {
    "zero_comparison_count": ("The comparison area has zero crimes in the before or after "
                              "period, so the WDQ cannot be computed."),
    "zero_success_measure": ("The success measure is zero (the target area changed exactly "
                             "like the comparison area), so the WDQ is undefined."),
    "no_relative_decrease": ("Crime in the target area did not decrease relative to the "
                             "comparison area, so the WDQ is not meaningful."),
}


def weighted_displacement_quotient(tb: float, ta: float, cb: float, ca: float, db: float,
                                   da: float) -> WeightedDisplacementQuotient:
    r"""Weighted displacement quotient of Bowers & Johnson (2003).

    .. math::

        \text{success measure} &= T_a / C_a - T_b / C_b \\
        \text{buffer measure}  &= D_a / C_a - D_b / C_b \\
        WDQ &= \text{buffer measure} / \text{success measure}

    A negative success measure means the target improved relative to the comparison
    area. Given such a success, ``WDQ > 0`` indicates diffusion of benefits to the
    buffer (``WDQ > 1``: the buffer benefit exceeds the direct effect), ``WDQ < 0``
    indicates displacement (``WDQ < -1``: displacement exceeds the direct effect, net
    harm), and ``WDQ`` near 0 means little of either. The result also carries the total
    net effect (:func:`_total_net_effect`).

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
        ``wdq`` is ``None`` (never an exception) with an English ``reason`` and a
        ``reason_code`` when:

        * ``cb`` or ``ca`` is zero (``"zero_comparison_count"``; the measures are then
          ``None`` as well, and ``total_net_effect`` is ``None`` if ``cb`` is zero);
        * the success measure is zero (``"zero_success_measure"``);
        * the success measure is positive, i.e. the target did not improve relative to
          the comparison area, in which case Bowers & Johnson note the WDQ is not
          meaningful (``"no_relative_decrease"``).

    Raises
    ------
    StatisticsError
        Negative or non-finite counts.

    References
    ----------
    Bowers, K. J., & Johnson, S. D. (2003). Measuring the geographical displacement and
    diffusion of benefit effects of crime prevention activity. *Journal of Quantitative
    Criminology*, 19(3), 275-301.
    """
    t_b, t_a, c_b, c_a, d_b, d_a = check_counts(tb=tb, ta=ta, cb=cb, ca=ca, db=db, da=da)
    net = _total_net_effect(t_b, t_a, c_b, c_a, d_b, d_a)
    if c_b == 0 or c_a == 0:
        return _undefined_wdq("zero_comparison_count", None, None, net)
    success, buffer = t_a / c_a - t_b / c_b, d_a / c_a - d_b / c_b
    if success >= 0:
        code = "zero_success_measure" if success == 0 else "no_relative_decrease"
        return _undefined_wdq(code, success, buffer, net)
    return WeightedDisplacementQuotient(wdq=buffer / success, success_measure=success,
                                        buffer_measure=buffer, total_net_effect=net)


def _total_net_effect(t_b: float, t_a: float, c_b: float, c_a: float, d_b: float,
                      d_a: float) -> float | None:
    r"""Crimes prevented in the target plus the buffer (Bowers & Johnson 2003); None if
    ``c_b`` is zero.

    Each area is compared with what the comparison area's trend (``C_a / C_b``) predicts:

    .. math::

        TNE = \left(T_b \frac{C_a}{C_b} - T_a\right)
            + \left(D_b \frac{C_a}{C_b} - D_a\right)
            = \left(T_b \frac{C_a}{C_b} - T_a\right)
            - \left(D_a - D_b \frac{C_a}{C_b}\right).

    Positive TNE means crimes prevented overall; displacement (buffer above expectation)
    reduces it and diffusion of benefits increases it.
    """
    if c_b <= 0:
        return None
    ratio = c_a / c_b
    return (t_b * ratio - t_a) + (d_b * ratio - d_a)


def _undefined_wdq(code: str, success: float | None, buffer: float | None,
                   total_net_effect: float | None) -> WeightedDisplacementQuotient:
    """A WDQ of None with its reason (see :data:`_WDQ_REASONS`)."""
    return WeightedDisplacementQuotient(
        wdq=None,
        success_measure=success,
        buffer_measure=buffer,
        total_net_effect=total_net_effect,
        reason=_WDQ_REASONS[code],
        reason_code=code,
    )
