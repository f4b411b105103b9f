"""Retention: incidents older than N years are deleted, from every copy the app keeps
(with a dry run first).

EST is about places, not persons, but free text and raw rows can still hold personal
data; keeping them no longer than needed is a GDPR duty (art. 5.1 e, storage limitation).
What one run removes (:func:`plan` lists it, :func:`run` does it):

- the incidents that occurred before the cutoff, and every earlier version of an incident
  that goes (``incident_history``, kept for undo) or that is itself that old;
- the rejected raw rows of imports made before the cutoff, and the import report's sample
  of them (``import_batches.report`` quotes up to 20 rows as they stood in the file);
- the kept original files (``raw/``) by the dates of the rows in them: a file goes when
  its last row is past the cutoff (or when every import of it was undone). A file that
  also holds rows inside the period stays, since ``rebuild`` replays it, and is listed;
- uploads and temporary copies a crashed run left behind, older than a day
  (:mod:`est_data.store.uploads`);
- the deleted rows' bytes in the database file itself: DuckDB marks a deleted row and
  reuses its space later, it does not wipe it, so :func:`compact` writes a new file with
  the live rows only.

Backups are copies the operator made and may need: they are listed with their age, and
deleting them is the operator's decision.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from est_data.core import config
from est_data.store import audit, uploads
from est_data.store.db import WRITER_WAIT_S, write_session, writer_lock
from est_data.store.sqlutil import fetch_value

# Leftovers of interrupted runs: beside the database (write sessions, rebuilds,
# compaction, dry-run copies), in raw/ (a file being kept), in the system's temp folder
# (the CSV readers' transcoded copies; dry-run copies and uploads of older versions).
TEMP_BESIDE_DB = (".tmp*", ".rebuild*", ".compact*", ".check-*")
TEMP_IN_SYSTEM = ("est-import-*", "est-check-*")
LEGACY_UPLOADS = "est-uploads"  # the system temp folder's upload folder of older versions

# Conditions, each with the cutoff as its parameter(s).
_OLD_BATCHES = "batch_id IN (SELECT batch_id FROM import_batches WHERE imported_at < ?)"
_OLD_HISTORY = ("occurred_at < ? OR incident_id NOT IN "
                "(SELECT incident_id FROM incidents WHERE occurred_at >= ?)")
_OLD_SAMPLES = ("imported_at < ? AND "
                "coalesce(json_array_length(report, '$.rejected_sample'), 0) > 0")


@dataclass(frozen=True)
class Places:
    """Where the data is kept besides the database's tables."""

    db: Path
    raw: Path
    uploads: Path
    backups: Path
    temp: Path       # the system's temporary folder

    @classmethod
    def of(cls, db: Path | str) -> "Places":
        db = Path(db).resolve()
        return cls(db, config.raw_dir(db), config.upload_dir(db), config.backup_dir(db),
                   Path(tempfile.gettempdir()))


@dataclass(frozen=True)
class RetentionPlan:
    cutoff: dt.date            # incidents that occurred before this day go
    incidents: int
    by_source: dict[str, int]
    rejected_rows: int         # rejected raw rows of imports made before the cutoff
    raw_files: tuple[str, ...] = ()  # kept original files whose rows are all past the cutoff
    history_rows: int = 0      # earlier versions of incidents (incident_history)
    reports: int = 0           # import reports whose sample of rejected rows goes
    raw_files_partly_old: tuple[str, ...] = ()  # kept: they also hold newer rows
    uploads: tuple[str, ...] = ()      # relative to the uploads folder or the temp folder
    temp_copies: tuple[str, ...] = ()  # names beside the database, in raw/ or in temp
    backups: tuple[tuple[str, int], ...] = ()  # (name, age in days): listed, never deleted
    paths: tuple[Path, ...] = field(default=(), repr=False)  # the files that go


def cutoff_for(years: int, today: dt.date) -> dt.date:
    """The same calendar day ``years`` years ago (28 Feb for a 29 Feb)."""
    if years < 1:
        raise ValueError("retention must keep at least 1 year")
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _raw_files(con, cutoff: dt.date, raw_root: Path
               ) -> tuple[list[Path], list[Path]]:
    """Original files whose rows are all older than the cutoff, and those that hold
    older and newer rows. The dates come from the import report (``rows_from``,
    ``rows_to``); an import without them counts as of its import time."""
    if not raw_root.is_dir():
        return [], []
    rows = con.execute("""
        SELECT file_sha256, max(newest), min(oldest), bool_and(undone)
        FROM (SELECT file_sha256, undone_at IS NOT NULL AS undone,
                     coalesce(TRY_CAST(json_extract_string(report, '$.rows_to') AS TIMESTAMP),
                              imported_at) AS newest,
                     coalesce(TRY_CAST(json_extract_string(report, '$.rows_from') AS TIMESTAMP),
                              imported_at) AS oldest
              FROM import_batches WHERE file_sha256 IS NOT NULL)
        GROUP BY 1""").fetchall()
    cut = dt.datetime.combine(cutoff, dt.time())
    old = {sha for sha, newest, _, undone in rows if undone or newest < cut}
    partly = {sha for sha, newest, oldest, undone in rows
              if not undone and oldest < cut <= newest}
    files = sorted(p for p in raw_root.iterdir() if p.is_file())
    return ([p for p in files if p.name.split(".")[0] in old],
            [p for p in files if p.name.split(".")[0] in partly])


def _leftovers(places: Places, now: float | None) -> tuple[list[Path], list[Path]]:
    """Uploads and temporary copies older than a day."""
    legacy = places.temp / LEGACY_UPLOADS
    upload_files = uploads.stale(uploads.in_folder(places.uploads) + uploads.in_folder(legacy),
                                 now)
    beside = [p for pattern in TEMP_BESIDE_DB
              for p in places.db.parent.glob(places.db.name + pattern)]
    temp = [p for pattern in TEMP_IN_SYSTEM for p in places.temp.glob(pattern)]
    kept_parts = list(places.raw.glob("*.tmp")) if places.raw.is_dir() else []
    return upload_files, uploads.stale(beside + temp + kept_parts, now)


def _backups(folder: Path, now: float | None) -> tuple[tuple[str, int], ...]:
    now = time.time() if now is None else now
    return tuple((p.name, int((now - p.stat().st_mtime) // 86400))
                 for p in sorted(uploads.in_folder(folder)))


def _name(path: Path, places: Places) -> str:
    """The path relative to the innermost of the places' folders that holds it."""
    roots = sorted((places.uploads, places.temp, places.raw, places.db.parent),
                   key=lambda r: len(r.parts), reverse=True)
    root = next((r for r in roots if path.is_relative_to(r)), None)
    return str(path.relative_to(root)) if root else str(path)


def _files(places: Places | None, cutoff: dt.date, con, now: float | None) -> dict:
    """The file part of a plan (nothing when no places are given)."""
    if places is None:
        return {}
    old, partly = _raw_files(con, cutoff, places.raw)
    upload_files, temp = _leftovers(places, now)
    return {"raw_files": tuple(p.name for p in old),
            "raw_files_partly_old": tuple(p.name for p in partly),
            "uploads": tuple(sorted(_name(p, places) for p in upload_files)),
            "temp_copies": tuple(sorted(_name(p, places) for p in temp)),
            "backups": _backups(places.backups, now),
            "paths": tuple(old + upload_files + temp)}


def plan(con: duckdb.DuckDBPyConnection, years: int, today: dt.date,
         places: Places | None = None, now: float | None = None) -> RetentionPlan:
    """What a retention run would delete (the dry run). Without ``places`` only the
    database's part is planned."""
    cutoff = cutoff_for(years, today)
    rows = con.execute("SELECT source, count(*) FROM incidents WHERE occurred_at < ? "
                       "GROUP BY 1 ORDER BY 2 DESC", [cutoff]).fetchall()
    rejected = fetch_value(con, f"SELECT count(*) FROM rejected_rows WHERE {_OLD_BATCHES}",
                           [cutoff])
    history = fetch_value(con, f"SELECT count(*) FROM incident_history WHERE {_OLD_HISTORY}",
                          [cutoff, cutoff])
    reports = fetch_value(con, f"SELECT count(*) FROM import_batches WHERE {_OLD_SAMPLES}",
                          [cutoff])
    return RetentionPlan(cutoff, sum(n for _, n in rows), dict(rows), rejected,
                         history_rows=history, reports=reports,
                         **_files(places, cutoff, con, now))


def apply(con: duckdb.DuckDBPyConnection, years: int, today: dt.date, username: str,
          places: Places | None = None, now: float | None = None) -> RetentionPlan:
    """Delete the database's part of :func:`plan` and log it (call inside a write
    session). The files are removed by :func:`run` once the database is written."""
    p = plan(con, years, today, places, now)
    # A kept report must not point at a deleted one.
    con.execute("UPDATE incidents SET duplicate_of = NULL WHERE duplicate_of IN "
                "(SELECT incident_id FROM incidents WHERE occurred_at < ?)", [p.cutoff])
    con.execute("DELETE FROM incidents WHERE occurred_at < ?", [p.cutoff])
    con.execute(f"DELETE FROM incident_history WHERE {_OLD_HISTORY}", [p.cutoff, p.cutoff])
    con.execute(f"DELETE FROM rejected_rows WHERE {_OLD_BATCHES}", [p.cutoff])
    con.execute("UPDATE import_batches SET report = json_merge_patch(report, "
                f"'{{\"rejected_sample\": []}}')::VARCHAR WHERE {_OLD_SAMPLES}", [p.cutoff])
    audit.record(con, username, "retention",
                 f"{p.incidents} händelser före {p.cutoff.isoformat()} raderade "
                 f"({years} års lagring), med {p.history_rows} tidigare versioner; "
                 f"{p.rejected_rows} avvisade rader ({p.reports} importrapporter), "
                 f"{len(p.raw_files)} originalfiler, {len(p.uploads)} uppladdade filer och "
                 f"{len(p.temp_copies)} tillfälliga kopior raderade")
    return p


def run(db: Path | str, years: int, today: dt.date, username: str,
        places: Places | None = None, now: float | None = None) -> RetentionPlan:
    """Retention for real: the database's part in one write session, then the file
    rewritten without the deleted rows' bytes, then the files removed."""
    db = Path(db).resolve()
    places = places or Places.of(db)
    with write_session(db) as con:
        p = apply(con, years, today, username, places, now)
    compact(db)
    uploads.remove(p.paths)
    return p


def compact(db: Path | str) -> None:
    """Rewrite the database file with its live rows only, under the writer lock.

    A DELETE leaves the row's bytes in the file until DuckDB reuses the space, so a
    deleted description could still be read with ``strings``. The live rows are copied
    to a new file (:func:`_copy_live`), which replaces the old one in one rename (open
    readers keep the old file until they reconnect, as after any write).
    """
    db = Path(db).resolve()
    tmp = db.with_name(f"{db.name}.compact{os.getpid()}")
    with writer_lock(db, WRITER_WAIT_S):
        try:
            _copy_live(db, tmp)
            os.replace(tmp, db)
        finally:
            uploads.remove([tmp, tmp.with_name(tmp.name + ".wal")])


def _copy_live(db: Path, out: Path) -> None:
    """``COPY FROM DATABASE``: tables (with their keys), views and sequences, and only
    the rows they hold, into a new file ``out``, flushed to disk."""
    uploads.remove([out, out.with_name(out.name + ".wal")])
    con = duckdb.connect(str(out))
    try:
        fresh = con.execute("SELECT current_database()").fetchall()[0][0]
        # ATTACH takes no bound parameter for its path; quotes are doubled.
        con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS old_file (READ_ONLY)")
        con.execute(f'COPY FROM DATABASE old_file TO "{fresh}"')
        con.execute("DETACH old_file")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    with open(out, "rb+") as fh:
        os.fsync(fh.fileno())


def lines(p: RetentionPlan, years: int, dry_run: bool) -> list[str]:
    """The plan (or what was done) for the terminal, in English like the rest of the CLI."""
    verb = "would delete" if dry_run else "deleted"
    out = [f"{verb} {p.incidents:,} incidents that occurred before {p.cutoff} "
           f"(keeping {years} years)"]
    out += [f"  {source:<20}{n:>10,}" for source, n in p.by_source.items()]
    out += [f"earlier versions of incidents (kept for undo): {p.history_rows:,}",
            f"rejected raw rows: {p.rejected_rows:,} (and their samples in "
            f"{p.reports:,} import reports)",
            f"original import files whose rows are all older: {len(p.raw_files):,}",
            f"uploads older than a day: {len(p.uploads):,}",
            f"temporary copies left by interrupted runs: {len(p.temp_copies):,}"]
    if p.raw_files_partly_old:
        out.append(f"kept: {len(p.raw_files_partly_old):,} original files that also hold "
                   "newer rows (rebuild replays them; they go when their last row is older)")
    if p.backups:
        out.append("backups still hold deleted data until you delete them (age in days):")
        out += [f"  {name:<40}{age:>6}" for name, age in p.backups]
    else:
        out.append("backups: none in the backups folder")
    return out
