"""Power: how likely is the verdict to find a real decrease, and how soon? (issue 14, item 4)

The verdict says ``decrease`` when the model's interval and the placebo-calibrated interval
(:mod:`.placebo`) both lie below one. With the normal approximation of the log effect,
an estimate has the variance

    v = φ · (1/Tb + 1/Ta + 1/Cb + 1/Ca) + τ² + v_e

where Tb, Ta, Cb, Ca are the expected target and comparison counts of the before and after
windows (the before-rate carried forward, the target's after-rate lowered by the drop), φ
is the model's dispersion (at least 1) and τ² the between-area variance the placebo areas
show, and ``v_e`` the variance of what the target would do by itself (the placebo
areas' pooled expectation, :mod:`.placebo`). A drop ``d`` is found with probability

    power = Φ(−log(1 − d) / √v − z),   z = the (1 + conf)/2 quantile,

(of Student's t at the verdict's degrees of freedom when the placebo test gives them)
times the chance that each window holds the :data:`MIN_EVENTS` events the verdict needs
(Poisson). Without comparison areas the ``1/Cb + 1/Ca`` terms are left out. The formula
is the verdict's own rule under the approximation; bench/SIM_EVALUATION.md checks it
against the simulated towns, where the whole evaluation is run.

Where the evaluation has no dispersion or placebo spread yet (too few events, a new
measure), the defaults :data:`DEFAULT_DISPERSION` (the monthly overdispersion measured in
the partners' data) and :data:`DEFAULT_TAU` are used, and the result says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as sps

from est_data.evaluation.selection import MONTH_DAYS
from est_data.evaluation.stats import two_sided_quantile
from est_data.evaluation.wording import MIN_EVENTS

DROPS = (0.2, 0.3, 0.4)
HORIZONS = (12, 24)           # months after the measure
MAX_MONTHS = 60
ENOUGH = 0.8                  # "we can tell" = an 80 % chance to find the drop
DEFAULT_DISPERSION = 1.75
DEFAULT_TAU = 0.15


@dataclass(frozen=True)
class PowerInputs:
    """Before-rates (events per day) and the spread the verdict has to beat."""

    target_rate: float
    control_rate: float | None     # None: no comparison (before/after design)
    dispersion: float = DEFAULT_DISPERSION
    tau: float = DEFAULT_TAU
    defaults: bool = True          # dispersion/tau are the defaults, not measured
    conf_level: float = 0.95
    extra_var: float = 0.0         # variance of what such an area does by itself (placebo)
    df: float = math.inf           # degrees of freedom of the verdict's interval (placebo)


def enough_events_chance(mean: float) -> float:
    """P(a Poisson count with this mean reaches :data:`MIN_EVENTS`)."""
    return float(sps.poisson.sf(MIN_EVENTS - 1, max(mean, 0.0)))


def detect_chance(inp: PowerInputs, drop: float, after_months: float,
                  before_days: float = 365.0) -> float:
    """The chance that the verdict says ``decrease`` for a true drop ``drop`` (0.3 = 30 %)
    after ``after_months`` months (module docstring)."""
    after_days = after_months * MONTH_DAYS
    tb, ta = inp.target_rate * before_days, inp.target_rate * (1 - drop) * after_days
    if min(tb, ta) <= 0:
        return 0.0
    terms = 1 / tb + 1 / ta
    if inp.control_rate is not None and inp.control_rate > 0:
        terms += 1 / (inp.control_rate * before_days) + 1 / (inp.control_rate * after_days)
    v = max(1.0, inp.dispersion) * terms + inp.tau ** 2 + inp.extra_var
    z = two_sided_quantile(inp.conf_level, inp.df)
    power = sps.norm.cdf(-math.log(1 - drop) / math.sqrt(v) - z)
    return float(power * enough_events_chance(tb) * enough_events_chance(ta))


def months_to_detect(inp: PowerInputs, drop: float = 0.3, before_days: float = 365.0,
                     enough: float = ENOUGH) -> int | None:
    """The first whole month after which the chance reaches ``enough``; None when not
    within :data:`MAX_MONTHS` (more time alone cannot beat the between-area spread)."""
    for months in range(1, MAX_MONTHS + 1):
        if detect_chance(inp, drop, months, before_days) >= enough:
            return months
    return None


def power_table(inp: PowerInputs, before_days: float = 365.0,
                after_days: float | None = None) -> dict[str, float | int | bool | None]:
    """The JSON form: ``detect_20_12m`` … ``detect_40_24m``; ``detect_30_now`` at the
    evaluation's own after-window (``after_days``); ``months_to_detect_30`` and
    ``_40`` (None: not within :data:`MAX_MONTHS`); ``assumed`` when the dispersion and
    spread are the defaults."""
    out: dict[str, float | int | bool | None] = {
        f"detect_{round(d * 100)}_{h}m": round(detect_chance(inp, d, h, before_days), 3)
        for h in HORIZONS for d in DROPS}
    if after_days is not None:
        out["detect_30_now"] = round(
            detect_chance(inp, 0.3, after_days / MONTH_DAYS, before_days), 3)
    for d in (30, 40):
        out[f"months_to_detect_{d}"] = months_to_detect(inp, d / 100, before_days)
    out["assumed"] = inp.defaults
    return out


def inputs_for(target_before: int, control_before: int | None, before_days: float,
               dispersion: float | None, tau: float | None,
               conf_level: float = 0.95, extra_var: float = 0.0,
               df: float = math.inf) -> PowerInputs:
    """The inputs from an evaluation's before-window (None: not measured, defaults)."""
    days = max(before_days, 1.0)
    measured = dispersion is not None and math.isfinite(dispersion) and tau is not None
    return PowerInputs(
        target_rate=target_before / days,
        control_rate=None if control_before is None else control_before / days,
        dispersion=dispersion if measured else DEFAULT_DISPERSION,
        tau=tau if measured else DEFAULT_TAU, defaults=not measured, conf_level=conf_level,
        extra_var=extra_var if measured else 0.0, df=df if measured else math.inf)
