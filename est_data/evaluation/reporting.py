"""Which days the partners were reporting (issue 14, item 3).

The database's span (first to last incident) is not the span of every partner: when one
partner's exports stop, its incidents stop too, and that looks like a drop in crime where
there was none. So the span an evaluation may count is cut to the days on which every
*material* partner was reporting: a partner with at least :data:`MATERIAL_SHARE` of the
before-window's incidents (in the evaluated categories). Within the cut span the
observed-day exposure (:func:`.counts.observed_days`) works as before; an after-window
the cut leaves short gives the verdict ``incomplete``.

A partner counts as reporting from its first to its last incident. A partner whose last
incident is within :data:`QUIET_DAYS` of the database's last is still reporting (a quiet
week is not a stop).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from est_data.core import fmt
from est_data.evaluation.selection import Windows
from est_data.store.sqlutil import fetch_df, in_list

MATERIAL_SHARE = 0.05
QUIET_DAYS = 30


@dataclass(frozen=True)
class ReportingSpan:
    """The span the evaluation counts, and the partners that cut it (name, first, last)."""

    first: dt.date | None
    last: dt.date | None
    stopped: tuple[tuple[str, dt.date], ...] = ()   # (actor name, last report)
    started: tuple[tuple[str, dt.date], ...] = ()   # (actor name, first report)


def actor_spans(con: duckdb.DuckDBPyConnection, windows: Windows,
                categories: tuple[str, ...]) -> pd.DataFrame:
    """Per partner: ``name``, ``first``, ``last`` (dates of unique incidents) and
    ``before`` (its incidents in the before-window, in the categories)."""
    cat_sql, params = "", []
    if categories:
        cat_sql, params = in_list("i.category", categories)
        cat_sql = f"AND {cat_sql}"
    return fetch_df(con, f"""
        SELECT i.source, coalesce(a.name, i.source) AS name,
               min(i.occurred_at)::DATE AS first, max(i.occurred_at)::DATE AS last,
               count(*) FILTER (WHERE i.occurred_at >= ? AND i.occurred_at < ? {cat_sql})
                   AS before
        FROM incidents i LEFT JOIN actors a ON a.source = i.source
        WHERE i.duplicate_of IS NULL
        GROUP BY ALL ORDER BY i.source""",
        [windows.before_start, windows.before_end, *params]).assign(
            first=lambda d: pd.to_datetime(d["first"]).dt.date,
            last=lambda d: pd.to_datetime(d["last"]).dt.date)


def reporting_span(spans: pd.DataFrame, windows: Windows) -> ReportingSpan:
    """The cut span (module docstring) from :func:`actor_spans` (pure)."""
    if spans.empty:
        return ReportingSpan(None, None)
    first, last = min(spans["first"]), max(spans["last"])
    total = spans["before"].sum()
    material = spans[spans["before"] >= MATERIAL_SHARE * total] if total else spans.iloc[0:0]
    stopped, started = [], []
    cut_first, cut_last = first, last
    for r in material.itertuples():
        if (last - r.last).days > QUIET_DAYS and r.last < windows.after_end:
            stopped.append((r.name, r.last))
            cut_last = min(cut_last, r.last)
        if (r.first - first).days > QUIET_DAYS and r.first > windows.before_start:
            started.append((r.name, r.first))
            cut_first = max(cut_first, r.first)
    return ReportingSpan(cut_first, cut_last, tuple(stopped), tuple(started))


def reporting_caveat(span: ReportingSpan | None) -> str | None:
    """``Östersundshem har inga rapporter efter 2026-03-31 …`` or None."""
    if span is None or not (span.stopped or span.started):
        return None
    parts = [f"{name} har inga rapporter efter {fmt.date(d)}" for name, d in span.stopped]
    parts += [f"{name} rapporterar först från {fmt.date(d)}" for name, d in span.started]
    return (f"{'; '.join(parts)}. Perioden räknas bara de dagar alla större aktörer "
            f"rapporterade, så att ett uppehåll i rapporteringen inte ser ut som en minskning.")
