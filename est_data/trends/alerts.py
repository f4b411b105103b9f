"""Unusually high weeks per area and category, as short Swedish sentences.

The statistics live in :mod:`est_data.trends.baseline` (the seasonal negative-binomial
test and the Benjamini–Hochberg adjustment); this module decides how they are used. One
SQL query counts incidents per *level*, area, category and 7-day window ending on the
filter's last day; every level × area × category with a baseline is one test of the
week, and :class:`AlertRule` raises the alerts over that whole family at once.

Levels: an incident counts once for its statistical area (level ``"area"``) and once
for its focus area, if any (level ``"focus"``). The levels are tested side by side,
never summed into each other, so no area's count holds an incident twice; the sentence
names the level ("i statistikområdet …", "i fokusområdet …").
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.core import fmt
from est_data.trends.baseline import SeasonalBaseline, bh_adjust, judge_arrays, judge_period
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df, fetch_value
from est_data.core.taxonomy import labels

# The false discovery rate over a week's tests. With ~24 areas × ~13 categories × two
# levels (300+ tests a week) and nothing unusual anywhere, BH at 5 % raises any alert at
# all in at most one week in twenty; when real jumps are there, at most one alert in
# twenty is expected to be chance. A weekly meeting that acts on each alert can carry
# that. 10 % doubled the weeks with a chance alarm (3 % -> 6 % on overdispersed series)
# for 4-5 points more power on a tripled week (bench/SIM_ALERTS.md): not worth it.
FDR = 0.05
LEVELS = {"area": "statistikområdet", "focus": "fokusområdet"}


@dataclass(frozen=True)
class AlertRule:
    r"""When a period is "ovanligt högt": the rule over one family of tests.

    Each test's p-value is the seasonal negative-binomial upper tail of
    :func:`est_data.trends.baseline.judge_period` (normal level from the same periods in
    up to three earlier years, dispersion estimated from them and floored at Poisson and
    at the family's pooled dispersion).
    Over the family (all areas × categories × levels of the week, or all series of a
    chart period) the p-values are Benjamini–Hochberg adjusted, and a test is flagged
    when its adjusted p is at most ``fdr``, its count is at least ``min_count`` (small
    counts never alert, as before) and at least ``min_ratio`` × the normal level (a flag
    is a jump worth a meeting's time, not a tiny relative rise on a large count).

    References: Farrington, C. P., Andrews, N. J., Beale, A. D., & Catchpole, M. A.
    (1996), *JRSS A* 159(3), 547-563; Benjamini, Y., & Hochberg, Y. (1995), *JRSS B*
    57(1), 289-300.
    """

    fdr: float = FDR
    min_count: int = 4
    min_ratio: float = 1.5
    baseline: SeasonalBaseline = SeasonalBaseline()

    @property
    def history(self) -> int:
        """Periods needed before the judged one for the longest baseline."""
        return self.baseline.history

    def for_periods(self, periods_per_year: int) -> "AlertRule":
        """The rule for another period length: ±3 weeks around the same week, ±1 period
        for months and four-week windows."""
        half = 3 if periods_per_year >= 52 else 1
        return dataclasses.replace(self, baseline=dataclasses.replace(
            self.baseline, periods_per_year=periods_per_year, half_width=half))

    def flag(self, tests: pd.DataFrame) -> pd.DataFrame:
        """``tests`` (one family; ``count``, ``expected``, ``p_value``, NaN p = not
        tested) with ``p_adj`` (BH over the family) and ``flagged`` added."""
        out = tests.copy()
        out["p_adj"], out["flagged"] = self._flags(out["count"].to_numpy(dtype=float),
                                                   out["expected"].to_numpy(dtype=float),
                                                   out["p_value"].to_numpy(dtype=float))
        return out

    def _flags(self, count, expected, p_value) -> tuple[np.ndarray, np.ndarray]:
        """BH-adjusted p-values of one family and the flags (arrays)."""
        p_adj = bh_adjust(p_value)
        with np.errstate(invalid="ignore"):
            flagged = ((p_adj <= self.fdr) & (count >= self.min_count)
                       & (count >= self.min_ratio * expected))
        return p_adj, flagged

    def judge_matrix(self, matrix: np.ndarray, first: int, judged) -> pd.DataFrame:
        """Every judged period (column) of ``matrix`` (series × periods, data from column
        ``first``), each column its own family. Long format: ``series``, ``period``
        (column), the columns of ``judge_period``, ``p_adj`` and ``flagged``."""
        matrix = np.asarray(matrix, dtype=float)
        parts = []
        for t in np.flatnonzero(np.asarray(judged, dtype=bool)):
            res = judge_arrays(matrix, int(t), first, self.baseline)
            res["p_adj"], res["flagged"] = self._flags(res["count"], res["expected"],
                                                       res["p_value"])
            parts.append({"series": np.arange(len(matrix)),
                          "period": np.full(len(matrix), int(t)), **res})
        columns = ["series", "period", "count", "expected", "dispersion", "n_baseline",
                   "seasonal", "p_value", "p_adj", "flagged"]
        if not parts:
            return pd.DataFrame(columns=columns)
        return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in columns})


DEFAULT_RULE = AlertRule()
# What an alert means, in one line for where the whole rule does not fit (Mötesläge).
MEANING = ("Ovanligt många jämfört med samma veckor tidigare år (justerat för antalet "
           "jämförelser); statistikområden och fokusområden var för sig.")
WINDOW_TEXT = {7: "senaste veckan", 28: "senaste fyra veckorna"}
TOO_SHORT = "För kort historik för larm"  # the start of history_note's text for no tests at all
MAX_SENTENCES = 8  # shown on Översikt; the rest are counted
YEAR_DAYS = 364  # 52 weeks: the same weekdays a year earlier


def window_rule(window_days: int, rule: AlertRule = DEFAULT_RULE) -> AlertRule:
    """``rule`` for windows of ``window_days`` days (which must divide 364)."""
    if YEAR_DAYS % window_days:
        raise ValueError(f"window_days must divide {YEAR_DAYS}, got {window_days}")
    return rule.for_periods(YEAR_DAYS // window_days)


def rule_text(units: str = "veckorna", rule: AlertRule = DEFAULT_RULE) -> str:
    """The rule in Swedish, e.g. for a help text (``units``: "veckorna", "månaderna")."""
    b = rule.baseline
    return (f"Ovanligt många jämfört med samma {units} tidigare år (±{b.half_width}, upp "
            f"till {b.years} år; med mindre än ett års data de {b.recent} {units} före den "
            f"närmast föregående, då utan hänsyn till årstiden), med hänsyn till att "
            f"antalen varierar mer än slumpen, och justerat för antalet jämförelser (högst "
            f"{fmt.num(100 * rule.fdr)} % av larmen väntas vara slump). Minst "
            f"{rule.min_count} händelser och minst {fmt.num(rule.min_ratio, 1)} gånger det "
            f"normala.")


def window_caption(f: IncidentFilter, window_days: int = 7,
                   rule: AlertRule = DEFAULT_RULE) -> str:
    """Swedish note on what the alerts compare: the window, its baseline and the levels."""
    start = f.end - dt.timedelta(days=window_days - 1)
    units = "veckorna" if window_days == 7 else f"{window_days}-dagarsperioderna"
    return (f"{fmt.date(start)} – {fmt.date(f.end)}. "
            + rule_text(units, window_rule(window_days, rule))
            + " Statistikområden och fokusområden prövas var för sig: en händelse i ett "
              "fokusområde räknas en gång i sitt statistikområde och en gång i fokusområdet.")


def window_counts_sql(f: IncidentFilter, window_days: int = 7,
                      rule: AlertRule = DEFAULT_RULE) -> tuple[str, list]:
    """SQL for counts per level, area, category and window (0 = the window ending on
    ``f.end``, 1 the one before, ...), for ``history + 1`` windows.

    Columns: ``level`` ("area": the statistical area, "focus": the focus area),
    ``area_id``, ``category``, ``win`` and ``count``; an incident counts once at each
    level it has an area in (pairs and windows without incidents are absent).
    """
    where, params = where_clause(f, period=False)
    n_windows = window_rule(window_days, rule).history + 1
    lo = f.end - dt.timedelta(days=window_days * n_windows - 1)
    sql = f"""
    WITH base AS (
        SELECT area_id, focus_area_id, category,
               date_diff('day', occurred_at::DATE, ?::DATE) // ? AS win
        FROM incidents
        WHERE occurred_at >= ? AND occurred_at < ? AND {where}
    ), levels AS (
        SELECT 'area' AS level, area_id, category, win FROM base
        UNION ALL
        SELECT 'focus' AS level, focus_area_id AS area_id, category, win FROM base
    )
    SELECT level, area_id, category, win::INTEGER AS win, count(*) AS count
    FROM levels WHERE area_id IS NOT NULL
    GROUP BY ALL"""
    return sql, [f.end, window_days, lo, f.end + dt.timedelta(days=1), *params]


def first_window(con: duckdb.DuckDBPyConnection, f: IncidentFilter,
                 window_days: int = 7) -> int | None:
    """The oldest whole window with data (windows numbered back from ``f.end``), or None
    without data before ``f.end``: windows before the data are not quiet windows."""
    first = fetch_value(con, "SELECT min(occurred_at)::DATE FROM incidents")
    if first is None or first > f.end:
        return None
    # Window w covers f.end - window_days * (w + 1) + 1 .. f.end - window_days * w.
    return ((f.end - first).days + 1) // window_days - 1


def week_tests(con: duckdb.DuckDBPyConnection, f: IncidentFilter, window_days: int = 7,
               rule: AlertRule = DEFAULT_RULE) -> pd.DataFrame:
    """Every test of the window ending on ``f.end``, flagged over the whole family.

    One row per level × area × category seen in the history: ``level``, ``area_id``,
    ``category``, the columns of :func:`~est_data.trends.baseline.judge_period`
    (``p_value`` NaN: too little history to test), ``p_adj`` and ``flagged``."""
    rule = window_rule(window_days, rule)
    n = rule.history + 1
    oldest = first_window(con, f, window_days)
    counts = fetch_df(con, *window_counts_sql(f, window_days, rule))
    if f.areas:
        counts = counts[counts["area_id"].isin(f.areas)]
    keys = ["level", "area_id", "category"]
    pairs = counts[keys].drop_duplicates().reset_index(drop=True)
    if pairs.empty or oldest is None:
        return pd.DataFrame(columns=keys + ["count", "expected", "dispersion", "n_baseline",
                                            "seasonal", "p_value", "p_adj", "flagged"])
    matrix = np.zeros((len(pairs), n), dtype=np.int64)  # oldest window first
    row = counts.merge(pairs.reset_index(), on=keys)
    matrix[row["index"].to_numpy(), n - 1 - row["win"].to_numpy()] = row["count"]
    res = judge_period(matrix, n - 1, max(0, n - 1 - oldest), rule.baseline)
    return rule.flag(pd.concat([pairs, res], axis=1))


def history_note(con: duckdb.DuckDBPyConnection, f: IncidentFilter, window_days: int = 7,
                 rule: AlertRule = DEFAULT_RULE) -> str | None:
    """Swedish note when the data are too short for the whole rule, else None."""
    b = window_rule(window_days, rule).baseline
    oldest = first_window(con, f, window_days)
    if oldest is None or oldest < b.recent + b.gap:
        return (TOO_SHORT + ": minst "
                f"{b.recent + b.gap + 1} veckor data behövs för att veta vad som är normalt.")
    if oldest < b.periods_per_year + b.half_width:
        return ("Mindre än ett års data: larmen jämför med de senaste veckorna och tar "
                "ingen hänsyn till årstiden.")
    return None


def area_alerts(con: duckdb.DuckDBPyConnection, f: IncidentFilter, window_days: int = 7,
                rule: AlertRule = DEFAULT_RULE, limit: int = 0) -> pd.DataFrame:
    """Level × area × category tests whose latest window is flagged (see
    :func:`week_tests`); the filter's categories, actors, areas, weekdays and hours
    apply. Columns: ``level``, ``area_id``, ``area_name``, ``category``,
    ``category_label``, ``count``, ``expected``, ``dispersion``, ``seasonal``,
    ``p_value``, ``p_adj``, ``sentence``; most significant first. ``limit``: see
    :func:`alert_sentence`."""
    columns = ["level", "area_id", "area_name", "category", "category_label", "count",
               "expected", "dispersion", "seasonal", "p_value", "p_adj", "sentence"]
    tests = week_tests(con, f, window_days, rule)
    out = tests[tests["flagged"].astype(bool)].copy()
    if out.empty:
        return pd.DataFrame(columns=columns)
    names = area_names(con)
    cat_labels = labels()
    out["area_name"] = out["area_id"].map(lambda a: names.get(a, a))
    out["category_label"] = out["category"].map(lambda c: cat_labels.get(c, c))
    when = WINDOW_TEXT.get(window_days, f"senaste {window_days} dagarna")
    out["sentence"] = [alert_sentence(c, a, n, e, when, limit, level) for c, a, n, e, level in
                       zip(out["category_label"], out["area_name"], out["count"],
                           out["expected"], out["level"])]
    out = out.sort_values(["p_value", "count"], ascending=[True, False], kind="stable")
    return out[columns].reset_index(drop=True)


def alert_sentence(category: str, area: str, count: int, expected: float,
                   when: str = "senaste veckan", limit: int = 0, level: str = "area") -> str:
    """``"Klotter i statistikområdet Norra Odenslund-Odenskog: 14 senaste veckan,
    normalt 5"`` (``level`` "focus": "i fokusområdet …").

    The count is at least ``min_count`` (4); the normal level is a mean over the
    baseline weeks, so "normalt 0,1" would say about one incident in ten weeks. With a
    suppression ``limit`` (the meeting role) a normal level under 1 reads "under 1"."""
    normal = fmt.num(expected, 0 if expected >= 3 else 1)
    if limit and expected < 1:
        normal = "under 1"
    return f"{category} i {LEVELS[level]} {area}: {fmt.num(count)} {when}, normalt {normal}"
