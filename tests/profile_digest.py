"""A digest of what the demo's five actors' exports (and the real police feed) become
through their profiles, to
prove that a change to the import leaves every profile's database as it was (issue 13).

    python tests/profile_digest.py > tests/data/profile_digest.json   # regenerate

Only regenerate on purpose, from a commit whose import is known right, and say so in
the commit message.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from est_data.demo.samples import demo_rows, write_demo_exports
from est_data.ingest import import_file
from est_data.store.db import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_util import POLICE_FILE, areas_only_db  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 12, 0)
COLUMNS = ("incident_id", "source", "source_ref", "occurred_at", "reported_at", "category",
           "raw_category", "round(lat, 6)", "round(lon, 6)", "precision", "address",
           "area_id", "focus_area_id", "description", "time_known", "duplicate_of")


def digest(folder: Path) -> dict:
    """Import the five demo exports with their profiles; digest the result per actor."""
    files = write_demo_exports(folder, rows=demo_rows(2500, 11), seed=11)
    db = areas_only_db(folder / "base.duckdb")
    con = connect(db)
    try:
        for source in sorted(files):
            import_file(con, files[source], source, now=NOW)
        import_file(con, POLICE_FILE, "polisen_handelser", now=NOW)   # the real feed
        out = {}
        for (source,) in con.execute("SELECT DISTINCT source FROM incidents ORDER BY 1").fetchall():
            rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM incidents WHERE source = ? "
                               "ORDER BY incident_id", [source]).fetchall()
            rejected = con.execute("SELECT count(*) FROM rejected_rows r JOIN import_batches b "
                                   "USING (batch_id) WHERE b.source = ?", [source]).fetchall()
            out[source] = {"incidents": len(rows), "rejected": rejected[0][0],
                           "sha256": hashlib.sha256(repr(rows).encode()).hexdigest()}
        return out
    finally:
        con.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(digest(Path(tmp)), indent=2, sort_keys=True))
