"""Helpers shared by the import tests (plain functions; fixtures live in the tests)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from est_data.areas.geometry import store_areas
from est_data.store.db import connect
from est_data.demo.build import build_areas

DATA = Path(__file__).resolve().parent / "data"
POLICE_FILE = DATA / "polisen_events_ostersund_jamtland.json"
NOW = dt.datetime(2026, 11, 20, 12, 0)


def areas_only_db(path: Path) -> Path:
    """A database with the demo's areas and no incidents."""
    con = connect(path)
    try:
        deso, focus = build_areas()
        store_areas(con, deso, kind="deso", district=deso["district"], reassign=False)
        store_areas(con, focus, kind="custom", is_focus=True, district=focus["district"],
                    reassign=False)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def table_dump(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Every row of every table, sorted: the database's content."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
    out = {}
    for t in tables:
        rows = con.execute(f"SELECT * FROM {t}").fetchall()
        out[t] = sorted(rows, key=repr)
    return out


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path

REPO_ROOT_FOR_CLI = Path(__file__).resolve().parent.parent


def incident_csv(path: Path, rows: int, prefix: str = "R") -> Path:
    """A small actor export: ``rows`` disturbances with ids ``<prefix>0..``, in 2025."""
    start = dt.datetime(2025, 3, 1, 8, 0)
    lines = ["Id;Datum;Kategori"] + [
        f"{prefix}{i};{start + dt.timedelta(minutes=37 * i):%Y-%m-%d %H:%M};Klotter"
        for i in range(rows)]
    return write(path, "\n".join(lines) + "\n")


# A CLI run in another process that SIGKILLs itself when the database file is renamed
# into place: "before" the rename (the copy is written, the database never receives it),
# or right "after" it (the database has it, nothing after the rename ran).
_KILLED_CLI = """
import os, signal, sys
from pathlib import Path
when, db, args = sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3:]
real_replace = os.replace
def replace(src, dst, *a, **k):
    hit = Path(dst).resolve() == db
    if hit and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst, *a, **k)
    if hit and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from est_data.cli import main
sys.exit(main(args))
"""


def killed_cli(when: str, db: Path, *args: str) -> int:
    """Run ``python -m est_data *args`` killed at the rename (see above); its exit code."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _KILLED_CLI, when, str(db), *args],
                          cwd=REPO_ROOT_FOR_CLI, capture_output=True, text=True, timeout=60)
    return proc.returncode
