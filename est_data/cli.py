"""``python -m est_data``: the command line over the same functions the app uses.

Expected failures (missing files, bad input, a locked database) print one line starting
with ``error:`` and exit with status 2; they never show a traceback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import duckdb

from est_data.areas import geometry as areas_mod
from est_data.store import audit, backup, info, retention
from est_data.demo import build as demo
from est_data.core.auth import hash_password
from est_data.cli_eval import add_evaluation_commands
from est_data.cli_maps import add_map_commands
from est_data.cli_lagesbild import add_lagesbild_commands
from est_data.core.errors import UserError
from est_data.core.config import PROGRESS_MIN_BYTES, RETENTION_YEARS, backup_dir, db_path, raw_dir
from est_data.store.db import open_db, write_session
from est_data.store.dbfile import refusal
from est_data.ingest.errors import IngestError
from est_data.ingest.progress import terminal_bar

# IngestError and ValueError (evaluation, measures) are listed until they derive from UserError.
EXPECTED_ERRORS = (UserError, IngestError, FileExistsError, FileNotFoundError, ValueError,
                   duckdb.IOException)


def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="database file (default: $EST_DB or data/est.duckdb)")


def cmd_init(args) -> int:
    with write_session(path := args.db or db_path()):
        pass
    print(f"database ready: {path}")
    return 0


def cmd_demo(args) -> int:
    path = args.db or db_path()
    print(f"building demo database {path} ({args.incidents:,} incidents, seed {args.seed}) ...")
    count = demo.build_demo_file(path, incidents=args.incidents, seed=args.seed,
                                 force=args.force)
    print(f"done: {count:,} incidents in {path}")
    return 0


def cmd_areas_import(args) -> int:
    path = args.db or db_path()
    gdf = areas_mod.read_area_file(args.file, id_field=args.id_field, name_field=args.name_field,
                                   population_field=args.population_field)
    with write_session(path) as con:
        count = areas_mod.store_areas(con, gdf, kind=args.kind, is_focus=args.focus)
        print(f"{count} areas of kind '{args.kind}' stored in {path}; incidents re-assigned")
    return 0


def cmd_info(args) -> int:
    with open_db(path := args.db or db_path(), read_only=True) as con:
        print(info.format_info(info.database_info(con), path))
    return 0


def cmd_backup(args) -> int:
    path = args.db or db_path()
    stamp = audit.now_local().strftime("%Y%m%d-%H%M%S")
    if args.parquet:
        out = backup.export_parquet(path, args.out or backup_dir(path) / f"est-{stamp}-parquet")
    else:
        out = backup.backup_copy(path, args.out or backup_dir(path) / f"est-{stamp}.duckdb")
    print(f"backup written: {out}")
    return 0


def cmd_retention(args) -> int:
    path = args.db or db_path()
    today = audit.now_local().date()
    if args.dry_run:
        with open_db(path, read_only=True) as con:
            p = retention.plan(con, args.years, today, retention.Places.of(path))
    else:
        p = retention.run(path, args.years, today, audit.cli_user())
    print("\n".join(retention.lines(p, args.years, args.dry_run)))
    return 0


def cmd_hash_password(args) -> int:
    import getpass

    password = getpass.getpass("password: ")
    if len(password) < 10:
        raise ValueError("use at least 10 characters")
    if getpass.getpass("again: ") != password:
        raise ValueError("the passwords differ")
    print(hash_password(password))
    return 0


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_import(args) -> int:
    from est_data.ingest import import_file
    from est_data.ingest.guard import ImportRefused

    path = args.db or db_path()
    if not args.file.is_file():
        raise IngestError(f"no such file: {args.file}")
    big = args.progress or args.file.stat().st_size >= PROGRESS_MIN_BYTES
    if args.dry_run:
        from est_data.ingest.service import scratch_copy

        with scratch_copy(path) as con:
            report = import_file(con, args.file, args.source, args.profile, dry_run=True,
                                 sheet=args.sheet, progress=terminal_bar(big), keep_raw=False,
                                 accept_outside=args.accept_outside)
    else:
        try:
            # Copy-on-write: an app that has the database open never blocks the import.
            with write_session(path) as con:
                report = import_file(con, args.file, args.source, args.profile,
                                     sheet=args.sheet, progress=terminal_bar(big),
                                     raw_root=raw_dir(path), accept=args.accept,
                                     accept_outside=args.accept_outside)
                audit.record(con, audit.cli_user(), "import", report.audit_summary())
        except ImportRefused as exc:   # nothing written; the proposed profile is
            print("\n".join(exc.propose(args.file)))   # written next to the file
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
    print("\n".join(report.lines()))
    if not args.dry_run:
        print(f"database: {path}")
    return 0


def cmd_rebuild(args) -> int:
    from est_data.ingest.rebuild import rebuild

    path = args.db or db_path()
    result = rebuild(path, progress=terminal_bar(True), username=audit.cli_user())
    print(f"rebuilt {path}: {result.replayed} imports replayed from raw files, "
          f"{result.carried_batches} batches carried over, {result.undone_kept} undone "
          f"imports kept as undone, {result.incidents:,} incidents")
    if result.interrupted:
        n = len(result.interrupted)
        print(f"{n} interrupted import{'s' if n != 1 else ''} left out (killed before "
              "reaching the database): " + ", ".join(result.interrupted))
    # The raw files may hold rows older than the retention setting: apply it again.
    p = retention.run(path, args.years, audit.now_local().date(), audit.cli_user())
    if p.incidents:
        print(f"retention: {p.incidents:,} incidents older than {p.cutoff} deleted again")
    if result.missing_files:
        print("raw file missing, batch left out: " + ", ".join(result.missing_files))
    return 0


def cmd_undo(args) -> int:
    from est_data.ingest import undo_batch

    path = args.db or db_path()
    with write_session(path) as con:
        removed = undo_batch(con, args.batch_id)
        audit.record(con, audit.cli_user(), "import.undo",
                     f"{args.batch_id}: {removed} händelser borttagna")
    print(f"import {args.batch_id} undone: {removed:,} incidents removed")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m est_data",
        description="EST Lägesbild: build, fill and inspect the incident database.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_setup_commands(sub)
    add_evaluation_commands(sub, _db_arg, _iso_date)
    _add_import_commands(sub)
    _add_maintenance_commands(sub)
    add_map_commands(sub, _db_arg, _iso_date)
    add_lagesbild_commands(sub, _db_arg, _iso_date)
    return parser


def _add_setup_commands(sub) -> None:
    """init, demo and areas import: a database to work with."""
    p = sub.add_parser("init", help="create an empty database with the current schema")
    _db_arg(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="build the deterministic Östersund demo database")
    _db_arg(p)
    p.add_argument("--incidents", type=int, default=demo.DEFAULT_INCIDENTS,
                   help=f"number of incidents (default {demo.DEFAULT_INCIDENTS:,})")
    p.add_argument("--seed", type=int, default=demo.DEFAULT_SEED,
                   help=f"random seed; the same seed gives the same database (default {demo.DEFAULT_SEED})")
    p.add_argument("--force", action="store_true", help="replace an existing database file")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("areas", help="area polygons")
    areas_sub = p.add_subparsers(dest="areas_command", required=True, metavar="ACTION")
    p = areas_sub.add_parser("import", help="import polygons from GeoJSON or GeoPackage (any CRS)")
    p.add_argument("file", type=Path, help="GeoJSON (.geojson/.json) or GeoPackage (.gpkg)")
    p.add_argument("--id-field", default="area_id", help="property holding the area id (default area_id)")
    p.add_argument("--name-field", default="name", help="property holding the name (default name)")
    p.add_argument("--population-field", default="population",
                   help="property holding the population, if any (default population)")
    p.add_argument("--kind", default="deso", choices=["deso", "regso", "custom"],
                   help="kind of area (default deso)")
    p.add_argument("--focus", action="store_true", help="mark the areas as EST focus areas")
    _db_arg(p)
    p.set_defaults(func=cmd_areas_import)


def _add_import_commands(sub) -> None:
    """import, rebuild and undo: the actors' exports."""
    p = sub.add_parser("import", help="import an actor's export (CSV, XLSX or the police JSON feed)")
    p.add_argument("file", type=Path, help="the export file")
    p.add_argument("--source", required=True, help="actor key, e.g. ostersundshem")
    p.add_argument("--profile", default=None,
                   help="profile key or .toml path (default: profiles/<source>.toml if it exists, "
                        "else a mapping guessed from the headers and values)")
    p.add_argument("--dry-run", action="store_true",
                   help="check and report what would be imported; write nothing")
    p.add_argument("--sheet", default=None,
                   help="XLSX: the sheet to read (default: the one that looks like data)")
    p.add_argument("--accept", action="store_true", help="commit a guessed mapping (no "
                   "profile) even with open questions (unused time/place, unknown words)")
    p.add_argument("--progress", action="store_true", help="show progress also for small files")
    p.add_argument("--accept-outside", action="store_true",
                   help="keep rows whose point lies outside the municipality (as points without "
                        "area) instead of rejecting them")
    _db_arg(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("rebuild", help="rebuild the database from the kept raw files and profiles")
    _db_arg(p)
    p.add_argument("--years", type=int, default=RETENTION_YEARS,
                   help=f"retention applied after the rebuild (default {RETENTION_YEARS} years)")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("undo", help="undo one import (by batch id)")
    p.add_argument("batch_id")
    _db_arg(p)
    p.set_defaults(func=cmd_undo)


def _add_maintenance_commands(sub) -> None:
    """info, backup, retention and hash-password: looking after the file and the users."""
    p = sub.add_parser("info", help="counts per table, actor and category")
    _db_arg(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("backup", help="a consistent copy of the database (or Parquet files)")
    _db_arg(p)
    p.add_argument("--out", type=Path, default=None,
                   help="target file (or folder with --parquet); default "
                        "backups/est-<time> beside the database")
    p.add_argument("--parquet", action="store_true", help="export every table as Parquet instead")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("retention", help="delete incidents older than N years (personal data)")
    _db_arg(p)
    p.add_argument("--years", type=int, default=RETENTION_YEARS,
                   help=f"years to keep (default {RETENTION_YEARS}, or $EST_RETENTION_YEARS)")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.set_defaults(func=cmd_retention)

    p = sub.add_parser("hash-password", help="hash a password for .streamlit/secrets.toml")
    p.set_defaults(func=cmd_hash_password)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "incidents", 1) is not None and getattr(args, "incidents", 1) < 0:
        parser.error("--incidents must be zero or more")
    try:
        return args.func(args)
    except EXPECTED_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:   # a full disk or a read-only folder outside the database
        error = refusal(exc, Path(exc.filename or "."))
        if error is None:
            raise
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
