"""How often does the evaluation call a decrease where nothing happened? (issue 14, Done-when 1)

    python bench/sim_evaluation.py [--towns 500] [--areas 40] [--seed 1]

Builds simulated towns and evaluates one focus area per town with the app's own code
(:func:`est_data.evaluation.did.did_effect` and :func:`.evaluate.verdict_code` on the
monthly bins of :func:`.counts.month_bins`). A town has ``--areas`` areas with:

- a base monthly level per area (log-normal: a few areas busy, most quiet);
- yearly levels that wander around it (AR(1) on the log level, ρ = 0.5, sd 0.3);
- a common seasonal wave (±30 %);
- overdispersed monthly counts (negative binomial, size 4: about 1.7-1.8 × Poisson
  variance at 3 events a month, as in the partners' data).

Three years: a pre-year (for matching), the before-year and the after-year (365 days
each side of the measure date). The target is the area with the highest before-year
count, as focus areas are chosen. Scenarios: no effect anywhere, and a planted 40 % drop
in the target's after-year. For each it prints the share of towns with the verdict
``decrease``, for

- ``all others``: the model's interval alone (:func:`.did.did_effect`), the comparison
  every other area summed (the app's default: areas that do not touch the target);
- ``matched``: the :data:`MATCHED` other areas nearest the target on the log before-level
  and the log trend pre-year → before-year (a first step of item 2);
- ``+ placebo p<=.05``: ``all others`` and, in addition, the placebo test in space
  (:mod:`est_data.evaluation.placebo`) ranks the target's effect with ``p <= 0.05``:
  the app's verdict (:func:`.evaluate.verdict_code` with the placebo);
- ``old rule``: the earlier verdict "Minskade, och mer än i jämförelseområdena" (exact
  rate ratio and RES intervals both below one, Poisson) against all others.

The same two scenarios with the target drawn at random (``random``: no selection, so no
regression to the mean) show whether the model's interval itself is calibrated.
The nominal rate of ``decrease`` with no effect is 2.5 % (one side of a 95 % interval).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from est_data.evaluation.counts import Counts, month_bins  # noqa: E402
from est_data.evaluation.evaluate import verdict_code  # noqa: E402
from est_data.evaluation.did import did_effect  # noqa: E402
from est_data.evaluation.placebo import placebo_in_space  # noqa: E402
from est_data.evaluation.selection import windows_for  # noqa: E402
from est_data.evaluation.stats import (  # noqa: E402
    StatisticsError, rate_ratio, relative_effect_size)

DATE = dt.date(2025, 1, 1)
MATCHED = 5
NB_SIZE = 4.0
RHO, LEVEL_SD, SEASON = 0.5, 0.3, 0.3


def bins_frame() -> pd.DataFrame:
    """The before/after monthly bins of a 365 + 365-day evaluation, fully observed."""
    bins = month_bins(windows_for(DATE, 365, 365))
    bins["mid"] = (bins["start"] + (bins["end"] - bins["start"]) / 2).dt.round("s")
    bins["observed_days"] = bins["days"]
    return bins


def simulate_town(rng: np.random.Generator, areas: int, effect: float,
                  bins: pd.DataFrame, pick: str = "highest"
                  ) -> tuple[np.ndarray, np.ndarray, int]:
    """Counts per area: ``(pre-year totals, before/after monthly counts [area, bin], target)``.

    The target (``pick`` "highest": the highest before-year count; "random": any area)
    gets ``effect`` times its after-year mean.
    """
    base = np.exp(rng.normal(np.log(3.0), 0.8, areas))
    level = rng.normal(0, LEVEL_SD, areas)
    levels = []
    for _ in range(3):  # pre-year, before-year, after-year
        levels.append(level)
        level = RHO * level + rng.normal(0, LEVEL_SD * np.sqrt(1 - RHO ** 2), areas)
    months = bins["mid"].dt.month.to_numpy()
    season = 1 + SEASON * np.cos(2 * np.pi * (months - 1) / 12)
    after = (bins["period"] == "after").to_numpy()
    year_level = np.where(after[None, :], levels[2][:, None], levels[1][:, None])
    mu = base[:, None] * np.exp(year_level) * season[None, :] * bins["days"].to_numpy() / 30.4
    pre_mu = base * np.exp(levels[0]) * 12
    pre = rng.negative_binomial(NB_SIZE * 12, NB_SIZE * 12 / (NB_SIZE * 12 + pre_mu))
    before_mu = mu[:, ~after]
    before = rng.negative_binomial(NB_SIZE, NB_SIZE / (NB_SIZE + before_mu))
    target = (int(np.argmax(before.sum(axis=1))) if pick == "highest"
              else int(rng.integers(areas)))
    after_mu = mu[:, after]
    after_mu[target] *= effect
    after_counts = rng.negative_binomial(NB_SIZE, NB_SIZE / (NB_SIZE + after_mu))
    return pre, np.concatenate([before, after_counts], axis=1), target


def matched_areas(pre: np.ndarray, monthly: np.ndarray, target: int, bins: pd.DataFrame,
                  k: int = MATCHED) -> np.ndarray:
    """The ``k`` other areas nearest the target on log before-level and log trend
    (pre-year → before-year), each standardised over the town's areas."""
    before = monthly[:, (bins["period"] == "before").to_numpy()].sum(axis=1)
    level = np.log(before + 0.5)
    trend = level - np.log(pre + 0.5)
    feats = np.column_stack([level, trend])
    feats = (feats - feats.mean(axis=0)) / feats.std(axis=0)
    dist = np.sqrt(((feats - feats[target]) ** 2).sum(axis=1))
    dist[target] = np.inf
    return np.argsort(dist)[:k]


def verdict_for(bins: pd.DataFrame, target_counts: np.ndarray,
                control_counts: np.ndarray) -> str:
    """The app's verdict for one target and one (summed) comparison."""
    frame = bins.assign(target=target_counts, control=control_counts)
    after = (bins["period"] == "after").to_numpy()
    t = Counts(int(target_counts[~after].sum()), int(target_counts[after].sum()))
    c = Counts(int(control_counts[~after].sum()), int(control_counts[after].sum()))
    model = did_effect(frame, with_control=min(c.before, c.after) >= 10)
    return verdict_code(t, model, 365, 365)


def placebo_p(bins: pd.DataFrame, monthly: np.ndarray, target: int) -> float:
    """The placebo p (:mod:`est_data.evaluation.placebo`) of the target against all others."""
    period, b = bins["period"].to_numpy(), bins["bin"].to_numpy()
    frames = [pd.DataFrame({"grp": "target" if a == target else "control", "period": period,
                            "control_key": None if a == target else f"a{a}", "bin": b,
                            "n": monthly[a]}) for a in range(len(monthly))]
    rows = pd.concat(frames, ignore_index=True)
    others = monthly[np.arange(len(monthly)) != target].sum(axis=0)
    model = did_effect(bins.assign(target=monthly[target], control=others), True)
    result = placebo_in_space(rows, windows_for(DATE, 365, 365), model)
    return 1.0 if result is None else result.p


def old_rule_decrease(t: Counts, c: Counts) -> bool:
    """The earlier table verdict "Minskade, och mer än i jämförelseområdena"."""
    if min(t.before, t.after) < 10 or min(c.before, c.after) < 10:
        return False
    try:
        res = relative_effect_size(t.before, t.after, c.before, c.after)
    except StatisticsError:
        return False
    return rate_ratio(t.before, t.after, 365, 365).ci_high < 1 and 1 / res.ci_low < 1


def run(towns: int, areas: int, effect: float, seed: int,
        pick: str = "highest") -> dict[str, float]:
    """Share of towns with a ``decrease`` verdict per comparison rule."""
    rng = np.random.default_rng(seed)
    bins = bins_frame()
    after = (bins["period"] == "after").to_numpy()
    hits = {"all others": 0, "matched": 0, "old rule": 0, "+ placebo p<=.05": 0}
    for _ in range(towns):
        pre, monthly, target = simulate_town(rng, areas, effect, bins, pick)
        others = np.delete(np.arange(areas), target)
        t = monthly[target]
        c_all = monthly[others].sum(axis=0)
        c_matched = monthly[matched_areas(pre, monthly, target, bins)].sum(axis=0)
        decrease = verdict_for(bins, t, c_all) == "decrease"
        hits["all others"] += decrease
        hits["+ placebo p<=.05"] += decrease and placebo_p(bins, monthly, target) <= 0.05
        hits["matched"] += verdict_for(bins, t, c_matched) == "decrease"
        hits["old rule"] += old_rule_decrease(
            Counts(int(t[~after].sum()), int(t[after].sum())),
            Counts(int(c_all[~after].sum()), int(c_all[after].sum())))
    return {k: v / towns for k, v in hits.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--towns", type=int, default=500)
    parser.add_argument("--areas", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{args.towns} towns of {args.areas} areas; share of towns with verdict 'decrease' "
          f"(nominal 2.5 % without an effect)")
    for name, effect, pick in (("no effect", 1.0, "highest"),
                               ("planted 40 % drop", 0.6, "highest"),
                               ("no effect, random", 1.0, "random"),
                               ("40 % drop, random", 0.6, "random")):
        rates = run(args.towns, args.areas, effect, args.seed, pick)
        shown = ", ".join(f"{k}: {v * 100:.1f} %" for k, v in rates.items())
        print(f"  {name:18s} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
