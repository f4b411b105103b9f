"""Rebuilding the database from the kept original files and today's profiles.

``python -m est_data rebuild`` replays every import noted under ``raw/batches`` (oldest
first, undone ones left out) into a new database file, with the profiles and taxonomy
as they are now: a new category word or a corrected profile reaches old imports too.
Areas, actors, measures and meetings are carried over from the old file, and so are
batches that have no original file to replay (the demo data, imports made without
keeping the file). The new file replaces the old one only when everything succeeded.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from est_data.core import config
from est_data.store.db import connect
from est_data.ingest.errors import IngestError
from est_data.ingest.pipeline import Progress, batch_notes, import_file

CARRIED_TABLES = ("actors", "areas", "interventions", "meetings")


@dataclass
class RebuildResult:
    replayed: int
    carried_batches: int
    incidents: int
    missing_files: list[str]


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


def rebuild(db: Path | str, raw_root: Path | None = None,
            progress: Progress | None = None) -> RebuildResult:
    """Rebuild ``db`` from its raw files; see the module docstring."""
    db = Path(db).resolve()
    root = Path(raw_root) if raw_root else config.raw_dir(db)
    progress = progress or (lambda _f, _t: None)
    notes = [n for n in batch_notes(root) if not n.get("undone")]
    missing = [n["batch_id"] for n in notes if not (root / n.get("raw_file", "")).is_file()]
    replay = [n for n in notes if n["batch_id"] not in missing]
    tmp = db.with_name(db.name + f".rebuild{os.getpid()}")
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    con = connect(tmp)
    try:
        carried = 0
        if db.exists():
            try:
                con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS old (READ_ONLY)")
            except duckdb.Error as exc:
                raise IngestError(f"cannot open {db} to carry areas and actors over: {exc}",
                                  "Den gamla databasen kan inte öppnas.") from exc
            for table in CARRIED_TABLES:
                _copy(con, table)
            replay_ids = [n["batch_id"] for n in replay]
            keep = ("WHERE batch_id NOT IN (SELECT unnest(?::VARCHAR[])) "
                    "AND undone_at IS NULL")
            _copy(con, "import_batches", keep, [replay_ids])
            carried = con.execute("SELECT count(*) FROM import_batches").fetchall()[0][0]
            _copy(con, "incidents", "WHERE batch_id IS NULL OR batch_id NOT IN "
                  "(SELECT unnest(?::VARCHAR[]))", [replay_ids])
            _copy(con, "rejected_rows", "WHERE batch_id NOT IN (SELECT unnest(?::VARCHAR[]))",
                  [replay_ids])
            con.execute("DETACH old")
        for i, note in enumerate(replay):
            progress(i / max(len(replay), 1), "read")
            import_file(con, root / note["raw_file"], note["source"], note.get("profile"),
                        mapping=note.get("mapping"), sheet=note.get("sheet"),
                        file_name=note.get("file_name"),
                        actor_name=note.get("actor_name"), keep_raw=False,
                        now=dt.datetime.fromisoformat(note["imported_at"]))
        incidents = con.execute("SELECT count(*) FROM incidents").fetchall()[0][0]
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        for p in (tmp, Path(str(tmp) + ".wal")):
            p.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, db)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    progress(1.0, "done")
    return RebuildResult(replayed=len(replay), carried_batches=int(carried),
                         incidents=int(incidents), missing_files=missing)
