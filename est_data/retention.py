"""Retention: incidents older than N years are deleted (with a dry run first).

EST is about places, not persons, but free text and raw rows can still hold personal
data; keeping them no longer than needed is a GDPR duty (art. 5.1 e, storage limitation).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from . import audit
from .sqlutil import fetch_value


@dataclass(frozen=True)
class RetentionPlan:
    cutoff: dt.date            # incidents that occurred before this day go
    incidents: int
    by_source: dict[str, int]
    rejected_rows: int         # rejected raw rows of imports made before the cutoff


def cutoff_for(years: int, today: dt.date) -> dt.date:
    """The same calendar day ``years`` years ago (28 Feb for a 29 Feb)."""
    if years < 1:
        raise ValueError("retention must keep at least 1 year")
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def plan(con: duckdb.DuckDBPyConnection, years: int, today: dt.date) -> RetentionPlan:
    """What a retention run would delete (the dry run)."""
    cutoff = cutoff_for(years, today)
    rows = con.execute("SELECT source, count(*) FROM incidents WHERE occurred_at < ? "
                       "GROUP BY 1 ORDER BY 2 DESC", [cutoff]).fetchall()
    rejected = fetch_value(con, "SELECT count(*) FROM rejected_rows WHERE batch_id IN "
                                "(SELECT batch_id FROM import_batches WHERE imported_at < ?)", [cutoff])
    return RetentionPlan(cutoff, sum(n for _, n in rows), dict(rows), rejected)


def apply(con: duckdb.DuckDBPyConnection, years: int, today: dt.date, username: str) -> RetentionPlan:
    """Delete what :func:`plan` lists and log it. Call inside a write session."""
    p = plan(con, years, today)
    # A kept report must not point at a deleted one.
    con.execute("UPDATE incidents SET duplicate_of = NULL WHERE duplicate_of IN "
                "(SELECT incident_id FROM incidents WHERE occurred_at < ?)", [p.cutoff])
    con.execute("DELETE FROM incidents WHERE occurred_at < ?", [p.cutoff])
    con.execute("DELETE FROM rejected_rows WHERE batch_id IN "
                "(SELECT batch_id FROM import_batches WHERE imported_at < ?)", [p.cutoff])
    audit.record(con, username, "retention",
                 f"{p.incidents} händelser före {p.cutoff.isoformat()} raderade "
                 f"({years} års lagring); {p.rejected_rows} avvisade rader raderade")
    return p
