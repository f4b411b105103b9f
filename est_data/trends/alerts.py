"""Unusually high weeks per area and category, as short Swedish sentences.

The statistics live in :mod:`est_data.trends.baseline`; this module decides how they are used:
one SQL query counts incidents per area × category in 7-day windows ending on the
filter's last day, and :class:`AlertRule` judges the latest window of each pair.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.core import fmt
from est_data.trends.baseline import poisson_baseline_alerts
from est_data.core.filters import IncidentFilter, where_clause
from est_data.store.sqlutil import fetch_df, fetch_value
from est_data.core.taxonomy import labels


@dataclass(frozen=True)
class AlertRule:
    r"""A period is "significantly above normal" under this rule.

    The Poisson baseline rule of :func:`est_data.trends.baseline.poisson_baseline_alerts`: the
    normal level is the mean of ``baseline`` periods ending ``gap`` periods before,

    .. math:: \mu_t = \frac{1}{B}\sum_{s=t-g-B}^{t-g-1} x_s,
              \qquad p_t = P(X \ge x_t),\ X \sim \mathrm{Poisson}(\mu_t),

    and period :math:`t` is flagged when :math:`p_t < \alpha`, :math:`x_t \ge`
    ``min_count``, :math:`x_t \ge` ``min_ratio`` :math:`\cdot \mu_t` and
    :math:`x_t \ge` ``min_ratio`` :math:`\cdot y_t`, where :math:`y_t` is the count
    of the same period a year earlier (52 weeks back; see :meth:`above_last_year`).

    Defaults (B = 12, g = 1, α = 0.001, at least 4 incidents, at least 1.5 × normal):
    a list over ~24 areas × ~13 categories makes ~300 tests a week, so α = 0.001 keeps
    chance alarms to about one every three weeks for stable Poisson counts (the
    discrete test is conservative, see Notes of ``poisson_baseline_alerts``).
    Real counts are overdispersed and seasonal: a 12-week trailing baseline lags a
    rising season (dark autumn evenings, summer nights), so the same rise would be
    flagged every year. The last-year condition is the seasonal guard: a rise that
    also happened at this time last year is the season, not news. Without data a year
    back the guard holds nothing back (:math:`y_t = 0`). ``min_ratio`` also keeps tiny
    relative rises on large counts out, so a flag means a jump worth a meeting's time.

    References
    ----------
    Farrington, C. P., Andrews, N. J., Beale, A. D., & Catchpole, M. A. (1996). A
    statistical algorithm for the early detection of outbreaks of infectious disease.
    *JRSS A*, 159(3), 547-563. (The trailing-baseline Poisson rule is the simple
    relative of their quasi-Poisson method.)
    """

    baseline: int = 12
    gap: int = 1
    alpha: float = 0.001
    min_count: int = 4
    min_ratio: float = 1.5

    @property
    def history(self) -> int:
        """Periods needed before the judged one."""
        return self.baseline + self.gap

    def above_last_year(self, count, last_year):
        """The seasonal guard: ``count >= min_ratio * last_year`` (element-wise)."""
        return np.asarray(count) >= self.min_ratio * np.asarray(last_year)

    def apply(self, counts) -> pd.DataFrame:
        """The rule on one count series (oldest first): the columns of
        ``poisson_baseline_alerts`` with ``flagged`` including the ratio condition."""
        res = poisson_baseline_alerts(counts, self.baseline, self.gap, self.alpha,
                                      self.min_count)
        with np.errstate(invalid="ignore"):
            res["flagged"] = res["flagged"] & (res["count"] >= self.min_ratio * res["expected"])
        return res


DEFAULT_RULE = AlertRule()
WINDOW_TEXT = {7: "senaste veckan", 28: "senaste fyra veckorna"}
MAX_SENTENCES = 8  # shown on Översikt; the rest are counted
LAST_YEAR_DAYS = 364  # 52 weeks: the same weekdays a year earlier


def rule_text(units: str = "veckorna", rule: AlertRule = DEFAULT_RULE) -> str:
    """The rule in one Swedish sentence, e.g. for a help text."""
    return (f"minst {rule.min_count} händelser, minst {fmt.num(rule.min_ratio, 1)} gånger "
            f"snittet för de {rule.baseline} {units} före den närmast föregående och "
            f"minst lika mycket över samma tid i fjol (så att årstidens vanliga "
            f"svängningar inte larmar), och så mycket högre att slumpen bara förklarar det "
            f"en gång på {fmt.num(1 / rule.alpha)} (Poissontest).")


def window_caption(f: IncidentFilter, window_days: int = 7,
                   rule: AlertRule = DEFAULT_RULE) -> str:
    """Swedish note on what the alerts compare: the window and its baseline."""
    start = f.end - dt.timedelta(days=window_days - 1)
    units = "veckorna" if window_days == 7 else f"{window_days}-dagarsperioderna"
    return f"{fmt.date(start)} – {fmt.date(f.end)}. Flaggas när det är " + rule_text(units, rule)


def window_counts_sql(f: IncidentFilter, window_days: int = 7,
                      rule: AlertRule = DEFAULT_RULE) -> tuple[str, list]:
    """SQL for counts per area, category and window (0 = the window ending on
    ``f.end``, 1 the one before, ...), for ``rule.history + 1`` windows and the
    window :data:`LAST_YEAR_DAYS` days back (number ``LAST_YEAR_DAYS // window_days``).

    An incident counts for its statistical area and for its focus area, if any.
    Columns: ``area_id``, ``category``, ``win`` (window) and ``count`` (pairs and windows
    without incidents are absent).
    """
    where, params = where_clause(f, period=False)
    n_windows = rule.history + 1
    lo = f.end - dt.timedelta(days=window_days * n_windows - 1)
    ly_end = f.end - dt.timedelta(days=LAST_YEAR_DAYS)
    ly_lo = ly_end - dt.timedelta(days=window_days - 1)
    day = dt.timedelta(days=1)
    sql = f"""
    WITH base AS (
        SELECT unnest([area_id, focus_area_id]) AS area_id, category,
               date_diff('day', occurred_at::DATE, ?::DATE) // ? AS win
        FROM incidents
        WHERE ((occurred_at >= ? AND occurred_at < ?) OR (occurred_at >= ? AND occurred_at < ?))
          AND {where}
    )
    SELECT area_id, category, win::INTEGER AS win, count(*) AS count
    FROM base WHERE area_id IS NOT NULL
    GROUP BY ALL"""
    return sql, [f.end, window_days, lo, f.end + day, ly_lo, ly_end + day, *params]


def area_alerts(con: duckdb.DuckDBPyConnection, f: IncidentFilter, window_days: int = 7,
                rule: AlertRule = DEFAULT_RULE, limit: int = 0) -> pd.DataFrame:
    """Area × category pairs whose latest window is significantly above normal.

    The latest window is the ``window_days`` days ending on the filter's last day;
    the filter's categories, actors, areas, weekdays and hours apply. Columns:
    ``area_id``, ``area_name``, ``category``, ``category_label``, ``count``,
    ``expected``, ``last_year`` (the same window 52 weeks earlier), ``p_value``,
    ``sentence``; most significant first. ``limit``: see :func:`alert_sentence`.
    """
    if LAST_YEAR_DAYS % window_days:
        raise ValueError(f"window_days must divide {LAST_YEAR_DAYS}, got {window_days}")
    columns = ["area_id", "area_name", "category", "category_label", "count", "expected",
               "last_year", "p_value", "sentence"]
    oldest = f.end - dt.timedelta(days=window_days * (rule.history + 1) - 1)
    first = fetch_value(con, "SELECT min(occurred_at)::DATE FROM incidents")
    if first is None or first > oldest:
        # Too little history for a baseline: weeks without data are not quiet weeks.
        return pd.DataFrame(columns=columns)
    counts = fetch_df(con, *window_counts_sql(f, window_days, rule))
    if f.areas:
        counts = counts[counts["area_id"].isin(f.areas)]
    n_windows = rule.history + 1
    pairs = counts[["area_id", "category"]].drop_duplicates().reset_index(drop=True)
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    # One row per pair, oldest window first (window 0, the latest, last).
    matrix = np.zeros((len(pairs), n_windows), dtype=np.int64)
    last_year = np.zeros(len(pairs), dtype=np.int64)
    row = counts.merge(pairs.reset_index(), on=["area_id", "category"])
    recent = row[row["win"] < n_windows]
    matrix[recent["index"].to_numpy(), n_windows - 1 - recent["win"].to_numpy()] = recent["count"]
    old = row[row["win"] == LAST_YEAR_DAYS // window_days]
    last_year[old["index"].to_numpy()] = old["count"].to_numpy()
    # The rule needs count >= min_count and count >= min_ratio * baseline mean: a cheap
    # screen so the exact test runs only on the few pairs that can pass it.
    now = matrix[:, -1]
    mean = matrix[:, :rule.baseline].mean(axis=1)
    candidates = np.flatnonzero((now >= rule.min_count) & (now >= rule.min_ratio * mean)
                                & rule.above_last_year(now, last_year))
    rows = []
    for i in candidates:
        last = rule.apply(matrix[i]).iloc[-1]
        if last["flagged"]:
            rows.append((pairs.at[i, "area_id"], pairs.at[i, "category"], int(last["count"]),
                         float(last["expected"]), int(last_year[i]), float(last["p_value"])))
    out = pd.DataFrame(rows, columns=["area_id", "category", "count", "expected", "last_year",
                                      "p_value"])
    names = area_names(con)
    cat_labels = labels()
    out["area_name"] = out["area_id"].map(lambda a: names.get(a, a))
    out["category_label"] = out["category"].map(lambda c: cat_labels.get(c, c))
    when = WINDOW_TEXT.get(window_days, f"senaste {window_days} dagarna")
    out["sentence"] = [alert_sentence(c, a, n, e, when, limit) for c, a, n, e in
                       zip(out["category_label"], out["area_name"], out["count"],
                           out["expected"])]
    out = out.sort_values(["p_value", "count"], ascending=[True, False], kind="stable")
    return out[columns].reset_index(drop=True)


def alert_sentence(category: str, area: str, count: int, expected: float,
                   when: str = "senaste veckan", limit: int = 0) -> str:
    """``"Klotter i Norra Odenslund-Odenskog: 14 senaste veckan, normalt 5"``.

    The count is at least ``min_count`` (4); the normal level is a mean over the
    baseline weeks, so "normalt 0,1" would say one incident in twelve weeks. With a
    suppression ``limit`` (the meeting role) a normal level under 1 reads "under 1"."""
    normal = fmt.num(expected, 0 if expected >= 3 else 1)
    if limit and expected < 1:
        normal = "under 1"
    return f"{category} i {area}: {fmt.num(count)} {when}, normalt {normal}"
