"""Counts that describe a database: per table, actor and category, and the copies
interrupted writers left beside it."""
from __future__ import annotations

from pathlib import Path

import duckdb

from est_data.store import strays
from est_data.store.sqlutil import fetch_row, fetch_value
from est_data.store.schema import SCHEMA_VERSION, current_version
from est_data.core.taxonomy import labels

TABLES = ("incidents", "areas", "actors", "interventions", "meetings", "import_batches",
          "rejected_rows")


def database_info(con: duckdb.DuckDBPyConnection) -> dict:
    """Schema version, row counts per table, incidents per actor and per category."""
    tables = {t: fetch_value(con, f"SELECT count(*) FROM {t}") for t in TABLES}
    by_actor = con.execute(
        "SELECT i.source, coalesce(a.name, i.source), count(*) FROM incidents i "
        "LEFT JOIN actors a USING (source) GROUP BY ALL ORDER BY 3 DESC").fetchall()
    by_category = con.execute(
        "SELECT category, count(*) FROM incidents GROUP BY ALL ORDER BY 2 DESC").fetchall()
    span = fetch_row(con, "SELECT min(occurred_at), max(occurred_at), "
                       "count(*) FILTER (WHERE duplicate_of IS NOT NULL) FROM incidents")
    return {"schema_version": current_version(con), "tables": tables,
            "by_actor": by_actor, "by_category": by_category,
            "first": span[0], "last": span[1], "duplicates": span[2]}


def format_info(info: dict, path: Path | str) -> str:
    """Plain-text report of :func:`database_info` for the terminal, ending with the
    copies killed writers left beside the file (:mod:`est_data.store.strays`)."""
    names = labels()
    lines = [f"database: {path}",
             f"schema version: {info['schema_version']} (this app: {SCHEMA_VERSION})", "",
             "rows per table:"]
    lines += [f"  {t:<16}{n:>12,}" for t, n in info["tables"].items()]
    if info["first"] is not None:
        lines += ["", f"incidents from {info['first']:%Y-%m-%d} to {info['last']:%Y-%m-%d}; "
                      f"{info['duplicates']:,} marked as duplicates of another actor's report"]
    lines += ["", "incidents per actor:"]
    lines += [f"  {name:<28}{n:>12,}" for _, name, n in info["by_actor"]]
    lines += ["", "incidents per category:"]
    lines += [f"  {names.get(code, code):<28}{n:>12,}" for code, n in info["by_category"]]
    left = strays.describe(strays.stray_copies(path))
    if left:
        lines += [""] + left
    return "\n".join(lines)
