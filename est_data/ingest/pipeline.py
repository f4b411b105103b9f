"""One file into the database: read, map, transform, place, deduplicate, write.

Guarantees (issue 3):

- one transaction per file: a failure anywhere leaves the database as it was;
- idempotent: the key is ``source:source_ref`` (or ``source:#<content hash>`` without
  an id); the same file again, or an overlapping export, adds nothing twice; a known
  key with new content is an update (the earlier version kept in ``incident_history``
  so the import can be undone);
- rejected rows go to ``rejected_rows`` with a Swedish reason, nothing is dropped
  silently;
- the original file is kept as ``raw/<sha256>.<ext>`` beside the database, with a
  small JSON note per import so ``rebuild`` can replay every import with the profiles;
  the note counts (``committed``) only once the import has landed in the database file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from est_data.core import config
from est_data.areas.geometry import load_areas
from est_data.store.db import after_write, transaction
from est_data.store.history import common_columns, keep_old_versions
from est_data.store.sqlutil import fetch_value
from est_data.ingest import dedupe, guard, normalize, places, police, rawfiles
from est_data.ingest.columns import Guess
from est_data.ingest.addresses import load_register
from est_data.ingest.errors import IngestError
from est_data.ingest.profiles import Profile, load_profile
from est_data.ingest.readers import RawTable, read_file
from est_data.ingest.report import ImportReport
from est_data.ingest.stage import INCIDENT_COLUMNS, Staged, stage

# progress(fraction done, step key); STEPS gives each key's text in English and Swedish.
Progress = Callable[[float, str], None]
STEPS = {"read": ("reading the file", "Läser filen"),
         "parse": ("parsing columns, dates and categories", "Tolkar kolumner, datum och kategorier"),
         "place": ("placing reports, masking personal data", "Placerar händelserna och maskerar personuppgifter"),
         "write": ("writing and searching duplicates", "Skriver till databasen och letar dubbletter"),
         "done": ("done", "Klart")}
POLICE_PROFILE_KEY = "polisen_handelser"
# A stored report with the same key and these values is "already imported"; any
# difference makes the new version an update.
COMPARED_COLUMNS = ("occurred_at", "reported_at", "category", "raw_category", "lat", "lon",
                    "x", "y", "precision", "address", "area_id", "focus_area_id",
                    "description", "time_known", "occurred_to")


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    path = fetch_value(con, "SELECT path FROM duckdb_databases() "
                            "WHERE database_name = current_database()")
    return Path(path).resolve() if path else None


def raw_root_for(con: duckdb.DuckDBPyConnection) -> Path | None:
    db = database_file(con)
    return config.raw_dir(db) if db else None


def _resolve_profile(profile: Profile | str | Path | None, source: str) -> Profile | None:
    if isinstance(profile, Profile):
        return profile
    if profile is not None:
        found = load_profile(profile)
        if found is None:
            raise IngestError(f"no profile {profile!r} (looked in {config.PROFILES_DIR})",
                              f"Profilen {profile!r} finns inte.")
        return found
    return load_profile(source)


def read_and_stage(con: duckdb.DuckDBPyConnection, path: Path, source: str,
                   profile: Profile | None, mapping: dict[str, str] | None,
                   now: dt.datetime, progress: Progress, sheet: str | None = None,
                   accept_outside: bool = False
                   ) -> tuple[RawTable, Staged, dict, Profile | None, Guess | None]:
    """Read ``path`` and stage its rows against the areas stored in ``con``; the guess
    is the column scorer's when the mapping was guessed (no profile, no mapping)."""
    raw = read_file(path, encoding=profile.encoding if profile else None,
                    delimiter=profile.delimiter if profile else None,
                    sheet=sheet or (profile.sheet if profile else None), con=con)
    guess = None
    try:
        progress(0.25, "parse")
        areas_wgs = load_areas(con)
        if raw.police_feed:
            if profile is None or profile.format != "polisen_json":
                profile = load_profile(POLICE_PROFILE_KEY) or profile
            police.normalize(raw, profile or Profile(key=source, name=source,
                                                     format="polisen_json"),
                             places.place_names(areas_wgs))
            used = {"datetime": "name (titel)", "category": "type",
                    "description": "summary", "ref": "id", "reported": "datetime"}
        else:
            if profile is not None and profile.format == "polisen_json":
                raise IngestError(
                    f"the profile {profile.key!r} expects the police events feed (JSON), "
                    f"but the file is {raw.kind.upper()}",
                    f"Profilen {profile.name} förväntar sig Polisens händelseflöde (JSON), "
                    f"men filen är {raw.kind.upper()}.")
            used, guess = ((dict(mapping), None) if mapping
                           else normalize.resolve_mapping(raw, profile, source))
            if mapping:
                normalize.check_required(raw.columns, used, profile, source)
                bad = [c for c in used.values() if c not in raw.columns]
                if bad:
                    raise IngestError(f"the mapping names unknown columns: {', '.join(bad)}",
                                      f"Mappningen pekar på okända kolumner: {', '.join(bad)}.")
            normalize.normalize(raw, used, profile)
        progress(0.45, "place")
        register = load_register(config.ADDRESSES_PATH)
        staged = stage(raw, profile, source, areas_wgs, register, now, accept_outside)
    except BaseException:
        raw.close()
        raise
    return raw, staged, used, profile, guess


def import_file(con: duckdb.DuckDBPyConnection, path: Path | str, source: str,
                profile: Profile | str | Path | None = None, *,
                mapping: dict[str, str] | None = None, dry_run: bool = False,
                sheet: str | None = None, file_name: str | None = None,
                actor_name: str | None = None, actor_kind: str | None = None, keep_raw: bool = True,
                raw_root: Path | None = None, progress: Progress | None = None,
                now: dt.datetime | None = None, accept: bool = True,
                accept_outside: bool = False) -> ImportReport:
    """Import one file for the actor ``source`` in one transaction.

    ``profile`` is a :class:`Profile`, a profile key or path, or None (the actor's
    profile if there is one, else automatic mapping); ``mapping`` ({field: column})
    overrides the profile's columns (the app's corrected preview), ``sheet`` its sheet of a
    workbook. ``dry_run`` computes everything and rolls it back. A guessed mapping (no
    profile, no ``mapping``) with open questions (:mod:`est_data.ingest.guard`) raises
    :class:`~est_data.ingest.guard.ImportRefused` unless ``accept``. A row whose point
    lies outside the municipality (:mod:`est_data.ingest.extent`) is rejected; with
    ``accept_outside`` it is stored with its point and no area.
    """
    t0 = time.perf_counter()
    progress = progress or (lambda _f, _t: None)
    mapping = {f: c for f, c in (mapping or {}).items() if c} or None
    path = Path(path)
    source = _checked_source(source)
    now = now or dt.datetime.now().replace(microsecond=0)
    prof = _resolve_profile(profile, source)
    progress(0.05, "read")
    sha = file_sha256(path) if path.exists() else ""
    raw, staged, used, prof, guess = read_and_stage(con, path, source, prof, mapping, now,
                                                    progress, sheet, accept_outside)
    timings = {"read_transform": time.perf_counter() - t0}
    try:
        report = _report(raw, staged, source, actor_name or (prof.name if prof else source),
                         file_name or path.name, sha, prof, used, dry_run)
        if guess is not None:
            guard.ask(guess, report, accept=accept or dry_run)
    except BaseException:
        raw.close()
        raise
    progress(0.7, "write")
    root = raw_root if raw_root is not None else raw_root_for(con)
    try:
        _write_or_roll_back(con, staged, report, prof, now, actor_kind, dry_run, timings, t0)
    finally:
        raw.close()
    if keep_raw and root is not None and sha and not dry_run:
        rawfiles.keep_files(con, root, path, report, now, mapping, sheet, accept_outside)
    progress(1.0, "done")
    return report


def _write_or_roll_back(con, staged: Staged, report: ImportReport, prof: Profile | None,
                        now: dt.datetime, actor_kind: str | None, dry_run: bool,
                        timings: dict[str, float], t0: float) -> None:
    """Write the staged rows in one transaction (rolled back for a dry run) and put the
    timings into the report."""
    t1 = time.perf_counter()
    try:
        with transaction(con):
            _write(con, staged, report, prof, now, actor_kind)
            if dry_run:
                raise _DryRun()
            timings["write_dedupe"] = time.perf_counter() - t1
            timings["total"] = time.perf_counter() - t0
            report.seconds = {k: round(v, 3) for k, v in timings.items()}
            con.execute("UPDATE import_batches SET report = ? WHERE batch_id = ?",
                        [report.to_json(), report.batch_id])
    except _DryRun:
        report.batch_id = None
        timings["total"] = time.perf_counter() - t0
        report.seconds = {k: round(v, 3) for k, v in timings.items()}


def _checked_source(source: str) -> str:
    source = source.strip()
    if not profile_key_ok(source):
        raise IngestError(f"the actor key {source!r} must be lower-case letters, digits, _ or -",
                          "Aktörens nyckel får bara innehålla små bokstäver, siffror, _ och -.")
    return source


def _report(raw: RawTable, staged: Staged, source: str, actor_name: str, file_name: str,
            sha: str, prof: Profile | None, used: dict, dry_run: bool) -> ImportReport:
    """The import report of what the file holds (the write fills in the rest)."""
    return ImportReport(
        source=source, actor_name=actor_name, file_name=file_name, sha256=sha,
        file_format=raw.describe_sv(), profile=(prof.key if prof else None), mapping=used,
        dry_run=dry_run, rows_read=staged.read, rows_rejected=staged.rejected.num_rows,
        rows_repeated_in_file=staged.repeated_in_file, time_unknown=staged.time_unknown,
        spans=staged.spans, span_dropped=staged.span_dropped,
        lines_decoded_fallback=raw.fallback_lines,
        skipped=staged.skipped, rejected_reasons=staged.rejected_reasons,
        rejected_sample=[(int(r["row_number"]), r["reason"], r["raw"])
                         for r in staged.rejected.slice(0, 20).to_pylist()],
        unknown_categories=staged.unknown_categories, category_rules=staged.category_rules,
        ambiguous_categories=staged.ambiguous_categories, categories=staged.categories,
        masked=staged.masked, location=staged.location, precision=staged.precision)


def profile_key_ok(key: str) -> bool:
    from est_data.ingest.profiles import KEY_RE

    return bool(KEY_RE.match(key or ""))


def _new_batch_id(con, source: str, sha: str, now: dt.datetime) -> str:
    base = f"{source}-{now:%Y%m%d-%H%M%S}-{(sha or 'nofile')[:8]}"
    batch_id, k = base, 2
    while fetch_value(con, "SELECT count(*) FROM import_batches WHERE batch_id = ?", [batch_id]):
        batch_id, k = f"{base}-{k}", k + 1
    return batch_id


def _write(con, staged: Staged, report: ImportReport, prof: Profile | None,
           now: dt.datetime, actor_kind: str | None) -> None:
    """Everything the import writes (inside the caller's transaction)."""
    batch_id = _new_batch_id(con, report.source, report.sha256, now)
    report.batch_id = batch_id
    con.execute(
        "INSERT INTO actors (source, name, kind, color) SELECT ?, ?, ?, ? "
        "WHERE NOT EXISTS (SELECT 1 FROM actors WHERE source = ?)",
        [report.source, report.actor_name, actor_kind or (prof.kind if prof else None),
         prof.color if prof else None, report.source])
    # Rows whose key is stored already: unchanged (nothing to do) or changed (update).
    same = " AND ".join(f"i.{c} IS NOT DISTINCT FROM n.{c}" for c in COMPARED_COLUMNS)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _known AS
        SELECT n.incident_id, {same} AS unchanged
        FROM {staged.table} n JOIN incidents i USING (incident_id)""")
    known = con.execute("SELECT count(*) FILTER (WHERE unchanged), "
                        "count(*) FILTER (WHERE NOT unchanged) FROM _known").fetchall()[0]
    total, lo, hi = con.execute(f"SELECT count(*), min(occurred_at), max(occurred_at) "
                                f"FROM {staged.table}").fetchall()[0]
    report.rows_from, report.rows_to = (None if t is None else str(t) for t in (lo, hi))
    report.rows_unchanged, report.rows_updated = int(known[0]), int(known[1])
    report.rows_new = int(total) - report.rows_unchanged - report.rows_updated
    changed = "SELECT incident_id FROM _known WHERE NOT unchanged"
    if report.rows_updated:
        keep_old_versions(con, changed, [], batch_id, now)
        con.execute(f"DELETE FROM incidents WHERE incident_id IN ({changed})")
    cols = ", ".join(INCIDENT_COLUMNS)
    skip = (" WHERE incident_id NOT IN (SELECT incident_id FROM _known WHERE unchanged)"
            if report.rows_unchanged else "")
    con.execute(f"INSERT INTO incidents ({cols}, batch_id) SELECT {cols}, ? "
                f"FROM {staged.table}{skip}", [batch_id])
    if report.rows_new or report.rows_updated:
        dedupe.mark_duplicates(con, lo, hi)
    report.rows_duplicate = int(fetch_value(
        con, "SELECT count(*) FROM incidents WHERE batch_id = ? AND duplicate_of IS NOT NULL",
        [batch_id]) or 0)
    con.execute("DROP TABLE _known")
    rejected = staged.rejected
    if rejected.num_rows:
        con.register("rejected_in", rejected)
        con.execute("INSERT INTO rejected_rows (batch_id, row_number, reason, raw) "
                    "SELECT ?, row_number, reason, raw FROM rejected_in", [batch_id])
        con.unregister("rejected_in")
    con.execute("""INSERT INTO import_batches (batch_id, source, file_name, file_sha256,
            imported_at, rows_read, rows_imported, rows_duplicate, rows_rejected, profile,
            file_format, rows_updated, rows_unchanged, rows_skipped, values_masked)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [batch_id, report.source, report.file_name, report.sha256 or None, now,
                 report.rows_read, report.rows_new, report.rows_duplicate, report.rows_rejected,
                 report.profile, report.file_format, report.rows_updated, report.rows_unchanged,
                 report.rows_skipped, report.values_masked])


# --- undo ------------------------------------------------------------------------------

def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: str,
               raw_root: Path | None = None) -> int:
    """Take an import back: remove the incidents it added, restore the versions it
    replaced, recompute duplicates around them. Returns the number of incidents removed.

    Incidents a later import has updated since belong to that import and stay.
    """
    row = con.execute("SELECT undone_at FROM import_batches WHERE batch_id = ?",
                      [batch_id]).fetchall()
    if not row:
        raise IngestError(f"no import batch {batch_id!r}", f"Importen {batch_id} finns inte.")
    if row[0][0] is not None:
        raise IngestError(f"the import {batch_id!r} is already undone",
                          f"Importen {batch_id} är redan ångrad.")
    with transaction(con):
        span = con.execute(
            "SELECT min(t), max(t) FROM (SELECT occurred_at AS t FROM incidents WHERE batch_id = ? "
            "UNION ALL SELECT occurred_at FROM incident_history WHERE replaced_by_batch = ?)",
            [batch_id, batch_id]).fetchall()[0]
        removed = int(fetch_value(con, "SELECT count(*) FROM incidents WHERE batch_id = ?",
                                  [batch_id]) or 0)
        con.execute("DELETE FROM incidents WHERE batch_id = ?", [batch_id])
        col_sql = ", ".join(common_columns(con))
        con.execute(f"""INSERT INTO incidents BY NAME SELECT {col_sql} FROM incident_history
            WHERE replaced_by_batch = ? AND incident_id NOT IN (SELECT incident_id FROM incidents)""",
                    [batch_id])
        con.execute("DELETE FROM incident_history WHERE replaced_by_batch = ?", [batch_id])
        con.execute("UPDATE import_batches SET undone_at = ? WHERE batch_id = ?",
                    [dt.datetime.now().replace(microsecond=0), batch_id])
        if span[0] is not None:
            dedupe.mark_duplicates(con, span[0], span[1])
    root = raw_root if raw_root is not None else raw_root_for(con)
    if root is not None:
        note = Path(root) / rawfiles.BATCH_NOTES / f"{batch_id}.json"
        after_write(con, lambda: rawfiles.mark_note(note, undone=True))
    return removed


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import, newest first, with the actor's name."""
    return con.sql("""SELECT b.batch_id, b.source, coalesce(a.name, b.source) AS actor,
            b.file_name, b.imported_at, b.rows_read, b.rows_imported, b.rows_updated,
            b.rows_unchanged, b.rows_duplicate, b.rows_rejected, b.rows_skipped,
            b.values_masked, b.undone_at, b.file_sha256 IS NOT NULL AS from_file,
            (SELECT count(*) FROM incidents i WHERE i.batch_id = b.batch_id) AS incidents_now
        FROM import_batches b LEFT JOIN actors a USING (source)
        ORDER BY b.imported_at DESC, b.batch_id DESC""").to_arrow_table().to_pandas()


def batch_report(con: duckdb.DuckDBPyConnection, batch_id: str) -> ImportReport | None:
    text = fetch_value(con, "SELECT report FROM import_batches WHERE batch_id = ?", [batch_id])
    return ImportReport.from_json(text) if text else None
