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
