"""How often does the evaluation call a decrease where nothing happened, and how often
does it find a planted one? (issue 14, Done-when 1)

    python bench/sim_evaluation.py [--towns 500] [--areas 40] [--level-sd 0.15]
        [--dispersion 1.75] [--after-days 365|730] [--modes matched,all] [--random]

Builds simulated towns and evaluates one focus area per town with the app's own code
(:func:`est_data.evaluation.evaluate.assemble`: matching, the quasi-Poisson model, the
placebo test with its regression to the mean, the placebo test in time and the verdict,
exactly as the Före/efter page does). A town has ``--areas`` areas with:

- a base monthly level per area (log-normal: a few areas busy, most quiet);
- yearly levels that wander around it (AR(1) on the log level, ρ = 0.5, sd
  ``--level-sd``);
- a common seasonal wave (±30 %);
- overdispersed monthly counts: variance ``--dispersion`` × mean at every level (the
  partners' 1.7-1.8), or, without it, negative binomial of size 4 (about 1.75 × Poisson
  at 3 events a month, 5 × at the busiest areas).

A pre-year, the before-year and one or two after-years (``--after-days``) around the
measure date. The target is the area with the highest before-year count, as focus areas
are chosen (``--random``: also any area). Scenarios: no effect anywhere, and a planted
40 % drop in the target's after-window. For each it prints the share of towns with

- ``model``: the model's own interval below one (no placebo test);
- ``verdict``: the app's verdict ``decrease``;
- ``predicted``: the mean chance :mod:`est_data.evaluation.power` gives for a 40 % drop
  at this after-window, from each town's before-level;
- ``oracle``: a test that knows the world (:func:`oracle_z`), the bound for any method.

The nominal rate of ``decrease`` with no effect is 2.5 % (one side of a 95 % interval).
Results: bench/SIM_EVALUATION.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from est_data.evaluation.counts import month_bins  # noqa: E402
from est_data.evaluation.evaluate import assemble  # noqa: E402
from est_data.evaluation.selection import (  # noqa: E402
    AreaSelection, EvaluationSpec, Windows, windows_for)

DATE = dt.date(2025, 1, 1)
WINDOWS = windows_for(DATE, 365, 365)
MODES = ["matched", "all"]
NB_SIZE = 4.0
DISPERSION = 0.0  # > 1: every monthly count has variance DISPERSION x mean (quasi-Poisson)


def overdispersed(rng: np.random.Generator, mu: np.ndarray, size: float = NB_SIZE) -> np.ndarray:
    """Negative-binomial counts: variance ``DISPERSION · mu`` when DISPERSION > 1 (the
    partners' 1.7-1.8 × Poisson at every level), else ``mu + mu² / size`` (fixed size:
    the variance ratio grows with the mean, about 5 × at 17 a month for size 4)."""
    if DISPERSION > 1:
        r = np.maximum(mu, 1e-9) / (DISPERSION - 1)
        return rng.negative_binomial(r, r / (r + mu))
    return rng.negative_binomial(size, size / (size + mu))
RHO, LEVEL_SD, SEASON = 0.5, 0.3, 0.3


def bins_frame(windows: Windows | None = None) -> pd.DataFrame:
    """The before/after monthly bins of an evaluation (default :data:`WINDOWS`), fully
    observed."""
    bins = month_bins(windows or WINDOWS)
    bins["mid"] = (bins["start"] + (bins["end"] - bins["start"]) / 2).dt.round("s")
    bins["observed_days"] = bins["days"]
    return bins


def bin_years(bins: pd.DataFrame) -> np.ndarray:
    """Which simulated year each bin lies in: 1 the before-year, 2 the first after-year,
    3 the second (a 730-day after-window)."""
    after = (bins["period"] == "after").to_numpy()
    second = (bins["mid"] >= pd.Timestamp(DATE + dt.timedelta(days=365))).to_numpy()
    return np.where(after, np.where(second, 3, 2), 1)


def simulate_town(rng: np.random.Generator, areas: int, effect: float,
                  bins: pd.DataFrame, pick: str = "highest", levels_out: list | None = None
                  ) -> tuple[np.ndarray, np.ndarray, int]:
    """Counts per area: ``(pre-year totals, before/after monthly counts [area, bin], target)``.

    The target (``pick`` "highest": the highest before-year count; "random": any area)
    gets ``effect`` times its after-window mean. ``levels_out``, when given, receives the
    yearly log levels (pre-year, before-year and two after-years; each ``[area]``) for
    :func:`oracle_z`.
    """
    base = np.exp(rng.normal(np.log(3.0), 0.8, areas))
    level = rng.normal(0, LEVEL_SD, areas)
    levels = []
    for _ in range(4):  # pre-year, before-year, first and second after-year
        levels.append(level)
        level = RHO * level + rng.normal(0, LEVEL_SD * np.sqrt(1 - RHO ** 2), areas)
    if levels_out is not None:
        levels_out[:] = levels
    months = bins["mid"].dt.month.to_numpy()
    season = 1 + SEASON * np.cos(2 * np.pi * (months - 1) / 12)
    after = (bins["period"] == "after").to_numpy()
    year_level = np.stack(levels, axis=1)[:, bin_years(bins)]
    mu = base[:, None] * np.exp(year_level) * season[None, :] * bins["days"].to_numpy() / 30.4
    pre_mu = base * np.exp(levels[0]) * 12
    pre = overdispersed(rng, pre_mu, NB_SIZE * 12)
    before_mu = mu[:, ~after]
    before = overdispersed(rng, before_mu)
    target = (int(np.argmax(before.sum(axis=1))) if pick == "highest"
              else int(rng.integers(areas)))
    after_mu = mu[:, after]
    after_mu[target] *= effect
    after_counts = overdispersed(rng, after_mu)
    return pre, np.concatenate([before, after_counts], axis=1), target


def oracle_z(ev, levels: list[np.ndarray], target: int, bins: pd.DataFrame) -> float:
    """The z of a test that *knows the world*: the target's true before-year level, so
    what it will do by itself (AR(1): ``E[l_after | l_before]``) and the variance of its
    wander around that, with the model's own standard error. No method that sees only
    the counts can do better; its rate of ``decrease`` is the bound for the verdict's.

    The after-window's log level is taken as the mean of its years' levels (weighted by
    the bins in each year)."""
    years = bin_years(bins)[(bins["period"] == "after").to_numpy()]
    w = np.array([(years == 2).mean(), (years == 3).mean()])
    l1 = levels[1][target]
    expected = (w[0] * RHO + w[1] * RHO ** 2 - 1) * l1
    # after-level = w0 (ρ l1 + e2) + w1 (ρ² l1 + ρ e2 + e3), e ~ N(0, s²(1 - ρ²))
    wander = LEVEL_SD ** 2 * (1 - RHO ** 2) * ((w[0] + w[1] * RHO) ** 2 + w[1] ** 2)
    return (math.log(ev.model.effect) - expected) / math.sqrt(ev.model.se ** 2 + wander)


def town_rows(monthly: np.ndarray, target: int, bins: pd.DataFrame) -> pd.DataFrame:
    """The town as the evaluation's count rows (:func:`.counts.tag_groups`' columns)."""
    period, b = bins["period"].to_numpy(), bins["bin"].to_numpy()
    frames = [pd.DataFrame({
        "grp": "target" if a == target else "control", "period": period, "category": "x",
        "buffer_key": None, "control_key": None if a == target else f"a{a:02d}",
        "bin": b, "n": monthly[a]}) for a in range(len(monthly))]
    return pd.concat(frames, ignore_index=True)


def app_evaluation(monthly: np.ndarray, target: int, bins: pd.DataFrame, comparison: str):
    """The app's own evaluation (:func:`.evaluate.assemble`) of one simulated town:
    matching, model, placebo test and verdict exactly as on the Före/efter page."""
    keys = tuple(f"a{a:02d}" for a in range(len(monthly)) if a != target)
    selection = AreaSelection(targets=("t",), controls=keys, buffers=(), excluded_focus=(),
                              custom=frozenset(), names={}, pool=keys, comparison="all")
    spec = EvaluationSpec(targets=("t",), date=DATE, buffer="none", comparison=comparison)
    return assemble(spec, WINDOWS, selection, town_rows(monthly, target, bins))


def run(towns: int, areas: int, effect: float, seed: int,
        pick: str = "highest") -> dict[str, float]:
    """Share of towns with a ``decrease`` verdict, per comparison and rule, what the power
    module predicted, and the bound of a test that knows the world (:func:`oracle_z`)."""
    rng = np.random.default_rng(seed)
    bins = bins_frame()
    horizon = round(WINDOWS.after_days / 365 * 12)
    hits = {f"{m}: {what}": 0.0 for m in MODES
            for what in ("model", "verdict", "predicted", "oracle")}
    for _ in range(towns):
        levels: list[np.ndarray] = []
        _, monthly, target = simulate_town(rng, areas, effect, bins, pick, levels)
        for mode in MODES:
            ev = app_evaluation(monthly, target, bins, mode)
            said = ev.model is not None and ev.model.ci_high < 1 and ev.verdict != "uncertain"
            hits[f"{mode}: model"] += said
            hits[f"{mode}: verdict"] += ev.verdict == "decrease"
            # what the power module predicts for a 40 % drop from the before-level
            hits[f"{mode}: predicted"] += ev.power.get(f"detect_40_{horizon}m") or 0.0
            hits[f"{mode}: oracle"] += (ev.model is not None
                                        and oracle_z(ev, levels, target, bins) < -1.96)
    return {k: v / towns for k, v in hits.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--towns", type=int, default=500)
    parser.add_argument("--areas", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--level-sd", type=float, default=LEVEL_SD,
                        help="sd of the yearly wander of an area's log level")
    parser.add_argument("--dispersion", type=float, default=0.0,
                        help="variance/mean of monthly counts at every level (e.g. 1.75); "
                             "default: negative binomial of size 4")
    parser.add_argument("--after-days", type=int, default=365,
                        help="length of the after-window (365 or 730: two after-years)")
    parser.add_argument("--modes", default="matched,all",
                        help="comparisons to run, comma-separated (matched, all)")
    parser.add_argument("--random", action="store_true",
                        help="also the scenarios with the target drawn at random")
    args = parser.parse_args(argv)
    globals()["LEVEL_SD"] = args.level_sd
    globals()["DISPERSION"] = args.dispersion
    MODES[:] = args.modes.split(",")
    globals()["WINDOWS"] = windows_for(DATE, 365, args.after_days)
    noise = (f"variance {DISPERSION} x mean" if DISPERSION > 1 else f"NB size {NB_SIZE:g}")
    print(f"{args.towns} towns of {args.areas} areas, level sd {LEVEL_SD}, {noise}, "
          f"after-window {args.after_days} days; share of towns with verdict 'decrease' "
          f"(nominal 2.5 % without an effect)")
    for name, effect, pick in (("no effect", 1.0, "highest"),
                               ("planted 40 % drop", 0.6, "highest"),
                               ("no effect, random", 1.0, "random"),
                               ("40 % drop, random", 0.6, "random")):
        if pick == "random" and not args.random:
            continue
        rates = run(args.towns, args.areas, effect, args.seed, pick)
        shown = ", ".join(f"{k}: {v * 100:.1f} %" for k, v in rates.items())
        print(f"  {name:18s} {shown}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
