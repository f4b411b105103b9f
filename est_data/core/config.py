"""Constants and paths, in one place.

Paths are resolved from the repository root so the app, the CLI and the tests agree
wherever they are started from. ``EST_DB`` overrides the database path.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
STATIC_DIR = REPO_ROOT / "static"
DEFAULT_DB_PATH = DATA_DIR / "est.duckdb"
TAXONOMY_PATH = Path(__file__).resolve().parent / "taxonomy.toml"

# The municipality this installation serves.
MUNICIPALITY_NAME = "Östersund"
MUNICIPALITY_CODE = "2380"
TIMEZONE = "Europe/Stockholm"
# Town centre (Stortorget), used to centre maps.
CENTRE_LAT = 63.1792
CENTRE_LON = 14.6361
# Generous bounding box of Östersund municipality in WGS84 (lon_min, lat_min, lon_max,
# lat_max); coordinates outside it are treated as errors on import.
MUNICIPALITY_BBOX = (13.60, 62.85, 15.55, 63.75)

CRS_WGS84 = 4326
CRS_SWEREF99TM = 3006

# Map background tiles: "openstreetmap" (default) or "none" (``EST_TILES``). Tiles are
# the only part of a map fetched from the internet; without them the map still reads.
TILE_SETTINGS = {"openstreetmap": "OpenStreetMap", "none": None}

# The app's shared read-only connection (est_data/store/reader.py) keeps read blocks in memory
# up to this limit, so the app process stays small however large the database grows.
READER_MEMORY_LIMIT = "512MB"

PRECISIONS = ("point", "address", "area", "municipality")
# A report's time span ("between 22.00 and 06.00") longer than this is not kept as a
# span on import (the start stays); the weekday × hour view spreads spans up to it.
SPAN_MAX_DAYS = 14
AREA_KINDS = ("deso", "regso", "custom")


def db_path() -> Path:
    """The database file: ``$EST_DB`` when set, else ``data/est.duckdb``."""
    override = os.environ.get("EST_DB")
    return Path(override).expanduser().resolve() if override else DEFAULT_DB_PATH

# Incidents older than this many years are deleted by `python -m est_data retention`
# (override with EST_RETENTION_YEARS).
RETENTION_YEARS = int(os.environ.get("EST_RETENTION_YEARS", "5"))
BACKUP_DIR = DATA_DIR / "backups"

def map_tiles() -> str | None:
    """The configured map tiles (a folium tile name) or None for no background.

    ``EST_TILES=none`` turns tiles off for rooms without internet; unknown values fall
    back to OpenStreetMap.
    """
    key = os.environ.get("EST_TILES", "openstreetmap").strip().lower()
    return TILE_SETTINGS.get(key, TILE_SETTINGS["openstreetmap"])


# --- Import (est_data.ingest) -----------------------------------------------------------
# One TOML profile per actor: column names, formats, category words, CRS.
PROFILES_DIR = REPO_ROOT / "profiles"
# Optional address register (address;lat;lon or address;x;y) for address-only reports.
ADDRESSES_PATH = DATA_DIR / "addresses.csv"
# Two reports from different actors describe the same event when they are of the same
# category family and lie within these limits (or share an address within the window).
DUPLICATE_WINDOW_MIN = 30
DUPLICATE_DISTANCE_M = 75.0
# A point farther than this from every stored statistical area is outside the
# municipality: the row is rejected unless the import is told to accept it.
OUTSIDE_TOLERANCE_M = 2000.0
# Largest file the Data page accepts (the CLI has no limit).
MAX_UPLOAD_MB = 200  # = server.maxUploadSize in .streamlit/config.toml
# Dates outside [EARLIEST_DATE, today + 1 day] are rejected as implausible.
EARLIEST_DATE = "2000-01-01"
# Files larger than this get a progress bar in the CLI.
PROGRESS_MIN_BYTES = 5_000_000


def raw_dir(db: Path | None = None) -> Path:
    """Where the original files of a database's imports are kept: ``raw/`` beside it."""
    return _beside(db, "raw")


def upload_dir(db: Path | None = None) -> Path:
    """Where files uploaded on the Data page wait for their import: ``uploads/`` beside
    the database (owner-only; removed after the import, or after a day)."""
    return _beside(db, "uploads")


def backup_dir(db: Path | None = None) -> Path:
    """Where ``python -m est_data backup`` writes: ``backups/`` beside the database
    (:data:`BACKUP_DIR` for the default database)."""
    return _beside(db, "backups")


def _beside(db: Path | None, name: str) -> Path:
    return (Path(db) if db is not None else db_path()).resolve().parent / name


# Limits on one imported file (trust item 15): a larger file is refused with a reason, a
# longer line becomes a rejected row, instead of exhausting memory or vanishing silently.
MAX_IMPORT_ROWS = 5_000_000      # data rows in one file
MAX_IMPORT_CELLS = 200_000_000   # rows x columns of a CSV or JSON file
MAX_XLSX_CELLS = 10_000_000      # rows x columns of an Excel sheet (read cell by cell)
MAX_LINE_BYTES = 2_000_000       # one CSV line (DuckDB's own default)
