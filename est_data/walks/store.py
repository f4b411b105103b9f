"""Walks and findings in the database.

Every write is one transaction with its audit entry (the caller's write session makes it
copy-on-write). A finding marked fixed becomes a measure through the measures log's own
API (:func:`est_data.measures.store.add_intervention`): the walk's area, the fix date as
start, the finding's point, the responsible actor, so Före/efter can evaluate it.
"""
from __future__ import annotations

import datetime as dt
import uuid

from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.core.config import TIMEZONE
from est_data.measures.store import add_intervention
from est_data.store import audit
from est_data.store.db import transaction
from est_data.store.sqlutil import fetch_df, fetch_row
from est_data.walks.model import (
    KINDS, MEASURE_KIND, STATUSES, WalkError, parse_finding, parse_fix, parse_reason, parse_walk)

GONE_SV = "Fyndet finns inte längre."
NOT_OPEN_SV = "Fyndet är redan {status}."


def _today() -> dt.date:
    return audit.now_local().date()


def _stamp() -> dt.datetime:
    """Swedish local time to the microsecond: findings recorded in one second keep their
    order."""
    return dt.datetime.now(ZoneInfo(TIMEZONE)).replace(tzinfo=None)


def add_walk(con: duckdb.DuckDBPyConnection, walked_on, area_id, actors, note, username: str,
             today: dt.date | None = None) -> str:
    """Record a walk; its id. Raises :class:`WalkError`."""
    walk = parse_walk(walked_on, area_id, actors, note, area_names(con), today or _today())
    walk_id = f"tv-{uuid.uuid4().hex[:10]}"
    with transaction(con):
        con.execute("INSERT INTO walks (walk_id, walked_on, area_id, actors, note, created_by, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [walk_id, walk.walked_on, walk.area_id, ",".join(walk.actors), walk.note,
                     username, audit.now_local()])
        audit.record(con, username, "walk.add", f"{walk_id} ({walk.area_id}, {walk.walked_on})")
    return walk_id


def add_finding(con: duckdb.DuckDBPyConnection, walk_id: str, kind, lat, lon, responsible,
                description, username: str) -> str:
    """Record a finding of a walk (status open); its id. Raises :class:`WalkError`."""
    finding = parse_finding(kind, lat, lon, responsible, description)
    if fetch_row(con, "SELECT 1 FROM walks WHERE walk_id = ?", [walk_id]) is None:
        raise WalkError(["Vandringen finns inte längre."])
    finding_id = f"{walk_id}-{uuid.uuid4().hex[:6]}"
    now = _stamp()
    with transaction(con):
        con.execute("""INSERT INTO walk_findings (finding_id, walk_id, kind, description, lat,
                lon, responsible, status, created_at, changed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'oppen', ?, ?)""",
                    [finding_id, walk_id, finding.kind, finding.description, finding.lat,
                     finding.lon, finding.responsible, now, now])
        audit.record(con, username, "walk.finding.add", f"{finding_id} ({finding.kind})")
    return finding_id


def _open_finding(con, finding_id: str) -> tuple:
    row = fetch_row(con, """SELECT f.status, w.walked_on, w.area_id, f.kind, f.description,
            f.responsible, f.lat, f.lon, coalesce(a.name, f.responsible)
        FROM walk_findings f JOIN walks w USING (walk_id)
        LEFT JOIN actors a ON a.source = f.responsible WHERE f.finding_id = ?""", [finding_id])
    if row is None:
        raise WalkError([GONE_SV])
    if row[0] != "oppen":
        raise WalkError([NOT_OPEN_SV.format(status=STATUSES[row[0]].lower())])
    return row


def fix_finding(con: duckdb.DuckDBPyConnection, finding_id: str, fixed_on, username: str,
                today: dt.date | None = None) -> str:
    """Mark an open finding fixed on ``fixed_on``; it becomes a measure in the log (same
    area, the fix date as start). Returns the measure's id."""
    _status, walked_on, area_id, kind, text, _resp, lat, lon, actor_name = _open_finding(
        con, finding_id)
    day = parse_fix(fixed_on, walked_on, today or _today())
    title = f"{KINDS[kind]} åtgärdad (trygghetsvandring {walked_on:%Y-%m-%d})"
    with transaction(con):
        measure_id = add_intervention(con, {
            "area_id": area_id, "kind": MEASURE_KIND[kind], "title": title,
            "started_on": day.isoformat(), "ended_on": day.isoformat(), "actor": actor_name,
            "note": f"Fynd {finding_id}" + (f": {text}" if text else ""),
            "lat": lat, "lon": lon})
        con.execute("UPDATE walk_findings SET status = 'atgardad', fixed_on = ?, "
                    "intervention_id = ?, changed_at = ? WHERE finding_id = ?",
                    [day, measure_id, audit.now_local(), finding_id])
        audit.record(con, username, "walk.finding.fix", f"{finding_id} → {measure_id}")
    return measure_id


def dismiss_finding(con: duckdb.DuckDBPyConnection, finding_id: str, reason,
                    username: str) -> None:
    """Mark an open finding dismissed, with its reason."""
    _open_finding(con, finding_id)
    text = parse_reason(reason)
    with transaction(con):
        con.execute("UPDATE walk_findings SET status = 'avfardad', dismissed_reason = ?, "
                    "changed_at = ? WHERE finding_id = ?", [text, audit.now_local(), finding_id])
        audit.record(con, username, "walk.finding.dismiss", finding_id)


def list_walks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every walk, newest first, with its area's name and its findings counted."""
    return fetch_df(con, """
        SELECT w.walk_id, w.walked_on, w.area_id, coalesce(a.name, w.area_id) AS area_name,
               w.actors, w.note,
               count(f.finding_id) AS findings,
               count(f.finding_id) FILTER (WHERE f.status = 'oppen') AS open
        FROM walks w LEFT JOIN areas a USING (area_id)
        LEFT JOIN walk_findings f USING (walk_id)
        GROUP BY ALL ORDER BY w.walked_on DESC, w.walk_id""")


def walk_findings(con: duckdb.DuckDBPyConnection, walk_id: str) -> pd.DataFrame:
    """A walk's findings in the order they were recorded, numbered from 1."""
    df = fetch_df(con, """
        SELECT row_number() OVER (ORDER BY f.created_at, f.finding_id) AS nr, f.finding_id,
               f.kind, f.description, f.lat, f.lon, f.responsible,
               coalesce(a.name, f.responsible) AS responsible_name, f.status, f.fixed_on,
               f.dismissed_reason, f.intervention_id
        FROM walk_findings f LEFT JOIN actors a ON a.source = f.responsible
        WHERE f.walk_id = ? ORDER BY nr""", [walk_id])
    df["kind_label"] = [KINDS.get(k, k) for k in df["kind"]]
    df["status_label"] = [STATUSES.get(s, s) for s in df["status"]]
    return df


def open_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every open finding, per responsible actor, oldest walk first."""
    df = fetch_df(con, """
        SELECT f.finding_id, f.kind, f.responsible, coalesce(a.name, f.responsible) AS actor,
               w.walked_on, coalesce(ar.name, w.area_id) AS area_name
        FROM walk_findings f JOIN walks w USING (walk_id)
        LEFT JOIN actors a ON a.source = f.responsible
        LEFT JOIN areas ar ON ar.area_id = w.area_id
        WHERE f.status = 'oppen'
        ORDER BY actor, w.walked_on, f.created_at, f.finding_id""")
    df["kind_label"] = [KINDS.get(k, k) for k in df["kind"]]
    return df


def fixed_since(con: duckdb.DuckDBPyConnection, since: dt.date | None) -> int:
    """How many findings were fixed on or after ``since`` (all of them for None)."""
    row = fetch_row(con, "SELECT count(*) FROM walk_findings WHERE status = 'atgardad' "
                         "AND (?::DATE IS NULL OR fixed_on >= ?)", [since, since])
    return int(row[0])
