"""What the Data page asks of the import, as functions of a database path.

Each call opens the database for as short a time as it needs it (README §5): reading
a file's preview touches no database at all; a check (dry run) or an import opens it
for writing, does one transaction and closes it.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import shutil
from contextlib import contextmanager
from typing import Iterator

import duckdb
import pandas as pd

from est_data.store import audit, uploads
from est_data.core import config
from est_data.store.db import open_db, write_session
from est_data.store.dbfile import refusals_told
from est_data.ingest import guard, headers, normalize
from est_data.ingest.columns import Choice, Guess
from est_data.ingest.pipeline import Progress, import_file, undo_batch
from est_data.ingest.profiles import Profile, list_profiles, load_profile, save_profile
from est_data.ingest.readers import read_file
from est_data.ingest.report import ImportReport

NO_COLUMN = ""


@dataclass
class Preview:
    """A file as the import sees it, before anything is written."""

    file_format: str
    columns: list[str]
    head: pd.DataFrame
    rows: int
    police_feed: bool
    mapping: dict[str, str]            # the profile's, completed automatically
    mapping_source: str                # where the mapping came from, in Swedish
    missing: list[str] = field(default_factory=list)   # Swedish labels of required fields
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    # Without a profile: why each column was chosen, and what the values look like.
    guess: Guess | None = None


def keep_upload(name: str, data: bytes, folder: Path | None = None) -> Path:
    """Store an uploaded file, owner-only, in the data folder's ``uploads/`` under a name
    made of its hash (same file, same path); see :mod:`est_data.store.uploads`."""
    return uploads.keep(folder or config.upload_dir(), name, data)


def discard_upload(path: Path, folder: Path | None = None) -> bool:
    """Remove an uploaded file once its import is done."""
    return uploads.discard(folder or config.upload_dir(), path)


def sweep_uploads(folder: Path | None = None) -> list[Path]:
    """Remove uploads left for more than a day (previews whose import never came)."""
    return uploads.sweep(folder or config.upload_dir())


def preview_file(path: Path, source: str, sheet: str | None = None, rows: int = 8) -> Preview:
    """Read a file (no database) and map its columns as the import would."""
    profile = load_profile(source) if source else None
    raw = read_file(path, encoding=profile.encoding if profile else None,
                    delimiter=profile.delimiter if profile else None,
                    sheet=sheet or (profile.sheet if profile else None))
    try:
        head = raw.head(rows).to_pandas().drop(columns=["_row"]).fillna("")
        if raw.police_feed:
            return Preview(file_format=raw.describe_sv(), columns=raw.columns, head=head,
                           rows=raw.rows, police_feed=True, mapping={},
                           mapping_source="aktörens profil", sheets=raw.sheets,
                           sheet=raw.sheet)
        named = {f: c for f, c in (profile.columns if profile else {}).items()
                 if c in raw.columns}
        guess = None
        if named:
            auto = headers.auto_map(raw.columns)
            mapping = {f: c for f, c in auto.items() if c not in named.values()}
            mapping.update(named)
        else:
            guess = normalize.guess_mapping(raw)
            mapping = guess.mapping
        source_sv = ("aktörens profil" if named and len(named) == len(mapping)
                     else "aktörens profil, kompletterad utifrån rubrikerna" if named
                     else "filens rubriker och innehåll (ingen profil)")
        return Preview(file_format=raw.describe_sv(), columns=raw.columns, head=head,
                       rows=raw.rows, police_feed=False, mapping=mapping,
                       mapping_source=source_sv, missing=headers.missing_fields(mapping),
                       sheets=raw.sheets, sheet=raw.sheet, guess=guess)
    finally:
        raw.close()


def evidence_table(preview: Preview, mapping: dict[str, str]) -> pd.DataFrame:
    """Why each field got its column (for a guessed mapping): ``Fält``, ``Kolumn``,
    ``Säkerhet``, ``Varför``; a field the person changed says so."""
    if preview.guess is None:
        return pd.DataFrame(columns=["Fält", "Kolumn", "Säkerhet", "Varför"])
    rows = []
    for f, label in field_labels().items():
        chosen, proposed = mapping.get(f), preview.guess.choices.get(f)
        if not chosen and not proposed:
            continue
        if proposed and chosen == proposed.column:
            rows.append((label, chosen, f"{proposed.confidence_sv} "
                         f"({round(proposed.score * 100)} %)", "; ".join(proposed.reasons)))
        else:
            rows.append((label, chosen or "—", "ändrad för hand",
                         f"förslaget var {proposed.column!r}" if proposed else ""))
    return pd.DataFrame(rows, columns=["Fält", "Kolumn", "Säkerhet", "Varför"])


def open_questions(preview: Preview, mapping: dict[str, str],
                   report: ImportReport | None) -> list[guard.Question]:
    """The questions the chosen mapping leaves open (the CLI's reasons to stop), for a
    file without a profile: unused columns of times or places (from the preview), too
    many unknown categories and coordinates none of which could be placed (from the
    check's report)."""
    if preview.guess is None or preview.police_feed:
        return []
    chosen = {f: c for f, c in mapping.items() if c}
    questions = guard.column_questions(Guess(
        choices={f: Choice(f, c, 1.0, ()) for f, c in chosen.items()},
        unused=[c for c in preview.columns if c not in chosen.values()],
        contents=preview.guess.contents))
    return questions + (guard.report_questions(report) if report is not None else [])


def profile_stamp(source: str) -> int:
    """Changes when the actor's profile file changes (for caching previews)."""
    from est_data.core import config

    path = Path(config.PROFILES_DIR) / f"{source}.toml"
    return path.stat().st_mtime_ns if path.exists() else 0


@contextmanager
def scratch_copy(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a throwaway copy of the database (for dry runs): nothing done
    there can reach the real file, and it needs no lock on it. The copy holds every
    incident, so it stays beside the database (a private ``<name>.check-*`` folder, which
    retention removes should a crash leave one behind), not in a shared temporary folder."""
    db = Path(db).resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{db.name}.check-", dir=db.parent) as tmp:
        copy = Path(tmp) / "check.duckdb"
        if Path(db).exists():
            with refusals_told(copy):
                shutil.copy2(db, copy)
        with open_db(copy) as con:
            yield con


def check_file(db: Path, path: Path, source: str, mapping: dict[str, str] | None,
               file_name: str, actor_name: str | None = None, sheet: str | None = None,
               progress: Progress | None = None) -> ImportReport:
    """A dry run: everything an import would do, reported, nothing kept."""
    with scratch_copy(db) as con:
        return import_file(con, path, source, mapping=mapping or None, dry_run=True,
                           sheet=sheet, file_name=file_name, actor_name=actor_name,
                           progress=progress, keep_raw=False)


def commit_file(db: Path, path: Path, source: str, mapping: dict[str, str] | None,
                file_name: str, actor_name: str | None = None, actor_kind: str | None = None,
                sheet: str | None = None, progress: Progress | None = None,
                username: str = "okänd", accept_outside: bool = False) -> ImportReport:
    """Import for real: one copy-on-write session (the app's readers never block it and
    never see half of it), the original file kept beside the database, the write logged."""
    with write_session(db) as con:
        report = import_file(con, path, source, mapping=mapping or None, sheet=sheet,
                             file_name=file_name, actor_name=actor_name, actor_kind=actor_kind,
                             progress=progress, raw_root=config.raw_dir(db),
                             accept_outside=accept_outside)
        audit.record(con, username, "import", report.audit_summary())
        return report


def undo_import(db: Path, batch_id: str, username: str = "okänd") -> int:
    with write_session(db) as con:
        removed = undo_batch(con, batch_id)
        audit.record(con, username, "import.undo", f"{batch_id}: {removed} händelser borttagna")
        return removed


def save_mapping_as_profile(source: str, name: str, kind: str, mapping: dict[str, str],
                            folder: Path | None = None) -> Path:
    """Save (or update) the actor's profile with this column mapping; the profile's
    other settings (categories, skip words, formats) are kept."""
    current = load_profile(source, folder) or Profile(key=source, name=name, kind=kind)
    return save_profile(current.with_columns({f: c for f, c in mapping.items() if c}), folder)


def actor_choices(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``{key: name}`` of the actors in the database and those with a profile."""
    names = {p.key: p.name for p in list_profiles().values()}
    names.update(dict(con.execute("SELECT source, name FROM actors").fetchall()))
    return dict(sorted(names.items(), key=lambda kv: kv[1].lower()))


def actor_key(name: str) -> str:
    """A key for a new actor from its name: ``"Bostadsbolaget Öst AB"`` → ``bostadsbolaget_ost_ab``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:40]


def undoable_imports(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``{batch_id: "2025-03-04 10:15 · Aktör · fil.csv"}`` of file imports not undone."""
    rows = con.execute("""SELECT b.batch_id, b.imported_at, coalesce(a.name, b.source), b.file_name
        FROM import_batches b LEFT JOIN actors a USING (source)
        WHERE b.undone_at IS NULL AND b.file_sha256 IS NOT NULL
        ORDER BY b.imported_at DESC, b.batch_id DESC""").fetchall()
    return {b: f"{t:%Y-%m-%d %H:%M} · {a} · {f}" for b, t, a, f in rows}


def field_labels() -> dict[str, str]:
    """``{field: Swedish label}`` in display order."""
    return {f: label for f, (label, _) in headers.FIELDS.items()}


def required_ok(mapping: dict[str, str]) -> bool:
    return not headers.missing_fields({f: c for f, c in mapping.items() if c})


