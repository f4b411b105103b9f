"""Before/after evaluation of measures: areas, windows, counts and every statistic.

Notation (as in :mod:`est_data.evaluation.stats`): T = target, C = comparison (summed), D = buffer;
b = before, a = after. Only unique incidents count (``duplicate_of IS NULL``).

Areas
-----
A focus area (kind ``custom``) is matched on ``incidents.focus_area_id``, every other
area on ``incidents.area_id``. An incident belongs to at most one group, in this order:
target, then (not counted) another focus area with its own measures, then buffer, then
comparison. So an incident in Kyrkgatan never counts for the DeSO around it.

Defaults, computed with shapely in SWEREF 99 TM:

- buffer ("grannområdena"): the statistical areas that hold the target (for a focus
  area: the ones it overlaps) plus those bordering them, without the target itself;
- comparison: the statistical areas that neither touch the target nor belong to the
  buffer (nor overlap a buffer ring);
- a ring buffer of N metres is the target polygon grown by N metres minus the target;
  it counts incidents with a known point (``x``/``y``).

Windows
-------
Before = ``[date - before_days, date)``, after = ``[date + gap, date + gap + after_days)``
(days; ``gap`` skips an implementation period). Rates are per day, so windows of
unequal length still give a fair rate ratio; RES and WDD assume equal lengths.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from est_data.areas.geometry import load_areas
from est_data.core.config import CRS_SWEREF99TM
from est_data.measures.log import list_interventions
from est_data.store.sqlutil import fetch_df, fetch_row
from est_data.core.taxonomy import labels
from est_data.evaluation.stats import (
    RateRatio, RelativeEffectSize, StatisticsError, WeightedDisplacementDifference,
    WeightedDisplacementQuotient, rate_ratio, relative_effect_size,
    weighted_displacement_difference, weighted_displacement_quotient)

DEFAULT_CATEGORIES: tuple[str, ...] = ("storning", "inbrott")
BUFFER_MODES = ("neighbours", "areas", "ring", "none")
MONTH_DAYS = 365.25 / 12
TOUCH_TOLERANCE_M = 1.0  # polygons closer than this "touch" (digitising slack)
MIN_OVERLAP_M2 = 1.0     # a focus area lies in a statistical area if they share this much
MAX_WINDOW_DAYS = 3660
MAX_RING_M = 5000.0
JSON_KEYS = ("target", "control", "buffer", "rate_ratio", "rate_ratio_ci", "p_value", "res",
             "res_ci", "wdd", "wdd_se", "wdd_z", "wdq")


class EvaluationError(ValueError):
    """The evaluation cannot be set up; ``str()`` is English, ``sv`` Swedish."""

    def __init__(self, message: str, sv: str):
        super().__init__(message)
        self.sv = sv


# --- What to evaluate -------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationSpec:
    """The evaluator's choices. Empty ``categories`` means all categories; empty
    ``controls`` the default comparison areas. ``buffer`` is one of
    :data:`BUFFER_MODES`: ``neighbours`` (default), ``areas`` (``buffers``), ``ring``
    (``buffer_m`` metres) or ``none``."""

    targets: tuple[str, ...]
    date: dt.date
    before_days: int = 365
    after_days: int = 365
    gap_days: int = 0
    categories: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    buffer: str = "neighbours"
    buffers: tuple[str, ...] = ()
    buffer_m: float = 300.0
    conf_level: float = 0.95


@dataclass(frozen=True)
class Windows:
    """Half-open day windows: ``[before_start, before_end)`` and ``[after_start, after_end)``."""

    before_start: dt.date
    before_end: dt.date
    after_start: dt.date
    after_end: dt.date

    @property
    def before_days(self) -> int:
        return (self.before_end - self.before_start).days

    @property
    def after_days(self) -> int:
        return (self.after_end - self.after_start).days

    @property
    def gap_days(self) -> int:
        return (self.after_start - self.before_end).days


def windows_for(date: dt.date, before_days: int, after_days: int, gap_days: int = 0) -> Windows:
    """Before = ``[date - before_days, date)``; after starts ``gap_days`` after ``date``."""
    for name, value, low in (("before_days", before_days, 1), ("after_days", after_days, 1),
                             ("gap_days", gap_days, 0)):
        if not isinstance(value, (int, np.integer)) or not low <= value <= MAX_WINDOW_DAYS:
            raise EvaluationError(
                f"{name} must be a whole number of days from {low} to {MAX_WINDOW_DAYS}",
                f"Antalet dagar måste vara ett heltal mellan {low} och {MAX_WINDOW_DAYS}.")
    after_start = date + dt.timedelta(days=int(gap_days))
    return Windows(date - dt.timedelta(days=int(before_days)), date, after_start,
                   after_start + dt.timedelta(days=int(after_days)))


def months_to_days(months: int) -> int:
    """A window of whole months as days (12 → 365, 6 → 183, 24 → 730)."""
    return int(round(months * MONTH_DAYS))


# --- Which areas ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaSelection:
    """The resolved groups. ``*_custom`` ids match ``focus_area_id``; the others
    ``area_id``. ``excluded_focus`` are focus areas left out of buffer and comparison."""

    targets: tuple[str, ...]
    controls: tuple[str, ...]
    buffers: tuple[str, ...]
    excluded_focus: tuple[str, ...]
    custom: frozenset[str]
    names: dict[str, str]
    ring_m: float | None = None
    ring_wkt: str | None = None  # SWEREF 99 TM
    controls_default: bool = True
    buffers_default: bool = True

    def split(self, ids: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """``(statistical ids, custom ids)``."""
        return ([a for a in ids if a not in self.custom], [a for a in ids if a in self.custom])


def select_areas(areas_wgs: gpd.GeoDataFrame, spec: EvaluationSpec) -> AreaSelection:
    """Resolve target, buffer and comparison areas from the stored polygons."""
    if spec.buffer not in BUFFER_MODES:
        raise EvaluationError(f"buffer must be one of {', '.join(BUFFER_MODES)}",
                              "Okänt val av buffert.")
    if not spec.targets:
        raise EvaluationError("choose at least one target area (--area)",
                              "Välj minst ett målområde.")
    known = set(areas_wgs["area_id"])
    unknown = [a for a in (*spec.targets, *spec.controls, *spec.buffers) if a not in known]
    if unknown:
        shown = ", ".join(dict.fromkeys(unknown))
        raise EvaluationError(f"unknown area id: {shown}", f"Okänt område: {shown}.")
    if spec.buffer == "ring" and not (0 < float(spec.buffer_m) <= MAX_RING_M):
        raise EvaluationError(f"the ring must be 1 to {MAX_RING_M:.0f} metres wide",
                              f"Ringen måste vara mellan 1 och {MAX_RING_M:.0f} meter bred.")
    metric = areas_wgs.to_crs(CRS_SWEREF99TM).set_index("area_id")
    kinds = metric["kind"]
    custom = frozenset(metric.index[kinds == "custom"])
    targets = tuple(dict.fromkeys(spec.targets))
    target_geom = shapely.union_all(metric.geometry.loc[list(targets)].values)
    stat = metric[kinds != "custom"]

    hosts = [a for a in targets if a not in custom]
    for t in (t for t in targets if t in custom):
        g = metric.geometry[t]
        hosts += [a for a, geom in stat.geometry.items()
                  if geom.intersection(g).area >= MIN_OVERLAP_M2]
    hosts = list(dict.fromkeys(hosts))

    ring_geom = None
    buffers: tuple[str, ...] = ()
    if spec.buffer == "neighbours" and hosts:
        host_union = shapely.union_all(stat.geometry.loc[hosts].values)
        near = stat.geometry.distance(host_union) <= TOUCH_TOLERANCE_M
        buffers = tuple(a for a in stat.index[near] if a not in targets)
    elif spec.buffer == "areas":
        buffers = tuple(a for a in dict.fromkeys(spec.buffers) if a not in targets)
    elif spec.buffer == "ring":
        ring_geom = target_geom.buffer(float(spec.buffer_m)).difference(target_geom)

    if spec.controls:
        controls = tuple(a for a in dict.fromkeys(spec.controls) if a not in targets)
    else:
        far = stat.geometry.distance(target_geom) > TOUCH_TOLERANCE_M
        if ring_geom is not None:
            far &= ~stat.geometry.intersects(ring_geom)
        controls = tuple(a for a in stat.index[far] if a not in buffers)
    chosen = set(targets) | set(controls) | set(buffers)
    focus = metric.index[(kinds == "custom") & metric["is_focus"].fillna(False).astype(bool)]
    excluded = tuple(a for a in focus if a not in chosen)
    return AreaSelection(
        targets=targets, controls=controls, buffers=buffers, excluded_focus=excluded,
        custom=custom, names=metric["name"].to_dict(),
        ring_m=float(spec.buffer_m) if ring_geom is not None else None,
        ring_wkt=None if ring_geom is None else shapely.to_wkt(ring_geom, rounding_precision=2),
        controls_default=not spec.controls, buffers_default=spec.buffer == "neighbours")


def check_categories(con: duckdb.DuckDBPyConnection, categories: tuple[str, ...]) -> None:
    """Unknown category codes are an error, not a silent zero."""
    if not categories:
        return
    known = set(labels()) | {r[0] for r in con.execute(
        "SELECT DISTINCT category FROM incidents").fetchall()}
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise EvaluationError(
            f"unknown category: {', '.join(unknown)} (known: {', '.join(sorted(known))})",
            f"Okänd kategori: {', '.join(unknown)}.")


# --- Counting --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    before: int
    after: int

    @property
    def total(self) -> int:
        return self.before + self.after


def month_bins(windows: Windows) -> pd.DataFrame:
    """About-monthly bins: each window cut into ``round(days / 30.4)`` equal parts.

    Columns ``period`` (before/after), ``bin``, ``start``, ``end`` (timestamps) and
    ``days``. Equal parts keep bins comparable when the date is not the 1st.
    """
    rows = []
    for period, start, days in (("before", windows.before_start, windows.before_days),
                                ("after", windows.after_start, windows.after_days)):
        n = max(1, int(round(days / MONTH_DAYS)))
        length = days / n
        t0 = pd.Timestamp(start)
        for k in range(n):
            rows.append({"period": period, "bin": k,
                         "start": (t0 + pd.Timedelta(days=k * length)).round("s"),
                         "end": (t0 + pd.Timedelta(days=(k + 1) * length)).round("s"),
                         "days": length})
    return pd.DataFrame(rows)


_COUNT_SQL = """
SELECT i.area_id, i.focus_area_id, {ring_column} AS in_ring, i.category,
       CASE WHEN i.occurred_at < ? THEN 'before' ELSE 'after' END AS period,
       CASE WHEN i.occurred_at < ?
            THEN least(floor(date_diff('second', ?::TIMESTAMP, i.occurred_at) / ?), ?)
            ELSE least(floor(date_diff('second', ?::TIMESTAMP, i.occurred_at) / ?), ?)
       END::INTEGER AS bin,
       count(*) AS n
FROM incidents i {ring_join}
WHERE i.duplicate_of IS NULL AND i.occurred_at >= ? AND i.occurred_at < ?
  AND (i.occurred_at < ? OR i.occurred_at >= ?) {category_sql}
GROUP BY ALL
"""


def _ring_incident_ids(con: duckdb.DuckDBPyConnection, sel: AreaSelection, windows: Windows,
                       categories: tuple[str, ...]) -> pd.DataFrame:
    """Ids of unique incidents with a point inside the ring (in the windows)."""
    if sel.ring_wkt is None:
        return pd.DataFrame({"incident_id": pd.Series([], dtype=object)})
    ring = shapely.from_wkt(sel.ring_wkt)
    minx, miny, maxx, maxy = ring.bounds
    sql = ("SELECT incident_id, x, y FROM incidents WHERE duplicate_of IS NULL "
           "AND occurred_at >= ? AND occurred_at < ? AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?")
    params: list = [windows.before_start, windows.after_end, minx, maxx, miny, maxy]
    if categories:
        sql += " AND list_contains(?::VARCHAR[], category)"
        params.append(list(categories))
    pts = fetch_df(con, sql, params)
    if pts.empty:
        return pts[["incident_id"]]
    inside = shapely.contains_xy(ring, pts["x"].to_numpy(), pts["y"].to_numpy())
    return pts.loc[inside, ["incident_id"]].reset_index(drop=True)


def count_rows(con: duckdb.DuckDBPyConnection, sel: AreaSelection, windows: Windows,
               categories: tuple[str, ...]) -> pd.DataFrame:
    """Counts per group (target/buffer/control), period, bin, category and buffer area.

    DuckDB aggregates the incidents per area, focus area, category, period and month
    bin (every value a bound parameter); :func:`tag_groups` then sorts those few
    thousand rows into the groups.
    """
    bins = month_bins(windows)
    n_before = int((bins["period"] == "before").sum())
    n_after = int((bins["period"] == "after").sum())
    category_sql = ""
    if categories:
        category_sql = f"AND i.category IN ({', '.join('?' * len(categories))})"
    params = [windows.before_end, windows.before_end,
              windows.before_start, windows.before_days * 86400 / n_before, n_before - 1,
              windows.after_start, windows.after_days * 86400 / n_after, n_after - 1,
              windows.before_start, windows.after_end, windows.before_end, windows.after_start,
              *categories]
    ring = sel.ring_wkt is not None
    sql = _COUNT_SQL.format(
        category_sql=category_sql,
        ring_column="(r.incident_id IS NOT NULL)" if ring else "FALSE",
        ring_join="LEFT JOIN ring_ids r ON r.incident_id = i.incident_id" if ring else "")
    if not ring:
        return tag_groups(fetch_df(con, sql, params), sel)
    con.register("ring_ids", _ring_incident_ids(con, sel, windows, categories))
    try:
        return tag_groups(fetch_df(con, sql, params), sel)
    finally:
        con.unregister("ring_ids")


def tag_groups(raw: pd.DataFrame, sel: AreaSelection) -> pd.DataFrame:
    """Give each aggregated row its group, in the order of precedence of the module
    docstring (target, other focus area, buffer, comparison), and its buffer area."""
    t_stat, t_cust = sel.split(sel.targets)
    b_stat, b_cust = sel.split(sel.buffers)
    c_stat, c_cust = sel.split(sel.controls)
    area, focus = raw["area_id"], raw["focus_area_id"]
    target = area.isin(t_stat) | focus.isin(t_cust)
    excluded = focus.isin(sel.excluded_focus)
    buffer = raw["in_ring"].astype(bool) | area.isin(b_stat) | focus.isin(b_cust)
    control = area.isin(c_stat) | focus.isin(c_cust)
    grp = np.select([target, excluded, buffer, control],
                    ["target", "", "buffer", "control"], default="")
    key = np.where(focus.isin(b_cust), focus, np.where(area.isin(b_stat), area, None))
    out = pd.DataFrame({"grp": grp, "period": raw["period"], "category": raw["category"],
                        "buffer_key": np.where(grp == "buffer", key, None),
                        "bin": raw["bin"], "n": raw["n"]})
    out = out[out["grp"] != ""]
    cols = ["grp", "period", "category", "buffer_key", "bin"]
    return (out.groupby(cols, dropna=False, as_index=False)["n"].sum()
            .astype({"n": "int64"}))


def group_counts(rows: pd.DataFrame, group: str) -> Counts:
    sub = rows[rows["grp"] == group]
    return Counts(int(sub.loc[sub["period"] == "before", "n"].sum()),
                  int(sub.loc[sub["period"] == "after", "n"].sum()))


def monthly_series(rows: pd.DataFrame, windows: Windows) -> pd.DataFrame:
    """Counts per bin for target, comparison and buffer, with monthly rates and indices.

    ``*_rate`` = count per month (30.4 days); ``*_index`` = rate relative to the group's
    mean before-rate (before = 100); None where the group had nothing before.
    """
    bins = month_bins(windows)
    out = bins.copy()
    for group in ("target", "control", "buffer"):
        sub = rows[rows["grp"] == group].groupby(["period", "bin"], as_index=False)["n"].sum()
        merged = bins.merge(sub, on=["period", "bin"], how="left")
        counts = merged["n"].fillna(0).astype(int).to_numpy()
        out[group] = counts
        out[f"{group}_rate"] = counts / out["days"] * MONTH_DAYS
        before_rate = counts[out["period"] == "before"].sum() / windows.before_days * MONTH_DAYS
        out[f"{group}_index"] = (out[f"{group}_rate"] / before_rate * 100
                                 if before_rate > 0 else np.nan)
    out["mid"] = (out["start"] + (out["end"] - out["start"]) / 2).dt.round("s")
    return out


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


def assemble(spec: EvaluationSpec, windows: Windows, selection: AreaSelection,
             rows: pd.DataFrame, **extra) -> Evaluation:
    """Build the result from the count rows (pure: tests feed planted rows)."""
    target, control = group_counts(rows, "target"), group_counts(rows, "control")
    has_buffer = bool(selection.buffers) or selection.ring_wkt is not None
    buffer = group_counts(rows, "buffer") if has_buffer else None
    stats = effect_statistics(target, control, buffer, windows.before_days, windows.after_days,
                              spec.conf_level)
    by_cat = (rows.pivot_table(index=["category", "grp"], columns="period", values="n",
                               aggfunc="sum", fill_value=0)
              .reindex(columns=["before", "after"], fill_value=0).reset_index()
              if len(rows) else pd.DataFrame(columns=["category", "grp", "before", "after"]))
    return Evaluation(
        spec=spec, windows=windows, selection=selection, target=target, control=control,
        buffer=buffer, stats=stats, by_category=by_cat,
        buffer_by_area=buffer_area_table(rows, control, selection.names, selection.buffers,
                                         spec.conf_level),
        monthly=monthly_series(rows, windows), **extra)


def evaluate(con: duckdb.DuckDBPyConnection, spec: EvaluationSpec,
             now: dt.datetime | None = None) -> Evaluation:
    """Run one evaluation on the database (read-only work)."""
    windows = windows_for(spec.date, spec.before_days, spec.after_days, spec.gap_days)
    check_categories(con, spec.categories)
    selection = select_areas(load_areas(con), spec)
    rows = count_rows(con, selection, windows, spec.categories)
    first, last = fetch_row(con, "SELECT min(occurred_at)::DATE, max(occurred_at)::DATE "
                                 "FROM incidents WHERE duplicate_of IS NULL")
    measures = list_interventions(con, selection.targets)
    others = list_interventions(con, tuple(selection.controls) + tuple(selection.buffers),
                                start=windows.before_start,
                                end=windows.after_end - dt.timedelta(days=1))
    return assemble(spec, windows, selection, rows, measures=measures, other_measures=others,
                    data_first=first, data_last=last,
                    created_at=now or dt.datetime.now().replace(microsecond=0))


# --- Machine-readable form ------------------------------------------------------------------

def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def to_json_dict(ev: Evaluation) -> dict:
    """The ``evaluate --json`` object: exactly :data:`JSON_KEYS` (non-finite → null).

    ``wdd``/``wdd_se``/``wdd_z`` are the target-versus-comparison form.
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
    }
    assert tuple(out) == JSON_KEYS
    return out
