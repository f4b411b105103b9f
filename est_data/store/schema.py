"""The DuckDB schema (README §2) and its upgrades.

The file is a product interface: analysts open it in the ``duckdb`` CLI. Column names
of the contract are fixed; later versions only add. Each entry of ``MIGRATIONS`` takes
the schema from version ``n - 1`` to ``n``; :func:`ensure_schema` applies the missing
ones in one transaction.
"""
from __future__ import annotations

import duckdb

from est_data.core.errors import UserError
from est_data.store.sqlutil import fetch_row, fetch_value

_V1 = [
    """
    CREATE TABLE IF NOT EXISTS actors (
        source      TEXT PRIMARY KEY,   -- actor key used in incidents.source
        name        TEXT NOT NULL,      -- shown in the app
        kind        TEXT,               -- bostadsbolag, fastighetsagare, polis, kommun, ideell
        color       TEXT
    )""",
    """
    CREATE TABLE IF NOT EXISTS areas (
        area_id     TEXT PRIMARY KEY,   -- DeSO/RegSO code or own id
        name        TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('deso', 'regso', 'custom')),
        district    TEXT,               -- the named part of town the area belongs to
        population  INTEGER,
        is_focus    BOOLEAN NOT NULL DEFAULT FALSE,
        geometry    TEXT NOT NULL,      -- WKT, WGS84 (EPSG:4326)
        centroid_lat DOUBLE,
        centroid_lon DOUBLE,
        area_km2    DOUBLE              -- measured in SWEREF 99 TM
    )""",
    """
    CREATE TABLE IF NOT EXISTS import_batches (
        batch_id        TEXT PRIMARY KEY,
        source          TEXT NOT NULL,
        file_name       TEXT,
        file_sha256     TEXT,
        imported_at     TIMESTAMP NOT NULL,
        rows_read       INTEGER NOT NULL DEFAULT 0,
        rows_imported   INTEGER NOT NULL DEFAULT 0,
        rows_duplicate  INTEGER NOT NULL DEFAULT 0,
        rows_rejected   INTEGER NOT NULL DEFAULT 0,
        undone_at       TIMESTAMP
    )""",
    """
    CREATE TABLE IF NOT EXISTS incidents (
        incident_id   TEXT PRIMARY KEY,  -- stable key: source + ':' + source_ref
        source        TEXT NOT NULL,     -- actor key (actors.source)
        source_ref    TEXT,              -- the actor's own id
        occurred_at   TIMESTAMP NOT NULL,-- Swedish local time
        reported_at   TIMESTAMP,
        category      TEXT NOT NULL,     -- canonical code (taxonomy.toml)
        raw_category  TEXT,              -- the actor's own word
        lat           DOUBLE,            -- WGS84
        lon           DOUBLE,
        x             DOUBLE,            -- SWEREF 99 TM (EPSG:3006), metres east
        y             DOUBLE,            -- SWEREF 99 TM, metres north
        precision     TEXT NOT NULL
                      CHECK (precision IN ('point', 'address', 'area', 'municipality')),
        address       TEXT,
        area_id       TEXT,              -- statistical area (deso/regso) holding the place
        focus_area_id TEXT,              -- custom (focus) area holding the place, if any
        description   TEXT,
        batch_id      TEXT,
        duplicate_of  TEXT               -- NULL, or the incident this one repeats
    )""",
    """
    CREATE TABLE IF NOT EXISTS rejected_rows (
        batch_id    TEXT NOT NULL,
        row_number  INTEGER NOT NULL,
        reason      TEXT NOT NULL,       -- Swedish, shown to the coordinator
        raw         TEXT
    )""",
    """
    CREATE TABLE IF NOT EXISTS interventions (
        intervention_id TEXT PRIMARY KEY,
        area_id     TEXT NOT NULL,
        kind        TEXT NOT NULL,
        title       TEXT NOT NULL,
        started_on  DATE NOT NULL,
        ended_on    DATE,
        actor       TEXT,
        cost_sek    DOUBLE,
        note        TEXT,
        lat         DOUBLE,             -- where it was made, when known (map symbol)
        lon         DOUBLE
    )""",
    """
    CREATE TABLE IF NOT EXISTS meetings (
        meeting_id  TEXT PRIMARY KEY,
        held_on     DATE NOT NULL,
        title       TEXT,
        note        TEXT
    )""",
]

_V2 = [
    """
    CREATE TABLE IF NOT EXISTS audit_log (
        logged_at   TIMESTAMP NOT NULL,  -- Swedish local time
        username    TEXT NOT NULL,       -- who (or 'cli:<os user>' for the command line)
        action      TEXT NOT NULL,       -- import, undo, measure.add, retention, ...
        details     TEXT
    )""",
]

# Import (issue 3): content hashes for idempotence without an id, batch bookkeeping for
# the import report and undo, and the earlier versions of rows an import updated.
_V3 = [
    "ALTER TABLE incidents ADD COLUMN content_hash TEXT",  # md5 of the row's content
    "ALTER TABLE incidents ADD COLUMN time_known BOOLEAN DEFAULT TRUE",  # false: date only
    "ALTER TABLE import_batches ADD COLUMN profile TEXT",
    "ALTER TABLE import_batches ADD COLUMN file_format TEXT",
    "ALTER TABLE import_batches ADD COLUMN rows_updated INTEGER DEFAULT 0",
    "ALTER TABLE import_batches ADD COLUMN rows_unchanged INTEGER DEFAULT 0",
    "ALTER TABLE import_batches ADD COLUMN rows_skipped INTEGER DEFAULT 0",
    "ALTER TABLE import_batches ADD COLUMN values_masked INTEGER DEFAULT 0",
    "ALTER TABLE import_batches ADD COLUMN report TEXT",  # the import report as JSON
    """
    CREATE TABLE IF NOT EXISTS incident_history (
        replaced_by_batch TEXT NOT NULL,   -- the import that replaced this version
        replaced_at   TIMESTAMP NOT NULL,
        incident_id   TEXT NOT NULL,
        source        TEXT,
        source_ref    TEXT,
        occurred_at   TIMESTAMP,
        reported_at   TIMESTAMP,
        category      TEXT,
        raw_category  TEXT,
        lat           DOUBLE,
        lon           DOUBLE,
        x             DOUBLE,
        y             DOUBLE,
        precision     TEXT,
        address       TEXT,
        area_id       TEXT,
        focus_area_id TEXT,
        description   TEXT,
        batch_id      TEXT,
        duplicate_of  TEXT,
        content_hash  TEXT,
        time_known    BOOLEAN
    )""",
]

# Time spans (issue 13): a report known only as "between 22.00 and 06.00" keeps its
# end. ``occurred_at`` stays the start (occurred_from); ``occurred_to`` is NULL for an
# instant.
_V4 = [
    "ALTER TABLE incidents ADD COLUMN occurred_to TIMESTAMP",  # end of a span, or NULL
    "ALTER TABLE incident_history ADD COLUMN occurred_to TIMESTAMP",
]

# Evaluation plans (issue 14): what a measure's evaluation will be, fixed when it is
# logged; a change is a new version with its reason (est_data/evaluation/plans.py).
_V5 = [
    """
    CREATE TABLE IF NOT EXISTS evaluation_plans (
        intervention_id TEXT NOT NULL,   -- interventions.intervention_id
        version     INTEGER NOT NULL,    -- 1 when logged; +1 per change
        created_at  TIMESTAMP NOT NULL,  -- Swedish local time
        created_by  TEXT NOT NULL,
        reason      TEXT,                -- why the plan changed (version > 1)
        targets     TEXT NOT NULL,       -- JSON list of area ids
        controls    TEXT NOT NULL,       -- JSON list; [] = chosen by ``comparison``
        comparison  TEXT NOT NULL,       -- matched | all
        categories  TEXT NOT NULL,       -- JSON list of category codes; [] = all
        start_date  DATE NOT NULL,
        before_days INTEGER NOT NULL,
        after_days  INTEGER NOT NULL,
        gap_days    INTEGER NOT NULL,
        buffer      TEXT NOT NULL,       -- neighbours | areas | ring | none
        buffers     TEXT NOT NULL,       -- JSON list of area ids
        buffer_m    DOUBLE NOT NULL,
        PRIMARY KEY (intervention_id, version)
    )""",
]

# Reports from the app and safety walks (issue 16): who made a report in the app (its
# reporter may correct or withdraw it for 24 hours), the walks and their findings.
_V6 = [
    "ALTER TABLE incidents ADD COLUMN reported_by TEXT",  # user name of an app report, else NULL
    "ALTER TABLE incident_history ADD COLUMN reported_by TEXT",
    """
    CREATE TABLE IF NOT EXISTS walks (
        walk_id     TEXT PRIMARY KEY,
        walked_on   DATE NOT NULL,
        area_id     TEXT NOT NULL,
        actors      TEXT NOT NULL,      -- the actor keys that took part, comma-separated
        note        TEXT,
        created_by  TEXT,
        created_at  TIMESTAMP
    )""",
    """
    CREATE TABLE IF NOT EXISTS walk_findings (
        finding_id  TEXT PRIMARY KEY,
        walk_id     TEXT NOT NULL,
        kind        TEXT NOT NULL,      -- mork_plats, buskage, klotter, las, skrap, annat
        description TEXT,
        lat         DOUBLE,
        lon         DOUBLE,
        responsible TEXT NOT NULL,      -- actor key responsible for the fix
        status      TEXT NOT NULL DEFAULT 'oppen'
                    CHECK (status IN ('oppen', 'atgardad', 'avfardad')),
        fixed_on    DATE,               -- when status is 'atgardad'
        dismissed_reason TEXT,          -- when status is 'avfardad'
        intervention_id TEXT,           -- the measure a fixed finding became
        created_at  TIMESTAMP,
        changed_at  TIMESTAMP
    )""",
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4, _V5, _V6]
SCHEMA_VERSION = len(MIGRATIONS)

CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "incidents": ("incident_id", "source", "source_ref", "occurred_at", "reported_at",
                  "category", "raw_category", "lat", "lon", "x", "y", "precision",
                  "address", "area_id", "description", "batch_id", "duplicate_of",
                  "occurred_to"),
    "areas": ("area_id", "name", "kind", "population", "is_focus", "geometry"),
    "interventions": ("intervention_id", "area_id", "kind", "title", "started_on",
                      "ended_on", "actor", "cost_sek", "note"),
    "import_batches": ("batch_id", "source", "file_name", "file_sha256", "imported_at",
                       "rows_read", "rows_imported", "rows_duplicate", "rows_rejected"),
    "rejected_rows": ("batch_id", "row_number", "reason", "raw"),
}


class SchemaError(UserError, RuntimeError):
    """The database was written by a newer version of the app."""


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version stored in the file (0 for an empty file)."""
    exists = fetch_value(
        con,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    )
    if not exists:
        return 0
    row = fetch_row(con, "SELECT max(version) FROM schema_version")
    return int(row[0] or 0)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> int:
    """Create or upgrade the schema in one transaction; return the version."""
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"the database has schema version {version}, newer than this app's "
            f"{SCHEMA_VERSION}: update the app"
        )
    if version == SCHEMA_VERSION:
        return version
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp)"
        )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [number])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION
