"""The original files of the imports and a note per import, kept for ``rebuild``.

Beside the database, ``raw/<sha256>.<ext>`` holds each imported file as the actor
exported it (several imports of the same file share it) and ``raw/batches/<batch>.json``
notes how it was imported: actor, profile, mapping, sheet, whether places outside the
municipality were accepted, time, and whether it was undone. A note is written ``committed: false`` during the import and marked committed
once the import has landed in the database file (:func:`est_data.store.db.after_write`);
if the write fails, the note and the original it brought are removed again. A writer
killed in between leaves an uncommitted note, which ``rebuild`` leaves out.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from est_data.ingest.report import ImportReport
from est_data.store.db import after_write

BATCH_NOTES = "batches"  # sub-folder of raw/ with one JSON note per import


def raw_name(path: Path, sha: str) -> str:
    ext = path.suffix.lower().lstrip(".")
    return f"{sha}.{ext}" if ext.isalnum() and len(ext) <= 5 else sha


def keep_files(con, root: Path, path: Path, report: ImportReport, now: dt.datetime,
               mapping: dict[str, str] | None, sheet: str | None,
               accept_outside: bool = False) -> None:
    """Keep the original file and its note (uncommitted until the import has landed)."""
    made: list[Path] = []
    try:
        _keep_raw(root, path, report.sha256, made)
        made.append(_write_note(root, report, path, now, mapping, sheet, accept_outside))
    except BaseException:
        _forget(made)
        raise
    note = made[-1]
    after_write(con, lambda: mark_note(note, committed=True), lambda: _forget(made))


def _forget(paths: list[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def _keep_raw(root: Path, path: Path, sha: str, made: list[Path]) -> None:
    """Copy the original to ``root`` unless it is there; a new file is added to ``made``."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / raw_name(path, sha)
    if target.exists():
        return
    tmp = target.with_name(target.name + ".tmp")
    try:
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    made.append(target)


def _write_note(root: Path, report: ImportReport, path: Path, now: dt.datetime,
                mapping: dict[str, str] | None, sheet: str | None,
                accept_outside: bool = False) -> Path:
    notes = root / BATCH_NOTES
    notes.mkdir(parents=True, exist_ok=True)
    note = {"batch_id": report.batch_id, "source": report.source,
            "actor_name": report.actor_name, "file_name": report.file_name,
            "raw_file": raw_name(path, report.sha256), "sha256": report.sha256,
            "profile": report.profile, "mapping": mapping, "sheet": sheet,
            "accept_outside": accept_outside,
            "imported_at": now.isoformat(), "undone": False, "committed": False}
    target = notes / f"{report.batch_id}.json"
    _write_json(target, note)
    return target


def mark_note(note: Path, **changes) -> None:
    """Change fields of a batch note (``committed``, ``undone``), replacing it whole."""
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return  # no note to mark: rebuild goes by the database
    data.update(changes)
    _write_json(note, data)


def _write_json(target: Path, data: dict) -> None:
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def batch_notes(root: Path) -> list[dict]:
    """The import notes under ``raw/batches``, oldest first."""
    out = []
    for p in sorted((Path(root) / BATCH_NOTES).glob("*.json")):
        try:
            out.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return sorted(out, key=lambda n: (n.get("imported_at", ""), n.get("batch_id", "")))
