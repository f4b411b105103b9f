"""Earlier versions of incidents (the ``incident_history`` table, README §2).

Whatever replaces or removes a stored incident (an import that updates a row, a reporter
who corrects or withdraws a report) first copies the row as it was, tagged with what
replaced it (``replaced_by_batch``: an import's batch id, which that import's undo
restores from; or an action name such as ``report.correct``, which no undo restores).
"""
from __future__ import annotations

import datetime as dt

import duckdb


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()]


def common_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The incident columns ``incident_history`` has too (an older file's history lacks
    the newer ones), in the order of ``incidents``."""
    history = set(_columns(con, "incident_history"))
    return [c for c in _columns(con, "incidents") if c in history]


def keep_old_versions(con: duckdb.DuckDBPyConnection, ids_sql: str, params: list,
                      replaced_by: str, now: dt.datetime) -> None:
    """Copy the incidents whose id is in ``ids_sql`` (a subquery, or ``?`` with its
    ``params``) into ``incident_history`` (inside the caller's transaction). Only the
    columns both tables have are copied, so an older file's history still takes them."""
    cols = ", ".join(common_columns(con))
    con.execute(f"INSERT INTO incident_history (replaced_by_batch, replaced_at, {cols}) "
                f"SELECT ?, ?, {cols} FROM incidents WHERE incident_id IN ({ids_sql})",
                [replaced_by, now, *params])
