"""Reports in the database: a report becomes an incident at once.

``source`` is the reporter's actor, ``source_ref`` a generated id (``app-`` and ten hex
digits), ``reported_at`` now, ``reported_by`` the user name, ``batch_id`` NULL (no
import: ``undo`` never touches it, ``rebuild`` carries it over). The write is one
transaction with its audit entry, and the duplicate search runs on the report's time as
on an import (:func:`est_data.ingest.dedupe.mark_duplicates`), so a night walker's report
of what the housing company reported too counts once.

Its reporter may correct or withdraw it for :data:`~est_data.reporting.model.CORRECTION_WINDOW`;
after that only an administrator, and every change is audited.
"""
from __future__ import annotations

import datetime as dt
import uuid

import duckdb
import pandas as pd

from est_data.areas.catalog import area_names
from est_data.core import auth, taxonomy
from est_data.ingest import dedupe
from est_data.ingest.profiles import load_profile
from est_data.reporting.model import CORRECTION_WINDOW, Report, ReportError, ReportInput, validate
from est_data.reporting.place import place_report
from est_data.store import audit
from est_data.store.db import transaction
from est_data.store.history import keep_old_versions
from est_data.store.sqlutil import fetch_df, fetch_row

ACTION_ADD, ACTION_CORRECT, ACTION_WITHDRAW = "report.add", "report.correct", "report.withdraw"
NOT_YOURS_SV = "Du kan bara ändra dina egna rapporter."
TOO_LATE_SV = ("Rapporten är mer än 24 timmar gammal och kan bara ändras av en "
               "administratör.")
GONE_SV = "Rapporten finns inte längre."


def category_options(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The taxonomy's codes with their Swedish labels, the most used categories first
    (then in the file's order)."""
    labels = taxonomy.labels()
    used = dict(con.execute("SELECT category, count(*) FROM incidents GROUP BY 1").fetchall())
    order = sorted(labels, key=lambda c: (-used.get(c, 0), list(labels).index(c)))
    return {c: labels[c] for c in order}


def actor_options(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The stored actors, key → name (an administrator reports for any of them)."""
    return dict(con.execute("SELECT source, name FROM actors ORDER BY name").fetchall())


def _ensure_actor(con: duckdb.DuckDBPyConnection, actor: str) -> None:
    profile = load_profile(actor)
    con.execute("INSERT INTO actors (source, name, kind, color) SELECT ?, ?, ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM actors WHERE source = ?)",
                [actor, profile.name if profile else actor, profile.kind if profile else None,
                 profile.color if profile else None, actor])


def _checked(con: duckdb.DuckDBPyConnection, raw: ReportInput, now: dt.datetime
             ) -> tuple[Report, object]:
    report = validate(raw, category_options(con), area_names(con), now)
    return report, place_report(con, report)


def _place_values(report: Report, placed) -> list:
    return [report.occurred_at, report.occurred_to, report.category,
            taxonomy.labels()[report.category], placed.lat, placed.lon, placed.x, placed.y,
            placed.precision, placed.address, placed.area_id, placed.focus_area_id,
            report.description]


def submit_report(con: duckdb.DuckDBPyConnection, raw: ReportInput, actor: str,
                  username: str, now: dt.datetime | None = None) -> str:
    """Validate, place and store a report as an incident of ``actor``; its id.

    Raises :class:`ReportError` (nothing stored) for a missing category, a time in the
    future, a place outside the municipality and the like.
    """
    if not auth.ACTOR_KEY.match(actor or ""):
        raise ReportError(["Ingen aktör att rapportera för."])
    now = now or audit.now_local()
    report, placed = _checked(con, raw, now)
    ref = f"app-{uuid.uuid4().hex[:10]}"
    incident_id = f"{actor}:{ref}"
    with transaction(con):
        _ensure_actor(con, actor)
        con.execute("""INSERT INTO incidents (incident_id, source, source_ref, reported_at,
                reported_by, time_known, occurred_at, occurred_to, category, raw_category,
                lat, lon, x, y, precision, address, area_id, focus_area_id, description)
            VALUES (?, ?, ?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [incident_id, actor, ref, now, username] + _place_values(report, placed))
        dedupe.mark_duplicates(con, report.occurred_at, report.occurred_at)
        audit.record(con, username, ACTION_ADD,
                     f"{incident_id} ({report.category}, {placed.precision})")
    return incident_id


def receipt_sv(con: duckdb.DuckDBPyConnection, incident_id: str) -> str:
    """What the reporter is told once a report is stored: where it counts, and whether
    another actor had reported the same event already."""
    row = fetch_row(con, """SELECT i.precision, coalesce(f.name, a.name), i.duplicate_of
        FROM incidents i LEFT JOIN areas a ON a.area_id = i.area_id
        LEFT JOIN areas f ON f.area_id = i.focus_area_id WHERE i.incident_id = ?""",
                    [incident_id])
    if row is None:
        return "Tack! Rapporten är sparad."
    precision, area, duplicate = row
    text = "Tack! Rapporten är sparad och syns i lägesbilden"
    text += f" ({area})." if area else "."
    if area is None and precision != "point":
        text += (" Adressen är inte känd och inget område valdes: rapporten räknas i kommunen "
                 "men i inget område.")
    if duplicate:
        text += " En annan aktör har redan rapporterat samma händelse; den räknas en gång."
    return text


def _stored(con: duckdb.DuckDBPyConnection, incident_id: str) -> tuple | None:
    return fetch_row(con, "SELECT reported_by, reported_at, occurred_at, source FROM incidents "
                          "WHERE incident_id = ? AND reported_by IS NOT NULL", [incident_id])


def may_change(user: auth.User, reported_by: str | None, reported_at: dt.datetime | None,
               now: dt.datetime) -> str | None:
    """None when ``user`` may correct or withdraw the report, else the Swedish reason:
    an administrator always; its reporter within 24 hours."""
    if user.can(auth.WRITE):
        return None
    if reported_by != user.username:
        return NOT_YOURS_SV
    if reported_at is None or now - reported_at > CORRECTION_WINDOW:
        return TOO_LATE_SV
    return None


def _allowed(con, incident_id: str, user: auth.User, now: dt.datetime) -> tuple:
    row = _stored(con, incident_id)
    if row is None:
        raise ReportError([GONE_SV])
    reason = may_change(user, row[0], row[1], now)
    if reason:
        raise ReportError([reason])
    return row


def correct_report(con: duckdb.DuckDBPyConnection, incident_id: str, raw: ReportInput,
                   user: auth.User, now: dt.datetime | None = None) -> None:
    """Replace a report's category, time, place and description (same checks as a new
    report); the duplicate search runs again at its old and its new time."""
    now = now or audit.now_local()
    row = _allowed(con, incident_id, user, now)
    report, placed = _checked(con, raw, now)
    with transaction(con):
        keep_old_versions(con, "?", [incident_id], ACTION_CORRECT, now)
        con.execute("""UPDATE incidents SET occurred_at = ?, occurred_to = ?, category = ?,
                raw_category = ?, lat = ?, lon = ?, x = ?, y = ?, precision = ?, address = ?,
                area_id = ?, focus_area_id = ?, description = ? WHERE incident_id = ?""",
                    _place_values(report, placed) + [incident_id])
        lo, hi = min(row[2], report.occurred_at), max(row[2], report.occurred_at)
        dedupe.mark_duplicates(con, lo, hi)
        audit.record(con, user.username, ACTION_CORRECT,
                     f"{incident_id} (rapporterad av {row[0]})")


def withdraw_report(con: duckdb.DuckDBPyConnection, incident_id: str, user: auth.User,
                    now: dt.datetime | None = None) -> None:
    """Remove a report; reports that were its duplicates are searched again."""
    now = now or audit.now_local()
    row = _allowed(con, incident_id, user, now)
    with transaction(con):
        keep_old_versions(con, "?", [incident_id], ACTION_WITHDRAW, now)
        con.execute("DELETE FROM incidents WHERE incident_id = ?", [incident_id])
        dedupe.mark_duplicates(con, row[2], row[2])
        audit.record(con, user.username, ACTION_WITHDRAW,
                     f"{incident_id} (rapporterad av {row[0]})")


def recent_reports(con: duckdb.DuckDBPyConnection, actor: str | None, days: int = 30,
                   now: dt.datetime | None = None) -> pd.DataFrame:
    """The app reports of ``actor`` (all actors for None) of the last ``days``, newest
    first: id, times, category label, place, description, reporter, duplicate."""
    now = now or audit.now_local()
    df = fetch_df(con, """
        SELECT i.incident_id, i.source, i.reported_at, i.reported_by, i.occurred_at,
               i.occurred_to, i.category, i.precision, i.lat, i.lon, i.address, i.area_id,
               i.focus_area_id, coalesce(a.name, f.name, '') AS area_name, i.description,
               i.duplicate_of
        FROM incidents i LEFT JOIN areas a ON a.area_id = i.area_id
        LEFT JOIN areas f ON f.area_id = i.focus_area_id
        WHERE i.reported_by IS NOT NULL AND i.reported_at >= ?
          AND (?::VARCHAR IS NULL OR i.source = ?)
        ORDER BY i.reported_at DESC, i.incident_id""",
                  [now - dt.timedelta(days=days), actor, actor])
    labels = taxonomy.labels()
    df["category_label"] = [labels.get(c, c) for c in df["category"]]
    return df
