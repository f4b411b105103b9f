"""Retention: incidents older than N years are deleted (with a dry run first).

EST is about places, not persons, but free text and raw rows can still hold personal
data; keeping them no longer than needed is a GDPR duty (art. 5.1 e, storage limitation).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from est_data.store import audit
from est_data.store.db import after_write
from est_data.store.sqlutil import fetch_value


@dataclass(frozen=True)
class RetentionPlan:
    cutoff: dt.date            # incidents that occurred before this day go
    incidents: int
    by_source: dict[str, int]
    rejected_rows: int         # rejected raw rows of imports made before the cutoff
    raw_files: tuple[str, ...] = ()  # kept original files of imports made before the cutoff


def cutoff_for(years: int, today: dt.date) -> dt.date:
    """The same calendar day ``years`` years ago (28 Feb for a 29 Feb)."""
    if years < 1:
        raise ValueError("retention must keep at least 1 year")
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _old_raw_files(con, cutoff: dt.date, raw_root: Path | None) -> tuple[str, ...]:
    """Original files only imports from before the cutoff used (they hold personal data
    unmasked, as the actor exported it)."""
    if raw_root is None or not raw_root.is_dir():
        return ()
    rows = con.execute(
        "SELECT file_sha256 FROM import_batches WHERE file_sha256 IS NOT NULL GROUP BY 1 "
        "HAVING max(imported_at) < ?", [cutoff]).fetchall()
    old = {r[0] for r in rows}
    return tuple(sorted(p.name for p in raw_root.iterdir()
                        if p.is_file() and p.name.split(".")[0] in old))


def plan(con: duckdb.DuckDBPyConnection, years: int, today: dt.date,
         raw_root: Path | None = None) -> RetentionPlan:
    """What a retention run would delete (the dry run)."""
    cutoff = cutoff_for(years, today)
    rows = con.execute("SELECT source, count(*) FROM incidents WHERE occurred_at < ? "
                       "GROUP BY 1 ORDER BY 2 DESC", [cutoff]).fetchall()
    rejected = fetch_value(con, "SELECT count(*) FROM rejected_rows WHERE batch_id IN "
                                "(SELECT batch_id FROM import_batches WHERE imported_at < ?)", [cutoff])
    return RetentionPlan(cutoff, sum(n for _, n in rows), dict(rows), rejected,
                         _old_raw_files(con, cutoff, raw_root))


def apply(con: duckdb.DuckDBPyConnection, years: int, today: dt.date, username: str,
          raw_root: Path | None = None) -> RetentionPlan:
    """Delete what :func:`plan` lists and log it. Call inside a write session.

    The original files go last, once the database changes have landed
    (:func:`est_data.store.db.after_write`): a write that fails keeps them, and
    ``rebuild`` replays the files that are left and applies retention again.
    """
    p = plan(con, years, today, raw_root)
    # A kept report must not point at a deleted one.
    con.execute("UPDATE incidents SET duplicate_of = NULL WHERE duplicate_of IN "
                "(SELECT incident_id FROM incidents WHERE occurred_at < ?)", [p.cutoff])
    con.execute("DELETE FROM incidents WHERE occurred_at < ?", [p.cutoff])
    con.execute("DELETE FROM rejected_rows WHERE batch_id IN "
                "(SELECT batch_id FROM import_batches WHERE imported_at < ?)", [p.cutoff])
    audit.record(con, username, "retention",
                 f"{p.incidents} händelser före {p.cutoff.isoformat()} raderade "
                 f"({years} års lagring); {p.rejected_rows} avvisade rader och "
                 f"{len(p.raw_files)} originalfiler raderade")
    if p.raw_files:
        after_write(con, lambda: _delete(raw_root, p.raw_files))
    return p


def _delete(raw_root: Path, names: tuple[str, ...]) -> None:
    for name in names:
        (raw_root / name).unlink(missing_ok=True)
