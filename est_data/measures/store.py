"""The log of measures (insatser) in the database: read, add, edit, delete.

Each write is one transaction; bad input never reaches the table (validation is in
:mod:`est_data.measures.model`, CSV import and export in :mod:`est_data.measures.csv`).
Other pages read :func:`list_interventions` to draw measures on maps and time axes.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any, Mapping

import duckdb
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.measures.model import (
    COLUMNS, Intervention, InterventionError, is_blank, parse_date, parse_intervention)
from est_data.store.audit import audited_as
from est_data.store.db import transaction
from est_data.store.sqlutil import fetch_df, fetch_value


# --- Reading ---------------------------------------------------------------------------

def list_interventions(con: duckdb.DuckDBPyConnection, area_ids: tuple[str, ...] = (),
                       start: dt.date | None = None, end: dt.date | None = None
                       ) -> pd.DataFrame:
    """Measures (all, or in ``area_ids``, or active some day in ``[start, end]``).

    Columns: the table's columns plus ``area_name``; ordered by start date. A measure
    without an end date counts as still going on.
    """
    where = ["TRUE"]
    params: list = []
    if area_ids:
        where.append("list_contains(?::VARCHAR[], i.area_id)")
        params.append(list(area_ids))
    if end is not None:
        where.append("i.started_on <= ?")
        params.append(end)
    if start is not None:
        where.append("(i.ended_on IS NULL OR i.ended_on >= ?)")
        params.append(start)
    cols = ", ".join(f"i.{c}" for c in COLUMNS)
    return fetch_df(con, f"""
        SELECT {cols}, coalesce(a.name, i.area_id) AS area_name
        FROM interventions i LEFT JOIN areas a USING (area_id)
        WHERE {' AND '.join(where)}
        ORDER BY i.started_on, i.area_id, i.title""", params)


def display_table(df: pd.DataFrame) -> pd.DataFrame:
    """The log with Swedish headers and Swedish-formatted text, for showing as a table."""
    from est_data.core import fmt

    return pd.DataFrame({
        "Start": [fmt.date(parse_date(d)) for d in df["started_on"]],
        "Slut": ["pågår" if is_blank(d) else fmt.date(parse_date(d)) for d in df["ended_on"]],
        "Område": df["area_name"].to_numpy(dtype=object),
        "Typ": [str(k).capitalize() for k in df["kind"]],
        "Titel": df["title"].to_numpy(dtype=object),
        "Ansvarig": ["" if is_blank(a) else a for a in df["actor"]],
        "Kostnad (kr)": ["" if is_blank(c) else fmt.num(c) for c in df["cost_sek"]],
        "Anteckning": ["" if is_blank(n) else n for n in df["note"]],
    })


def log_totals(df: pd.DataFrame, today: dt.date | None = None) -> dict[str, float]:
    """Count, ongoing (started, not ended before ``today``) and summed cost of a log."""
    today = today or dt.date.today()
    started = pd.Series([d is not None and not is_blank(d) and parse_date(d) <= today
                         for d in df["started_on"]], dtype=bool)
    open_end = pd.Series([is_blank(d) or parse_date(d) >= today for d in df["ended_on"]], dtype=bool)
    return {"count": len(df), "ongoing": int((started & open_end).sum()),
            "cost_sek": float(pd.to_numeric(df["cost_sek"], errors="coerce").sum())}


# --- Writing -----------------------------------------------------------------------------

def new_intervention_id() -> str:
    """A fresh measure id (``ins-`` and ten hex digits)."""
    return f"ins-{uuid.uuid4().hex[:10]}"


def _with_location(con: duckdb.DuckDBPyConnection, item: Intervention) -> Intervention:
    """Measures without a place get their area's centre, so they can be drawn on a map."""
    if item.lat is not None:
        return item
    row = con.execute("SELECT centroid_lat, centroid_lon FROM areas WHERE area_id = ?",
                      [item.area_id]).fetchall()
    if not row or row[0][0] is None:
        return item
    values = asdict(item)
    values.update(lat=float(row[0][0]), lon=float(row[0][1]))
    return Intervention(**values)


def insert_row(con: duckdb.DuckDBPyConnection, item: Intervention) -> None:
    """Store a validated measure that has its id (inside the caller's transaction)."""
    values = asdict(_with_location(con, item))
    con.execute(
        f"INSERT INTO interventions ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(COLUMNS))})", [values[c] for c in COLUMNS])


def update_row(con: duckdb.DuckDBPyConnection, item: Intervention) -> None:
    """Replace the stored measure with ``item``'s id (inside the caller's transaction)."""
    values = asdict(_with_location(con, item))
    sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
    con.execute(f"UPDATE interventions SET {sets} WHERE intervention_id = ?",
                [values[c] for c in COLUMNS[1:]] + [item.intervention_id])


def exists(con: duckdb.DuckDBPyConnection, intervention_id: str) -> bool:
    """Whether a measure with this id is stored."""
    return bool(fetch_value(con, "SELECT count(*) FROM interventions WHERE intervention_id = ?",
                            [intervention_id]))


@audited_as("interventions.add_intervention")
def add_intervention(con: duckdb.DuckDBPyConnection, raw: Mapping[str, Any]) -> str:
    """Validate and store a new measure; returns its id. Raises InterventionError."""
    item, errors = parse_intervention(raw, area_names(con))
    if errors:
        raise InterventionError(errors)
    new_id = item.intervention_id or new_intervention_id()
    with transaction(con):
        if exists(con, new_id):
            raise InterventionError([f"Det finns redan en insats med id ”{new_id}”."])
        insert_row(con, Intervention(**{**asdict(item), "intervention_id": new_id}))
    return new_id


@audited_as("interventions.update_intervention")
def update_intervention(con: duckdb.DuckDBPyConnection, intervention_id: str,
                        raw: Mapping[str, Any]) -> None:
    """Validate and replace a stored measure. Raises InterventionError."""
    item, errors = parse_intervention(raw, area_names(con))
    if errors:
        raise InterventionError(errors)
    with transaction(con):
        if not exists(con, intervention_id):
            raise InterventionError(["Insatsen finns inte längre (den kan ha tagits bort)."])
        update_row(con, Intervention(**{**asdict(item), "intervention_id": intervention_id}))


@audited_as("interventions.delete_intervention")
def delete_intervention(con: duckdb.DuckDBPyConnection, intervention_id: str) -> bool:
    """Delete a measure; False if it did not exist."""
    with transaction(con):
        if not exists(con, intervention_id):
            return False
        con.execute("DELETE FROM interventions WHERE intervention_id = ?", [intervention_id])
    return True
