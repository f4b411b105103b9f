"""False alarms and power of the weekly alerts, old rule and new, on simulated series.

    python -m bench.sim_alerts [--reps 40] [--series 300] [--seed 14] [--out bench/SIM_ALERTS.md]

Each replicate is one town: ``--series`` area × category × level series (about what a
town of ~24 areas, ~13 categories and two levels tests each week), four years of weekly
counts; the last 52 weeks are judged, each week as one family of tests. Series means are
log-uniform between 0.3 and 10 a week. Null worlds (nothing happens):

- ``flat``: Poisson, constant mean;
- ``overdispersed``: negative binomial with variance 1.75 × mean (the 1.7–1.8 measured
  in issue 14);
- ``seasonal``: Poisson with the mean × (1 + 0.5 sin(2πt/52)) (dark autumns, light
  summers), each series with its own phase;
- ``seasonal_overdispersed``: both.

The old rule (until issue 14): the Poisson test against the mean of 12 weeks ending a
week before (``poisson_baseline_alerts``), α = 0.001 per test without adjustment, at
least 4 incidents, at least 1.5 × the mean and 1.5 × the same week last year. The new
rule: ``est_data.trends.alerts.DEFAULT_RULE`` (seasonal negative-binomial baseline,
Benjamini–Hochberg at 5 % over the week's tests, the same count and ratio rules), and
the same at 10 % (``new_q10``) to show what the choice of q costs and buys.

Power: in every judged week one random series gets its mean multiplied by 2 or 3 for
that week only (the other series stay null); the share of those planted weeks flagged,
by the series' normal level.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from est_data.trends.alerts import DEFAULT_RULE
from est_data.trends.baseline import poisson_baseline_alerts

WEEKS = 4 * 52 + 4   # three years of history before the judged year, and a little
JUDGED = 52
DISPERSION = 1.75
AMPLITUDE = 0.5
OLD = dict(baseline=12, gap=1, alpha=0.001, min_count=4, min_ratio=1.5)
WORLDS = {"flat": (False, False), "overdispersed": (True, False),
          "seasonal": (False, True), "seasonal_overdispersed": (True, True)}
Q_ALT = 0.10
RULES = ("old", "new", "new_q10")
BANDS = [(0.3, 1.0), (1.0, 3.0), (3.0, 10.0)]


def means(rng, n: int, seasonal: bool) -> np.ndarray:
    """Series × weeks expected counts."""
    level = np.exp(rng.uniform(np.log(0.3), np.log(10.0), n))
    mu = np.repeat(level[:, None], WEEKS, axis=1)
    if seasonal:
        phase = rng.uniform(0, 2 * np.pi, n)[:, None]
        mu = mu * (1 + AMPLITUDE * np.sin(2 * np.pi * np.arange(WEEKS) / 52 + phase))
    return mu


def draw(rng, mu: np.ndarray, overdispersed: bool) -> np.ndarray:
    """Poisson or negative binomial (variance DISPERSION × mean) counts."""
    if not overdispersed:
        return rng.poisson(mu)
    r = mu / (DISPERSION - 1)
    return rng.negative_binomial(r, 1 / DISPERSION)


def old_rule(x: np.ndarray, judged: np.ndarray) -> np.ndarray:
    """The old rule, vectorised over series: flags (series × judged weeks)."""
    b, g = OLD["baseline"], OLD["gap"]
    csum = np.concatenate([np.zeros((len(x), 1)), np.cumsum(x, axis=1)], axis=1)
    t = judged
    mu = (csum[:, t - g] - csum[:, t - g - b]) / b
    now, last_year = x[:, t], x[:, t - 52]
    p = np.where(mu > 0, stats.poisson.sf(now - 1, mu), (now > 0) * 0.0 + (now == 0))
    return ((p < OLD["alpha"]) & (now >= OLD["min_count"]) & (now >= OLD["min_ratio"] * mu)
            & (now >= OLD["min_ratio"] * last_year))


def new_rules(x: np.ndarray, judged: np.ndarray) -> dict[str, np.ndarray]:
    """The new rule (each judged week one family, BH over all series) at q = 0.05
    (``new``, the product's) and at q = 0.10 (``new_q10``, the alternative)."""
    mask = np.zeros(x.shape[1], dtype=bool)
    mask[judged] = True
    res = DEFAULT_RULE.judge_matrix(x, 0, mask)
    rows, cols = res["series"].to_numpy(int), res["period"].to_numpy(int)
    rest = ((res["count"] >= DEFAULT_RULE.min_count)
            & (res["count"] >= DEFAULT_RULE.min_ratio * res["expected"])).to_numpy(bool)
    out = {}
    for name, q in (("new", DEFAULT_RULE.fdr), ("new_q10", Q_ALT)):
        flags = np.zeros((len(x), x.shape[1]), dtype=bool)
        flags[rows, cols] = rest & (res["p_adj"] <= q).to_numpy(bool)
        out[name] = flags[:, judged]
    return out


def check_old_rule(rng) -> None:
    """The vectorised old rule agrees with ``poisson_baseline_alerts`` on one series."""
    x = rng.poisson(3, (1, WEEKS))
    x[0, -5] = 12
    judged = np.arange(WEEKS - JUDGED, WEEKS)
    ref = poisson_baseline_alerts(x[0], OLD["baseline"], OLD["gap"], OLD["alpha"],
                                  OLD["min_count"])
    want = (ref["flagged"] & (ref["count"] >= OLD["min_ratio"] * ref["expected"])).to_numpy()
    want = want & (x[0] >= OLD["min_ratio"] * np.concatenate([np.zeros(52), x[0, :-52]]))
    assert (old_rule(x, judged)[0] == want[judged]).all()


def one_town(rng, n: int, world: str) -> dict:
    """False alarms of both rules on a null town, and the planted weeks' detection."""
    over, seasonal = WORLDS[world]
    mu = means(rng, n, seasonal)
    judged = np.arange(WEEKS - JUDGED, WEEKS)
    x = draw(rng, mu, over)
    out = {"old": old_rule(x, judged), **new_rules(x, judged)}
    for k in (2, 3):
        planted = rng.integers(0, n, JUDGED)
        y = x.copy()
        boost = mu[planted, judged] * k
        y[planted, judged] = draw(rng, boost, over)
        level = mu[planted, judged]
        out[f"level{k}"] = level
        out[f"old{k}"] = old_rule(y, judged)[planted, np.arange(JUDGED)]
        for name, flags in new_rules(y, judged).items():
            out[f"{name}{k}"] = flags[planted, np.arange(JUDGED)]
    return out


def simulate(reps: int, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rates over ``reps`` towns per world: false alarms and power tables."""
    rng = np.random.default_rng(seed)
    check_old_rule(rng)
    null_rows, power_rows = [], []
    for world in WORLDS:
        towns = [one_town(rng, n, world) for _ in range(reps)]
        for rule, nominal in (("old", OLD["alpha"]), ("new", DEFAULT_RULE.fdr / n),
                              ("new_q10", Q_ALT / n)):
            flags = np.stack([t[rule] for t in towns])      # reps × series × weeks
            weeks_any = flags.any(axis=1).mean()
            rate = flags.mean()
            null_rows.append(dict(world=world, rule=rule, area_weeks=flags.size,
                                  alarms=int(flags.sum()), per_area_week=rate,
                                  nominal=nominal, ratio=rate / nominal,
                                  weeks_with_any=weeks_any))
        for k in (2, 3):
            level = np.concatenate([t[f"level{k}"] for t in towns])
            for lo, hi in BANDS:
                band = (level >= lo) & (level < hi)
                row = dict(world=world, jump=f"×{k}", normal=f"{lo:g}–{hi:g}",
                           planted=int(band.sum()))
                for rule in RULES:
                    hit = np.concatenate([t[f"{rule}{k}"] for t in towns])
                    row[rule] = hit[band].mean()
                power_rows.append(row)
    return pd.DataFrame(null_rows), pd.DataFrame(power_rows)


def table(df: pd.DataFrame) -> str:
    """A Markdown table (no tabulate dependency)."""
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def markdown(null: pd.DataFrame, power: pd.DataFrame, args, seconds: float) -> str:
    """The note: settings, both tables, how to read them."""
    nul = null.assign(per_area_week=null["per_area_week"].map("{:.2e}".format),
                      nominal=null["nominal"].map("{:.2e}".format),
                      ratio=null["ratio"].map("{:.1f}".format),
                      weeks_with_any=null["weeks_with_any"].map("{:.3f}".format))
    pw = power.assign(**{r: power[r].map("{:.2f}".format) for r in RULES})
    return f"""# Alerts on simulated series: false alarms and power

`python -m bench.sim_alerts --reps {args.reps} --series {args.series} --seed {args.seed}`
({dt.date.today()}, {seconds:.0f} s). What is simulated: the docstring of
`bench/sim_alerts.py`. Old rule: Poisson against the 12 weeks before, α = 0.001 per test,
no adjustment. New rule: negative binomial against the same weeks ±3 in up to three
earlier years (dispersion by moments, floored at Poisson and at the week's pooled
dispersion), Benjamini–Hochberg at
q = {DEFAULT_RULE.fdr:g} over each week's {args.series} tests (`new_q10`: the same at
q = {Q_ALT:g}, the alternative not chosen); all: ≥ 4 incidents and ≥ 1.5 × normal.

## False alarms in worlds where nothing happens

`per_area_week`: flagged share of all area-weeks; `nominal`: α for the old rule, q / m
for the new one (under BH with nothing to find, the chance that a week has any alarm is
at most q, so at most about q / m per area-week); `weeks_with_any`: share of weeks with
at least one alarm anywhere in the town (new rule: at most q = {DEFAULT_RULE.fdr:g}).

{table(nul)}

## Power: one series with its mean ×2 or ×3 for one week

By the series' normal level (incidents a week). Share of planted weeks flagged.

{table(pw)}

## Reading

- The old rule's false alarms are near nominal only on flat Poisson series; overdispersion
  and season multiply them (the `ratio` column), and with {args.series} tests a week
  almost every week has a chance alarm somewhere. Its higher "power" is bought with
  those alarms: a rule that flags most weeks finds planted jumps too.
- The new rule stays at or under its nominal rate in all four worlds (the discrete tail
  and the pooled-dispersion floor make it conservative), so a week with an alarm is a
  week worth looking at.
- The price is power for single-week jumps: one jump among {args.series} tests must
  reach p ≤ q / {args.series} to survive BH. A tripling on a series with a normal level
  of 3–10 a week is found about a third of the time on Poisson series and less on
  overdispersed ones; a doubling, or anything on series with under one incident a week,
  is seldom found by any rule that keeps its false alarms at this level. A smaller
  family (a filtered view, fewer categories) lowers the bar q / m and so raises the power.
- `new_q10`: q = 0.10 about doubles the weeks with a chance alarm and adds a few points
  of power; the product keeps q = 0.05 (`est_data.trends.alerts.FDR`).
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--series", type=int, default=300)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("SIM_ALERTS.md"))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    null, power = simulate(args.reps, args.series, args.seed)
    pd.set_option("display.width", 200)
    print(null.to_string(index=False))
    print(power.to_string(index=False))
    args.out.write_text(markdown(null, power, args, time.perf_counter() - t0), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
