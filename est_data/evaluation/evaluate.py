"""Before/after evaluation of measures: every statistic and the whole result.

Notation (as in :mod:`est_data.evaluation.stats`): T = target, C = comparison (summed), D = buffer;
b = before, a = after. What is compared is chosen in :mod:`est_data.evaluation.selection`
(areas, windows) and counted in :mod:`est_data.evaluation.counts`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from est_data.areas.geometry import load_areas
from est_data.evaluation.counts import (
    Counts, count_rows, group_counts, month_bins, monthly_series, observed_days)
from est_data.evaluation.displacement import (
    WeightedDisplacementDifference, WeightedDisplacementQuotient,
    weighted_displacement_difference, weighted_displacement_quotient)
from est_data.evaluation.did import ModelEffect, did_effect
from est_data.evaluation.matching import match_table
from est_data.evaluation.placebo import (
    Placebo, VerdictInterval, placebo_in_space, verdict_interval)
from est_data.evaluation.placebo_time import placebo_in_time
from est_data.evaluation.power import inputs_for, power_table
from est_data.evaluation.reporting import ReportingSpan, actor_spans, reporting_span
from est_data.evaluation.selection import (
    AreaSelection, EvaluationSpec, Windows, check_categories, select_areas, windows_for)
from est_data.evaluation.stats import (
    RateRatio, RelativeEffectSize, StatisticsError, rate_ratio, relative_effect_size)
from est_data.measures.store import list_interventions
from est_data.evaluation.wording import MIN_EVENTS, claim

JSON_KEYS = ("target", "control", "buffer", "rate_ratio", "rate_ratio_ci", "p_value", "res",
             "res_ci", "wdd", "wdd_se", "wdd_z", "wdq", "verdict", "before_days_observed",
             "after_days_observed", "model", "placebo", "comparison", "power", "plan")
VERDICTS = ("decrease", "increase", "no_change", "uncertain", "incomplete")


# --- Statistics ------------------------------------------------------------------------------

@dataclass(frozen=True)
class EffectStats:
    """Every statistic of one evaluation (see :mod:`est_data.evaluation.stats`).

    ``res``/``buffer_res`` are None when a count is zero (``res_error`` holds the
    StatisticsError code). ``buffer_res`` compares the buffer with the comparison
    areas: below 1 means the buffer rose relative to them (displacement).
    """

    target_rr: RateRatio
    control_rr: RateRatio
    buffer_rr: RateRatio | None
    res: RelativeEffectSize | None
    res_error: str | None
    buffer_res: RelativeEffectSize | None
    wdd: WeightedDisplacementDifference
    wdq: WeightedDisplacementQuotient | None


def _res_or_none(tb, ta, cb, ca, conf) -> tuple[RelativeEffectSize | None, str | None]:
    try:
        return relative_effect_size(tb, ta, cb, ca, conf_level=conf), None
    except StatisticsError as exc:
        return None, exc.code


def effect_statistics(target: Counts, control: Counts, buffer: Counts | None,
                      before_days: float, after_days: float,
                      conf_level: float = 0.95) -> EffectStats:
    """All statistics from the six counts (pure; exposures are the window lengths)."""
    def rr(c: Counts) -> RateRatio:
        return rate_ratio(c.before, c.after, before_days, after_days, conf_level=conf_level)

    res, res_error = _res_or_none(target.before, target.after, control.before, control.after,
                                  conf_level)
    buffer_res = None
    if buffer is not None:
        buffer_res, _ = _res_or_none(buffer.before, buffer.after, control.before,
                                     control.after, conf_level)
    return EffectStats(
        target_rr=rr(target), control_rr=rr(control),
        buffer_rr=None if buffer is None else rr(buffer),
        res=res, res_error=res_error, buffer_res=buffer_res,
        wdd=weighted_displacement_difference(target.before, target.after, control.before,
                                             control.after, conf_level=conf_level),
        wdq=None if buffer is None else weighted_displacement_quotient(
            target.before, target.after, control.before, control.after,
            buffer.before, buffer.after))


def buffer_area_table(rows: pd.DataFrame, control: Counts, names: dict[str, str],
                      buffer_ids: tuple[str, ...], conf_level: float = 0.95) -> pd.DataFrame:
    """Each buffer area on its own against the comparison areas.

    Columns ``area_id``, ``name``, ``before``, ``after``, ``rel_change`` (relative to the
    comparison areas, ``1/RES - 1``; positive = rose more than them), ``ci_low``,
    ``ci_high`` (of ``rel_change``) and ``p_value``.
    """
    sub = rows[rows["grp"] == "buffer"]
    per_area = (sub.groupby(["buffer_key", "period"])["n"].sum().unstack(fill_value=0)
                .reindex(index=list(buffer_ids), columns=["before", "after"], fill_value=0))
    records = []
    for area, (b, a) in zip(per_area.index, per_area.to_numpy(dtype=int)):
        b, a = int(b), int(a)
        res, _ = _res_or_none(b, a, control.before, control.after, conf_level)
        records.append({
            "area_id": area, "name": names.get(area, area), "before": b, "after": a,
            "rel_change": None if res is None else 1 / res.estimate - 1,
            "ci_low": None if res is None else 1 / res.ci_high - 1,
            "ci_high": None if res is None else 1 / res.ci_low - 1,
            "p_value": None if res is None else res.p_value})
    cols = ["area_id", "name", "before", "after", "rel_change", "ci_low", "ci_high", "p_value"]
    return pd.DataFrame(records, columns=cols)


# --- The whole evaluation ---------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluation:
    """One before/after evaluation: choices, areas, counts, statistics and series."""

    spec: EvaluationSpec
    windows: Windows
    selection: AreaSelection
    target: Counts
    control: Counts
    buffer: Counts | None
    stats: EffectStats
    by_category: pd.DataFrame = field(default_factory=pd.DataFrame)
    buffer_by_area: pd.DataFrame = field(default_factory=pd.DataFrame)
    monthly: pd.DataFrame = field(default_factory=pd.DataFrame)
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    other_measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_first: dt.date | None = None
    data_last: dt.date | None = None
    created_at: dt.datetime | None = None
    before_days_observed: float = 0.0
    after_days_observed: float = 0.0
    model: ModelEffect | None = None
    placebo: Placebo | None = None
    verdict: str = "uncertain"
    matching: pd.DataFrame = field(default_factory=pd.DataFrame)
    power: dict = field(default_factory=dict)
    verdict_ci: VerdictInterval | None = None
    plan_note: str | None = None  # the plan followed, or why this is exploratory (.plans)
    reporting: ReportingSpan | None = None  # partners whose reports stop cut the span
    pre_trend: ModelEffect | None = None  # the placebo test in time (.placebo_time)


def verdict_code(target: Counts, model: ModelEffect | None, after_days: float,
                 after_days_observed: float, interval: VerdictInterval | None = None,
                 pre_trend: ModelEffect | None = None) -> str:
    """The one verdict every text is written from (one of :data:`VERDICTS`).

    ``incomplete`` when the data do not cover the whole after-window; ``uncertain`` with
    fewer than :data:`MIN_EVENTS` target events in a window or no model; otherwise
    ``decrease``/``increase`` only when the model's interval *and* the verdict's interval
    (:func:`.placebo.verdict_interval`: widened by how much areas without a measure move
    by themselves) exclude no change: focus areas are chosen for their high counts, and
    such counts fall by themselves (bench/SIM_EVALUATION.md).
    """
    if after_days_observed < after_days:
        return "incomplete"
    if min(target.before, target.after) < MIN_EVENTS or model is None:
        return "uncertain"
    said = claim(model.ci_low, model.ci_high)
    if said and interval is not None and claim(interval.low, interval.high) != said:
        return "no_change"
    if said and pre_trend is not None and claim(pre_trend.ci_low, pre_trend.ci_high) == said:
        return "no_change"
    return said or "no_change"


def apply_matching(rows: pd.DataFrame, windows: Windows, selection: AreaSelection,
                   spec: EvaluationSpec) -> tuple[pd.DataFrame, AreaSelection, pd.DataFrame]:
    """Narrow the default comparison to the matched areas (:mod:`.matching`).

    Returns the rows (candidates not chosen become ``grp`` "pool": kept for the placebo
    test, not counted), the selection with the chosen ``controls`` and the match table.
    Hand-chosen areas, ``comparison`` "all" and a target without candidates are left as
    they are (empty table), and so are candidates too few to choose among (all chosen).
    """
    if (spec.comparison != "matched" or selection.comparison != "all" or rows.empty
            or "control_key" not in rows.columns):
        return rows, selection, pd.DataFrame()
    n_before = int((month_bins(windows)["period"] == "before").sum())
    table = match_table(rows, n_before, windows.before_days)
    if table.empty or table["chosen"].all():  # too few candidates to choose among
        return rows, selection, table
    chosen = tuple(table.loc[table["chosen"], "area_id"])
    pool = (rows["grp"] == "control") & ~rows["control_key"].isin(chosen)
    rows = rows.assign(grp=rows["grp"].where(~pool, "pool"))
    names = selection.names
    table = table.assign(name=[names.get(a, a) for a in table["area_id"]])
    return rows, dataclasses.replace(selection, controls=chosen, comparison="matched"), table


def assemble(spec: EvaluationSpec, windows: Windows, selection: AreaSelection,
             rows: pd.DataFrame, **extra) -> Evaluation:
    """Build the result from the count rows (pure: tests feed planted rows).

    Exposures are the observed days (inside ``data_first`` … ``data_last`` of ``extra``),
    at least one day so that an unobserved window still has statistics (its verdict is
    ``incomplete``).
    """
    rows, selection, matching = apply_matching(rows, windows, selection, spec)
    target, control = group_counts(rows, "target"), group_counts(rows, "control")
    has_buffer = bool(selection.buffers) or selection.ring_wkt is not None
    buffer = group_counts(rows, "buffer") if has_buffer else None
    first, last = extra.get("data_first"), extra.get("data_last")
    seen_before = observed_days(windows.before_start, windows.before_end, first, last)
    seen_after = observed_days(windows.after_start, windows.after_end, first, last)
    exposure_before = max(seen_before, 1.0)
    stats = effect_statistics(target, control, buffer, exposure_before,
                              max(seen_after, 1.0), spec.conf_level)
    monthly = monthly_series(rows, windows, first, last)
    with_control = bool(selection.controls) and min(control.before, control.after) >= MIN_EVENTS
    model = did_effect(monthly, with_control, spec.conf_level)
    placebo = placebo_in_space(rows, windows, model, first, last, spec.conf_level,
                               matched=selection.comparison == "matched")
    power = power_table(inputs_for(
        target.before, control.before if with_control else None, exposure_before,
        None if model is None else model.dispersion, None if placebo is None else placebo.tau,
        spec.conf_level, 0.0 if placebo is None else placebo.expected_var,
        math.inf if placebo is None else placebo.df),
        exposure_before, windows.after_days)
    interval = verdict_interval(model, placebo, spec.conf_level)
    pre_trend = placebo_in_time(monthly, with_control, spec.conf_level)
    counted = rows[rows["grp"] != "pool"]
    by_cat = (counted.pivot_table(index=["category", "grp"], columns="period", values="n",
                               aggfunc="sum", fill_value=0)
              .reindex(columns=["before", "after"], fill_value=0).reset_index()
              if len(counted) else pd.DataFrame(columns=["category", "grp", "before", "after"]))
    return Evaluation(
        spec=spec, windows=windows, selection=selection, target=target, control=control,
        buffer=buffer, stats=stats, by_category=by_cat,
        buffer_by_area=buffer_area_table(rows, control, selection.names, selection.buffers,
                                         spec.conf_level),
        monthly=monthly, before_days_observed=seen_before, after_days_observed=seen_after,
        model=model, placebo=placebo, matching=matching, power=power,
        verdict_ci=interval, pre_trend=pre_trend,
        verdict=verdict_code(target, model, windows.after_days, seen_after, interval,
                             pre_trend),
        **extra)


def evaluate(con: duckdb.DuckDBPyConnection, spec: EvaluationSpec,
             now: dt.datetime | None = None) -> Evaluation:
    """Run one evaluation on the database (read-only work)."""
    windows = windows_for(spec.date, spec.before_days, spec.after_days, spec.gap_days)
    check_categories(con, spec.categories)
    selection = select_areas(load_areas(con), spec)
    span = reporting_span(actor_spans(con, windows, spec.categories), windows)
    rows = count_rows(con, selection, windows, spec.categories, span.first, span.last)
    measures = list_interventions(con, selection.targets)
    others = list_interventions(con, tuple(selection.controls) + tuple(selection.buffers),
                                start=windows.before_start,
                                end=windows.after_end - dt.timedelta(days=1))
    return assemble(spec, windows, selection, rows, measures=measures, other_measures=others,
                    data_first=span.first, data_last=span.last, reporting=span,
                    created_at=now or dt.datetime.now().replace(microsecond=0))


# --- Machine-readable form ------------------------------------------------------------------

def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def model_json(m: ModelEffect | None, vi: VerdictInterval | None = None) -> dict | None:
    """``model`` of ``evaluate --json``: the effect (a ratio) and its interval, the
    dispersion and the family, plus the design (did/before_after) and the interval the
    verdict is read from (``verdict_ci``, widened by ``tau``; ``tau_assumed`` when too few
    comparison areas to measure it); null without a model."""
    if m is None:
        return None
    out = {"effect": _num(m.effect), "effect_ci": [_num(m.ci_low), _num(m.ci_high)],
           "dispersion": _num(m.dispersion), "family": m.family, "design": m.design}
    if vi is not None:
        out.update(verdict_ci=[_num(vi.low), _num(vi.high)], tau=_num(vi.tau),
                   tau_assumed=vi.assumed)
    return out


def to_json_dict(ev: Evaluation) -> dict:
    """The ``evaluate --json`` object: exactly :data:`JSON_KEYS` (non-finite → null).

    ``wdd``/``wdd_se``/``wdd_z`` are the target-versus-comparison form; the rate ratios
    use the observed days as exposure; ``verdict`` is one of :data:`VERDICTS`;
    ``placebo`` is the target's rank among the candidate areas, the spread ``tau``, what
    the target would do by itself (``expected``, a ratio: regression to the mean) and
    the degrees of freedom of the verdict's interval (``df``, null: normal)
    (:mod:`.placebo`); ``comparison`` how the comparison areas were chosen (``mode``
    "matched", "all" or "chosen") and which; ``power`` the chance to find a 20/30/40 % drop after 12 and 24 months and the months until a 30 % drop is found
    with 80 % chance (:mod:`.power`); ``plan`` what the evaluation says of the measure's
    plan (:mod:`.plans`; null when not asked about a measure).
    """
    s = ev.stats
    buffer = ev.buffer or Counts(0, 0)
    out = {
        "target": {"before": ev.target.before, "after": ev.target.after},
        "control": {"before": ev.control.before, "after": ev.control.after},
        "buffer": {"before": buffer.before, "after": buffer.after},
        "rate_ratio": _num(s.target_rr.estimate),
        "rate_ratio_ci": [_num(s.target_rr.ci_low), _num(s.target_rr.ci_high)],
        "p_value": _num(s.target_rr.p_value),
        "res": None if s.res is None else _num(s.res.estimate),
        "res_ci": None if s.res is None else [_num(s.res.ci_low), _num(s.res.ci_high)],
        "wdd": _num(s.wdd.local_estimate),
        "wdd_se": _num(s.wdd.local_se),
        "wdd_z": _num(s.wdd.z),
        "wdq": None if s.wdq is None else _num(s.wdq.wdq),
        "verdict": ev.verdict,
        "before_days_observed": _num(ev.before_days_observed),
        "after_days_observed": _num(ev.after_days_observed),
        "model": model_json(ev.model, ev.verdict_ci),
        "placebo": None if ev.placebo is None else {
            "rank": ev.placebo.rank, "n": ev.placebo.n, "p": _num(ev.placebo.p),
            "tau": _num(ev.placebo.tau), "expected": _num(ev.placebo.expected),
            "df": _num(ev.placebo.df), "time": model_json(ev.pre_trend)},
        "comparison": {"mode": ev.selection.comparison,
                       "areas": list(ev.selection.controls)},
        "power": dict(ev.power) or None,
        "plan": ev.plan_note,
    }
    assert tuple(out) == JSON_KEYS
    return out
