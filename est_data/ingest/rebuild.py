"""Rebuilding the database from the kept original files and today's profiles.

``python -m est_data rebuild`` replays every import noted under ``raw/batches`` (oldest
first) into a new database file, with the profiles and taxonomy as they are now: a new
category word or a corrected profile reaches old imports too.

It is a writer like any other: one :func:`est_data.store.db.write_session` that starts
from an empty file, under the writer lock, so an import started meanwhile waits for the
rebuild instead of landing in the old file and being replaced by the new one. The new
file replaces the old one only when everything succeeded, and the rebuild is logged.

Replayed are the imports that landed (their note is committed, or the old database has
their batch) and are not undone. An import killed before it landed left an uncommitted
note: it is left out, and its note and the original it brought are removed.

Carried over from the old file: areas, actors, measures, meetings, the audit log, undone
imports (undone stays undone), and batches that have no original file to replay (the
demo data, imports made without keeping the file) with their incidents, rejected rows
and replaced versions. A database written by a newer version of the app is refused:
what that version added would be lost.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from est_data.core import config
from est_data.store import audit
from est_data.store.db import after_write, write_session
from est_data.store.schema import SCHEMA_VERSION, SchemaError
from est_data.ingest.errors import IngestError
from est_data.ingest.pipeline import Progress, import_file
from est_data.ingest.rawfiles import BATCH_NOTES, batch_notes

CARRIED_TABLES = ("actors", "areas", "interventions", "meetings", "evaluation_plans", "walks",
                  "walk_findings")
NOT_REPLAYED = "NOT IN (SELECT unnest(?::VARCHAR[]))"


@dataclass
class RebuildResult:
    replayed: int
    carried_batches: int
    incidents: int
    missing_files: list[str]
    undone_kept: int = 0
    interrupted: list[str] = field(default_factory=list)  # imports killed before landing

    def summary_sv(self) -> str:
        """One Swedish line for the audit log."""
        text = (f"{self.replayed} importer spelades upp från originalfilerna, "
                f"{self.carried_batches} fördes över, {self.undone_kept} ångrade behölls; "
                f"{self.incidents} händelser")
        if self.interrupted:
            text += f"; {len(self.interrupted)} avbrutna importer utelämnade"
        return text


@dataclass
class _Plan:
    replay: list[dict]
    missing: list[str]
    interrupted: list[dict]


def _columns(con, catalog: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_name = ? ORDER BY ordinal_position",
        [catalog, table]).fetchall()]


def _copy(con, table: str, where: str = "", params: list | None = None) -> None:
    common = [c for c in _columns(con, "old", table) if c in set(_columns(con, _main(con), table))]
    if not common:
        return
    cols = ", ".join(f'"{c}"' for c in common)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM old.main.{table} {where}",
                params or [])


def _main(con) -> str:
    return con.execute("SELECT current_database()").fetchall()[0][0]


def _attach_old(con, db: Path) -> dict[str, dt.datetime | None] | None:
    """Attach the old file as ``old``; its batches ``{batch_id: undone_at}`` (None when
    there is no old file). Refuses a file of a newer schema."""
    if not db.exists():
        return None
    try:
        con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS old (READ_ONLY)")
    except duckdb.Error as exc:
        raise IngestError(f"cannot open {db} to carry areas and actors over: {exc}",
                          "Den gamla databasen kan inte öppnas.") from exc
    version = 0
    if _columns(con, "old", "schema_version"):
        version = con.execute("SELECT max(version) FROM old.main.schema_version").fetchall()[0][0]
    if (version or 0) > SCHEMA_VERSION:
        raise SchemaError(
            f"the database {db} has schema version {version}, newer than this app's "
            f"{SCHEMA_VERSION}: a rebuild would lose what the newer version added; update "
            "the app", "Databasen är skriven av en nyare version av appen: uppdatera appen "
                       "innan den byggs om.")
    if not _columns(con, "old", "import_batches"):
        return {}
    return dict(con.execute("SELECT batch_id, undone_at FROM old.main.import_batches").fetchall())


def _plan(notes: list[dict], root: Path, old: dict | None) -> _Plan:
    """Which noted imports to replay; the database, when there is one, has the last word
    on whether an import landed and whether it was undone."""
    plan = _Plan([], [], [])
    for note in notes:
        batch = note.get("batch_id")
        in_db = old is not None and batch in old
        undone = old[batch] is not None if in_db else bool(note.get("undone"))
        if not (note.get("committed", True) or in_db):
            plan.interrupted.append(note)
        elif undone:
            continue  # the old file's row (if any) is carried over as it is
        elif not (root / note.get("raw_file", "")).is_file():
            plan.missing.append(batch)
        else:
            plan.replay.append(note)
    return plan


def _carry(con, replay_ids: list[str]) -> tuple[int, int]:
    """Copy what is not replayed from ``old``; (batches carried, undone batches kept)."""
    for table in CARRIED_TABLES:
        _copy(con, table)
    _copy(con, "audit_log", "ORDER BY rowid")
    _copy(con, "import_batches", f"WHERE batch_id {NOT_REPLAYED}", [replay_ids])
    _copy(con, "incidents", f"WHERE batch_id IS NULL OR batch_id {NOT_REPLAYED}", [replay_ids])
    _copy(con, "rejected_rows", f"WHERE batch_id {NOT_REPLAYED}", [replay_ids])
    _copy(con, "incident_history", f"WHERE replaced_by_batch {NOT_REPLAYED}", [replay_ids])
    con.execute("DETACH old")
    return con.execute("SELECT count(*) FILTER (WHERE undone_at IS NULL), "
                       "count(*) FILTER (WHERE undone_at IS NOT NULL) FROM import_batches"
                       ).fetchall()[0]


def _drop_interrupted(root: Path, interrupted: list[dict], kept: list[dict]) -> None:
    """Remove the notes of imports that never landed, and originals no other note needs."""
    needed = {n.get("raw_file") for n in kept}
    for note in interrupted:
        (root / BATCH_NOTES / f"{note['batch_id']}.json").unlink(missing_ok=True)
        raw = note.get("raw_file")
        if raw and raw not in needed:
            (root / raw).unlink(missing_ok=True)


def rebuild(db: Path | str, raw_root: Path | None = None, progress: Progress | None = None,
            username: str | None = None) -> RebuildResult:
    """Rebuild ``db`` from its raw files; see the module docstring."""
    db = Path(db).resolve()
    root = Path(raw_root) if raw_root else config.raw_dir(db)
    progress = progress or (lambda _f, _t: None)
    with write_session(db, start_empty=True) as con:
        old = _attach_old(con, db)
        notes = batch_notes(root)
        plan = _plan(notes, root, old)
        carried, undone = (0, 0) if old is None else _carry(
            con, [n["batch_id"] for n in plan.replay])
        for i, note in enumerate(plan.replay):
            progress(i / max(len(plan.replay), 1), "read")
            import_file(con, root / note["raw_file"], note["source"], note.get("profile"),
                        mapping=note.get("mapping"), sheet=note.get("sheet"),
                        accept_outside=bool(note.get("accept_outside", False)),
                        file_name=note.get("file_name"),
                        actor_name=note.get("actor_name"), keep_raw=False,
                        now=dt.datetime.fromisoformat(note["imported_at"]))
        incidents = con.execute("SELECT count(*) FROM incidents").fetchall()[0][0]
        result = RebuildResult(replayed=len(plan.replay), carried_batches=int(carried),
                               incidents=int(incidents), missing_files=plan.missing,
                               undone_kept=int(undone),
                               interrupted=[n["batch_id"] for n in plan.interrupted])
        audit.record(con, username or audit.cli_user(), "rebuild", result.summary_sv())
        if old is not None and plan.interrupted:
            kept = [n for n in notes if n not in plan.interrupted]
            after_write(con, lambda: _drop_interrupted(root, plan.interrupted, kept))
    progress(1.0, "done")
    return result
